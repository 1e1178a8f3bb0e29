"""`python -m copydesk`: the `copydesk` command."""

from copydesk.flows.cli import main

# processes started by spawning (a Dask LocalCluster's workers) import the main module as __mp_main__: they
# must not run the command
if __name__ == "__main__":
    main()

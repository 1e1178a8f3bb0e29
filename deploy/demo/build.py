"""Regenerate the demo news web (deploy/demo/sites) and deploy/demo/outlets.yaml from deploy/demo/src.

Run `python deploy/demo/build.py` after editing a source; the output is committed (package data) and
`make demo` serves it as is. The generator is bench.synweb (bench/synweb/demo.py holds these outlets'
templates), a development tool that is not installed: deterministic, so a second run rewrites nothing.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.synweb import demo  # noqa: E402

if __name__ == "__main__":
    print("\n".join(demo.render().write(demo.ROOT, ["sites"])) or "up to date", file=sys.stderr)

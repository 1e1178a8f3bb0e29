"""copydesk: a news ETL that folds syndicated copies into stories and loads them into DuckDB.

The repository keeps the design's folders at its top (flows/, tasks/, warehouse/, deploy/); they install
under this one name (copydesk.flows, copydesk.tasks, copydesk.warehouse, copydesk.deploy) so that copydesk
never claims generic top-level import names such as `tasks` in a user's environment.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("copydesk")
except PackageNotFoundError:  # a checkout on sys.path without an install
    __version__ = "0+unknown"

"""`copydesk demo`: the bundled demo outlets served on loopback, one real ingest, and what landed."""

from importlib.resources import files
from pathlib import Path

from rich.console import Console
from rich.table import Table

from copydesk.loopback import serve_sites

# package data: the same folder in a checkout (deploy/demo) and in an installed copydesk
DEMO_ROOT = Path(str(files("copydesk.deploy") / "demo"))

STORIES_PER_OUTLET = """
SELECT outlet_id, count(*) AS articles, count(DISTINCT story_id) AS stories,
       count(*) FILTER (WHERE NOT is_original) AS copies
FROM articles GROUP BY 1 ORDER BY 1
"""

SHARED_STORIES = """
SELECT s.title, s.n_articles AS articles, s.original_outlet_id AS original_from, s.outlet_ids
FROM stories s ORDER BY s.n_articles DESC, s.first_published_at LIMIT 8
"""


def render_outlets(template: Path, base_url: str, target: Path) -> Path:
    """Write a concrete outlets file with {{BASE}} replaced by the server's URL."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(template.read_text(encoding="utf-8").replace("{{BASE}}", base_url), encoding="utf-8")
    return target


def run_demo(warehouse: Path, console: Console) -> None:
    """Serve the demo sites, ingest them into warehouse, print stories per outlet and the biggest stories."""
    from copydesk.flows.execution import stop_workers
    from copydesk.flows.ingest import ingest
    from copydesk.flows.progress import run_progress
    from copydesk.warehouse.store import connect_reader

    sites = DEMO_ROOT / "sites"
    if not sites.is_dir():
        raise SystemExit(f"demo sites not found at {sites}: the copydesk install is incomplete")
    with serve_sites(sites) as server:
        outlets = render_outlets(DEMO_ROOT / "outlets.yaml", server.base_url, warehouse / "demo-outlets.yaml")
        console.print(f"serving the demo outlets at {server.base_url}; ingesting into {warehouse}/ ...")
        try:
            with run_progress(Console(stderr=True)):
                report = ingest(outlets=str(outlets), warehouse=str(warehouse))
        finally:
            stop_workers()
    console.print(
        f"\nloaded {report.articles_new} articles: {report.stories_new} stories, "
        f"{report.copies_linked} copies folded into them, {report.failures} failures recorded\n"
    )
    con = connect_reader(warehouse)
    try:
        for title, query in (("stories per outlet", STORIES_PER_OUTLET), ("largest stories", SHARED_STORIES)):
            cursor = con.execute(query)
            table = Table(title=title)
            for column in cursor.description:
                table.add_column(column[0], overflow="fold")
            for row in cursor.fetchall():
                table.add_row(*[", ".join(v) if isinstance(v, list) else str(v) for v in row])
            console.print(table)
    finally:
        con.close()
    console.print(
        f"\nquery it yourself:  .venv/bin/copydesk sql -w {warehouse} "
        '"select title, outlet_id, is_original from articles order by story_id"\n'
        f"export the corpus:  .venv/bin/copydesk export -w {warehouse} --output corpus.parquet",
        highlight=False,
        soft_wrap=True,
    )


def serve_demo_web(outlets_file: Path, port: int, console: Console) -> None:
    """Serve the demo sites on 127.0.0.1 until SIGINT or SIGTERM, with an outlets file naming them."""
    import signal
    import threading

    sites = DEMO_ROOT / "sites"
    if not sites.is_dir():
        raise SystemExit(f"demo sites not found at {sites}: the copydesk install is incomplete")
    stopped = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopped.set())
    with serve_sites(sites, port) as server:
        outlets = render_outlets(DEMO_ROOT / "outlets.yaml", server.base_url, outlets_file).resolve()
        console.print(
            f"serving the demo outlets at {server.base_url} until stopped (Ctrl-C)\n"
            f"outlets file: {outlets}\n"
            "try, in another terminal:\n"
            f"  .venv/bin/copydesk ingest --outlets {outlets} -w data/demo-web\n"
            f"  .venv/bin/copydesk serve --outlets {outlets} -w data/demo-web",
            highlight=False,
            soft_wrap=True,
        )
        stopped.wait()
    console.print("stopped the demo outlets", highlight=False)

"""`python -m bench.synweb fixtures|demo` rewrites a committed web; `python -m bench.synweb build KIND --out
DIR` writes a bench web (generated, real or cjk) and prints its size."""

import argparse
import sys
from collections import Counter
from pathlib import Path

from bench.synweb import DEFAULT_STORIES, WEBS, build_web, demo, fixtures


def main(argv: list[str] | None = None) -> int:
    """Run the command; 0 on success."""
    parser = argparse.ArgumentParser(prog="python -m bench.synweb", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("fixtures", help="rewrite tests/sites from tests/sites/src")
    commands.add_parser(
        "demo", help="rewrite deploy/demo/sites and deploy/demo/outlets.yaml from deploy/demo/src"
    )
    build = commands.add_parser("build", help="write a bench web")
    build.add_argument("kind", choices=WEBS)
    build.add_argument("--out", type=Path, required=True)
    build.add_argument("--stories", type=int, help=f"stories (default: {DEFAULT_STORIES})")
    build.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.command == "fixtures":
        changed = fixtures.render().write(fixtures.ROOT, fixtures.OUTLET_DIRS)
    elif args.command == "demo":
        changed = demo.render().write(demo.ROOT, ["sites"])
    else:
        web = build_web(args.kind, args.out, args.stories, args.seed)
        # article pages: every HTML file but the outlets' home pages
        html = [p for p in web.sites.rglob("*.html") if p.relative_to(web.sites).parts[1:] != ("index.html",)]
        sizes = sorted(p.stat().st_size for p in html)
        print(
            f"{args.kind}: {web.stories} stories, {web.articles} articles, {len(html)} HTML files, "
            f"{web.page_bytes / 2**20:.1f} MB of pages (median {sizes[len(sizes) // 2]:,} bytes), "
            f"{web.seconds:.1f} s; kinds {dict(web.kinds)}; outlets {len(list(web.sites.iterdir()))}"
        )
        print(
            f"truth encodings: {dict(Counter(str(e['encoding']) for e in web.load()['articles'].values()))}"
        )
        return 0
    print("\n".join(changed) or "up to date", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The one generator of synthetic news webs, shared by the tests, the benchmarks and the demo.

Every web is a site root of outlets on one loopback host, told apart by their first path segment
(`{{BASE}}/<outlet>/`), with feeds, sitemaps, an outlets file and ground truth. The kinds:

  fixtures   tests/sites: six hand-written outlets from tests/sites/src, committed (fixtures.py)
  demo       deploy/demo/sites: the bundled demo from deploy/demo/src, committed as package data (demo.py)
  generated  the bench's web of generated prose, English and Japanese, over one or two runs (generated.py)
  texts      a web of real article texts (or ours) arriving over several runs (texts.py)
  real       real pages' bytes reused over many outlets, with copies of their texts (real.py)
  cjk        Shift_JIS / EUC-JP / EUC-KR and UTF-8 Japanese, Korean and Chinese outlets, long pages (cjk.py)

Shared parts, each written once: markup.py (HTML, JSON-LD, dates, home pages), feeds.py (RSS 2.0, RSS 1.0,
Atom, sitemaps), files.py (committed webs, run roots, legacy charsets, outlets files), truth.py,
copies.py (the kinds of syndicated copy), sources.py (story files and texts), prose.py (generated prose),
outlets.py (the bench outlets and their templates).

Regenerate the committed webs with `python tests/sites/build.py` and `python deploy/demo/build.py` (or
`python -m bench.synweb fixtures|demo`); build a bench web with
`python -m bench.synweb build generated|real|cjk --out DIR [--stories N]`.
"""

from pathlib import Path

from bench.synweb.files import render_outlets
from bench.synweb.generated import GENERATED, KINDS, WebSpec, generate_web
from bench.synweb.markup import BASE
from bench.synweb.truth import GroundTruth

# the webs the throughput benchmark measures (issue 25), and the stories that give each ~7,000 article pages
WEBS = ("generated", "real", "cjk")
DEFAULT_STORIES = {"generated": 1820, "real": 3400, "cjk": 3000}


def build_web(kind: str, out_dir: Path, n_stories: int | None = None, seed: int = 7) -> GroundTruth:
    """Write a one-run bench web of the named kind (see WEBS) into out_dir."""
    if kind not in WEBS:
        raise ValueError(f"unknown web {kind!r}: one of {', '.join(WEBS)}")
    stories = n_stories or DEFAULT_STORIES[kind]
    if kind == "generated":
        return generate_web(out_dir, n_stories=stories, seed=seed, runs=1)
    if kind == "real":
        from bench.synweb.real import generate_real_web

        return generate_real_web(out_dir, n_stories=stories, seed=seed)
    from bench.synweb.cjk import generate_cjk_web

    return generate_cjk_web(out_dir, n_stories=stories, seed=seed)


__all__ = [
    "BASE",
    "DEFAULT_STORIES",
    "GENERATED",
    "KINDS",
    "WEBS",
    "GroundTruth",
    "WebSpec",
    "build_web",
    "generate_web",
    "render_outlets",
]

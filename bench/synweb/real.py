"""The `real` web: real news pages' own bytes as article pages, reused over many outlets, with syndicated
copies rendered from their texts.

The pages and their texts are read at run time from ../shared/bench (aeb-dev: 121 pages; news-pages-dev:
127 pages of 88 publishers; never committed): real page weights, real templates, many languages. A page
whose declared charset is not UTF-8 is re-encoded to it as news-pages-dev's README says (what its server
sent); one that declares none is served with `charset=utf-8` in its Content-Type.

Story i is real page i mod 248 in edition i // 248, placed on one of PRESS_OUTLETS outlets (`press01`...,
multilingual, RSS + sitemap); a page lands on a given outlet at most once in PRESS_OUTLETS editions, so no
outlet's pages repeat one body. Every placement differs in its bytes: a comment naming the placement, its own
canonical link (the original's canonical and og:url are dropped), and a "More from" block of links to other
placements before </body>, so dedupe and caches see distinct pages whose text is the same. Copies of the
story's text come from bench.synweb.texts' copiers (aggregator full copy with related stories, partner edit,
lead, Shift_JIS and EUC-KR recodings, mirror with AMP variant).

truth.json has bench.synweb's shape; a real placement has kind `real`, and stories of one real page in
several editions share its text (`source_text`): the web measures throughput, its truth does not score
dedupe across editions.
"""

import gzip
import json
import random
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bench.synweb.copies import CJK, teaser
from bench.synweb.generated import START, rel_path
from bench.synweb.markup import attr, esc, iso_in, slug
from bench.synweb.outlets import OutletSpec
from bench.synweb.sources import SourceText, language_of, news_page_text, tidy, title_from
from bench.synweb.texts import TEXT_OUTLETS, PagePlan, StoryPlan, _TextWeb, text_outlets_yaml
from bench.synweb.truth import GroundTruth

PRESS_OUTLETS = 24
# a page moves this many outlets on per edition (coprime with PRESS_OUTLETS: a page meets an outlet again only
# after PRESS_OUTLETS editions)
PRESS_STEP = 7
REAL_KINDS = ("real", "full", "edited", "truncated", "sjis", "euckr", "mirror")
COPIERS_USED = ("dailyfeedr", "harbourpost", "briefly", "matome", "hanbit", "citylens")
DEFAULT_SHARED = Path(__file__).resolve().parents[3] / "shared" / "bench"
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)
CANONICAL = re.compile(r"""<link\b[^>]*\brel\s*=\s*["']?canonical\b[^>]*>""", re.I)
OG_URL = re.compile(r"""<meta\b[^>]*\bproperty\s*=\s*["']og:url["'][^>]*>""", re.I)
HEAD_OPEN = re.compile(r"<head\b[^>]*>", re.I)
BODY_CLOSE = re.compile(r"</body\s*>", re.I)


@dataclass(frozen=True)
class RealPage:
    """A real page: its markup, the codec its server sends it in, and its text."""

    html: str
    codec: str  # a Python codec name
    charset_header: bool  # the page declares no charset: the server names utf-8
    text: SourceText


def _codec(declared: str | None) -> str:
    import codecs

    if not declared:
        return "utf-8"
    try:
        return codecs.lookup(declared).name
    except LookupError:
        return "utf-8"


def real_pages(shared: Path = DEFAULT_SHARED) -> list[RealPage]:
    """The pages of aeb-dev and news-pages-dev with their expected texts, in a stable order."""
    pages = []
    aeb = Path(shared) / "aeb-dev"
    truth = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
    for key, entry in sorted(truth.items()):
        paragraphs = tidy(entry["articleBody"].split("\n"))
        if len(paragraphs) < 2:
            continue
        raw = gzip.decompress((aeb / "html" / f"{key}.html.gz").read_bytes())
        declared = META_CHARSET.search(raw[:8192])
        text = SourceText(
            f"aeb-{key[:12]}",
            title_from(paragraphs, entry.get("url", "")),
            paragraphs,
            language_of(" ".join(paragraphs)),
        )
        pages.append(_real_page(raw, declared.group(1).decode("ascii") if declared else None, text))
    news = Path(shared) / "news-pages-dev"
    for case in json.loads((news / "cases.json").read_text(encoding="utf-8")):
        text = news_page_text(case)
        if text is not None:
            pages.append(
                _real_page(
                    gzip.decompress((news / case["html"]).read_bytes()), case.get("declared_charset"), text
                )
            )
    return pages


def _real_page(raw: bytes, declared: str | None, text: SourceText) -> RealPage:
    # both sets store pages as UTF-8; a few bytes may not decode, as on the live page
    return RealPage(raw.decode("utf-8", errors="replace"), _codec(declared), declared is None, text)


def vary_page(page: RealPage, url: str, note: str, more: Sequence[tuple[str, str]], heading: str) -> bytes:
    """The page's bytes as one placement serves them: its own comment and canonical link, the original's
    canonical and og:url dropped, a block of links to other placements before </body>, in its codec."""
    html = OG_URL.sub("", CANONICAL.sub("", page.html))
    marker = f'\n<!-- {note} -->\n<link rel="canonical" href="{attr(url)}">\n'
    opened = HEAD_OPEN.search(html)
    html = html[: opened.end()] + marker + html[opened.end() :] if opened else marker + html
    items = "".join(f'<li><a href="{attr(u)}">{esc(t)}</a></li>' for u, t in more)
    block = f'<aside class="more-from"><h2>{esc(heading)}</h2><ul>{items}</ul></aside>\n'
    closes = list(BODY_CLOSE.finditer(html))
    html = html[: closes[-1].start()] + block + html[closes[-1].start() :] if closes else html + block
    return html.encode(page.codec, errors="xmlcharrefreplace")


def press_outlets(count: int = PRESS_OUTLETS) -> tuple[OutletSpec, ...]:
    """The outlets real pages are placed on (multilingual: no language in the outlets file)."""
    return tuple(
        OutletSpec(f"press{k:02d}", f"Press Room {k:02d}", f"PressRoom{k:02d}", "", "origin", ("rss.xml",),
                   ("sitemap.xml",), ())
        for k in range(1, count + 1)
    )  # fmt: skip


def plan_real_web(pages: Sequence[RealPage], n_stories: int, seed: int) -> list[StoryPlan]:
    """Stories of real pages (see the module docstring): a real placement, then copies of its text."""
    rng = random.Random(f"{seed}:realplan")
    plans = []
    for i in range(n_stories):
        page = pages[i % len(pages)]
        edition = i // len(pages)
        outlet = f"press{(i % len(pages) + PRESS_STEP * edition) % PRESS_OUTLETS + 1:02d}"
        text = page.text
        t0 = (START + timedelta(minutes=7 * i + rng.randrange(7))).replace(second=0, microsecond=0)
        story = StoryPlan(f"r{i:05d}", "story", text, outlet, t0)
        path = f"{outlet}/{t0:%Y/%m/%d}/{slug(text.title)[:60].strip('-') or 'story'}-{i}.html"
        story.pages.append(
            PagePlan(story.key, "real", outlet, text, claimed=t0, path=path, extra={"real": page})
        )
        cjk = text.language in CJK
        copies = [
            ("dailyfeedr", "full", 0.35),
            ("harbourpost", "edited", 0.0 if cjk else 0.25),
            ("briefly", "truncated", 0.25 if len(text.paragraphs) >= 4 else 0.0),
            ("matome", "sjis", 0.9 if text.language == "ja" else 0.03),
            ("hanbit", "euckr", 0.9 if text.language == "ko" else 0.03),
            ("citylens", "mirror", 0.15),
        ]
        for copier, kind, p in copies:
            if rng.random() < p:
                claimed = t0 + timedelta(hours=rng.uniform(1, 30))
                story.pages.append(
                    PagePlan(story.key, kind, copier, text, claimed=claimed, variant=rng.randrange(6))
                )
        plans.append(story)
    return plans


class _RealWeb(_TextWeb):
    """The text web's writer, with real placements written from the pages' own bytes."""

    def _page(self, story: StoryPlan, page: PagePlan, n: int, rng: random.Random) -> None:
        if page.kind != "real":
            super()._page(story, page, n, rng)
            return
        real: RealPage = page.extra["real"]  # type: ignore[assignment]
        outlet = self.outlet[page.outlet]
        url = self.url_of[story.key]
        others = rng.sample(self.plans, min(4, len(self.plans)))
        more = [(self.url_of[o.key], o.text.title) for o in others if o.key != story.key]
        data = vary_page(real, url, f"{outlet.id} {story.key}", more, f"More from {outlet.name}")
        headers = "Content-Type: text/html; charset=utf-8\n" if real.charset_header else None
        self.site.put(rel_path(url), data, page.run, headers=headers)
        self.items[outlet.id].append(
            {
                "feed": url,
                "map": url,
                "title": real.text.title,
                "dek": teaser(real.text),
                "published": page.claimed,
                "run": page.run,
                "update_run": None,
            }
        )
        self.kinds["real"] += 1
        self.truth.article(url, {
            "story": story.key, "is_original": True, "outlet": outlet.id, "kind": "real", "run": page.run,
            "language": real.text.language, "title": real.text.title,
            "key_sentence": self._key_sentence(real.text.paragraphs), "must_not_contain": [], "related": [],
            "published_at": iso_in(page.claimed), "date_trap": False, "hint": "none", "encoding": real.codec,
            "variants": [],
        })  # fmt: skip


def generate_real_web(
    out_dir: Path,
    *,
    n_stories: int = 3400,
    seed: int = 7,
    shared: Path = DEFAULT_SHARED,
    page_bytes: int = 8000,
    pages: Sequence[RealPage] | None = None,
) -> GroundTruth:
    """Write the real web (one run): n_stories real placements and their copies; see the module docstring.

    `pages` replaces the pages of `shared` (the tests use pages of their own)."""
    started = time.perf_counter()
    pages = real_pages(shared) if pages is None else pages
    if not pages:
        raise ValueError(f"no real pages under {shared}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    plans = plan_real_web(pages, n_stories, seed)
    by_id = {o.id: o for o in TEXT_OUTLETS}
    outlets = (*press_outlets(), *(by_id[o] for o in COPIERS_USED))
    web = _RealWeb(out_dir, plans, seed, 1, page_bytes, outlets=outlets, kinds=REAL_KINDS)
    web.write()
    outlets_file = out_dir / "outlets.yaml"
    outlets_file.write_text(
        text_outlets_yaml(outlets, "real pages and their copies, generated by bench/synweb/real.py"),
        encoding="utf-8",
    )
    meta = {
        "web": "real",
        "seed": seed,
        "n_stories": n_stories,
        "runs": 1,
        "real_pages": len(pages),
        "articles": len(web.truth.urls),
        "pages": web.site.pages,
        "bytes": web.site.bytes,
        "kinds": web.kinds,
    }
    # one run: no second site root
    return web.ground_truth(outlets_file, meta, started)

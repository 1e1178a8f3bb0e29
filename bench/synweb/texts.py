"""The synthetic syndicated web of bench.synweb with REAL article texts: `generate_web(..., texts=...)`.

bench.synweb owns the outlets, page templates, site roots and truth format; this module only plans a web
around given texts (`SourceText`: real bodies read at run time from ../shared/bench by `texts_from_aeb` /
`texts_from_news_pages`, or our own fixture texts by `texts_from_dir`) and the cases real syndication brings:

- copies: aggregator full copies (credit line "Short12-06-2025", "Try Our AI Features", a Related Articles
  block with the full text of two other stories, a syndication notice), partner rewrites (new headline,
  10-15 % of sentences dropped or reworded, regrouped paragraphs, isBasedOn or "first published by"),
  leads (the first 2-3 paragraphs and a "Continue reading at <a href=original>" link; a 40+ paragraph
  original gives a lead that is a tiny part of it), recodings (Shift_JIS with half-width punctuation, EUC-KR),
  mirrors (URL variants, no hint);
- originals with related-link lines inside the body ("Lesen Sie auch: <a>title</a>", in the text's
  language), some with a wire dateline crediting an outlet the web does not hold, and some updated in a
  later run (an added paragraph, the last one dropped; the sitemap's lastmod is the placeholder
  `{{RUN_TIME:k}}`, which the harness replaces with the real time it serves run k, as a site's lastmod is
  later than our last fetch);
- pages that must stay apart: follow-ups (another text quoting 2-3 sentences of the story), same-event
  reports (another text under the story's headline, sharing its opening sentence), digests (headline and
  first sentence of five stories), and short articles of an outlet whose cookie notice is longer than they
  are (`shortie`);
- arrival over `runs` runs in an order drawn from `arrival_seed` alone, so the same web can arrive in
  several orders (copies before their originals included).

The plan depends on (texts, seed); the runs pages arrive in on arrival_seed. truth.json has bench.synweb's
shape with kinds original | full | edited | truncated | sjis | euckr | mirror | followup | same_event |
digest | short, article fields update_run / update_sentence / lead_of_long / dateline, and story fields
related_to (a list for digests) and paragraphs.
"""

# page templates are lines of markup; wrapping them to 110 columns would hide their structure
# ruff: noqa: E501

import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from bench.synweb import feeds
from bench.synweb.copies import (
    CJK,
    HALF_WIDTH,
    TEXT_REWORDS,
    continue_line,
    credit_date,
    edit_sentences,
    lead_length,
    regroup,
    rewrite_headline,
    teaser,
)
from bench.synweb.files import OutletEntry, Site, outlets_yaml
from bench.synweb.generated import GENERATED, START, rel_path
from bench.synweb.markup import BASE, Markup, attr, esc, iso_in, numbered_slug, rfc822
from bench.synweb.outlets import EXTRA_OUTLETS, RENDER, OutletSpec, PageIn, finish, render_amp
from bench.synweb.sources import SourceText, sentences_of
from bench.synweb.truth import GroundTruth, TruthWriter

TEXT_KINDS = (
    "original",
    "full",
    "edited",
    "truncated",
    "sjis",
    "euckr",
    "mirror",
    "followup",
    "same_event",
    "digest",
    "short",
)
COPY_KINDS = ("full", "edited", "truncated", "sjis", "euckr", "mirror")
APART_KINDS = ("followup", "same_event", "digest")
LONG_PARAGRAPHS = 40

TEXT_OUTLETS: tuple[OutletSpec, ...] = (*GENERATED.outlets, *EXTRA_OUTLETS)
TEXT_OUTLET = {o.id: o for o in TEXT_OUTLETS}

# related-link labels in the texts' languages (our own wording of what outlets print)
RELATED_LABEL = {
    "de": "Lesen Sie auch",
    "en": "Read more",
    "fr": "Lire aussi",
    "es": "Lea también",
    "pt": "Leia também",
    "it": "Leggi anche",
    "nl": "Lees ook",
    "no": "Les også",
    "da": "Læs også",
    "sv": "Läs också",
    "pl": "Czytaj też",
    "tr": "Ayrıca okuyun",
    "ru": "Читайте также",
    "id": "Baca juga",
    "ms": "Baca juga",
    "ja": "関連記事",
    "ko": "관련기사",
    "zh": "相关新闻",
}
# a heading over a box of links inside the body (one that is not also a "the rest is other stories" heading)
BOX_HEADING = {"de": "Mehr zum Thema", "en": "Related"}
NOTICES = (
    "This material may not be published, broadcast, rewritten or redistributed.",
    "© 2025 {SOURCE}. All rights reserved.",
    "Copyright 2025 {SOURCE}. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.",
)
FOLLOWUP_LEADIN = "{SOURCE} reported earlier:"
DIGEST_INTRO = "Here is what other newsrooms reported today, in brief."
WIRE = "Nordwire"
# ---------------------------------------------------------------------------------------------- the plan


@dataclass
class PagePlan:
    """One page of the web: what it is, where it is, and in which run it appears."""

    story: str
    kind: str
    outlet: str
    text: SourceText | None
    run: int = 1
    claimed: datetime = START
    variant: int = 0
    extra: dict[str, object] = field(default_factory=dict)
    path: str | None = None  # its path under the site root, when the plan chooses it


@dataclass
class StoryPlan:
    key: str
    kind: str  # story | followup | same_event | digest | short
    text: SourceText
    outlet: str
    t0: datetime
    related_to: list[str] = field(default_factory=list)
    pages: list[PagePlan] = field(default_factory=list)
    update_run: int | None = None
    update_sentence: str | None = None
    dateline: bool = False


def _origin_for(language: str, rng: random.Random) -> str:
    if language in CJK:
        return "kumonews"
    return rng.choice(("northwire", "meridian"))


def plan_web(
    texts: Sequence[SourceText],
    seed: int,
    runs: int,
    arrival_seed: int,
    schedule: Callable[[PagePlan], int] | None = None,
) -> list[StoryPlan]:
    """Every story and page of the web; the content depends on (texts, seed), the runs on arrival_seed."""
    rng = random.Random(f"{seed}:textplan")
    pool = sorted(texts, key=lambda t: t.key)
    rng.shuffle(pool)
    n_reserved = max(3, round(0.3 * len(pool)))
    reserved, originals = pool[:n_reserved], pool[n_reserved:]
    plans: list[StoryPlan] = []
    for i, text in enumerate(originals):
        t0 = START + timedelta(hours=3 * i, minutes=rng.randrange(60))
        story = StoryPlan(f"t{i:04d}", "story", text, _origin_for(text.language, rng), t0)
        story.dateline = text.language not in CJK and rng.random() < 0.25
        story.pages.append(PagePlan(story.key, "original", story.outlet, text, claimed=t0))
        copies = [
            ("dailyfeedr", "full", 0.85),
            ("harbourpost", "edited", 0.6 if text.language not in CJK else 0.0),
            ("briefly", "truncated", 0.75 if len(text.paragraphs) >= 4 else 0.0),
            ("matome", "sjis", 0.9 if text.language == "ja" else 0.2),
            ("hanbit", "euckr", 0.9 if text.language == "ko" else 0.15),
            ("citylens", "mirror", 0.35),
        ]
        if len(text.paragraphs) >= LONG_PARAGRAPHS:
            copies[2] = ("briefly", "truncated", 1.0)
        for outlet, kind, p in copies:
            if rng.random() < p:
                delay = timedelta(hours=rng.uniform(1, 30))
                story.pages.append(
                    PagePlan(story.key, kind, outlet, text, claimed=t0 + delay, variant=rng.randrange(6))
                )
        plans.append(story)
    # what must stay apart, written from the reserved texts: each reserved text serves once
    spare = list(reserved)
    n_short = min(len(spare) // 3, 24)
    for j in range(n_short):
        text = spare.pop()
        t0 = START + timedelta(hours=5 * j + 1)
        short = StoryPlan(f"h{j:04d}", "short", text, "shortie", t0)
        short.pages.append(PagePlan(short.key, "short", "shortie", text, claimed=t0))
        plans.append(short)
    parents = [s for s in plans if s.kind == "story"]
    rng.shuffle(parents)
    for j, parent in enumerate(parents):
        if not spare:
            break
        kind = "followup" if j % 3 != 2 else "same_event"
        text = spare.pop()
        t0 = parent.t0 + timedelta(hours=30 if kind == "followup" else 1)
        other = StoryPlan(
            f"{'f' if kind == 'followup' else 'e'}{j:04d}", kind, text, parent.outlet, t0, [parent.key]
        )
        other.pages.append(
            PagePlan(other.key, kind, other.outlet, text, claimed=t0, extra={"parent": parent})
        )
        plans.append(other)
        if len([s for s in plans if s.kind in ("followup", "same_event")]) >= max(2, len(parents) // 5):
            break
    stories = [s for s in plans if s.kind == "story"]
    for j in range(0, len(stories) - 4, 8):
        members = stories[j : j + 5]
        key = f"d{j // 8:04d}"
        digest = StoryPlan(
            key,
            "digest",
            members[0].text,
            "digest",
            members[-1].t0 + timedelta(hours=6),
            [m.key for m in members],
        )
        digest.pages.append(
            PagePlan(key, "digest", "digest", None, claimed=digest.t0, extra={"members": members})
        )
        plans.append(digest)
    updates = [s for s in stories if len(s.text.paragraphs) >= 3]
    random.Random(f"{seed}:updates").shuffle(updates)
    for story in updates[: max(2, len(stories) // 4)]:
        story.update_sentence = (
            f"Update, {story.t0 + timedelta(days=2):%d %B}: this article has been revised "
            f"with new details on {story.text.title.rstrip('.')}."
        )
    arrival = random.Random(f"{arrival_seed}:arrival")
    for story in plans:
        for page in story.pages:
            page.run = schedule(page) if schedule else arrival.randint(1, runs)
        original = story.pages[0]
        if story.update_sentence and original.run < runs:
            story.update_run = arrival.randint(original.run + 1, runs)
        else:
            story.update_sentence = None
    return plans


# ---------------------------------------------------------------------------------------------- pages


class _TextWeb:
    """Renders a planned web: pages per run, feeds and sitemaps per run, truth.json."""

    def __init__(
        self,
        out_dir: Path,
        plans: list[StoryPlan],
        seed: int,
        runs: int,
        page_bytes: int,
        outlets: tuple[OutletSpec, ...] = TEXT_OUTLETS,
        kinds: tuple[str, ...] = TEXT_KINDS,
    ) -> None:
        self.out_dir = out_dir
        self.plans = plans
        self.by_key = {s.key: s for s in plans}
        self.seed = seed
        self.runs = runs
        self.page_bytes = page_bytes
        self.outlets = outlets
        self.outlet = {o.id: o for o in outlets}
        self.site = Site(out_dir, runs)
        self.truth = TruthWriter(out_dir / "truth.json")
        self.items: dict[str, list[dict[str, object]]] = {o.id: [] for o in outlets}
        self.kinds: dict[str, int] = dict.fromkeys(kinds, 0)
        self.url_of: dict[str, str] = {}
        for story in plans:
            self.url_of[story.key] = self._url(story, story.pages[0], 0)

    # -- urls

    def _url(self, story: StoryPlan, page: PagePlan, n: int) -> str:
        if page.path:
            return f"{BASE}/{page.path}"
        slug = numbered_slug(
            story.text.title if page.kind not in ("digest",) else "digest", int(story.key[1:]) * 10 + n
        )
        slug = slug if slug.strip("-0123456789") else f"story-{story.key}-{n}"
        by_outlet = {
            "northwire": f"northwire/{story.t0:%Y/%m/%d}/{slug}.html",
            "meridian": f"meridian/article/{slug}.html",
            "kumonews": f"kumonews/articles/{story.t0:%Y%m%d}{story.key}.html",
            "dailyfeedr": f"dailyfeedr/news/{story.key}-{n}.html",
            "harbourpost": f"harbourpost/world/{slug}.html",
            "briefly": f"briefly/b/{slug}.html",
            "matome": f"matome/archives/{story.key}{n}.html",
            "hanbit": f"hanbit/news/articleView/{int(story.key[1:]) * 10 + n}.html",
            "citylens": f"citylens/news/{slug}.html",
            "shortie": f"shortie/s/{story.key}.html",
            "digest": f"digest/{story.t0:%Y-%m-%d}/{story.key}.html",
        }
        return f"{BASE}/{by_outlet[page.outlet]}"

    # -- text of each kind of page

    def _original_paragraphs(self, story: StoryPlan, rng: random.Random) -> tuple[list[str], list[str]]:
        """(paragraphs as the origin prints them, related-link lines in them: boilerplate for the truth)."""
        paragraphs: list[str] = list(story.text.paragraphs)
        if story.dateline:
            paragraphs[0] = f"HALDEN ({WIRE}) — {paragraphs[0]}"
        lines: list[str] = []
        others = [s for s in self.plans if s.kind == "story" and s.key != story.key]
        if others and len(paragraphs) >= 3 and rng.random() < 0.6:
            lang = story.text.language
            label = RELATED_LABEL.get(lang, "Read more")
            other = rng.choice(others)
            line = f"{label}: {other.text.title}"
            paragraphs.insert(
                2,
                Markup(f'{esc(label)}: <a href="{attr(self.url_of[other.key])}">{esc(other.text.title)}</a>'),
            )
            lines.append(line)
            if lang in BOX_HEADING and len(paragraphs) >= 6 and rng.random() < 0.4:
                picks = rng.sample(others, min(2, len(others)))
                at = len(paragraphs) - 2
                box = [Markup(f'<a href="{attr(self.url_of[o.key])}">{esc(o.text.title)}</a>') for o in picks]
                paragraphs[at:at] = [BOX_HEADING[lang], *box]
                lines += [BOX_HEADING[lang], *(o.text.title for o in picks)]
        return paragraphs, lines

    @staticmethod
    def _edit(paragraphs: Sequence[str], rng: random.Random) -> tuple[list[str], set[str]]:
        edited, untouched = edit_sentences(
            [s for p in paragraphs for s in sentences_of(p)], rng, TEXT_REWORDS
        )
        return regroup(edited, rng), untouched

    # -- writing

    def write(self) -> None:
        for story in self.plans:
            rng = random.Random(f"{self.seed}:pages:{story.key}")
            for n, page in enumerate(story.pages):
                self._page(story, page, n, rng)
        self._discovery()

    def _page(self, story: StoryPlan, page: PagePlan, n: int, rng: random.Random) -> None:
        outlet = self.outlet[page.outlet]
        text = story.text
        lang = text.language
        url = self._url(story, page, n) if n else self.url_of[story.key]
        original_url = self.url_of[story.key]
        source = self.outlet[story.outlet]
        must_not: list[str] = [b for b in outlet.boilerplate if len(b) > 25]
        teasers = self._teasers(story, page, rng)
        must_not += [dek for _, dek, _ in teasers]
        related_sentences: list[str] = []
        title, variants, encoding, headers = text.title, [], "utf-8", None
        hint = "none"
        p = PageIn(
            outlet,
            url,
            "ja" if page.outlet in ("kumonews", "matome") else lang,
            title,
            teaser(text),
            [],
            page.claimed,
            page.claimed,
            f"{source.name} staff",
            "World",
            teasers,
            url,
            source=source,
            source_url=original_url,
        )
        extra: dict[str, object] = {}
        if page.kind == "original":
            paragraphs, lines = self._original_paragraphs(story, rng)
            p.paragraphs = paragraphs
            must_not += lines
            key = self._key_sentence(text.paragraphs)
            extra = {"dateline": story.dateline}
        elif page.kind == "full":
            p.paragraphs = list(text.paragraphs)
            if story.dateline:
                p.paragraphs[0] = f"HALDEN ({WIRE}) — {p.paragraphs[0]}"
            notice = rng.choice(NOTICES).replace("{SOURCE}", source.name)
            p.paragraphs.append(notice)
            must_not += [notice, f"{source.short}{credit_date(page.claimed)}"]
            for other in rng.sample([s for s in self.plans if s.kind == "story" and s.key != story.key], 2):
                body = " ".join(other.text.paragraphs)
                p.related.append(
                    (other.text.title, self.outlet[other.outlet].name, f"{rng.randint(1, 6)} days ago", body)
                )
                related_sentences += sentences_of(other.text.paragraphs[-1])[-1:]
            must_not += related_sentences
            key = self._key_sentence(text.paragraphs)
            hint = "credit"
        elif page.kind == "edited":
            edited, untouched = self._edit(text.paragraphs, rng)
            p.paragraphs = edited
            title = p.title = rewrite_headline(text.title, lang, rng)
            kept = [s for s in untouched if len(s) > 40] or sorted(untouched) or edited
            key = sorted(kept)[len(kept) // 2]
            if page.variant % 3:
                p.based_on, hint = original_url, "isBasedOn"
            else:
                hint = "credit"
            if rng.random() < 0.3:
                notice = f"Copyright 2025 {source.name}. All rights reserved."
                p.paragraphs.append(notice)
                must_not.append(notice)
        elif page.kind == "truncated":
            keep = lead_length(len(text.paragraphs))
            p.paragraphs = list(text.paragraphs[:keep])
            key = self._key_sentence(text.paragraphs[:keep])
            must_not.append(continue_line(source.name))
            if page.variant % 2 == 0:
                p.canonical, hint = original_url, "canonical"
            else:
                hint = "link"
            extra = {"lead_of_long": len(text.paragraphs) >= LONG_PARAGRAPHS}
        elif page.kind == "sjis":
            p.paragraphs = list(text.paragraphs)
            encoding = "cp932"
            p.lang = "ja"
            p.half_width = lang == "ja" and page.variant % 2 == 1
            p.old_meta = page.variant % 3 == 0
            if page.variant in (0, 1, 2):
                headers = "Content-Type: text/html; charset=Shift_JIS\n"
            key = self._key_sentence(text.paragraphs)
            if p.half_width:
                key = key.translate(HALF_WIDTH)
            hint = "credit"
        elif page.kind == "euckr":
            p.paragraphs = list(text.paragraphs)
            encoding = "euc-kr"
            p.lang = "ko"
            if page.variant % 2:
                headers = "Content-Type: text/html; charset=EUC-KR\n"
            key = self._key_sentence(text.paragraphs)
            hint = "credit"
        elif page.kind == "mirror":
            p.paragraphs = list(text.paragraphs)
            slug_url = url
            amp = slug_url.replace("/citylens/news/", "/citylens/amp/news/")
            variants = [f"{slug_url}?utm_source=rss&utm_medium=feed", amp]
            p.amp_url = amp
            key = self._key_sentence(text.paragraphs)
        elif page.kind in ("followup", "same_event"):
            parent: StoryPlan = page.extra["parent"]  # type: ignore[assignment]
            own = list(text.paragraphs[:10])
            parent_sentences = [s for par in parent.text.paragraphs for s in sentences_of(par) if len(s) > 30]
            if page.kind == "followup":
                start = max(0, len(parent_sentences) // 2 - 1)
                quoted = parent_sentences[start : start + rng.choice((2, 3))]
                own[2:2] = [FOLLOWUP_LEADIN.replace("{SOURCE}", source.name), " ".join(quoted)]
                title = text.title
            else:
                own.insert(0, parent_sentences[0] if parent_sentences else parent.text.paragraphs[0])
                title = parent.text.title
            p.title, p.paragraphs = title, own
            key = self._key_sentence(text.paragraphs[:10])
        elif page.kind == "digest":
            members: list[StoryPlan] = page.extra["members"]  # type: ignore[assignment]
            p.paragraphs = [DIGEST_INTRO]
            for m in members:
                first = sentences_of(m.text.paragraphs[0])[0]
                p.paragraphs += [m.text.title, first]
            title = p.title = f"Digest: {len(members)} stories from {story.t0:%d %B %Y}"
            key = p.paragraphs[2]
        else:  # short
            first = text.paragraphs[0]
            sentences = sentences_of(first)
            short = " ".join(sentences[:2]) if len(first) > 320 and len(sentences) > 1 else first
            p.paragraphs = [short[:600]]
            key = p.paragraphs[0]
            must_not += [b for b in outlet.boilerplate]
        p.url = url
        if not p.canonical:
            p.canonical = url
        data = finish(RENDER[outlet.id](p), outlet.id, self.page_bytes)
        self.site.put(
            rel_path(url), data.encode(encoding, errors="xmlcharrefreplace"), page.run, headers=headers
        )
        if page.kind == "mirror":
            amp_page = PageIn(
                outlet,
                variants[1],
                lang,
                title,
                p.dek,
                p.paragraphs,
                page.claimed,
                page.claimed,
                p.author,
                "World",
                [],
                url,
            )
            self.site.put(rel_path(variants[1]), render_amp(amp_page).encode(), page.run)
        update: dict[str, object] = {}
        if page.kind == "original" and story.update_run and story.update_sentence:
            new = (
                [story.update_sentence, *p.paragraphs[:-1]]
                if len(p.paragraphs) > 3
                else [story.update_sentence, *p.paragraphs]
            )
            p.paragraphs = new
            p.modified = page.claimed + timedelta(days=2)
            data = finish(RENDER[outlet.id](p), outlet.id, self.page_bytes)
            self.site.put(
                rel_path(url),
                data.encode(encoding, errors="xmlcharrefreplace"),
                story.update_run,
                replace=True,
            )
            update = {"update_run": story.update_run, "update_sentence": story.update_sentence}
        feed_url = variants[0] if variants else url
        map_url = variants[1] if variants else url
        self.items[outlet.id].append(
            {
                "feed": feed_url,
                "map": map_url,
                "title": title,
                "dek": p.dek,
                "published": page.claimed,
                "run": page.run,
                "update_run": story.update_run if page.kind == "original" else None,
            }
        )
        self.kinds[page.kind] += 1
        self.truth.article(
            url,
            {
                "story": story.key,
                "is_original": n == 0,
                "outlet": outlet.id,
                "kind": page.kind,
                "run": page.run,
                "language": lang,
                "title": title,
                "key_sentence": key,
                "must_not_contain": must_not,
                "related": related_sentences,
                "published_at": iso_in(page.claimed),
                "date_trap": False,
                "hint": hint,
                "encoding": encoding,
                "variants": variants,
                **extra,
                **update,
            },
        )

    @staticmethod
    def _key_sentence(paragraphs: Sequence[str]) -> str:
        candidates = [s for par in paragraphs for s in sentences_of(par) if len(s) >= 30]
        if not candidates:
            return max(paragraphs, key=len)
        return candidates[len(candidates) // 2]

    def _teasers(self, story: StoryPlan, page: PagePlan, rng: random.Random) -> list[tuple[str, str, str]]:
        pool = [
            s
            for s in self.plans
            if s.kind == "story" and s.key != story.key and s.key not in story.related_to
        ]
        picks = rng.sample(pool, min(3, len(pool)))
        return [(s.text.title, teaser(s.text), self.url_of[s.key]) for s in picks]

    def _discovery(self) -> None:
        """An RSS feed and a sitemap per outlet and run; a page updated in run k has lastmod {{RUN_TIME:k}}."""
        for run in self.site.roots:
            for outlet in self.outlets:
                items = sorted(
                    (it for it in self.items[outlet.id] if int(it["run"]) <= run),  # type: ignore[call-overload]
                    key=lambda it: it["published"],
                    reverse=True,
                )
                channel = feeds.rss_channel(outlet.name, f"{BASE}/{outlet.id}/", outlet.name)
                entries = [
                    feeds.rss_item(
                        str(it["title"]),
                        str(it["feed"]),
                        rfc822(it["published"], gmt=True),  # type: ignore[arg-type]
                        str(it["dek"]),
                        guid=str(it["feed"]),
                    )
                    for it in items
                ]
                self.site.put_state(
                    run,
                    f"{outlet.id}/{outlet.feeds[0]}",
                    feeds.xml_document(feeds.rss(channel, entries), pretty=False),
                )
                rows = []
                for it in items:
                    update_run = it["update_run"]
                    if update_run is not None and int(update_run) <= run:  # type: ignore[call-overload]
                        lastmod = f"{{{{RUN_TIME:{update_run}}}}}"
                    else:
                        lastmod = iso_in(it["published"])  # type: ignore[arg-type]
                    rows.append(feeds.sitemap_url(str(it["map"]), lastmod))
                self.site.put_state(
                    run,
                    f"{outlet.id}/{_sitemap_of(outlet)}",
                    feeds.xml_document(feeds.urlset(rows), pretty=False),
                )

    def close(self, meta: dict[str, object]) -> Path:
        """Finish truth.json with the stories table and the generation parameters."""
        stories = (
            (story.key, {"original": self.url_of[story.key], "kind": story.kind,
                         "related_to": story.related_to if story.kind == "digest" else (story.related_to[0] if story.related_to else None),
                         "language": story.text.language, "title": story.text.title,
                         "run": story.pages[0].run, "published_at": iso_in(story.t0),
                         "paragraphs": len(story.text.paragraphs), "source_text": story.text.key})
            for story in self.plans
        )  # fmt: skip
        return self.truth.close(stories, meta)

    def ground_truth(self, outlets_file: Path, meta: dict[str, object], started: float) -> GroundTruth:
        """Close truth.json (see close) and say what was written; `started`: perf_counter() at the start."""
        truth_file = self.close(meta)
        return GroundTruth(
            self.out_dir,
            self.site.roots[1],
            self.site.roots.get(2),
            outlets_file,
            truth_file,
            len(self.plans),
            len(self.truth.urls),
            dict(self.site.pages),
            self.site.bytes,
            dict(self.kinds),
            time.perf_counter() - started,
            dict(self.site.roots),
        )


def _sitemap_of(outlet: OutletSpec) -> str:
    return outlet.sitemaps[0] if outlet.sitemaps else "sitemap.xml"


def text_outlets_yaml(
    outlets: tuple[OutletSpec, ...] = TEXT_OUTLETS,
    comment: str = "synthetic outlets with real texts, generated by bench/synweb/texts.py",
) -> str:
    """The outlets file of a text web: every outlet with its feed and a sitemap."""
    entries = [
        OutletEntry(
            o.id,
            o.name,
            f"{BASE}/{o.id}/",
            o.language,
            [f"{BASE}/{o.id}/{o.feeds[0]}"],
            [f"{BASE}/{o.id}/{_sitemap_of(o)}"],
        )
        for o in outlets
    ]
    return outlets_yaml([f"# {comment}; {BASE}: the site server"], entries)


def generate_text_web(
    out_dir: Path,
    texts: Sequence[SourceText],
    *,
    seed: int = 7,
    arrival_seed: int = 1,
    runs: int = 3,
    page_bytes: int = 8000,
    schedule: Callable[[PagePlan], int] | None = None,
) -> GroundTruth:
    """Write a syndicated web of real texts arriving over `runs` runs (see the module docstring)."""
    if runs < 1:
        raise ValueError("runs must be positive")
    if len(texts) < 8:
        raise ValueError("a text web needs at least 8 texts")
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    plans = plan_web(texts, seed, runs, arrival_seed, schedule)
    web = _TextWeb(out_dir, plans, seed, runs, page_bytes)
    web.write()
    outlets_file = out_dir / "outlets.yaml"
    outlets_file.write_text(text_outlets_yaml(), encoding="utf-8")
    meta = {
        "seed": seed,
        "arrival_seed": arrival_seed,
        "runs": runs,
        "texts": len(texts),
        "articles": len(web.truth.urls),
        "pages": web.site.pages,
        "bytes": web.site.bytes,
        "kinds": web.kinds,
    }
    return web.ground_truth(outlets_file, meta, started)


RUN_TIME = re.compile(r"\{\{RUN_TIME:(\d+)\}\}")


def stamp_run_times(root: Path, times: dict[int, str]) -> None:
    """Replace {{RUN_TIME:k}} in a run root's sitemaps with the real time run k was served (k must be known)."""
    for path in root.rglob("*.xml"):
        if path.is_file() and not path.is_symlink():
            text = path.read_text(encoding="utf-8")
            if "{{RUN_TIME:" in text:
                path.write_text(RUN_TIME.sub(lambda m: times[int(m.group(1))], text), encoding="utf-8")

"""A deterministic synthetic syndicated news web with ground truth, for the dedupe and throughput benchmarks.

`generate_web(out_dir, n_stories=300, seed=7, ...)` writes, with no corpus and no network:

    out_dir/sites/<outlet>/...      run-1 state of the web, served by copydesk.loopback.serve_sites
    out_dir/sites_run2/<outlet>/... run-2 state (runs=2): a complete second site root, a superset of run 1
                                    (unchanged files are hard links); some copies and stories appear only here
    out_dir/outlets.yaml            the outlets file with {{BASE}} placeholders (render_outlets fills them)
    out_dir/truth.json              ground truth, shape below

Every URL in pages, feeds, sitemaps, outlets.yaml and truth.json is absolute with the `{{BASE}}` placeholder
(the site server substitutes it when serving; the scorer substitutes the same base when mapping rows).
All outlets share one loopback host and are told apart by their first path segment (`{{BASE}}/<outlet>/`).

Outlets: originating `northwire` (semantic <article>, RSS 2.0 + sitemap index with dated children),
`meridian` (div soup + JSON-LD @graph, Atom + Google News sitemap + archive sitemap), `kumonews` (Japanese,
RSS 1.0/RDF + sitemap); copiers `dailyfeedr` (aggregator: full text, credit line like NorthWire12-06-2025,
"Try Our AI Features"/"Download the App"/comments blocks, a Related Articles block with the full text of two
other stories; carries Japanese stories too), `harbourpost` (partner: rewritten headline, 10-15% of sentences
dropped or reworded, paragraphs regrouped, "This report was first published by <outlet>.", JSON-LD isBasedOn
on two thirds of pages), `briefly` (first 2-3 paragraphs + "Continue reading at <outlet>", rel=canonical to
the original on half the pages), `matome` (Japanese aggregator: cp932 bytes with a Shift_JIS meta charset,
half-width ､｡｢｣ on about half the pages, "（<outlet>より）" credit) and `citylens` (full copies with no hint;
feed links carry utm_* parameters, the sitemap lists AMP/mobile variants whose rel=canonical is the page).
Non-copies that must stay apart: follow-ups quoting 2-3 sentences of an earlier story, headline-pattern
twins ("X to raise Y by Z%" with the same Y and Z), and per-outlet template text inside article containers.

truth.json:

    {"articles": {"{{BASE}}/<outlet>/<path>": {
        "story": "s0042", "is_original": bool, "outlet": "briefly",
        "kind": "original|full|truncated|edited|ja_copy|url_variant|followup|twin",
        "run": 1 | 2, "language": "en" | "ja", "title": "...",
        "key_sentence": "a sentence the extracted text must contain, as written on this page",
        "must_not_contain": ["outlet boilerplate, Most-read teaser lines, related-article sentences"],
        "related": ["related-article sentences (a subset of must_not_contain)"],
        "published_at": "ISO time the page claims", "date_trap": bool (claims to predate the original),
        "hint": "canonical|isBasedOn|credit|none" (how the page names its source),
        "encoding": "utf-8" | "cp932", "variants": ["other URLs of the same page (tracking, AMP)"]}},
     "stories": {"s0042": {"original": "{{BASE}}/...", "kind": "story|followup|twin",
                           "related_to": "s0017" | null, "language": "en", "title": "...", "run": 1 | 2}},
     "meta": {...generation parameters and counts...}}

The original is the article with kind original/followup/twin; its URL is also its canonical URL. A
follow-up or twin is its own story (related_to names the story it quotes or mimics) and may have copies.

A `WebSpec` names a kind of generated web: GENERATED (above), or bench.synweb.cjk's CJK web, which runs the
same plan and writer over other outlets and languages.
"""

# the plan and the writer are dense tables of outlets and cases; wrapping them hides their shape
# ruff: noqa: E501

import random
import time
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.synweb import feeds
from bench.synweb.copies import HALF_WIDTH, continue_line, edit_sentences, lead_length, regroup
from bench.synweb.files import OutletEntry, Site, outlets_yaml
from bench.synweb.markup import BASE, front_page, iso_in, numbered_slug, rfc822
from bench.synweb.outlets import OUTLETS, RENDER, OutletSpec, PageIn, finish, render_amp
from bench.synweb.prose import FOLLOWUP_LEADIN, JST, PROSE, capital, fill, headline_numbers, numbers, vocab
from bench.synweb.sources import SourceText
from bench.synweb.truth import GroundTruth, TruthWriter

START = datetime(2025, 6, 10, tzinfo=UTC)
KINDS = ("original", "full", "truncated", "edited", "ja_copy", "url_variant", "followup", "twin")
FEED_RECENT = 40


@dataclass(frozen=True)
class WebSpec:
    """A kind of generated web: its outlets, which of them originate stories of each language, and which
    copy them how often."""

    name: str
    outlets: tuple[OutletSpec, ...]
    origins: dict[str, tuple[str, ...]]
    # language -> (outlet, kind, probability that a story of that language gets this copy)
    copiers: dict[str, tuple[tuple[str, str, float], ...]]
    kinds: tuple[str, ...]
    # None: the default web's rule (every fourth story Japanese when both languages are asked for)
    language_cycle: tuple[str, ...] | None = None
    paragraphs: tuple[int, int] = (6, 12)  # body paragraphs of a story
    template_passes: int = 1  # >1: long bodies, each sentence template used up to this many times
    # follow-ups quote an earlier story and share none of its sentence shapes: a web of long bodies, which
    # use most shapes, has none
    followups: bool = True
    comment: str = "synthetic outlets generated by bench/synweb.py"  # the outlets file's first line


GENERATED = WebSpec(
    "generated",
    OUTLETS,
    {"en": ("northwire", "meridian"), "ja": ("kumonews",)},
    {
        "en": (("dailyfeedr", "full", 0.95), ("harbourpost", "edited", 0.8), ("briefly", "truncated", 0.8),
               ("citylens", "url_variant", 0.7)),
        "ja": (("matome", "ja_copy", 0.95), ("dailyfeedr", "full", 0.7)),
    },
    KINDS,
)  # fmt: skip

# ---------------------------------------------------------------------------------------------- the plan


@dataclass
class _Copy:
    outlet: str
    kind: str
    arrived: datetime  # when the copy appears on the web (decides its run)
    claimed: datetime  # what the page says (a date trap claims to predate the original)
    run: int
    hint: str
    variant: int


@dataclass
class _Story:
    idx: int
    key: str
    lang: str
    outlet: str
    kind: str  # story | followup | twin
    parent: int | None
    vocab_idx: int
    domain: str | None
    t0: datetime
    run: int
    pattern: str
    slots: dict[str, str]
    title: str
    dek: str
    copies: list[_Copy] = field(default_factory=list)


def _plan(
    spec: WebSpec, seed: int, n_stories: int, languages: tuple[str, ...], days: int, copies: bool, runs: int
) -> tuple[list[_Story], datetime, datetime]:
    """Decide every story and copy: languages, kinds, times, runs, headlines. Text comes later, lazily."""
    rng = random.Random(f"{seed}:plan")
    t1 = START + timedelta(days=days)
    t2 = t1 + timedelta(days=4)
    n_late = max(1, n_stories // 10) if runs == 2 and n_stories >= 4 else 0
    n_early = n_stories - n_late
    span = (t1 - START - timedelta(hours=2)) / max(1, n_early)
    late_span = timedelta(hours=24) / max(1, n_late)
    stories: list[_Story] = []
    raise_by_lang: dict[str, list[int]] = {lang: [] for lang in languages}
    twinned: set[int] = set()
    followed: set[int] = set()
    for i in range(n_stories):
        # modular roles guarantee every trap exists even in a 12-story web; the text gives no hint of them
        if spec.language_cycle:
            lang = spec.language_cycle[i % len(spec.language_cycle)]
        else:
            lang = "ja" if ("ja" in languages and (len(languages) == 1 or i % 4 == 3)) else languages[0]
        if lang not in spec.origins:
            raise ValueError(f"unsupported language {lang!r}")
        if i < n_early:
            t0 = START + span * i + span * rng.random() * 0.8
            run = 1
        else:
            t0 = t1 + late_span * (i - n_early) + late_span * rng.random() * 0.8
            run = 2
        t0 = t0.replace(second=0, microsecond=0)
        kind, parent, vocab_idx, domain = "story", None, i, None
        role = i % 12
        if role in (6, 11) and raise_by_lang[lang]:
            candidates = [j for j in raise_by_lang[lang] if j not in twinned]
            if candidates:
                parent = candidates[-1]
                kind, domain = "twin", stories[parent].domain or stories[parent].slots["DOMAIN"]
                twinned.add(parent)
        elif role in (5, 7) and spec.followups:
            earlier = []
            for s in reversed(stories):
                if s.t0 < t0 - timedelta(hours=48) or len(earlier) >= 50:
                    break
                if (
                    s.lang == lang
                    and s.kind == "story"
                    and s.idx not in followed
                    and s.t0 <= t0 - timedelta(hours=3)
                ):
                    earlier.append(s)
            if earlier:
                parent = rng.choice(earlier).idx
                kind, vocab_idx = "followup", parent
                # one follow-up per story: two would share names and sentence shapes and read as copies
                followed.add(parent)
        slots = dict(vocab(seed, vocab_idx, lang, domain))
        if kind == "followup":
            # the follow-up talks about the same people, but its own nouns lead
            slots["N1"], slots["N2"], slots["N3"] = slots["N3"], slots["N1"], slots["N2"]
        prose = PROSE[lang]
        patterns = prose.patterns
        if kind == "twin":
            pattern = "raise"
            slots.update(
                {k: v for k, v in stories[parent].slots.items() if k in ("HPCT", "RATE", "RATE_CAP")}
            )
            slots.update({k: v for k, v in headline_numbers(rng, lang).items() if k != "HPCT"})
        else:
            taken = {"raise", stories[parent].pattern} if parent is not None else {"raise"}
            pattern = (
                "raise"
                if kind == "story" and (role in (2, 3) or rng.random() < 0.15)
                else rng.choice(sorted(set(patterns) - taken))
            )
            slots.update(headline_numbers(rng, lang))
        if pattern == "raise" and kind != "twin":
            raise_by_lang[lang].append(i)
        title = capital(fill(patterns[pattern][0], slots, rng))
        dek = fill(rng.choice(prose.deks), {**slots, **numbers(rng, lang)}, rng)
        while parent is not None and dek == stories[parent].dek:
            # a follow-up shares its parent's names, never its teaser line
            dek = fill(rng.choice(prose.deks), {**slots, **numbers(rng, lang)}, rng)
        outlet = rng.choice(spec.origins[lang])
        story = _Story(
            i, f"s{i:05d}", lang, outlet, kind, parent, vocab_idx, domain, t0, run, pattern, slots, title, dek
        )
        if copies:
            for copier, copy_kind, p in spec.copiers[lang]:
                if rng.random() >= p:
                    continue
                copy = _plan_copy(rng, story, copier, copy_kind, t1, t2, runs)
                if copy is not None:
                    story.copies.append(copy)
        stories.append(story)
    if copies:
        _ensure_coverage(spec, rng, stories, t1, t2, runs)
    return stories, t1, t2


def _plan_copy(
    rng: random.Random,
    story: _Story,
    outlet: str,
    kind: str,
    t1: datetime,
    t2: datetime,
    runs: int,
    delay_h: float | None = None,
) -> _Copy | None:
    if delay_h is None:
        roll = rng.random()
        # most copies follow within hours; a tail arrives days later (often in the next run)
        delay_h = (
            rng.uniform(1, 6) if roll < 0.6 else rng.uniform(6, 24) if roll < 0.9 else rng.uniform(24, 72)
        )
    arrived = (story.t0 + timedelta(hours=delay_h)).replace(second=0, microsecond=0)
    run = 1 if runs == 1 or arrived < t1 else 2
    if runs == 2 and arrived >= t2:
        return None
    claimed = arrived
    hint = {"dailyfeedr": "credit", "matome": "credit", "hanbit": "credit"}.get(outlet, "none")
    variant = rng.randrange(6)
    if outlet == "briefly":
        hint = "canonical" if variant % 2 == 0 else "none"
    elif outlet == "harbourpost":
        hint = "isBasedOn" if variant % 3 else "credit"
    if outlet in ("dailyfeedr", "citylens") and rng.random() < 0.03:
        # sparingly: a copy whose page claims to predate the original (bad clock, wrong zone)
        claimed = story.t0 - timedelta(hours=rng.uniform(1, 6))
        claimed = claimed.replace(second=0, microsecond=0)
    return _Copy(outlet, kind, arrived, claimed, run, hint, variant)


def _ensure_coverage(
    spec: WebSpec, rng: random.Random, stories: list[_Story], t1: datetime, t2: datetime, runs: int
) -> None:
    """Tiny webs still get every copier, every kind and a run-2 copy of a run-1 story."""
    for lang, table in spec.copiers.items():
        pool = [s for s in stories if s.lang == lang]
        for outlet, kind, _ in table:
            if pool and not any(c.outlet == outlet for s in pool for c in s.copies):
                target = pool[0]
                copy = _plan_copy(rng, target, outlet, kind, t1, t2, runs, delay_h=2.0)
                if copy is not None:
                    target.copies.append(copy)
    if runs == 2:
        early = [s for s in stories if s.run == 1 and s.t0 >= t1 - timedelta(hours=60)]
        if early and not any(c.run == 2 for s in early for c in s.copies):
            target = early[-1]
            delay = (t1 - target.t0).total_seconds() / 3600 + 2
            kind_of = {o: k for o, k, _ in spec.copiers[target.lang]}
            outlet = next(iter(kind_of))
            target.copies = [c for c in target.copies if c.outlet != outlet]
            copy = _plan_copy(rng, target, outlet, kind_of[outlet], t1, t2, runs, delay_h=delay)
            if copy is not None:
                target.copies.append(copy)


# ---------------------------------------------------------------------------------------------- story text


class _Texts:
    """Story bodies as paragraphs of sentences, regenerated on demand from (seed, story) with a small cache."""

    def __init__(self, spec: WebSpec, seed: int, stories: list[_Story]) -> None:
        self.spec = spec
        self.seed = seed
        self.stories = stories
        self.outlet = {o.id: o for o in spec.outlets}
        self._cache: dict[int, tuple[tuple[tuple[str, ...], ...], frozenset[int]]] = {}
        self._order: deque[int] = deque()

    def body(self, idx: int) -> tuple[tuple[str, ...], ...]:
        """Paragraphs (tuples of sentences) of story idx."""
        return self._get(idx)[0]

    def _get(self, idx: int) -> tuple[tuple[tuple[str, ...], ...], frozenset[int]]:
        hit = self._cache.get(idx)
        if hit is None:
            hit = self._make(idx)
            self._cache[idx] = hit
            self._order.append(idx)
            if len(self._order) > 512:
                self._cache.pop(self._order.popleft(), None)
        return hit

    def _make(self, idx: int) -> tuple[tuple[tuple[str, ...], ...], frozenset[int]]:
        story = self.stories[idx]
        prose = PROSE[story.lang]
        rng = random.Random(f"{self.seed}:body:{idx}")
        pool = list(range(len(prose.body)))
        parent_body: tuple[tuple[str, ...], ...] = ()
        if story.kind == "followup" and story.parent is not None:
            parent_body, parent_used = self._get(story.parent)
            # a follow-up shares names with its parent but none of its sentence shapes, so what it shares
            # beyond names is exactly the quoted sentences
            pool = [t for t in pool if t not in parent_used]
        rng.shuffle(pool)
        pool *= self.spec.template_passes
        n_par = rng.randint(*self.spec.paragraphs)
        sizes = [1] + [rng.choice(prose.paragraph_sizes) for _ in range(n_par - 1)]
        while sum(sizes) - 1 > len(pool) and len(sizes) > 6:
            sizes.pop()
        used = pool[: sum(sizes) - 1]
        lead = prose.sentence(prose.patterns[story.pattern][2], story.slots, rng)
        sentences = [lead]
        seen = {lead}
        for t in used:
            sentence = prose.sentence(prose.body[t], story.slots, rng)
            if sentence not in seen:
                seen.add(sentence)
                sentences.append(sentence)
        paragraphs: list[tuple[str, ...]] = []
        pos = 0
        for size in sizes:
            chunk = tuple(sentences[pos : pos + size])
            if chunk:
                paragraphs.append(chunk)
            pos += size
        if parent_body:
            flat = [s for p in parent_body for s in p[1:] or p]
            start = rng.randrange(max(1, len(flat) - 3))
            quoted = tuple(flat[start : start + rng.choice((2, 3))])
            src = self.outlet[self.stories[story.parent].outlet].name
            leadin = fill(FOLLOWUP_LEADIN[story.lang], {**story.slots, "SRC": src}, rng)
            paragraphs[2:2] = [(leadin,), quoted]
        return tuple(paragraphs), frozenset(used)


# ---------------------------------------------------------------------------------------------- writing


@dataclass
class _Item:
    """One article as a feed or sitemap lists it."""

    feed_url: str
    map_url: str
    title: str
    dek: str
    published: datetime
    arrived: datetime
    run: int
    lang: str


def rel_path(url: str) -> str:
    """The file path under a site root of a {{BASE}} URL (its query string dropped)."""
    return url.removeprefix(BASE + "/").split("?", 1)[0]


@dataclass
class _Recent:
    """The last articles an outlet published, for its Most-read box and related links."""

    items: deque[tuple[int, str, str, str, str, int]] = field(default_factory=lambda: deque(maxlen=60))

    def pick(
        self, rng: random.Random, n: int, exclude: set[int], lang: str, run: int
    ) -> list[tuple[int, str, str, str, str, int]]:
        """Up to n recent items in lang, none from a later run than the page showing them."""
        pool = [it for it in self.items if it[0] not in exclude and it[4] == lang and it[5] <= run]
        return rng.sample(pool, min(n, len(pool)))


class _Generator:
    """Renders the planned stories into pages, feeds, sitemaps and streamed truth."""

    def __init__(
        self,
        spec: WebSpec,
        out_dir: Path,
        seed: int,
        stories: list[_Story],
        runs: int,
        page_bytes: int,
        t1: datetime,
        t2: datetime,
    ) -> None:
        self.spec = spec
        self.out_dir = out_dir
        self.seed = seed
        self.stories = stories
        self.runs = runs
        self.page_bytes = page_bytes
        self.t1, self.t2 = t1, t2
        self.outlet = {o.id: o for o in spec.outlets}
        self.texts = _Texts(spec, seed, stories)
        self.site = Site(out_dir, runs)
        self.items: dict[str, list[_Item]] = {o.id: [] for o in spec.outlets}
        self.recent: dict[str, _Recent] = {o.id: _Recent() for o in spec.outlets}
        self.kinds: dict[str, int] = dict.fromkeys(spec.kinds, 0)
        self.original_url: dict[int, str] = {}
        self.truth = TruthWriter(out_dir / "truth.json")
        self.articles = 0

    # -- truth

    def _record(self, url: str, entry: dict[str, object]) -> None:
        self.truth.article(url, entry)
        self.kinds[str(entry["kind"])] += 1
        self.articles += 1

    def close(self, meta: dict[str, object]) -> None:
        """Finish truth.json with the stories table and the generation parameters."""
        stories = (
            (story.key, {"original": self.original_url[story.idx], "kind": story.kind, "language": story.lang,
                         "related_to": self.stories[story.parent].key if story.parent is not None else None,
                         "title": story.title, "run": story.run, "published_at": iso_in(story.t0)})
            for story in self.stories
        )  # fmt: skip
        self.truth.close(stories, meta)

    # -- pages

    def _teasers(
        self, rng: random.Random, outlet: str, story: _Story, run: int
    ) -> tuple[list[tuple[str, str, str]], list[str]]:
        exclude = {story.idx, *([story.parent] if story.parent is not None else [])}
        picked = self.recent[outlet].pick(rng, 5, exclude, story.lang, run)
        return [(t, d, h) for _, t, d, h, _, _ in picked], [d for _, _, d, _, _, _ in picked]

    def _write_page(self, p: PageIn, rel: str, run: int, *, headers: str | None = None) -> None:
        text = finish(RENDER[p.outlet.id](p), p.outlet.id, self.page_bytes)
        self.site.put(rel, text.encode(p.outlet.encoding), run, headers=headers)

    def story(self, story: _Story) -> None:
        """Write the original and every copy of one story."""
        rng = random.Random(f"{self.seed}:pages:{story.idx}")
        paragraphs = self.texts.body(story.idx)
        prose = PROSE[story.lang]
        flat = [prose.joiner.join(par) for par in paragraphs]
        sentences = [s for par in paragraphs for s in par]
        quoted: set[str] = set()
        if story.kind == "followup":
            quoted = set(paragraphs[3]) | set(paragraphs[2])
        plain = [s for s in sentences if s not in quoted]
        key_sentence = plain[len(plain) // 2]
        origin = self.outlet[story.outlet]
        url = self._original_url(story)
        self.original_url[story.idx] = url
        teasers, teaser_deks = self._teasers(rng, origin.id, story, story.run)
        modified = story.t0 + timedelta(minutes=rng.choice((0, 0, 0, 17, 45, 130)))
        section = story.slots["DOMAIN"].capitalize()
        page = PageIn(
            origin,
            url,
            story.lang,
            story.title,
            story.dek,
            flat,
            story.t0,
            modified,
            story.slots["REPORTER"],
            section,
            teasers,
            url,
            zone=prose.zone,
        )
        self._write_page(page, rel_path(url), story.run, headers=self._charset_header(origin))
        kind = {"story": "original", "followup": "followup", "twin": "twin"}[story.kind]
        self._record(
            url,
            self._entry(
                story,
                origin.id,
                kind,
                True,
                story.run,
                key_sentence,
                [*origin.boilerplate, *teaser_deks],
                story.t0,
                "none",
                encoding=origin.encoding,
            ),
        )
        self._item(origin.id, url, url, story.title, story.dek, story.t0, story.t0, story.run, story.lang)
        self.recent[origin.id].items.append((story.idx, story.title, story.dek, url, story.lang, story.run))
        for copy in story.copies:
            self._copy(story, copy, rng, url, paragraphs, sentences, key_sentence, section)

    def _original_url(self, story: _Story) -> str:
        t = story.t0
        slug = numbered_slug(story.title, story.idx)
        local = t.astimezone(PROSE[story.lang].zone)
        path = {
            "northwire": f"{t:%Y/%m/%d}/{slug}.html",
            "meridian": f"article/{slug}.html",
            "kumonews": f"articles/{t.astimezone(JST):%Y%m%d%H%M}{story.idx:05d}.html",
            "hinode": f"news/{local:%Y%m%d}/k{story.idx:08d}.html",
            "kitakaze": f"article/{local:%Y/%m}/{story.idx:06d}.html",
            "hangang": f"news/{local:%Y%m%d}{story.idx:06d}.html",
            "nuri": f"view/{story.idx + 100000}.html",
            "huanan": f"{local:%Y-%m/%d}/content_{story.idx + 3000000}.html",
        }[story.outlet]
        return f"{BASE}/{story.outlet}/{path}"

    @staticmethod
    def _charset_header(outlet: OutletSpec) -> str | None:
        """A Content-Type header naming the charset of an outlet whose server sends one."""
        return f"Content-Type: text/html; charset={outlet.charset}\n" if outlet.charset_header else None

    def _entry(
        self,
        story: _Story,
        outlet: str,
        kind: str,
        original: bool,
        run: int,
        key: str,
        must_not: list[str],
        published: datetime,
        hint: str,
        **extra: object,
    ) -> dict[str, object]:
        entry: dict[str, object] = {
            "story": story.key,
            "is_original": original,
            "outlet": outlet,
            "kind": kind,
            "run": run,
            "language": story.lang,
            "title": extra.pop("title", story.title),
            "key_sentence": key,
            "must_not_contain": must_not,
            "related": extra.pop("related", []),
            "published_at": iso_in(published),
            "date_trap": published < story.t0,
            "hint": hint,
            "encoding": extra.pop("encoding", "utf-8"),
            "variants": extra.pop("variants", []),
        }
        entry.update(extra)
        return entry

    def _item(
        self,
        outlet: str,
        feed_url: str,
        map_url: str,
        title: str,
        dek: str,
        published: datetime,
        arrived: datetime,
        run: int,
        lang: str,
    ) -> None:
        self.items[outlet].append(_Item(feed_url, map_url, title, dek, published, arrived, run, lang))

    def _copy(
        self,
        story: _Story,
        copy: _Copy,
        rng: random.Random,
        original_url: str,
        paragraphs: tuple[tuple[str, ...], ...],
        sentences: list[str],
        key_sentence: str,
        section: str,
    ) -> None:
        outlet = self.outlet[copy.outlet]
        source = self.outlet[story.outlet]
        prose = PROSE[story.lang]
        flat = [prose.joiner.join(par) for par in paragraphs]
        teasers, teaser_deks = self._teasers(rng, outlet.id, story, copy.run)
        title, key, variants = story.title, key_sentence, []
        must_not = [*outlet.boilerplate, *teaser_deks]
        related_sentences: list[str] = []
        headers = None
        author = f"{source.name} staff" if story.lang == "en" else f"{source.name}"
        page = PageIn(
            outlet,
            "",
            story.lang,
            title,
            story.dek,
            flat,
            copy.claimed,
            copy.claimed,
            author,
            section,
            teasers,
            "",
            source=source,
            source_url=original_url,
            zone=prose.zone,
        )
        if outlet.role == "aggregator":
            url = f"{BASE}/{outlet.id}/news/{_short_hash(self.seed, story.idx, 'df')}.html"
            exclude = {story.idx, *([story.parent] if story.parent is not None else [])}
            for idx, rel_title, _, _, _, _ in self.recent[outlet.id].pick(
                rng, 2, exclude, story.lang, copy.run
            ):
                body = [s for par in self.texts.body(idx) for s in par]
                text = prose.joiner.join(body)
                page.related.append(
                    (
                        rel_title,
                        self.outlet[self.stories[idx].outlet].name,
                        f"{rng.randint(1, 6)} days ago",
                        text,
                    )
                )
                own = set(sentences)
                related_sentences += [s for s in (body[len(body) // 2], body[-1]) if s not in own]
            must_not += related_sentences
        elif outlet.role == "partner":
            title = capital(fill(prose.patterns[story.pattern][1], story.slots, rng))
            url = (
                f"{BASE}/{outlet.id}/"
                + f"{section}/{copy.arrived:%Y/%b/%d}/{numbered_slug(title, story.idx)}.html".lower()
            )
            edited, untouched = edit_sentences(sentences, rng)
            page.paragraphs = regroup(edited, rng)
            page.title = title
            page.author = f"{story.slots['REPORTER']} and Harbour Post staff"
            kept = [s for s in edited[1:] if s in untouched] or edited
            key = kept[len(kept) // 2]
            if copy.hint == "isBasedOn":
                page.based_on = original_url
        elif outlet.role == "truncated":
            url = f"{BASE}/{outlet.id}/b/{numbered_slug(story.title, story.idx)}.html"
            keep = lead_length(len(paragraphs))
            page.paragraphs = flat[:keep]
            cut = [s for par in paragraphs[:keep] for s in par]
            key = cut[min(1, len(cut) - 1)]
            must_not.append(continue_line(source.name))
            if copy.hint == "canonical":
                page.canonical = original_url
        elif outlet.role == "ja_aggregator":
            url = f"{BASE}/{outlet.id}/archives/{story.idx * 7 + 1000}.html"
            page.half_width = copy.variant % 2 == 1
            page.old_meta = copy.variant % 3 == 0
            if copy.variant in (0, 1, 2):
                # a server that says the charset too, as some do
                headers = "Content-Type: text/html; charset=Shift_JIS\n"
            if page.half_width:
                key = key.translate(HALF_WIDTH)
                must_not = [m.translate(HALF_WIDTH) for m in must_not]
        elif outlet.role == "ko_portal":
            url = f"{BASE}/{outlet.id}/news/articleView/{story.idx * 3 + 20000}.html"
            if copy.variant % 2:
                headers = "Content-Type: text/html; charset=EUC-KR\n"
        else:  # variants: a mirror with tracking, AMP and mobile URLs
            slug = numbered_slug(story.title, story.idx)
            url = f"{BASE}/{outlet.id}/news/{slug}.html"
            amp = (
                f"{BASE}/{outlet.id}/amp/news/{slug}.html",
                f"{BASE}/{outlet.id}/news/{slug}.amp.html",
                f"{BASE}/{outlet.id}/m/news/{slug}.html",
            )[copy.variant % 3]
            feed_url = f"{url}?utm_source=rss&utm_medium=feed&utm_campaign={section.lower()}"
            variants = [feed_url, amp]
            page.amp_url = amp
        page.url = url
        if not page.canonical:
            page.canonical = url
        self._write_page(page, rel_path(url), copy.run, headers=headers)
        if variants:
            amp_page = PageIn(
                outlet,
                variants[1],
                story.lang,
                title,
                story.dek,
                flat,
                copy.claimed,
                copy.claimed,
                author,
                section,
                [],
                url,
            )
            self.site.put(rel_path(variants[1]), render_amp(amp_page).encode(), copy.run)
            self._item(
                outlet.id,
                variants[0],
                variants[1],
                title,
                story.dek,
                copy.claimed,
                copy.arrived,
                copy.run,
                story.lang,
            )
        else:
            self._item(
                outlet.id, url, url, title, story.dek, copy.claimed, copy.arrived, copy.run, story.lang
            )
        self.recent[outlet.id].items.append((story.idx, title, story.dek, url, story.lang, copy.run))
        self._record(
            url,
            self._entry(
                story,
                outlet.id,
                copy.kind,
                False,
                copy.run,
                key,
                must_not,
                copy.claimed,
                copy.hint,
                title=title,
                related=related_sentences,
                encoding=outlet.encoding,
                variants=variants,
            ),
        )

    # -- feeds and sitemaps

    def discovery(self) -> None:
        """Write feeds, sitemaps and home pages for every run's state."""
        for run, snapshot in ((1, self.t1), (2, self.t2)):
            if run not in self.site.roots:
                continue
            for outlet in self.spec.outlets:
                items = sorted(
                    (it for it in self.items[outlet.id] if it.run <= run),
                    key=lambda it: it.arrived,
                    reverse=True,
                )
                _write_discovery(self.site, run, outlet, items, snapshot)


def _short_hash(seed: int, idx: int, salt: str) -> str:
    return f"{random.Random(f'{seed}:{salt}:{idx}').getrandbits(40):010x}"


def _write_discovery(
    site: Site, run: int, outlet: OutletSpec, items: list[_Item], snapshot: datetime
) -> None:
    """An outlet's feed, sitemaps and home page as they stand at a run's snapshot, in the compact layout."""
    oid = outlet.id
    home = f"{BASE}/{oid}/"
    recent = items[:FEED_RECENT] if outlet.role == "origin" else items
    if outlet.feed_format == "rss":
        channel = feeds.rss_channel(
            outlet.name, home, f"Latest from {outlet.name}", outlet.language, built=rfc822(snapshot, gmt=True)
        )
        entries = [
            feeds.rss_item(
                it.title,
                it.feed_url,
                rfc822(it.published, gmt=True),
                it.dek,
                guid=it.feed_url,
                permalink=True,
            )
            for it in recent[: outlet.feed_limit or len(recent)]
        ]
        root = feeds.rss(channel, entries, {"xmlns:atom": feeds.ATOM_NS})
        feed = feeds.xml_document(root, pretty=False)
    elif outlet.feed_format == "atom":
        header = [
            feeds.el("title", outlet.name),
            feeds.el("id", home),
            feeds.el("updated", iso_in(snapshot)),
            feeds.atom_link(f"{BASE}/{oid}/{outlet.feeds[0]}", "self"),
            feeds.atom_link(home, "alternate"),
        ]
        entries = [
            feeds.atom_entry(
                it.title, it.feed_url, it.feed_url, iso_in(it.published), iso_in(it.published), it.dek
            )
            for it in recent
        ]
        feed = feeds.xml_document(feeds.atom(header, entries), pretty=False, encoding="utf-8")
    else:  # rdf
        channel = feeds.rdf_channel(home, outlet.name, home, outlet.name, [it.feed_url for it in recent])
        entries = [
            feeds.rdf_item(it.feed_url, it.title, it.feed_url, it.dek, iso_in(it.published, JST))
            for it in recent
        ]
        feed = feeds.xml_document(feeds.rdf(channel, entries), pretty=False)
    site.put_state(run, f"{oid}/{outlet.feeds[0]}", feed)
    if outlet.sitemap_style == "daily_index":
        by_day: dict[str, list[_Item]] = {}
        for it in items:
            by_day.setdefault(f"{it.arrived:%Y-%m-%d}", []).append(it)
        children = []
        for day, day_items in sorted(by_day.items()):
            rows = [feeds.sitemap_url(it.map_url, iso_in(it.published)) for it in day_items]
            site.put_state(
                run, f"{oid}/sitemaps/sitemap-{day}.xml", feeds.xml_document(feeds.urlset(rows), pretty=False)
            )
            children.append(
                (f"{BASE}/{oid}/sitemaps/sitemap-{day}.xml", iso_in(max(it.arrived for it in day_items)))
            )
        site.put_state(
            run, f"{oid}/sitemap_index.xml", feeds.xml_document(feeds.sitemap_index(children), pretty=False)
        )
    elif outlet.sitemap_style == "news_archive":
        fresh = [it for it in items if it.arrived >= snapshot - timedelta(hours=48)]
        old = [it for it in items if it.arrived < snapshot - timedelta(hours=48)]
        news = [feeds.news_url(it.map_url, outlet.name, "en", iso_in(it.published), it.title) for it in fresh]
        site.put_state(
            run, f"{oid}/news-sitemap.xml", feeds.xml_document(feeds.urlset(news, news=True), pretty=False)
        )
        rows = [feeds.sitemap_url(it.map_url, iso_in(it.published)) for it in old]
        site.put_state(
            run, f"{oid}/sitemap-archive.xml", feeds.xml_document(feeds.urlset(rows), pretty=False)
        )
    elif outlet.sitemaps:
        rows = [feeds.sitemap_url(it.map_url, iso_in(it.arrived)) for it in items]
        site.put_state(
            run, f"{oid}/{outlet.sitemaps[0]}", feeds.xml_document(feeds.urlset(rows), pretty=False)
        )
    links = [(it.feed_url, it.title) for it in items[:30]]
    site.put_state(run, f"{oid}/index.html", front_page(outlet.name, outlet.language, links, compact=True))


def spec_outlets_yaml(spec: WebSpec) -> str:
    """The outlets file of a generated web."""
    header = [f"# {spec.comment}; {BASE} is the loopback site server's base URL"]
    entries = [
        OutletEntry(o.id, o.name, f"{BASE}/{o.id}/", o.language, [f"{BASE}/{o.id}/{f}" for f in o.feeds],
                    [f"{BASE}/{o.id}/{m}" for m in o.sitemaps])
        for o in spec.outlets
    ]  # fmt: skip
    return outlets_yaml(header, entries)


def generate_web(
    out_dir: Path,
    *,
    n_stories: int = 300,
    seed: int = 7,
    languages: Iterable[str] = ("en", "ja"),
    days: int = 4,
    copies: bool = True,
    runs: int = 2,
    page_bytes: int = 8000,
    texts: "Sequence[SourceText] | None" = None,
    arrival_seed: int = 1,
    spec: WebSpec = GENERATED,
) -> GroundTruth:
    """Write a deterministic synthetic syndicated web (sites/, sites_run2/, outlets.yaml, truth.json).

    With `texts` (real article texts), the web is built around those texts instead of generated prose,
    arriving over `runs` runs in an order drawn from `arrival_seed`; n_stories, languages, days and copies
    do not apply (see bench/synweb/texts.py). `spec` picks the kind of generated web (GENERATED, or the CJK
    web of bench/synweb/cjk.py).
    """
    if texts is not None:
        from bench.synweb.texts import generate_text_web

        return generate_text_web(
            out_dir, texts, seed=seed, arrival_seed=arrival_seed, runs=runs, page_bytes=page_bytes
        )
    if runs not in (1, 2):
        raise ValueError("runs must be 1 or 2")
    if n_stories < 1 or days < 1:
        raise ValueError("n_stories and days must be positive")
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    langs = tuple(dict.fromkeys(spec.language_cycle)) if spec.language_cycle else tuple(languages)
    stories, t1, t2 = _plan(spec, seed, n_stories, langs, days, copies, runs)
    gen = _Generator(spec, out_dir, seed, stories, runs, page_bytes, t1, t2)
    for story in stories:
        gen.story(story)
    gen.discovery()
    outlets_file = out_dir / "outlets.yaml"
    outlets_file.write_text(spec_outlets_yaml(spec), encoding="utf-8")
    meta = {
        "seed": seed,
        "n_stories": n_stories,
        "languages": list(langs),
        "days": days,
        "copies": copies,
        "runs": runs,
        "page_bytes": page_bytes,
        "articles": gen.articles,
        "pages": gen.site.pages,
        "bytes": gen.site.bytes,
        "kinds": gen.kinds,
        "run1_snapshot": iso_in(t1),
        "run2_snapshot": iso_in(t2),
    }
    if spec is not GENERATED:
        meta["web"] = spec.name
    gen.close(meta)
    return GroundTruth(
        out_dir,
        gen.site.roots[1],
        gen.site.roots.get(2),
        outlets_file,
        out_dir / "truth.json",
        len(stories),
        gen.articles,
        dict(gen.site.pages),
        gen.site.bytes,
        dict(gen.kinds),
        time.perf_counter() - started,
        dict(gen.site.roots),
    )

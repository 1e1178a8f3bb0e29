"""Title: the social headline (og:title, else twitter:title), else the JSON-LD headline, the visible headline
(an <h1>), <title>; without the site's name.

Each candidate loses a site-name suffix or prefix: the site's names (og:site_name, application-name, the
JSON-LD publisher) after a separator, and, by agreement, whatever follows another candidate after a
separator: "Headline – DW – 13.06.2023" next to an <h1> "Headline" gives "Headline",
"見出し：東京新聞デジタル"
next to a JSON-LD headline "見出し" gives "見出し". The social headline comes first because on the pages of
news-pages-dev's tuning half it is the title the labels give most often (bench/results/extraction.md: a vote
among the candidates, or the visible headline first, did worse). trafilatura's title and the feed's are used
only when the page offers none of these.
"""

import html
import re
from collections.abc import Iterable

from lxml.html import HtmlElement

from copydesk.tasks.clean import normalise_for_matching
from copydesk.tasks.extract.tree import text_of

SITE_SUFFIX_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ")
# what may stand between a headline and a site name, a date or a section: ASCII and full-width bars, dashes,
# colons, middle dots, slashes, the Korean bar-like letter ㅣ, and the separators WordPress SEO plugins offer
# for "%title% %sep% %sitename%" (Yoast's * ⋆ ~ < >), which only count with a space on both sides
SEPARATOR_RE = re.compile(r"^\s*(?:(?:[|｜\-–—:：·•/ㅣ»«]+|(?<=\s)[*⋆~<>](?=\s))\s*)+")
# a title holding none of these has no separated suffix or prefix to cut (a hyphen only counts after a space)
MAY_HAVE_AFFIX_RE = re.compile(r"[|｜–—:：·•/ㅣ»«]|\s[-*⋆~<>]")
SEPARATOR_END_RE = re.compile(r"(?:\s*(?:[|｜\-–—:：·•/ㅣ»«]+|(?<=\s)[*⋆~<>](?=\s)))+\s*$")
# a suffix or prefix longer than this is more than a site name, section or date
MAX_AFFIX_CHARS = 60
MIN_TITLE_CHARS = 8
MAX_H1_CHARS = 400
# candidates in the order they are taken
SOURCES = ("social", "twitter", "jsonld", "h1", "title")


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    if "&" in value and ";" in value:
        value = html.unescape(value)  # JSON-LD is script text: entities there are not decoded by the parser
    # ascii whitespace only: an ideographic space inside a Japanese headline is part of it
    value = re.sub(r"[ \t\r\n\f\v]+", " ", value).strip()
    return value or None


def strip_site_suffix(title: str | None, site_names: Iterable[str]) -> str | None:
    """The title with whitespace collapsed and a trailing " | Site name" (or " - ", " – "...) cut."""
    if not title:
        return None
    title = re.sub(r"[ \t\r\n\f\v]+", " ", title).strip()
    for name in site_names:
        if not name:
            continue
        for sep in SITE_SUFFIX_SEPARATORS:
            suffix = f"{sep}{name}"
            if title.lower().endswith(suffix.lower()) and len(title) > len(suffix) + 5:
                return title[: -len(suffix)].strip()
    return title


def _strip_site_names(title: str, site_names: list[str]) -> str:
    """The title without a site name at its end or start, after or before a separator."""
    lowered = title.lower()
    for name in site_names:
        key = name.lower()
        if len(lowered) <= len(key) + MIN_TITLE_CHARS:
            continue
        if lowered.endswith(key):
            head = title[: -len(key)]
            core = SEPARATOR_END_RE.sub("", head)
            if core != head and len(core) >= MIN_TITLE_CHARS:
                return core.strip()
        if lowered.startswith(key):
            tail = title[len(key) :]
            core = SEPARATOR_RE.sub("", tail)
            if core != tail and len(core) >= MIN_TITLE_CHARS:
                return core.strip()
    return title


def _core_by_agreement(title: str, others: Iterable[tuple[str, str]]) -> str:
    """The longest other candidate that this title is, plus a separated suffix (a site, a section, a date).

    `others` are (candidate, its normalise_for_matching key). Prefixes are left alone: a kicker before a
    colon ("'Ends recession debate': economists weigh in...") is part of the headline as often as a section
    name is not.
    """
    folded = normalise_for_matching(title)
    cores = []
    for other, key in others:
        if len(key) < MIN_TITLE_CHARS or len(key) >= len(folded) or not folded.startswith(key):
            continue
        rest = folded[len(key) :]
        if len(rest) <= MAX_AFFIX_CHARS and SEPARATOR_RE.match(rest):
            cores.append(other)
    return max(cores, key=len) if cores else title


def _loose(text: str) -> str:
    return " ".join(text.split()).casefold()


def visible_headline(tree: HtmlElement, others: Iterable[str | None]) -> str | None:
    """The page's <h1> that agrees with one of the other candidates, else its first non-empty <h1>."""
    first = None
    keys: list[str] | None = None
    for h1 in tree.iter("h1"):
        text = _clean(text_of(h1))
        if not text or len(text) > MAX_H1_CHARS:
            continue
        if keys is None:
            keys = [_loose(o) for o in others if o]
        key = _loose(text)
        if any(key == k or (len(key) >= MIN_TITLE_CHARS and key in k) for k in keys):
            return text
        first = first or text
    return first


def choose_title(candidates: dict[str, str | None], site_names: Iterable[str]) -> str | None:
    """The first candidate (in SOURCES order) without site names and without what only it adds, printed as
    the page's own headline prints it (`_as_printed`)."""
    leading = next((v for v in map(_clean, (candidates.get(s) for s in SOURCES)) if v), None)
    if leading is None or not MAY_HAVE_AFFIX_RE.search(leading):
        # nothing a site name or another candidate could be cut from
        return _as_printed(leading, candidates) if leading else None
    names = sorted({n.strip() for n in site_names if n and n.strip()}, key=len, reverse=True)
    cleaned = {s: _clean(candidates.get(s)) for s in SOURCES}
    present = {s: _strip_site_names(v, names) for s, v in cleaned.items() if v}
    for source in SOURCES:
        if source in present:
            others = [(o, normalise_for_matching(o)) for t, o in present.items() if t != source]
            return _as_printed(_core_by_agreement(present[source], others), candidates)
    return None


def _as_printed(title: str, candidates: dict[str, str | None]) -> str:
    """The page's own headline when its <h1> and JSON-LD print this title alike with other quotes or dashes:
    a social title is often typed again with straight quotes ("What's Right" for "What’s Right")."""
    printed = _clean(candidates.get("h1"))
    if (
        printed
        and printed != title
        and printed == _clean(candidates.get("jsonld"))
        and [c for c in printed if c.isalnum()] == [c for c in title if c.isalnum()]
        and normalise_for_matching(printed) == normalise_for_matching(title)
    ):
        return printed
    return title


# a kicker and its headline, or a headline and its site: the parts a title is printed in, one per line
TITLE_PART_SPLIT_RE = re.compile(r"\s*(?::|：|\s[|｜\-–—]\s)\s*")
MIN_PART_WORDS = 3


def title_parts(titles: Iterable[str]) -> list[str]:
    """The separated parts of the titles ("Die Eisheiligen 2024: Wann sie sind" gives "Wann sie sind"):
    templates print a kicker and the headline as two lines, and a text may begin with either."""
    parts = []
    for title in titles:
        for separator in TITLE_PART_SPLIT_RE.finditer(title):
            pieces = (title[: separator.start()], title[separator.end() :])
            parts += [p for p in pieces if len(p.split()) >= MIN_PART_WORDS or len(p) >= MIN_TITLE_CHARS * 2]
    return parts

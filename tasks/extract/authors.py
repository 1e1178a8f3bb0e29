"""Authors: JSON-LD author persons, else meta author/article:author/parsely-author/byl, else trafilatura's,
else JSON-LD author organisations; "By A, B and C" is split, roles ("Staff Writer", "기자", "記者") and
URLs dropped, and names equal to the site, publisher or outlet id left out."""

import re
from collections.abc import Callable, Iterable
from typing import Any

from copydesk.tasks.clean import normalise_for_matching
from copydesk.tasks.extract.jsonld import ORGANISATION_TYPES, first_str, types_of
from copydesk.tasks.extract.meta import PageMeta

AUTHOR_SPLIT_RE = re.compile(r"\s*(?:,|;|\||&|\band\b|\bund\b|、|／|\s/\s)\s*", re.IGNORECASE)
AUTHOR_PREFIX_RE = re.compile(
    r"^(?:(?:written|reported|text|words|reporting)\s+)?(?:by|von|par|por)\s*:?\s+", re.I
)
ROLE_WORDS_RE = re.compile(
    r"^(?:the\s+)?(?:(?:senior|chief|staff|special|political|foreign|business|deputy|contributing|associate|"
    r"managing|executive|washington|tokyo|london|science|tech|technology|sports?|news|investigative|"
    r"national|global|economics?|health|climate|white house|europe|asia)\s+)*"
    r"(?:writer|reporter|correspondent|editor|contributor|columnist|journalist|staff|team|desk|"
    r"bureau|agency|wire|newsroom|photographer|producer|analyst|guest author|author)s?$",
    re.IGNORECASE,
)
# ja/ko bylines carry a trailing title: "山田太郎記者", "홍길동 기자"
CJK_ROLE_SUFFIX_RE = re.compile(r"\s*(?:記者|特派員|編集委員|論説委員|기자|특파원|논설위원)$")


def split_authors(raw: str) -> list[str]:
    """Split a byline like "By A, B and C" into names, dropping roles, handles and URLs."""
    names: list[str] = []
    text = " ".join(raw.split())
    text = AUTHOR_PREFIX_RE.sub("", text)
    for part in AUTHOR_SPLIT_RE.split(text):
        part = AUTHOR_PREFIX_RE.sub("", part.strip(" .·-–—:()[]\"'"))
        part = CJK_ROLE_SUFFIX_RE.sub("", part).strip()
        if not part or len(part) > 60 or len(part.split()) > 5:
            continue
        if "@" in part or "http" in part.lower() or "/" in part or ROLE_WORDS_RE.match(part):
            continue
        if not re.search(r"\w", part) or part.isdigit():
            continue
        names.append(part)
    return names


def _ld_authors(article: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(person names, organisation names) from a JSON-LD author field."""
    persons: list[str] = []
    orgs: list[str] = []
    raw = article.get("author") or article.get("creator")
    items = raw if isinstance(raw, list) else [raw]
    for item in items:
        if isinstance(item, dict):
            types = types_of(item)
            name = first_str(item.get("name"))
            if not name and (item.get("givenName") or item.get("familyName")):
                name = " ".join(
                    filter(None, [first_str(item.get("givenName")), first_str(item.get("familyName"))])
                )
            if not name:
                continue
            (orgs if types & ORGANISATION_TYPES else persons).extend(split_authors(name))
        elif isinstance(item, str):
            persons.extend(split_authors(item))
    return persons, orgs


def pick_authors(
    page: PageMeta, trafilatura_author: Callable[[], str | None], org_names: Iterable[str]
) -> list[str]:
    """Authors from JSON-LD, then meta tags, then trafilatura; deduplicated, without the outlet's own name.

    `trafilatura_author` is called only when JSON-LD persons and meta tags name nobody left after the filters.
    """
    orgs = {normalise_for_matching(n).removeprefix("the ") for n in org_names if n}
    sources: list[list[str] | None] = []
    ld_orgs: list[str] = []
    if page.article_ld:
        persons, ld_orgs = _ld_authors(page.article_ld)
        sources.append(persons)
    meta_raw = page.first(
        "author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl"
    )
    if meta_raw:
        sources.append(split_authors(meta_raw))
    sources.append(None)  # trafilatura's author: read only if every earlier source comes out empty
    sources.append(ld_orgs)
    for names in sources:
        if names is None:
            fallback = trafilatura_author()
            names = split_authors(fallback) if fallback else []
        kept: list[str] = []
        seen: set[str] = set()
        for name in names:
            key = normalise_for_matching(name)
            if key in seen or key.removeprefix("the ") in orgs:
                continue
            seen.add(key)
            kept.append(name)
        if kept:
            return kept
    return []

"""Authors: who the page says wrote it.

Sources in order: the JSON-LD author list (persons and organisations, an agency such as "SDA" or "AFP"
included), meta author/article:author/parsely-author/byl, trafilatura's byline. The first source that names
someone other than the site itself wins, whole; when every source names only the site (its og:site_name,
JSON-LD publisher or outlet id, compared without case, spaces and punctuation: "NDR.de" is "ndr.de"), the
site's name as the page's structured data gives it is the author ("DER SPIEGEL"), as news-pages-dev's
labels have it. "By A, B and C" is split, roles ("Staff Writer", "기자", "記者"), handles and URLs dropped,
a parenthesised URL or domain after a name dropped ("Deutsche Welle (www.dw.com)").
"""

import re
from collections.abc import Callable, Iterable
from typing import Any

from copydesk.tasks.clean import normalise_for_matching
from copydesk.tasks.extract.jsonld import first_str
from copydesk.tasks.extract.meta import PageMeta

# "and" joining two names: English, German, Norwegian and Danish "og", Swedish "och" (French "et" is left
# out: "Le Figaro et AFP" is one credit in news-pages-dev's labels; single letters, Spanish "y" or Italian
# "e", stand inside names, "Ortega y Gasset")
AUTHOR_SPLIT_RE = re.compile(r"\s*(?:,|;|\||&|\b(?:and|und|og|och)\b|、|／|\s/\s)\s*", re.IGNORECASE)
# byline labels: "By", "Von", "Par", "Por", "Door", "Av", "Af", "Autor", "Autorin/Autor", "Yazar", and
# words that name a byline only with their colon ("Text:", "Reporter:")
AUTHOR_PREFIX_RE = re.compile(
    r"^(?:(?:(?:written|reported|text|words|reporting)\s+)?(?:by|von|par|por|door|av|af)\s*:?\s+"
    r"|(?:autor(?:in)?(?:\s*/\s*autor(?:in)?)?|auteur|yazar)\s*:?\s+"
    r"|(?:author|text|texto|testo|tekst|reporter|redaktion|reportage)\s*:\s*)",
    re.IGNORECASE,
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


# a URL or domain in brackets after a name
BRACKETED_LINK_RE = re.compile(
    r"\s*[(\[（][^()\[\]（）]*(?:https?:|www\.|\.[a-z]{2,4}\b)[^()\[\]（）]*[)\]）]", re.I
)
_LOOSE_RE = re.compile(r"[\W_]+")


def split_authors(raw: str) -> list[str]:
    """Split a byline like "By A, B and C" into names, dropping roles, handles and URLs."""
    names: list[str] = []
    text = BRACKETED_LINK_RE.sub("", " ".join(raw.split()))
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


def _ld_authors(article: dict[str, Any]) -> list[str]:
    """Names in a JSON-LD author (or creator) field, persons and organisations in their order."""
    names: list[str] = []
    raw = article.get("author") or article.get("creator")
    items = raw if isinstance(raw, list) else [raw]
    for item in items:
        if isinstance(item, dict):
            name = first_str(item.get("name"))
            if not name and (item.get("givenName") or item.get("familyName")):
                name = " ".join(
                    filter(None, [first_str(item.get("givenName")), first_str(item.get("familyName"))])
                )
            if name:
                names.extend(split_authors(name))
        elif isinstance(item, str):
            names.extend(split_authors(item))
    return names


def loose_key(name: str) -> str:
    """The name compared without case, spaces and punctuation, and without a leading "the"."""
    return _LOOSE_RE.sub("", normalise_for_matching(name).removeprefix("the "))


def _unique(names: Iterable[str]) -> list[str]:
    kept: list[str] = []
    seen: set[str] = set()
    for name in names:
        key = normalise_for_matching(name)
        if key not in seen:
            seen.add(key)
            kept.append(name)
    return kept


def pick_authors(
    page: PageMeta, trafilatura_author: Callable[[], str | None], org_names: Iterable[str]
) -> list[str]:
    """Authors by the rules of this module's docstring.

    `trafilatura_author` is called only when JSON-LD and meta tags name nobody but the site.
    """
    own = {loose_key(n) for n in org_names if n}
    sources: list[list[str] | None] = []
    if page.article_ld:
        sources.append(_ld_authors(page.article_ld))
    meta_raw = page.first(
        "author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl"
    )
    if meta_raw:
        sources.append(split_authors(meta_raw))
    sources.append(None)  # trafilatura's author: read only if every earlier source names only the site
    own_named: list[str] = []
    for names in sources:
        if names is None:
            fallback = trafilatura_author()
            names = split_authors(fallback) if fallback else []
        names = _unique(names)
        if any(loose_key(name) not in own for name in names):
            return names
        own_named = own_named or names
    return own_named

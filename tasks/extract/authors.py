"""Authors: who the page says wrote it.

Sources in order: the JSON-LD author list (persons and organisations, an agency such as "SDA" or "AFP"
included), meta author/article:author/articleauthor/parsely-author/byl, trafilatura's byline, and the byline
as the page shows it (a name after a label alone in its element, "<strong>Autorin/Autor</strong> Roman
Goncharenko"; a line of names atop the text, "Mathatisi Sebusi/Mohalenyane Phakela"). The first source that
names someone other than the site itself wins, whole, widened to the page's author links (rel="author") when
those name all its names and a co-author or two more; when every source names only the site (its og:site_name,
JSON-LD publisher or outlet id, compared without case, spaces and punctuation: "NDR.de" is "ndr.de"), the
site's name as the page's structured data gives it is the author ("DER SPIEGEL"), as news-pages-dev's
labels have it. A name the site gives itself beside its own domain in an author tag ("Deutsche Welle
(www.dw.com)" on dw.com) is the site too. "By A, B and C" is split, roles ("Staff Writer", "기자", "記者"),
handles and URLs dropped, a parenthesised URL or domain after a name dropped ("Deutsche Welle (www.dw.com)").
"""

import re
from collections.abc import Callable, Iterable
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from copydesk.tasks.clean import normalise_for_matching
from copydesk.tasks.extract.jsonld import first_str
from copydesk.tasks.extract.meta import PageMeta
from copydesk.tasks.extract.tree import text_of

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


META_AUTHOR_KEYS = (
    "author", "article:author", "articleauthor", "parsely-author", "sailthru.author", "dc.creator", "byl",
)  # fmt: skip
# a label that says "the author is:" standing alone in its element, the name after it
LABEL_ALONE_RE = re.compile(
    r"(?:autor(?:in)?(?:\s*/\s*autor(?:in)?)?|author|authors|auteur|autore|forfatter|författare|yazar"
    r"|text|texto|tekst|reporter|by|von|por|par|door|av|af)",
    re.IGNORECASE,
)
LABEL_XPATH = etree.XPath("(//strong|//b|//dt|//th|//span|//label)[string-length(normalize-space()) < 24]")
# a name as a byline prints it: two to four words, each starting with a capital letter (initials and
# particles such as "van", "de", "al-" allowed), nothing else
NAME_RE = re.compile(
    r"(?:(?:van|von|de|da|di|del|der|den|du|la|le|al|bin|ter)[ -])?[^\W\d_a-z][\w'’.-]*"
    r"(?:[ -](?:(?:van|von|de|da|di|del|der|den|du|la|le|al|bin|ter)[ -])*[^\W\d_a-z][\w'’.-]*){1,3}"
)
MAX_BYLINE_CHARS = 80
TEXT_BYLINE_LINES = 3


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


def site_aliases(page: PageMeta, own: set[str]) -> set[str]:
    """Names the site gives itself in its author tags beside its own domain: "Deutsche Welle (www.dw.com)"
    on dw.com makes "Deutsche Welle" the site too."""
    aliases = set()
    for key in META_AUTHOR_KEYS:
        for value in page.meta.get(key, []):
            match = BRACKETED_LINK_RE.search(value)
            if match is None:
                continue
            domain = re.sub(r"^https?://|^www\.|/.*$", "", match[0].strip(" ()[]（）"), flags=re.I)
            if loose_key(domain) in own:
                aliases.add(loose_key(value[: match.start()]))
    return aliases


def byline_in_page(tree: HtmlElement) -> list[str]:
    """Names after a byline label standing alone in its element ("<strong>Autorin/Autor</strong> Roman
    Goncharenko", "<dt>Author</dt><dd>...</dd>"), as the page shows them."""
    for element in LABEL_XPATH(tree):
        label = " ".join(text_of(element).split()).rstrip(" :")
        if not LABEL_ALONE_RE.fullmatch(label):
            continue
        following = (element.tail or "").strip()
        if not following:
            sibling = element.getnext()
            following = text_of(sibling).strip() if sibling is not None else ""
        names = split_authors(following) if 0 < len(following) <= MAX_BYLINE_CHARS else []
        if names and all(NAME_RE.fullmatch(n) for n in names):
            return names
    return []


def byline_in_text(text: str) -> list[str]:
    """Names on a line of their own at the top of the text ("Mohloai Mpesi", "A. Sebusi/B. Phakela"): a
    byline the template set as the article's first paragraph."""
    for line in text.split("\n")[:TEXT_BYLINE_LINES]:
        line = line.strip()
        if not line or len(line) > MAX_BYLINE_CHARS:
            continue
        parts = [p for p in re.split(r"\s*/\s*", line) if p]
        names = [n for p in parts for n in split_authors(p)]
        # a line in capitals is a heading, kicker or dateline more often than a byline ("BREAKING", "PARIS")
        if names and all(NAME_RE.fullmatch(n) and not n.isupper() for n in names):
            return names
    return []


def pick_authors(
    page: PageMeta,
    trafilatura_author: Callable[[], str | None],
    org_names: Iterable[str],
    visible_byline: Callable[[], list[str]] | None = None,
) -> list[str]:
    """Authors by the rules of this module's docstring.

    `trafilatura_author`, then `visible_byline`, are called only when JSON-LD and meta tags name nobody but
    the site.
    """
    own = {loose_key(n) for n in org_names if n}
    own |= site_aliases(page, own)
    sources: list[list[str] | Callable[[], list[str]]] = []
    if page.article_ld:
        sources.append(_ld_authors(page.article_ld))
    meta_raw = page.first(*META_AUTHOR_KEYS)
    if meta_raw:
        sources.append(split_authors(meta_raw))

    def from_trafilatura() -> list[str]:
        fallback = trafilatura_author()
        return split_authors(fallback) if fallback else []

    # read only if every earlier source names only the site
    sources.append(from_trafilatura)
    if visible_byline is not None:
        sources.append(visible_byline)
    own_named: list[str] = []
    for source in sources:
        names = _unique(source() if callable(source) else source)
        if any(loose_key(name) not in own for name in names):
            return names
        own_named = own_named or names
    return own_named


# the page's links to its authors (rel="author", the HTML standard's marker), in the pruned article
AUTHOR_LINK_XPATH = etree.XPath("//a[@rel='author']")
MAX_ADDED_AUTHORS = 3


def with_linked_coauthors(names: list[str], tree: HtmlElement) -> list[str]:
    """The page's author links when they name every one of `names` and a few more (a co-author the
    structured data left out), in the page's order; else `names`."""
    if not names:
        return names
    linked: list[str] = []
    for link in AUTHOR_LINK_XPATH(tree):
        name = " ".join(text_of(link).split())
        if name and NAME_RE.fullmatch(name) and name not in linked:
            linked.append(name)
    have = {loose_key(n) for n in names}
    extra = [n for n in linked if loose_key(n) not in have]
    if not extra or len(extra) > MAX_ADDED_AUTHORS or not have <= {loose_key(n) for n in linked}:
        return names
    return linked

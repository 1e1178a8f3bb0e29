"""Feeds and sitemaps of every generated web: RSS 2.0, RSS 1.0 (RDF), Atom, sitemaps, sitemap indexes and
Google News sitemaps, built as small element trees and written in one of two layouts.

`pretty` indents by two spaces, one element per line (the fixture and demo outlets). `compact` is what
many CMSs send (the bench outlets): an entry container (an RSS channel, an RDF root, a urlset or sitemap
index) opens on a line of its own, then its header elements share one line and every entry has its own;
an Atom feed keeps its header on the line of its opening tag.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape as xml_escape

from bench.synweb.markup import iso
from bench.synweb.sources import Story, newest_first

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RSS1_NS = "http://purl.org/rss/1.0/"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
ENTRY_TAGS = frozenset({"item", "entry", "url", "sitemap"})


@dataclass(frozen=True)
class El:
    """An XML element: text content, child elements, or nothing (written self-closed)."""

    tag: str
    content: "str | Sequence[El] | None" = None
    attrs: tuple[tuple[str, str], ...] = ()
    # "block" or "header": an entry container in the compact layout (its opening tag on a line of its own, or
    # followed by its header, as Atom's); "inline": one line in the pretty layout too
    lines: str = ""


def el(tag: str, content: "str | Sequence[El] | None" = None, attrs: dict[str, str] | None = None) -> El:
    """An element with attributes in the order given."""
    return El(tag, content, tuple((attrs or {}).items()))


def _start(node: El) -> str:
    return "<" + node.tag + "".join(f' {k}="{xml_escape(v, {chr(34): "&quot;"})}"' for k, v in node.attrs)


def _pretty(node: El, level: int, out: list[str]) -> None:
    pad = "  " * level
    if node.content is None:
        out.append(f"{pad}{_start(node)}/>")
    elif isinstance(node.content, str) or node.lines == "inline":
        out.append(pad + _compact(node))
    else:
        out.append(f"{pad}{_start(node)}>")
        for child in node.content:
            _pretty(child, level + 1, out)
        out.append(f"{pad}</{node.tag}>")


def _compact(node: El) -> str:
    if node.content is None:
        return _start(node) + "/>"
    if isinstance(node.content, str):
        return f"{_start(node)}>{xml_escape(node.content)}</{node.tag}>"
    if node.lines not in ("block", "header"):
        return _start(node) + ">" + "".join(_compact(c) for c in node.content) + f"</{node.tag}>"
    header = "".join(_compact(c) for c in node.content if c.tag not in ENTRY_TAGS)
    entries = "".join(_compact(c) + "\n" for c in node.content if c.tag in ENTRY_TAGS)
    opening = "\n" if node.lines == "block" else ""
    return f"{_start(node)}>{opening}{header}{chr(10) if header else ''}{entries}</{node.tag}>"


def xml_document(root: El, *, pretty: bool, encoding: str = "UTF-8") -> str:
    """The document with its XML declaration, in the pretty or the compact layout."""
    if pretty:
        lines: list[str] = []
        _pretty(root, 0, lines)
        body = "\n".join(lines)
    else:
        body = _compact(root)
    return f'<?xml version="1.0" encoding="{encoding}"?>\n{body}\n'


def _optional(*nodes: El | None) -> list[El]:
    return [n for n in nodes if n is not None]


# -- RSS 2.0


def rss(channel: Sequence[El], items: Iterable[El], namespaces: dict[str, str] | None = None) -> El:
    """An RSS 2.0 document element: the channel's header elements, then its items."""
    inner = El("channel", [*channel, *items], lines="block")
    return El("rss", [inner], tuple({"version": "2.0", **(namespaces or {})}.items()))


def rss_channel(
    title: str,
    link: str,
    description: str,
    language: str | None = None,
    self_href: str | None = None,
    built: str | None = None,
) -> list[El]:
    """An RSS channel's header elements."""
    return _optional(
        el("title", title),
        el("link", link),
        el("description", description),
        el("language", language) if language else None,
        el("atom:link", None, {"href": self_href, "rel": "self", "type": "application/rss+xml"})
        if self_href
        else None,
        el("lastBuildDate", built) if built else None,
    )


def rss_item(
    title: str,
    link: str,
    published: str,
    description: str | None = None,
    *,
    guid: str | None = None,
    permalink: bool | None = None,
    creators: Sequence[str] = (),
    category: str | None = None,
) -> El:
    """An RSS item; permalink None writes the guid without isPermaLink."""
    guid_attrs = {} if permalink is None else {"isPermaLink": "true" if permalink else "false"}
    return El(
        "item",
        _optional(
            el("title", title),
            el("link", link),
            el("guid", guid, guid_attrs) if guid is not None else None,
            el("pubDate", published),
            *(el("dc:creator", c) for c in creators),
            el("category", category) if category else None,
            el("description", description) if description is not None else None,
        ),
    )


# -- Atom


def atom(header: Sequence[El], entries: Iterable[El], lang: str | None = None) -> El:
    """An Atom feed element: its header elements (in the outlet's order), then its entries."""
    attrs = {"xmlns": ATOM_NS, **({"xml:lang": lang} if lang else {})}
    return El("feed", [*header, *entries], tuple(attrs.items()), lines="header")


def atom_link(href: str, rel: str | None = None, type_: str | None = None) -> El:
    """<link rel type href/>, attributes in that order."""
    attrs = {**({"rel": rel} if rel else {}), **({"type": type_} if type_ else {}), "href": href}
    return el("link", None, attrs)


def atom_entry(
    title: str,
    href: str,
    id_: str,
    published: str,
    updated: str,
    summary: str,
    *,
    authors: Sequence[str] = (),
    link_type: str | None = None,
    summary_type: str | None = None,
) -> El:
    """An Atom entry with an alternate link."""
    return El(
        "entry",
        [
            el("title", title),
            atom_link(href, "alternate", link_type),
            el("id", id_),
            el("published", published),
            el("updated", updated),
            *(El("author", [el("name", a)], lines="inline") for a in authors),
            el("summary", summary, {"type": summary_type} if summary_type else None),
        ],
    )


def atom_of_stories(stories: Sequence[Story], title: str, home: str, lang: str) -> str:
    """A story-file outlet's Atom feed (pretty): its stories newest first, each with its first author."""
    ordered = newest_first(list(stories))
    entries = [
        atom_entry(s.title, s.url, s.url, iso(s.published), iso(s.modified or s.published), s["description"],
                   authors=s.authors[:1], link_type="text/html")
        for s in ordered
    ]  # fmt: skip
    newest = ordered[0].modified or ordered[0].published
    header = [el("title", title), atom_link(home, "alternate"), el("id", home), el("updated", iso(newest))]
    return xml_document(atom(header, entries, lang), pretty=True)


# -- RSS 1.0 (RDF)


def rdf(channel: El, items: Iterable[El]) -> El:
    """An RSS 1.0 document element: the channel, then the items."""
    attrs = {"xmlns:rdf": RDF_NS, "xmlns": RSS1_NS, "xmlns:dc": DC_NS}
    return El("rdf:RDF", [channel, *items], tuple(attrs.items()), lines="block")


def rdf_channel(
    about: str, title: str, link: str, description: str, resources: Iterable[str], date: str | None = None
) -> El:
    """The RDF channel: its header and the sequence of item URLs."""
    seq = El("rdf:Seq", [el("rdf:li", None, {"rdf:resource": r}) for r in resources])
    return el(
        "channel",
        _optional(
            el("title", title),
            el("link", link),
            el("description", description),
            el("dc:date", date) if date else None,
            El("items", [seq]),
        ),
        {"rdf:about": about},
    )


def rdf_item(
    about: str,
    title: str,
    link: str,
    description: str | None = None,
    date: str | None = None,
    source: str | None = None,
) -> El:
    """An RDF item."""
    return el(
        "item",
        _optional(
            el("title", title),
            el("link", link),
            el("description", description) if description is not None else None,
            el("dc:date", date) if date else None,
            el("dc:source", source) if source else None,
        ),
        {"rdf:about": about},
    )


# -- sitemaps


def urlset(urls: Iterable[El], *, news: bool = False) -> El:
    """A sitemap's document element (with the Google News namespace when news)."""
    attrs = {"xmlns": SITEMAP_NS, **({"xmlns:news": NEWS_NS} if news else {})}
    return El("urlset", list(urls), tuple(attrs.items()), lines="block")


def sitemap_url(loc: str, lastmod: str | None = None) -> El:
    """A <url> with its location and last modification."""
    return El("url", _optional(el("loc", loc), el("lastmod", lastmod) if lastmod else None))


def news_url(loc: str, name: str, language: str, published: str, title: str) -> El:
    """A <url> of a Google News sitemap."""
    publication = El("news:publication", [el("news:name", name), el("news:language", language)])
    news = El("news:news", [publication, el("news:publication_date", published), el("news:title", title)])
    return El("url", [el("loc", loc), news])


def sitemap_index(children: Iterable[tuple[str, str]]) -> El:
    """A sitemap index of (location, lastmod) children."""
    rows = [El("sitemap", [el("loc", loc), el("lastmod", lastmod)]) for loc, lastmod in children]
    return El("sitemapindex", rows, (("xmlns", SITEMAP_NS),), lines="block")

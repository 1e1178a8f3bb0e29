"""JSON-LD: the page's structured data, read defensively (hand-written, often broken, sometimes hostile).

Every <script type="application/ld+json"> block is parsed on its own; a block that is not JSON (after the
usual slips: CDATA or comment wrappers, trailing commas), or that is too big, too deep or holds an absurdly
long number, is skipped and the page goes on with the others. Objects are flattened through lists, @graph
and mainEntity only: walking every nested object would pick up related articles from citation/relatedLink
lists.
"""

import json
import re
from typing import Any

from lxml.html import HtmlElement

ARTICLE_TYPES = frozenset(
    {
        "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
        "BackgroundNewsArticle", "ReviewNewsArticle", "AskPublicNewsArticle", "SatiricalArticle",
        "BlogPosting", "LiveBlogPosting", "SocialMediaPosting", "Report", "TechArticle", "ScholarlyArticle",
        "Review", "DiscussionForumPosting", "ClaimReview",
    }
)  # fmt: skip
PAGE_TYPES = frozenset({"WebPage", "ItemPage", "AboutPage", "MediaObject", "VideoObject"})
INDEX_TYPES = frozenset({"CollectionPage", "ItemList", "SearchResultsPage", "SiteNavigationElement"})

# bounds on one block: a real block (with a whole articleBody) is far smaller and shallower than these
MAX_BLOCK_CHARS = 2_000_000
MAX_DEPTH = 64
MAX_NUMBER_CHARS = 100
MAX_WALK_DEPTH = 6

CDATA_WRAPPER_RE = re.compile(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$")
COMMENT_WRAPPER_RE = re.compile(r"^<!--|-->$")
TRAILING_COMMA_RE = re.compile(r",\s*([}\]])")


class BadBlock(ValueError):
    """A JSON-LD block past one of the bounds."""


def _bounded_int(digits: str) -> int:
    if len(digits) > MAX_NUMBER_CHARS:
        raise BadBlock(f"a {len(digits)}-character number")
    return int(digits)


def _bounded_float(digits: str) -> float:
    if len(digits) > MAX_NUMBER_CHARS:
        raise BadBlock(f"a {len(digits)}-character number")
    return float(digits)


def _within_depth(raw: str, data: Any) -> bool:
    """Whether the parsed block nests at most MAX_DEPTH lists and objects."""
    if raw.count("[") + raw.count("{") <= MAX_DEPTH:
        return True  # cannot nest deeper than it has brackets
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return False
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values() if isinstance(v, dict | list))
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value if isinstance(v, dict | list))
    return True


def _parse_bounded(raw: str) -> Any:
    data = json.loads(raw, strict=False, parse_int=_bounded_int, parse_float=_bounded_float)
    if not _within_depth(raw, data):
        raise BadBlock(f"nested deeper than {MAX_DEPTH}")
    return data


def load_json(raw: str) -> Any:
    """The block's JSON value, or None when it is not JSON or past the bounds."""
    raw = raw.strip()
    if len(raw) > MAX_BLOCK_CHARS:
        return None
    # the wrappers are rare, and each regex tries its "$" branch at every character of the script (an
    # articleBody makes it long): look for them first
    if "<![CDATA[" in raw or "]]>" in raw:
        raw = CDATA_WRAPPER_RE.sub("", raw).strip()
    if raw.startswith("<!--") or raw.endswith("-->"):
        raw = COMMENT_WRAPPER_RE.sub("", raw).strip()
    try:
        return _parse_bounded(raw)
    except json.JSONDecodeError:
        pass
    except (BadBlock, ValueError, RecursionError):
        return None  # past a bound (or an int past Python's own digit limit): no retry can help
    # trailing commas are the usual hand-written JSON-LD slip
    try:
        return _parse_bounded(TRAILING_COMMA_RE.sub(r"\1", raw))
    except (ValueError, RecursionError):
        return None


def types_of(obj: dict[str, Any]) -> set[str]:
    """The object's @type names without their vocabulary prefix ("schema:NewsArticle" -> "NewsArticle")."""
    raw = obj.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {str(v).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for v in values if v}


def _walk(data: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    # only @graph and mainEntity nest the page's own entities
    if depth > MAX_WALK_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            _walk(item, out, depth + 1)
    elif isinstance(data, dict):
        out.append(data)
        for key in ("@graph", "mainEntity"):
            if key in data:
                _walk(data[key], out, depth + 1)


def jsonld_objects(tree: HtmlElement) -> list[dict[str, Any]]:
    """All JSON-LD objects of the page, flattened through lists, @graph and mainEntity."""
    out: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        data = load_json(script.text or "")
        if data is not None:
            _walk(data, out)
    return out


def first_str(value: Any) -> str | None:
    """The first non-empty string of a JSON-LD value (a string, a list, an object's @value/name/url/@id)."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        for item in value:
            found = first_str(item)
            if found:
                return found
    if isinstance(value, dict):
        for key in ("@value", "name", "url", "@id"):
            found = first_str(value.get(key))
            if found:
                return found
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def name_of(value: Any) -> str | None:
    """The name (or legalName) of a JSON-LD entity, or of the first entity of a list that has one."""
    if isinstance(value, dict):
        return first_str(value.get("name")) or first_str(value.get("legalName"))
    if isinstance(value, list):
        for item in value:
            name = name_of(item)
            if name:
                return name
        return None
    return first_str(value)


def url_of(value: Any) -> str | None:
    """The first http(s) URL of a JSON-LD entity (url, @id, sameAs) or of a list of them."""
    if isinstance(value, dict):
        for key in ("url", "@id", "sameAs"):
            found = first_str(value.get(key))
            if found and found.startswith("http"):
                return found
        return None
    if isinstance(value, list):
        for item in value:
            found = url_of(item)
            if found:
                return found
        return None
    found = first_str(value)
    return found if found and found.startswith("http") else None


def is_false(value: Any) -> bool:
    """JSON-LD false: the boolean or the string "false" in any case."""
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")

"""The HTML, JSON-LD and date spellings every outlet template of the generator shares."""

import html
import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timezone
from email.utils import format_datetime

# every URL a generated web writes starts with this; the site server puts its own base URL in its place
BASE = "{{BASE}}"
# JSON without spaces after separators, as many CMSs print their JSON-LD
TIGHT = (",", ":")


class Markup(str):
    """Page text that is markup already (a paragraph holding a link): renderers do not escape it."""


def esc(text: str) -> str:
    """Text for an HTML element's content."""
    return text if isinstance(text, Markup) else html.escape(text, quote=False)


def attr(text: str) -> str:
    """Text for an HTML attribute value."""
    return html.escape(text, quote=True)


def iso(moment: datetime) -> str:
    """ISO 8601 in the moment's own offset, with Z for UTC (the fixture and demo outlets' spelling)."""
    text = moment.isoformat()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def iso_in(moment: datetime, zone: timezone = UTC) -> str:
    """ISO 8601 of the moment in a given zone (the bench outlets' spelling: +00:00 for UTC)."""
    return moment.astimezone(zone).isoformat()


def rfc822(moment: datetime, *, gmt: bool = False) -> str:
    """An RSS pubDate: in the moment's own offset, or in UTC spelled GMT."""
    return format_datetime(moment.astimezone(UTC), usegmt=True) if gmt else format_datetime(moment)


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def numbered_slug(title: str, number: int) -> str:
    """A URL slug of at most 70 characters of the title, then a number that keeps it unique."""
    return slug(title)[:70].strip("-") + f"-{number}"


def ld_script(data: object, *, indent: int | None = None, separators: tuple[str, str] | None = None) -> str:
    """A JSON-LD script element (an indented one on lines of its own)."""
    text = json.dumps(data, ensure_ascii=False, indent=indent, separators=separators).replace("</", "<\\/")
    if indent is not None:
        return f'<script type="application/ld+json">\n{text}\n</script>'
    return f'<script type="application/ld+json">{text}</script>'


def front_page(
    name: str,
    lang: str,
    links: Iterable[tuple[str, str]],
    charset: str | None = "utf-8",
    *,
    item_indent: str = "",
    compact: bool = False,
) -> str:
    """An outlet's home page: its name and a list of (url, title) links; compact writes it on two lines."""
    meta = f'<meta charset="{charset}">' if charset else ""
    if compact:
        items = "".join(f'<li><a href="{attr(url)}">{attr(title)}</a></li>' for url, title in links)
        return (
            f'<!DOCTYPE html>\n<html lang="{lang}"><head>{meta}<title>{attr(name)}</title></head>'
            f"<body><h1>{attr(name)}</h1><ul>{items}</ul></body></html>\n"
        )
    items = "".join(f'{item_indent}<li><a href="{url}">{esc(title)}</a></li>\n' for url, title in links)
    head = f"{meta}\n" if meta else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n{head}<title>{esc(name)}</title>\n</head>\n<body>\n'
        f"<h1>{esc(name)}</h1>\n<ul>\n{items}</ul>\n</body>\n</html>\n"
    )


def ja_date(moment: datetime) -> str:
    """A Japanese paper's date line: 2025年6月17日 9時05分."""
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment.hour}時{moment:%M}分"

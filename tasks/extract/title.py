"""Title: og:title, else twitter:title, the JSON-LD headline, trafilatura's title, the feed's, <title>;
the site's name (og:site_name, the JSON-LD publisher) is cut off its end."""

import re
from collections.abc import Iterable

SITE_SUFFIX_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ")


def strip_site_suffix(title: str | None, site_names: Iterable[str]) -> str | None:
    """The title with whitespace collapsed and a trailing " | Site name" (or " - ", " – "...) cut."""
    if not title:
        return None
    # ascii whitespace only: an ideographic space inside a Japanese headline is part of it
    title = re.sub(r"[ \t\r\n\f\v]+", " ", title).strip()
    for name in site_names:
        if not name:
            continue
        for sep in SITE_SUFFIX_SEPARATORS:
            suffix = f"{sep}{name}"
            if title.lower().endswith(suffix.lower()) and len(title) > len(suffix) + 5:
                return title[: -len(suffix)].strip()
    return title

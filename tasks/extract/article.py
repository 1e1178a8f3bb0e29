"""Turn one fetched HTML page into an Article (pure: never fetches).

The page is parsed once; what it says about itself is read (meta.py), its furniture pruned from a copy of
the tree (furniture.py), and trafilatura reads the text from the pruned copy (text.py).
`tasks.clean.clean_text` then cuts trailing sections, inline link boxes and furniture lines, leading lines
that repeat the headline go, and whole credit lines ("NHK18-06-2025", "（NHKニュースより）") are stripped
after being recorded as `source_credit` (provenance.py). A page that yields no article raises
ExtractionError (verdict.py). Each field's rules are in its room: title.py, dates.py, authors.py,
language.py, access.py, provenance.py, words.py.
"""

from datetime import UTC, datetime
from functools import cache, partial

from copydesk.tasks.clean import (
    clean_text,
    credit_of_line,
    detect_source_credit,
    drop_leading_title,
    has_read_more,
    strip_credit_lines,
)
from copydesk.tasks.extract.access import access_of, links_elsewhere, paywalled
from copydesk.tasks.extract.authors import (
    byline_in_page,
    byline_in_text,
    pick_authors,
    with_linked_coauthors,
)
from copydesk.tasks.extract.dates import (
    DATE_ONLY,
    EXACT,
    collect_dates,
    dateline_candidate,
    fixed_offset,
    htmldate_candidate,
    in_zone,
    is_plausible,
    page_zone,
    resolve_dates,
    zone_named,
)
from copydesk.tasks.extract.furniture import prune_furniture
from copydesk.tasks.extract.jsonld import first_str, name_of
from copydesk.tasks.extract.language import detect_language
from copydesk.tasks.extract.meta import page_metadata, read_page_meta
from copydesk.tasks.extract.provenance import find_credit_line, jsonld_credit, linked_source, resolve_urls
from copydesk.tasks.extract.script_text import script_text
from copydesk.tasks.extract.standfirst import find_standfirst
from copydesk.tasks.extract.text import extract_text
from copydesk.tasks.extract.title import choose_title, strip_site_suffix, title_parts, visible_headline
from copydesk.tasks.extract.tree import parse_html
from copydesk.tasks.extract.verdict import ExtractionError, is_blocked, reject_non_article
from copydesk.tasks.extract.words import content_hash, count_words
from copydesk.tasks.models import Article, DateCandidate, Link
from copydesk.tasks.urls import article_id_for, canonical_url


def extract_article(
    html: str,
    url: str,
    *,
    outlet_id: str = "",
    link: Link | None = None,
    language_hint: str | None = None,
    http_last_modified: datetime | None = None,
    fetched_at: datetime | None = None,
    now: datetime | None = None,
    outlet_timezone: str | None = None,
    site_prefix: str | None = None,
) -> Article:
    """Extract text and metadata from a decoded HTML page; raises ExtractionError when there is no article."""
    now = now or datetime.now(UTC)
    fetched_at = fetched_at or now
    zone = zone_named(outlet_timezone) if outlet_timezone else None
    if not html or html.isspace():
        raise ExtractionError("empty", "no HTML")
    tree = parse_html(html)
    if tree is None:
        raise ExtractionError("empty", "HTML did not parse")
    page = read_page_meta(tree, url)
    article_ld = page.article_ld or {}
    # trafilatura's metadata is the fallback for every field: read only when one is missing
    metadata = cache(partial(page_metadata, tree, url))
    site_name = (
        page.first("og:site_name", "application-name")
        or name_of(article_ld.get("publisher"))
        or metadata().sitename
    )
    publisher = name_of(article_ld.get("publisher"))
    raw_title = (
        page.first("og:title", "twitter:title")
        or first_str(article_ld.get("headline"))
        or metadata().title
        or (link.title if link else None)
        or page.title_tag
    )
    # the page's structured headline: JSON-LD's, else a microdata or meta tag's (<meta name="headline">)
    headline = first_str(article_ld.get("headline")) or page.first("headline")
    social = page.first("og:title")
    twitter = page.first("twitter:title")
    h1 = visible_headline(tree, [headline, social, twitter, page.title_tag])
    title = choose_title(
        {"social": social, "twitter": twitter, "jsonld": headline, "h1": h1, "title": page.title_tag},
        [n for n in (site_name, publisher) if n],
    ) or strip_site_suffix(raw_title, [n for n in (site_name, publisher) if n])

    pruned, _, headline_nodes = prune_furniture(tree, [t for t in (title, raw_title, page.title_tag) if t])
    raw_text = extract_text(pruned, url, outlet_id)
    if not raw_text.strip():
        # pruning can take a page whose only text sits in a marked block: try the whole page once
        raw_text = extract_text(tree, url)
    raw_text = script_text(page, tree, html, raw_text.strip()) or raw_text
    if is_blocked(html, tree, page, len(raw_text.strip())):
        raise ExtractionError("blocked", "bot challenge or access-denied interstitial")
    if not raw_text.strip():
        raise ExtractionError("empty", "no text extracted")

    teaser_marker = has_read_more(raw_text) or links_elsewhere(pruned)
    text, _ = clean_text(raw_text)
    titles = [t for t in (title, raw_title, page.title_tag, headline, h1) if t]
    titles += title_parts(titles)
    text, _ = drop_leading_title(text, titles)
    description = (
        page.first("og:description", "description", "twitter:description")
        or first_str(article_ld.get("description"))
        or metadata().description
    )
    lead = find_standfirst(
        pruned,
        headline_nodes,
        text,
        [
            page.first("og:description"),
            page.first("description"),
            page.first("twitter:description"),
            first_str(article_ld.get("description")),
        ],
        titles,
    )
    if lead:
        text = f"{lead}\n{text}"
    credit_line = find_credit_line(pruned)
    source_credit = detect_source_credit(text) or (credit_of_line(credit_line) if credit_line else None)
    text, _ = strip_credit_lines(text)
    text = text.strip()
    if not text:
        raise ExtractionError("empty", "only boilerplate left after cleaning")
    word_count = count_words(text)

    reject_non_article(page, tree, pruned, raw_text, text, word_count)

    fetched_canonical = canonical_url(url)
    article_url, based_on_url = resolve_urls(page, url, site_prefix)
    if based_on_url is None:
        based_on_url = linked_source(pruned, url, site_prefix)
    if source_credit is None:
        source_credit = jsonld_credit(page, (site_name, publisher))

    found = collect_dates(
        page, pruned, raw_text, credit_line, [article_url, fetched_canonical], link, http_last_modified,
        zone or UTC,
    )  # fmt: skip
    candidates = [c for c in found if is_plausible(c, now)]
    if zone is None and any(c.precision != EXACT for c in resolve_dates(candidates) if c is not None):
        # a naive or date-only value decides: read the page's values in its own zone
        zone = page_zone(candidates, [page.lang_tag, page.first("og:locale")])
        if zone is not None:
            candidates = [c for c in in_zone(found, zone) if is_plausible(c, now)]
    zone = zone or UTC
    if not any(c.role == "published" for c in candidates):
        # htmldate's guess is the last resort: it reads the same JSON-LD, meta tags, <time> and URL as above
        guess = htmldate_candidate(metadata().date, zone)
        if guess is not None and is_plausible(guess, now):
            candidates.append(guess)
    published, modified = resolve_dates(candidates)
    if published is not None and published.precision == DATE_ONLY:
        printed = dateline_candidate(headline_nodes, published)
        if printed is not None:
            candidates.append(printed)
            published, modified = resolve_dates(candidates)
    unique: dict[tuple[str, datetime, str], DateCandidate] = {}
    for c in candidates:
        unique.setdefault(
            (c.source, c.value, c.role),
            DateCandidate(source=c.source, value=fixed_offset(c.value), role=c.role),
        )

    access = access_of(paywalled(page, raw_text), teaser_marker, word_count, link)

    return Article(
        article_id=article_id_for(article_url),
        url=article_url,
        fetched_url=url,
        outlet_id=outlet_id,
        title=title,
        authors=with_linked_coauthors(
            pick_authors(
                page,
                lambda: metadata().author,
                [n for n in (site_name, publisher, outlet_id) if n],
                lambda: byline_in_page(pruned) or byline_in_text(text),
            ),
            pruned,
        ),
        published_at=fixed_offset(published.value) if published else None,
        published_at_source=published.source if published else None,
        modified_at=fixed_offset(modified.value) if modified else None,
        date_candidates=list(unique.values()),
        language=detect_language(text, language_hint, page.html_lang),
        text=text,
        word_count=word_count,
        site_name=site_name,
        description=description,
        source_credit=source_credit,
        based_on_url=based_on_url,
        access=access,
        content_hash=content_hash(text),
        fetched_at=fetched_at,
    )

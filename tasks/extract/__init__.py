"""Extraction: one fetched HTML page to one Article, in rooms by subject (pure: never fetches).

article.py holds the entry point, extract_article; each field's rules live in its own room (title, dates,
authors, language, access, provenance, words), the page's own statements in meta.py and jsonld.py, the
furniture pruning in furniture.py, the trafilatura wrapper in text.py, and the verdict on pages without an
article in verdict.py.
"""

from copydesk.tasks.extract.article import extract_article
from copydesk.tasks.extract.authors import split_authors
from copydesk.tasks.extract.dates import Candidate, parse_date, resolve_dates
from copydesk.tasks.extract.language import detect_language
from copydesk.tasks.extract.verdict import ExtractionError
from copydesk.tasks.extract.words import count_words
from copydesk.tasks.urls import article_id_for, canonical_url

__all__ = [
    "Candidate",
    "ExtractionError",
    "article_id_for",
    "canonical_url",
    "count_words",
    "detect_language",
    "extract_article",
    "parse_date",
    "resolve_dates",
    "split_authors",
]

"""Pydantic boundary models: what crosses from one pipeline step to the next."""

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

# matched with fullmatch: `$` would also accept a trailing newline
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")


def _http_url(value: str) -> str:
    if not re.match(r"^https?://[^/\s]+", value):
        raise ValueError(f"not an http(s) URL: {value!r}")
    return value


HttpUrlStr = Annotated[str, AfterValidator(_http_url)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Outlet(Frozen):
    """One news outlet as the outlets file describes it."""

    id: str
    name: str | None = None
    homepage: HttpUrlStr | None = None
    feeds: list[HttpUrlStr] = Field(default_factory=list)
    sitemaps: list[HttpUrlStr] = Field(default_factory=list)
    language: str | None = None
    # extra hosts whose pages belong to this outlet (amp., www., mobile hosts)
    domains: list[str] = Field(default_factory=list)
    # where outlets share one host (a blog network, the bundled demo), the URL prefix of this outlet's own
    # pages: a canonical link outside it then marks a copy instead of naming this page
    site_prefix: HttpUrlStr | None = None
    # IANA zone for dates the outlet prints without an offset (e.g. Asia/Tokyo)
    timezone: str | None = None

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.fullmatch(value):
            raise ValueError(
                "must be a slug: lower-case letters, digits, '-' or '_', starting with a letter or digit"
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {value!r} (use an IANA name, e.g. Asia/Tokyo)") from None
        return value

    @model_validator(mode="after")
    def _has_source(self) -> "Outlet":
        # a homepage alone is enough: discovery finds the feeds it links and the sitemaps robots.txt names
        if not self.feeds and not self.sitemaps and not self.homepage:
            raise ValueError("needs at least one of 'feeds', 'sitemaps' or 'homepage'")
        return self


class OutletsConfig(Frozen):
    """The whole outlets file."""

    allow_private_addresses: bool = False
    outlets: list[Outlet]

    @model_validator(mode="after")
    def _unique_ids(self) -> "OutletsConfig":
        seen: set[str] = set()
        for outlet in self.outlets:
            if outlet.id in seen:
                raise ValueError(f"outlet id {outlet.id!r} appears more than once")
            seen.add(outlet.id)
        return self

    def select(self, outlet_ids: list[str] | None) -> "OutletsConfig":
        """Keep only the named outlets (all when none are named); unknown ids are an error."""
        if not outlet_ids:
            return self
        known = {o.id for o in self.outlets}
        unknown = sorted(set(outlet_ids) - known)
        if unknown:
            raise ValueError(f"unknown outlet ids: {', '.join(unknown)}")
        return self.model_copy(update={"outlets": [o for o in self.outlets if o.id in outlet_ids]})


LinkVia = Literal["feed", "sitemap", "news_sitemap", "warc", "retry"]


class Link(Frozen):
    """An article URL as discovery found it, with what the feed or sitemap said about it."""

    url: str
    outlet_id: str
    via: LinkVia
    found_in: str
    title: str | None = None
    published_at: AwareDatetime | None = None
    modified_at: AwareDatetime | None = None
    description: str | None = None


class Page(Frozen):
    """A fetched, decoded HTML page."""

    link: Link
    final_url: str
    status: int
    content_type: str | None = None
    html: str
    encoding: str
    last_modified: AwareDatetime | None = None
    fetched_at: AwareDatetime


FailureStage = Literal["discover", "fetch", "extract", "load"]


class Failure(Frozen):
    """Something that went wrong for one URL; stored as a row in `failures`, never raised out of a run."""

    url: str
    outlet_id: str | None
    stage: FailureStage
    # short machine-readable class: http_error, timeout, not_html, too_large, blocked, not_article, empty, ...
    kind: str
    error: str
    http_status: int | None = None
    transient: bool = False
    at: AwareDatetime


class DateCandidate(Frozen):
    """One piece of evidence for when an article was published or modified."""

    source: str
    value: AwareDatetime
    role: Literal["published", "modified"] = "published"


class Article(Frozen):
    """One extracted article, keyed by its canonical URL."""

    article_id: str
    url: str
    fetched_url: str
    outlet_id: str
    title: str | None = None
    authors: list[str] = Field(default_factory=list)
    published_at: AwareDatetime | None = None
    published_at_source: str | None = None
    modified_at: AwareDatetime | None = None
    date_candidates: list[DateCandidate] = Field(default_factory=list)
    language: str | None = None
    text: str
    word_count: int
    site_name: str | None = None
    description: str | None = None
    source_credit: str | None = None
    # URL of the original this page says it copies (cross-domain canonical, JSON-LD isBasedOn)
    based_on_url: str | None = None
    access: Literal["free", "paywalled", "teaser"] | None = None
    content_hash: str
    fetched_at: AwareDatetime


class StageCounts(BaseModel):
    """Counts a run reports per stage."""

    discovered: int = 0
    new: int = 0
    fetched: int = 0
    extracted: int = 0
    loaded: int = 0
    copies: int = 0
    failed: int = 0


class LoadReport(BaseModel):
    """What one load changed in the warehouse."""

    run_id: str
    files: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    failures: int = 0
    stories_new: int = 0
    copies_linked: int = 0
    # new texts the loader signed itself (its template strip left another text than the worker signed)
    texts_signed_at_load: int = 0
    waited_for_lock_s: float = 0.0
    load_s: float = 0.0
    per_outlet: dict[str, dict[str, int]] = Field(default_factory=dict)


class RunWindow(Frozen):
    """An inclusive time window that discovery keeps items from (backfills); None bounds are open."""

    start: datetime | None = None
    end: datetime | None = None

    def contains(self, moment: datetime | None) -> bool:
        """True when the moment is inside the window; unknown moments are kept only by an open window."""
        if moment is None:
            return self.start is None and self.end is None
        if self.start is not None and moment < self.start:
            return False
        return not (self.end is not None and moment > self.end)

"""The one date parser (tasks/dates.py): formats, zones, precision, and what it refuses."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from copydesk.tasks.dates import (
    DATE_ONLY,
    EXACT,
    MONTH_ONLY,
    NAIVE,
    parse_date,
    parse_utc,
    zone_named,
    zone_of,
)

TOKYO = ZoneInfo("Asia/Tokyo")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # fixed US abbreviations say which half of the year they mean
        pytest.param("Wed, 15 Jan 2025 09:30:00 EST", utc(2025, 1, 15, 14, 30), id="est"),
        pytest.param("Wed, 18 Jun 2025 09:30:00 EDT", utc(2025, 6, 18, 13, 30), id="edt"),
        pytest.param("Wed, 15 Jan 2025 09:30:00 CST", utc(2025, 1, 15, 15, 30), id="cst"),
        pytest.param("Wed, 18 Jun 2025 09:30:00 CDT", utc(2025, 6, 18, 14, 30), id="cdt"),
        pytest.param("Wed, 15 Jan 2025 09:30:00 MST", utc(2025, 1, 15, 16, 30), id="mst"),
        pytest.param("Wed, 18 Jun 2025 09:30:00 MDT", utc(2025, 6, 18, 15, 30), id="mdt"),
        pytest.param("Wed, 15 Jan 2025 09:30:00 PST", utc(2025, 1, 15, 17, 30), id="pst"),
        pytest.param("Wed, 18 Jun 2025 09:30:00 PDT", utc(2025, 6, 18, 16, 30), id="pdt"),
        pytest.param("Wed, 18 Jun 2025 09:30:00 pdt", utc(2025, 6, 18, 16, 30), id="lower-case"),
        # the generic names follow daylight saving time of the date
        pytest.param("Wed, 18 Jun 2025 09:30:00 ET", utc(2025, 6, 18, 13, 30), id="et-summer"),
        pytest.param("Wed, 15 Jan 2025 09:30:00 ET", utc(2025, 1, 15, 14, 30), id="et-winter"),
        pytest.param("Wed, 18 Jun 2025 09:30:00 CT", utc(2025, 6, 18, 14, 30), id="ct"),
        pytest.param("Wed, 15 Jan 2025 09:30:00 MT", utc(2025, 1, 15, 16, 30), id="mt"),
        pytest.param("Wed, 18 Jun 2025 09:30:00 PT", utc(2025, 6, 18, 16, 30), id="pt"),
        pytest.param("2025-06-18 09:30:00 PDT", utc(2025, 6, 18, 16, 30), id="iso-with-name"),
        # IANA names, POSIX sign included
        pytest.param("Wed, 18 Jun 2025 09:30:00 Etc/GMT", utc(2025, 6, 18, 9, 30), id="etc-gmt"),
        pytest.param("Wed, 18 Jun 2025 09:30:00 Etc/GMT+5", utc(2025, 6, 18, 14, 30), id="etc-gmt-plus"),
        pytest.param("2025-06-18T09:30:00 Europe/Berlin", utc(2025, 6, 18, 7, 30), id="iana"),
        # javascript's Date.toString, with and without the zone's name
        pytest.param("Thu Aug 30 2012 17:26:16 +0200", utc(2012, 8, 30, 15, 26, 16), id="js"),
        pytest.param("Thu Aug 30 2012 17:26:16 GMT+0200 (CEST)", utc(2012, 8, 30, 15, 26, 16), id="js-gmt"),
        pytest.param(
            "Thu Aug 30 2012 17:26:16 GMT+0200 (Central European Summer Time)",
            utc(2012, 8, 30, 15, 26, 16),
            id="js-long-name",
        ),
        # us prose
        pytest.param("Wednesday, June 18, 2025 9:30 AM", utc(2025, 6, 18, 9, 30), id="prose-am"),
        pytest.param("Wednesday, June 18, 2025 12:05 AM", utc(2025, 6, 18, 0, 5), id="prose-midnight"),
        pytest.param("June 18, 2025 2:05 PM EDT", utc(2025, 6, 18, 18, 5), id="prose-pm-zone"),
        pytest.param("June 18, 2025 at 2:05 p.m.", utc(2025, 6, 18, 14, 5), id="prose-at-dots"),
        pytest.param("Jun 18 2025", utc(2025, 6, 18), id="month-first-day"),
        pytest.param("18th June 2025", utc(2025, 6, 18), id="ordinal"),
        pytest.param("Wed, 18 Jun 2025 9:30 PM EDT", utc(2025, 6, 19, 1, 30), id="rfc822-pm"),
        # what the feed parser always read
        pytest.param("2025-06-18T09:30:00+09:00", utc(2025, 6, 18, 0, 30), id="iso"),
        pytest.param("Wed, 18 Jun 2025 09:30:00 GMT+9", utc(2025, 6, 18, 0, 30), id="gmt-plus"),
        pytest.param("Wed Jun 18 09:30:00 JST 2025", utc(2025, 6, 18, 0, 30), id="ctime"),
    ],
)
def test_parse_utc(text: str, expected: datetime) -> None:
    assert parse_utc(text) == expected


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        pytest.param(
            "2025-06-18T09:30:00+02:00",
            datetime(2025, 6, 18, 9, 30, tzinfo=timezone(timedelta(hours=2))),
            EXACT,
            id="exact-keeps-offset",
        ),
        pytest.param(
            "2025-06-18T09:30:00",
            datetime(2025, 6, 18, 9, 30, tzinfo=timezone(timedelta(hours=9))),
            NAIVE,
            id="naive-in-zone",
        ),
        pytest.param(
            "Wed, 18 Jun 2025 09:30:00 XYZ",
            datetime(2025, 6, 18, 9, 30, tzinfo=timezone(timedelta(hours=9))),
            NAIVE,
            id="unknown-name-in-zone",
        ),
        pytest.param(
            "2025-06-18",
            datetime(2025, 6, 18, 12, tzinfo=timezone(timedelta(hours=9))),
            DATE_ONLY,
            id="date-only-at-hour",
        ),
        pytest.param(
            "2025-06",
            datetime(2025, 6, 1, 12, tzinfo=timezone(timedelta(hours=9))),
            MONTH_ONLY,
            id="month-only",
        ),
    ],
)
def test_precision_and_zone(text: str, value: datetime, precision: int) -> None:
    parsed = parse_date(text, TOKYO, date_only_hour=12)
    assert parsed is not None
    assert (parsed.value, parsed.precision) == (value, precision)
    assert parsed.value.utcoffset() == value.utcoffset()
    # a fixed offset, never a zoneinfo object, leaves the parser
    assert isinstance(parsed.value.tzinfo, timezone)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(None, id="none"),
        pytest.param("", id="empty"),
        pytest.param("yesterday", id="word"),
        pytest.param("0001-01-01T00:00:00Z", id="placeholder-year"),
        pytest.param("2025-02-30", id="february-30"),
        pytest.param("Wed, 18 Jun 2025 13:30 PM", id="pm-past-12"),
        pytest.param("Wed, 18 Jun 2025 09:30:00 +2500", id="offset-out-of-range"),
        pytest.param("1718703000", id="epoch-not-asked-for"),
        pytest.param("2025-06-18T09:30:00+09:00 and more", id="trailing-text"),
        pytest.param("x" * 200, id="long"),
    ],
)
def test_refuses(text: str | None) -> None:
    assert parse_date(text) is None


def test_epoch_and_lenient_only_when_asked() -> None:
    assert parse_date("1750239000", epoch=True) == parse_date("2025-06-18T09:30:00Z")
    assert parse_date("1750239000000", epoch=True) == parse_date("2025-06-18T09:30:00Z")
    assert parse_date("18. Juni 2025") is None
    lenient = parse_date("2025/06/18 09:30", TOKYO, lenient=True)
    assert lenient is not None and lenient.precision == NAIVE
    assert lenient.value == datetime(2025, 6, 18, 0, 30, tzinfo=UTC)
    # a year alone is no day, even leniently
    assert parse_date("in 2025 the port", lenient=True) is None


def test_zone_helpers() -> None:
    assert zone_of("+05:30") == timezone(timedelta(hours=5, minutes=30))
    assert zone_of("nowhere") is None
    assert zone_named("Asia/Tokyo") == TOKYO
    assert zone_named("Mars/Olympus") is UTC
    assert zone_named(None) is UTC

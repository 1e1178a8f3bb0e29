"""Dates as feeds, sitemaps and pages print them: one pure parser, text to an aware datetime.

`parse_date(text, zone)` reads, in this order (the first that matches the whole text wins):

- ISO 8601 / W3C-DTF: `2025-06-18T09:30:00.123+09:00`, `2025-06-18 09:30 EST`, `2025-06`, `20250618T0930Z`;
- RFC 822 / 2822 / 850 and their relatives: `Wed, 18 Jun 2025 09:30:00 GMT`, `18-Jun-25 9:30 PM EDT`;
- month first (US prose, JavaScript's Date.toString): `Wednesday, June 18, 2025 9:30 AM`,
  `Thu Aug 30 2012 17:26:16 GMT+0200 (CEST)`, `Jun 18 2025`;
- ctime: `Wed Jun 18 09:30:00 JST 2025`;
- with `epoch=True`, 10- or 13-digit Unix times; with `lenient=True`, any other text dateutil reads as a
  day of a month (its last resort; never used by discovery, whose documents print dates in the formats above).

Zones: numeric offsets (`+0900`, `-05:00`, `GMT+9`, `UTC-3`), RFC 822 names and the abbreviations news sites
print (EST/EDT, CST/CDT, MST/MDT, PST/PDT fixed; the generic US names ET/CT/MT/PT follow daylight saving
time of that date), IANA names (`Europe/Berlin`, `Etc/GMT`, `Etc/GMT+5` with its POSIX sign). A text without
a zone, or with a zone name nobody can place, is read in the `zone` the caller gives (the outlet's zone).
"""

import re
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# precision of a parsed value, finest first: a time with a zone, a time read in the caller's zone, a day,
# only a month or a year
EXACT, NAIVE, DATE_ONLY, MONTH_ONLY = 0, 1, 2, 3
# longer than any date a document prints with its zone and comment; bounds the regex work per value
MAX_DATE_CHARS = 80
# years outside this range are placeholders (0001-01-01, 9999-12-31) rather than dates of news
MIN_YEAR, MAX_YEAR = 1800, 2200

_MONTHS = {
    name: number
    for number, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}

# offsets in hours; RFC 822 names first, then zones news sites print. CST stays US Central as RFC 822
# defines it, IST is India (the outlets that print it are Indian), BST British summer time.
FIXED_ZONES: dict[str, float] = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "AST": -4, "ADT": -3, "NST": -3.5, "NDT": -2.5,
    "BST": 1, "IST": 5.5, "CET": 1, "CEST": 2, "MET": 1, "MEST": 2, "MEZ": 1, "MESZ": 2, "WEST": 1,
    "EET": 2, "EEST": 3, "MSK": 3, "TRT": 3, "GST": 4, "PKT": 5, "ICT": 7, "WIB": 7, "SGT": 8, "HKT": 8,
    "PHT": 8, "AWST": 8, "JST": 9, "KST": 9, "ACST": 9.5, "ACDT": 10.5, "AEST": 10, "AEDT": 11,
    "NZST": 12, "NZDT": 13, "BRT": -3, "ART": -3,
}  # fmt: skip
# names that say "this region's clock", standard or daylight time as the date has it
REGION_ZONES = {
    "ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver", "PT": "America/Los_Angeles",
    "AKT": "America/Anchorage", "HT": "Pacific/Honolulu",
}  # fmt: skip

_TIME = (
    r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d+))?)?"
    r"(?:\s*(?P<ampm>[AaPp])\.?[Mm]\.?)?"
)
# a zone: Z, an offset, a name with or without an offset (GMT+0200), an IANA name (Etc/GMT+5); then an
# optional comment in parentheses, as JavaScript prints it: (CEST), (Central European Summer Time)
_ZONE = (
    r"(?:\s*(?P<tz>[Zz]|[+-]\d{1,2}(?::?\d{2})?"
    r"|(?:[A-Za-z]+(?:/[A-Za-z0-9_+-]+)+|[A-Za-z]{1,5})(?:\s*[+-]\d{1,2}(?::?\d{2})?)?))?"
    r"(?:\s*\([^()]{0,60}\))?"
)
_WEEKDAY = r"(?:[A-Za-z]{2,9}\.?,?\s*)?"
_ISO_EXTENDED = re.compile(
    r"(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2})(?:(?:[Tt]|\s+)" + _TIME + r")?)?)?" + _ZONE
)
_ISO_BASIC = re.compile(
    r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"
    r"(?:[Tt](?P<H>\d{2})(?P<M>\d{2})(?:(?P<S>\d{2})(?:[.,](?P<f>\d+))?)?)?"
    r"(?P<tz>[Zz]|[+-]\d{2}(?::?\d{2})?)?"
)
_DAY_FIRST = re.compile(
    _WEEKDAY + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?[\s-]+(?P<mon>[A-Za-z]{3,9})\.?,?[\s-]+(?P<y>\d{4}|\d{2})"
    r"(?:,?(?:\s+|T)(?:at\s+)?" + _TIME + ")?" + _ZONE
)
_MONTH_FIRST = re.compile(
    _WEEKDAY + r"(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})"
    r"(?:,?\s+(?:at\s+)?" + _TIME + ")?" + _ZONE
)
_CTIME = re.compile(
    _WEEKDAY
    + r"(?P<mon>[A-Za-z]{3,9})\s+(?P<d>\d{1,2})\s+"
    + _TIME
    + r"\s+(?:(?P<tz>[A-Za-z]{1,5}|[+-]\d{4})\s+)?(?P<y>\d{4})"
)
_OFFSET = re.compile(
    r"(?P<name>[A-Za-z][A-Za-z0-9_/+-]*?)?\s*(?:(?P<sign>[+-])(?P<hh>\d{1,2})(?::?(?P<mm>\d{2}))?)?"
)
_EPOCH = re.compile(r"\d{10}(?:\d{3})?")
_HAS_CLOCK = re.compile(r"\d:\d\d")


@dataclass(frozen=True)
class ParsedDate:
    """A parsed date: `value` is aware, its tzinfo a fixed offset; `precision` is EXACT, NAIVE (no zone in
    the text: read in the caller's zone), DATE_ONLY (at `date_only_hour` in the caller's zone) or MONTH_ONLY
    (a year, or a year and month: its first day)."""

    value: datetime
    precision: int


@lru_cache(maxsize=512)
def _named_zone(name: str) -> tzinfo | None:
    """The zone a name stands for: an abbreviation, a US region, an IANA name; None when nobody knows it."""
    upper = name.upper()
    if upper in FIXED_ZONES:
        return timezone(timedelta(hours=FIXED_ZONES[upper]))
    region = REGION_ZONES.get(upper) or (name if "/" in name else None)
    if region is None:
        return None
    try:
        return ZoneInfo(region)
    except (ZoneInfoNotFoundError, ValueError):
        return None


@lru_cache(maxsize=512)
def zone_of(token: str | None) -> tzinfo | None:
    """A tzinfo for '+0900', '-05:00', 'Z', 'JST', 'PT', 'GMT+9', 'Etc/GMT+5'; None when absent or unknown.

    Raises ValueError for an offset no clock has (+2500)."""
    if not token:
        return None
    match = _OFFSET.fullmatch(token.strip())
    if match is None:
        return None
    name, sign = match["name"] or "", match["sign"]
    if sign and "/" not in name:
        # GMT+0200, UTC-3, or a bare offset; an offset beside any other name is the clock's real offset
        minutes = int(match["hh"]) * 60 + int(match["mm"] or 0)
        return timezone((-1 if sign == "-" else 1) * timedelta(minutes=minutes))
    return _named_zone(token.strip())


def _hour(hour: str | None, ampm: str | None) -> int | None:
    value = int(hour or 0)
    if ampm is None:
        return value
    if not 1 <= value <= 12:
        return None
    return value % 12 + (12 if ampm in "Pp" else 0)


def _fixed(moment: datetime) -> datetime:
    offset = moment.utcoffset()
    return (
        moment
        if offset is None or isinstance(moment.tzinfo, timezone)
        else moment.replace(tzinfo=timezone(offset))
    )


def _build(
    fields: dict[str, str | None],
    year: int,
    month: int,
    day: int,
    zone: tzinfo,
    date_only_hour: int,
    precision_hint: int,
) -> ParsedDate | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    named = fields.get("tz")
    try:
        printed = zone_of(named)
    except ValueError:
        return None
    if fields.get("H") is None:
        hour, minute, second, micro = date_only_hour, 0, 0, 0
        precision = precision_hint
    else:
        hour = _hour(fields["H"], fields.get("ampm"))
        if hour is None:
            return None
        minute = int(fields["M"] or 0)
        # a leap second is still that minute
        second = min(int(fields.get("S") or 0), 59)
        micro = int((fields.get("f") or "0")[:6].ljust(6, "0"))
        precision = EXACT if printed is not None else NAIVE
    if printed is None or fields.get("H") is None:
        # no zone, or a zone beside a day alone: the day is read in the caller's zone
        printed = zone
    try:
        moment = datetime(year, month, day, hour, minute, second, micro, tzinfo=printed)
    except ValueError:
        return None
    return ParsedDate(_fixed(moment), precision)


def _month(name: str) -> int | None:
    return _MONTHS.get(name[:3].lower())


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        # RFC 2822 section 4.3: two-digit years below 50 are in the 2000s
        year += 2000 if year < 50 else 1900
    return year


def _lenient(text: str, zone: tzinfo, date_only_hour: int) -> ParsedDate | None:
    from dateutil import parser as dateutil_parser

    def known(name: str, offset: int | None) -> tzinfo | None:
        return timezone(timedelta(seconds=offset)) if offset is not None else zone_of(name)

    # a day and a month must be in the text: read against two defaults, only printed fields agree
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", dateutil_parser.UnknownTimezoneWarning)
            readings = [
                dateutil_parser.parse(text, default=datetime(2000, m, m), tzinfos=known) for m in (1, 2)
            ]
    except (ValueError, OverflowError, TypeError):
        return None
    first, second = readings
    if (first.month, first.day) != (second.month, second.day) or not MIN_YEAR <= first.year <= MAX_YEAR:
        return None
    if not _HAS_CLOCK.search(text):
        return ParsedDate(
            _fixed(first.replace(hour=date_only_hour, minute=0, second=0, microsecond=0, tzinfo=zone)),
            DATE_ONLY,
        )
    if first.tzinfo is None or first.utcoffset() is None:
        return ParsedDate(_fixed(first.replace(tzinfo=zone)), NAIVE)
    return ParsedDate(_fixed(first), EXACT)


def parse_date(
    text: str | None,
    zone: tzinfo = UTC,
    *,
    date_only_hour: int = 0,
    epoch: bool = False,
    lenient: bool = False,
) -> ParsedDate | None:
    """Parse a date as documents print it; None for missing, garbage or placeholder years (see module doc)."""
    if not text:
        return None
    text = " ".join(text.split())
    if not text or len(text) > MAX_DATE_CHARS:
        return None
    if len(text) >= 16 and text[4] == "-" and text[10] in "Tt ":
        # the common case of sitemaps and atom, read by the C parser; anything it refuses goes the long way
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            moment = None
        if moment is not None and MIN_YEAR <= moment.year <= MAX_YEAR:
            if moment.tzinfo is None:
                return ParsedDate(_fixed(moment.replace(tzinfo=zone)), NAIVE)
            return ParsedDate(_fixed(moment), EXACT)
    for pattern in (_ISO_EXTENDED, _ISO_BASIC):
        match = pattern.fullmatch(text)
        if match:
            fields = match.groupdict()
            precision = DATE_ONLY if fields["d"] else MONTH_ONLY
            return _build(
                fields,
                int(fields["y"]),
                int(fields["m"] or 1),
                int(fields["d"] or 1),
                zone,
                date_only_hour,
                precision,
            )
    for pattern in (_DAY_FIRST, _MONTH_FIRST, _CTIME):
        match = pattern.fullmatch(text)
        if match is None:
            continue
        month = _month(match["mon"])
        if month is None:
            continue
        fields = match.groupdict()
        return _build(fields, _year(fields["y"]), month, int(fields["d"]), zone, date_only_hour, DATE_ONLY)
    if epoch and _EPOCH.fullmatch(text):
        seconds = int(text) / (1000 if len(text) == 13 else 1)
        return ParsedDate(datetime.fromtimestamp(seconds, UTC), EXACT)
    if lenient:
        return _lenient(text, zone, date_only_hour)
    return None


def parse_utc(text: str | None, zone: tzinfo = UTC) -> datetime | None:
    """parse_date's value in UTC (naive text read in `zone`), or None; what discovery stores on a Link."""
    parsed = parse_date(text, zone)
    return parsed.value.astimezone(UTC) if parsed is not None else None


def zone_named(name: str | None) -> tzinfo:
    """The IANA zone of that name (an outlet's `timezone`); UTC when there is none or it is unknown."""
    if not name:
        return UTC
    found = _named_zone(name)
    return found if found is not None else UTC

"""Dates in articles: publication dates from metadata and datelines, dates in URL paths, readable gaps.

- `parse_date(value)`: a metadata value (ISO text, "Dec. 2, 2021", RFC 2822,
  a `date`, an epoch number) -> `date` or None.
- `find_dateline(lines)`: a dateline or byline date near the top of a text
  ("STOCKHOLM, Dec. 2, 2021 —", "Published 2 December 2021",
  "Updated: 2021-12-02", "By Ana Ruiz | March 3, 2020", "Posted 14/03/2022") -> (date, line) or None.
  A numeric date that reads both as day/month and month/day gives the later reading.
  A date inside a sentence of the story does not count.
- `url_path_date(url)`: the date in a URL's path, as htmldate reads them
  (/2025/06/25/, /2025-06-25-slug, /20250625/, /2025/jun/25/, month-only /2025/06/),
  validated as a real calendar date in a plausible range -> `UrlDate` or None.
- `describe_gap(earlier, later)`: "3 years 6 months", "5 weeks", "2 days".

Patterns are compiled on first use (`qualitycheck.lazyre`): a run served from the cache never needs them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Optional, Sequence

from qualitycheck.lazyre import lazy_compile
from qualitycheck.records import record

MIN_YEAR = 1990
MAX_YEAR = 2099

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")

_MONTH = (r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_WEEKDAY = r"(?i:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_ORDINAL = r"(?i:st|nd|rd|th)?"
# One date in any of the forms publications print; the groups say which form matched.
_DATE = (
    _WEEKDAY
    + r"(?:"
    + r"(?P<iy>\d{4})(?P<isep>[-/.])(?P<im>\d{1,2})(?P=isep)(?P<id>\d{1,2})(?!\d)"  # 2021-12-02, 2021/12/02
    + r"|(?P<am>" + _MONTH + r")\.?\s+(?P<ad>\d{1,2})" + _ORDINAL + r",?\s+(?P<ay>\d{4})(?!\d)"  # Dec. 2, 2021
    + r"|(?P<bd>\d{1,2})" + _ORDINAL + r"\s+(?i:of\s+)?(?P<bm>" + _MONTH + r")\.?,?\s+(?P<by>\d{4})(?!\d)"  # 2 Dec 2021
    + r"|(?P<na>\d{1,2})(?P<nsep>[/.])(?P<nb>\d{1,2})(?P=nsep)(?P<ny>\d{4})(?!\d)"  # 14/03/2022, 03/14/2022
    + r")"
)
_DATE_ANYWHERE = lazy_compile(r"(?<![\w])" + _DATE)

_LABEL = (r"(?i:(?:(?:first|originally|last)\s+)?(?:published|posted|updated|modified|dated|date|filed|issued"
          r"|released|written)(?:\s+(?:on|at))?)[*_]*\s*[:\-\u2013\u2014]?[*_]*\s*")
_BYLINE = (r"(?i:by)\s+[^|\u00b7\u2022\n]{2,80}?(?:\s*[|\u00b7\u2022,\u2013\u2014-]|\s+(?i:on))\s*"
           r"(?:" + _LABEL + r")?")
# A place or publication before the date: "STOCKHOLM, ", "NEW YORK (AP) ", "Riverside Gazette, ", "Oslo | ".
_NAME_WORD = r"[A-Z][\w.'\u2019&-]*"
_PLACE = (r"(?:[A-Z][A-Z.'\u2019\- ]{1,40}|" + _NAME_WORD + r"(?:\s+(?:" + _NAME_WORD + r"|of|the|on|upon|de|la|am))*)"
          r"(?:,\s*" + _NAME_WORD + r"(?:\s+" + _NAME_WORD + r")*)?(?:\s*\([^)\n]{1,30}\))?\s*[,|\u00b7\u2013\u2014:]\s*")
_DECORATION = r"^[\s*_>#]*"
# After the date: end of line, a time, a dash or bar, an agency in parentheses, or a byline.
_TAIL = (r"[\s*_]*(?:$|[|\u00b7\u2022\u2013\u2014-]|\(|,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}|\d{1,2}\s*(?i:am|pm)"
         r"|,?\s+(?i:by)\s|T\d{2}:)")
# A date a label or byline announces may be followed by anything; a bare or place-led date must end the
# line or be followed by a dateline dash, so that a sentence of the story that starts with a date does not count.
_DATELINE = lazy_compile(
    _DECORATION
    + r"(?:(?P<label>" + _LABEL + r")|(?P<byline>" + _BYLINE + r")|(?P<place>" + _PLACE + r"))?"
    + _DATE
    + r"(?P<tail>" + _TAIL + r")?"
)

_ISO_START = lazy_compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")

# URL path dates, tried in this order; a date must be a whole token between separators.
_URL_YMD = lazy_compile(r"(?:^|[/_.-])((?:19|20)\d{2})([/_.-])(\d{1,2})\2(\d{1,2})(?=$|[/_.-])")
_URL_COMPACT = lazy_compile(r"(?:^|[/_.-])((?:19|20)\d{2})(\d{2})(\d{2})(?=$|[/_.-])")
_URL_NAMED_MONTH = lazy_compile(r"/((?:19|20)\d{2})/(" + _MONTH + r")/(\d{1,2})(?=$|[/_.-])")  # /2021/dec/02/
_URL_MONTH = lazy_compile(r"/((?:19|20)\d{2})/(\d{1,2})(?=$|/(?!\d{1,2}(?:$|[/_.-])))")
# /202305/slug: a folder of year and month, then a segment with a letter (a numeric id is the last segment)
_URL_COMPACT_MONTH = lazy_compile(r"/((?:19|20)\d{2})(0[1-9]|1[0-2])/(?=[^/?#]*[a-zA-Z])")
_URL_PATH = lazy_compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//[^/?#]*|^www\.[^/?#]*", re.IGNORECASE)


@record
class UrlDate:
    """A date read from a URL path; `month_only` when the path gives just year and month."""

    date: dt.date  # the first day of the month when month_only
    month_only: bool = False

    def __str__(self) -> str:
        if self.month_only:
            return f"{_MONTH_NAMES[self.date.month - 1]} {self.date.year}"
        return self.date.isoformat()


def _valid(year: int, month: int, day: int) -> Optional[dt.date]:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _from_match(match: "re.Match[str]") -> Optional[dt.date]:
    groups = match.groupdict()
    if groups.get("iy"):
        return _valid(int(groups["iy"]), int(groups["im"]), int(groups["id"]))
    if groups.get("am"):
        return _valid(int(groups["ay"]), _MONTHS[groups["am"][:3].lower()], int(groups["ad"]))
    if groups.get("bm"):
        return _valid(int(groups["by"]), _MONTHS[groups["bm"][:3].lower()], int(groups["bd"]))
    if groups.get("ny"):
        return _numeric_date(int(groups["ny"]), int(groups["na"]), int(groups["nb"]))
    return None


def _numeric_date(year: int, first: int, second: int) -> Optional[dt.date]:
    """A day/month or month/day date ("14/03/2022", "03/14/2022"); when both readings are valid
    calendar days ("04/03/2022"), the later one, so that a link is called future only if it is
    after the article under either reading."""
    readings = [d for d in (_valid(year, second, first), _valid(year, first, second)) if d]
    return max(readings) if readings else None


def parse_date(value: Any) -> Optional[dt.date]:
    """A publication date from a metadata value, or None when it holds no recognisable date.

    Accepts `date`/`datetime` objects, ISO text with or without a time
    ("2021-12-02", "2021-12-02T09:30:00Z", "2021/12/02"), month-name dates
    ("Dec. 2, 2021", "2 December 2021", "Thu, 02 Dec 2021 09:30:00 +0000"),
    and Unix timestamps in seconds or milliseconds.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 1e11 else value
        if seconds < 1e8:
            return None
        try:
            return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc).date()
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or len(value) > 80:
        return None
    match = _ISO_START.match(value)
    if match:
        return _valid(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _DATE_ANYWHERE.search(value)
    return _from_match(match) if match else None


def find_dateline(lines: Sequence[str], max_lines: int = 12) -> Optional[tuple[dt.date, int]]:
    """The publication date a dateline or byline near the top gives: (date, 1-based line), else None.

    Looks at the first `max_lines` non-blank lines. When several lines carry a
    date ("Published ..." and "Updated ..."), the earliest date is the
    publication date.
    """
    best: Optional[tuple[dt.date, int]] = None
    seen = 0
    for number, line in enumerate(lines, start=1):
        if seen >= max_lines:
            break
        if not line.strip():
            continue
        seen += 1
        if len(line) > 400 or not any(ch.isdigit() for ch in line):
            continue
        match = _DATELINE.match(line)
        if not match:
            continue
        announced = match.group("label") or match.group("byline")
        if not announced and match.group("tail") is None:
            continue
        found = _from_match(match)
        if found and (best is None or found < best[0]):
            best = (found, number)
    return best


def url_path(url: str) -> str:
    """The path of `url` (absolute, scheme-relative, `www.` or site-relative), without query and fragment."""
    match = _URL_PATH.match(url)
    path = url[match.end():] if match else url
    for stop in "?#":
        cut = path.find(stop)
        if cut >= 0:
            path = path[:cut]
    return path


def url_path_date(url: str) -> Optional[UrlDate]:
    """The date in `url`'s path, or None.

    Full dates (/2025/06/25/, /2025-06-25-slug, /2025_06_25/, /20250625/,
    /2025/jun/25/)
    must be real calendar days between 1990 and 2099 and whole tokens between
    separators, so numeric ids (/item/20251399/, /1234/5678/, /2023/1234/)
    do not count. A year and month alone (/2025/06/, or /202506/ as a folder
    above a slug) give a month-only date.
    """
    path = url_path(url)
    if not any(ch.isdigit() for ch in path):
        return None
    for match in _URL_YMD.finditer(path):
        found = _valid(int(match.group(1)), int(match.group(3)), int(match.group(4)))
        if found:
            return UrlDate(found)
    for match in _URL_COMPACT.finditer(path):
        found = _valid(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if found:
            return UrlDate(found)
    for match in _URL_NAMED_MONTH.finditer(path):
        found = _valid(int(match.group(1)), _MONTHS[match.group(2)[:3].lower()], int(match.group(3)))
        if found:
            return UrlDate(found)
    for pattern in (_URL_MONTH, _URL_COMPACT_MONTH):
        for match in pattern.finditer(path):
            found = _valid(int(match.group(1)), int(match.group(2)), 1)
            if found:
                return UrlDate(found, month_only=True)
    return None


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from `earlier` to `later` (0 when less than a month)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return max(months, 0)


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def describe_months(months: int) -> str:
    """A count of months as an editor would say it: "1 month", "1 year", "3 years 6 months"."""
    if months >= 12:
        years, rest = divmod(months, 12)
        return _plural(years, "year") + (f" {_plural(rest, 'month')}" if rest else "")
    return _plural(months, "month")


def describe_gap(earlier: dt.date, later: dt.date) -> str:
    """How long after `earlier` `later` is, in the units an editor would say: "3 years 6 months"."""
    months = months_between(earlier, later)
    if months >= 1:
        return describe_months(months)
    days = (later - earlier).days
    if days >= 14:
        return _plural(days // 7, "week")
    return _plural(days, "day")

"""Dates as newsrooms write them in running text: ``Dec. 16``, ``16 December 2024``.

Pure functions over one line of text; no I/O. Used by the plain-text importer
to list the dates an article mentions and to read a publication date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?P<{name}>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?"
    r"|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?P<{name}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<{name}>(?:1[89]|2\d)\d\d)"
_MONTH_FIRST = (
    rf"\b{_MONTH.format(name='m1')}\s+{_DAY.format(name='d1')}\b"
    rf"(?:,?\s+{_YEAR.format(name='y1')}\b)?"
)
_DAY_FIRST = (
    rf"\b{_DAY.format(name='d2')}\s+{_MONTH.format(name='m2')}"
    rf"(?:,?\s+{_YEAR.format(name='y2')}\b)?"
)
_ISO = r"\b(?P<iso>\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d)?(?:Z|[+-]\d\d:?\d\d)?)?)\b"
DATE_PATTERN = re.compile(f"{_ISO}|{_MONTH_FIRST}|{_DAY_FIRST}")
"""Matches one date in text: ISO, ``Dec. 16[, 2024]`` or ``16 December[ 2024]``."""
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)?"
_TIME = (
    r"(?:\s*(?:,|at|-|–|—|\|)?\s*(?P<hour>\d{1,2})(?::(?P<minute>\d\d))?\s*"
    r"(?P<half>[ap])?\.?(?:m\.?)?(?:\s+(?P<zone>[A-Z]{2,5}))?)?"
)
_DATE_ONLY = re.compile(rf"^{_WEEKDAY}(?P<date>.+?){_TIME}$", re.IGNORECASE)
_TIME_FIRST = re.compile(
    r"^(?:\d{1,2}:\d\d\s*(?:[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.?m\.?)(?:\s+[A-Z]{2,5})?\s*,?\s+",
    re.IGNORECASE,
)
UTC_NAMES = ("GMT", "UTC", "Z")
"""Time zone names whose offset is certain; a time in any other zone (ET, CET) is not kept."""


@dataclass(frozen=True, slots=True)
class MentionedDate:
    """A date found in the text."""

    line: int
    """The input line it is on (1-based)."""
    text: str
    """The date as written (``Dec. 16``)."""
    day: date | None
    """The calendar day, or None when the text gives no year."""
    moment: datetime | None = None
    """The full datetime when the text gives one: in ISO 8601 (``2024-12-16T09:30+03:00``),
    or a time in GMT or UTC after the date (``Dec. 16, 2024 9:42 AM GMT``)."""


def find_dates(text: str, line: int) -> list[MentionedDate]:
    """Return every real calendar date written in ``text`` (on input line ``line``).

    ``Feb. 30`` and other impossible days are not dates and are left out.
    """
    found = []
    for match in DATE_PATTERN.finditer(text):
        mentioned = _from_match(match, line)
        if mentioned is not None:
            found.append(mentioned)
    return found


def date_alone(text: str, line: int) -> MentionedDate | None:
    """Return the date when ``text`` is nothing but one date (and perhaps a weekday
    and a time, as in ``Monday, Dec. 16, 2024, 9:30 a.m. ET``), else None."""
    whole = DATE_PATTERN.fullmatch(text.strip())
    if whole is not None:
        return _from_match(whole, line)
    time_first = _TIME_FIRST.match(text.strip())
    if time_first:  # "3:15 PM EDT, June 12, 2024": the day only, the zone being unsure
        found = date_alone(text.strip()[time_first.end() :], line)
        return MentionedDate(line, found.text, found.day) if found else None
    match = _DATE_ONLY.match(text.strip())
    if match is None or (match["hour"] and not (match["minute"] or match["half"])):
        return None
    inner = DATE_PATTERN.fullmatch(match["date"].strip().rstrip(","))
    found = _from_match(inner, line) if inner else None
    if found is None or found.day is None or (match["zone"] or "").upper() not in UTC_NAMES:
        return found
    hour = int(match["hour"])
    if match["half"]:
        hour = hour % 12 + (12 if match["half"].lower() == "p" else 0)
    try:
        clock = time(hour, int(match["minute"] or 0), tzinfo=UTC)
    except ValueError:
        return found
    return MentionedDate(line, found.text, found.day, datetime.combine(found.day, clock))


def _from_match(match: re.Match[str], line: int) -> MentionedDate | None:
    if match["iso"]:
        return _iso(match["iso"], line)
    month_name = match["m1"] or match["m2"]
    day_text, year_text = match["d1"] or match["d2"], match["y1"] or match["y2"]
    month = _MONTHS[month_name[:3].lower()]
    try:
        day = date(int(year_text) if year_text else 2000, month, int(day_text))
    except ValueError:
        return None
    return MentionedDate(line, match.group(0), day if year_text else None)


def _iso(text: str, line: int) -> MentionedDate | None:
    try:
        parsed = datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        return None
    moment = parsed if len(text) > 10 else None
    return MentionedDate(line, text, parsed.date(), moment)

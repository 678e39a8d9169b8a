"""TIMEX3 values as calendar intervals: bounds, precision, truncation and the publication date."""

from __future__ import annotations

import re
from datetime import date, timedelta

SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}
MOD_PARTS = {"START": (0.0, 0.34), "MID": (0.33, 0.67), "END": (0.66, 1.0)}
PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("day", re.compile(r"(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)(?:T.*)?")),
    ("month", re.compile(r"(?P<y>\d{4})-(?P<m>\d\d)")),
    ("quarter", re.compile(r"(?P<y>\d{4})-Q(?P<q>[1-4])")),
    ("half", re.compile(r"(?P<y>\d{4})-H(?P<h>[12])")),
    ("season", re.compile(r"(?P<y>\d{4})-(?P<s>SP|SU|FA|WI)")),
    ("week", re.compile(r"(?P<y>\d{4})-W(?P<w>\d\d)(?P<we>-WE)?")),
    ("year", re.compile(r"(?P<y>\d{4})")),
    ("decade", re.compile(r"(?P<y>\d{3})X?")),
    ("century", re.compile(r"(?P<y>\d{2})(?:XX)?")),
)


def _month_end(year: int, month: int) -> date:
    """Last day of a month (month may run past 12 into the next year)."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def _interval(kind: str, m: re.Match) -> tuple[date, date]:
    """First and last day of the period a matched value names."""
    year = int(m["y"])
    if kind == "day":
        day = date(year, int(m["m"]), int(m["d"]))
        return day, day
    if kind == "month":
        return date(year, int(m["m"]), 1), _month_end(year, int(m["m"]))
    if kind == "quarter":
        first = 3 * int(m["q"]) - 2
        return date(year, first, 1), _month_end(year, first + 2)
    if kind == "half":
        first = 6 * int(m["h"]) - 5
        return date(year, first, 1), _month_end(year, first + 5)
    if kind == "season":
        first, last = SEASON_MONTHS[m["s"]]
        return date(year, first, 1), _month_end(year, last)
    if kind == "week":
        monday = date.fromisocalendar(year, min(int(m["w"]), 52) or 1, 1)
        return (monday + timedelta(days=5), monday + timedelta(days=6)) if m["we"] else (monday, monday + timedelta(days=6))
    if kind == "year":
        return date(year, 1, 1), date(year, 12, 31)
    if kind == "decade":
        return date(year * 10, 1, 1), date(year * 10 + 9, 12, 31)
    return date(year * 100, 1, 1), date(year * 100 + 99, 12, 31)


def precision(value: str) -> str:
    """Granularity of a TIMEX3 DATE/TIME value ("2022-01" -> "month", "PAST_REF" -> "vague"), else "unknown"."""
    if "T" in value and re.match(r"\d{4}-\d\d-\d\dT", value):
        return "time"
    if value.endswith("_REF"):
        return "vague"
    for kind, pattern in PATTERNS:
        if pattern.fullmatch(value):
            return "day" if kind == "day" else kind
    return "unknown"


def bounds(value: str, mod: str | None = None, end_value: str | None = None) -> tuple[str | None, str | None]:
    """ISO first and last day covered by a DATE/TIME value (narrowed by START/MID/END), or (None, None)."""
    span = _bounds(value)
    if span is None:
        return None, None
    first, last = span
    if end_value and (tail := _bounds(end_value)):
        last = tail[1]
    if mod in MOD_PARTS:
        length = (last - first).days
        low, high = MOD_PARTS[mod]
        first, last = first + timedelta(days=round(length * low)), first + timedelta(days=round(length * high))
    return first.isoformat(), last.isoformat()


def _bounds(value: str) -> tuple[date, date] | None:
    """First and last day of a value's period, or None for non-calendar values."""
    for kind, pattern in PATTERNS:
        m = pattern.fullmatch(value)
        if m:
            try:
                return _interval(kind, m)
            except ValueError:
                return None
    return None


def truncate(value: str, to: str) -> str:
    """A value cut to a coarser precision ("2022-05-14" to month -> "2022-05"); weeks go to their month."""
    span = _bounds(value)
    if span is None:
        return value
    first = span[0]
    if to == "month":
        return f"{first.year}-{first.month:02d}"
    if to == "year":
        return str(first.year)
    return value


def parse_dct(published: str | None, date_precision: str | None) -> tuple[date | None, str]:
    """The publication date as the first day of its period, and its precision (day|month|year|unknown)."""
    text = str(published or "").strip()
    if not text or text.lower() == "nan" or date_precision == "unknown":
        return None, "unknown"
    parts = [int(p) for p in re.findall(r"\d+", text)[:3]]
    if not parts:
        return None, "unknown"
    if len(parts) == 3 and parts[2] > 31:
        parts.reverse()
    stated = {1: "year", 2: "month", 3: "day"}[len(parts)]
    given = date_precision if date_precision in ("day", "month", "year") else stated
    parts += [1] * (3 - len(parts))
    coarser = min((given, stated), key=["year", "month", "day"].index)
    try:
        return date(*parts), coarser
    except ValueError:
        return None, "unknown"

"""Publication dates with their precision (day, month, year or unknown) and plausibility checks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
from dateutil import parser as dateparser

PRECISIONS = ("day", "month", "year", "unknown")
#: Precision -> how many leading ISO components (year, month, day) it keeps.
ISO_PARTS = {"year": 1, "month": 2, "day": 3}
EARLIEST_PLAUSIBLE = date(1900, 1, 1)

# YYYY, YYYY-MM, YYYY-MM-DD, optionally followed by a time ("T..." or " ...").
ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ]\S.*)?$")
# All-numeric dates such as 9/6/17 or 09.06.2017, where day and month order is a guess.
NUMERIC_DATE = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$")
# Two defaults that differ in every component: whatever dateutil fills in differently was not written.
_DEFAULT_A = datetime(2000, 1, 1)
_DEFAULT_B = datetime(2001, 2, 2)


@dataclass(frozen=True)
class PubDate:
    """A normalised publication date: ISO partial text, precision, first day of the period, problems."""

    published: str
    precision: str
    first_day: pd.Timestamp  # NaT when unknown
    warnings: tuple[str, ...] = field(default=())


UNKNOWN = PubDate("", "unknown", pd.NaT)


def iso_partial(year: int, month: int | None, day: int | None, precision: str) -> str:
    """The ISO partial form of a date at ``precision``: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    parts = [f"{year:04d}", f"{month or 1:02d}", f"{day or 1:02d}"]
    return "-".join(parts[: ISO_PARTS[precision]])


def parse_components(value: str) -> tuple[int, int | None, int | None] | None:
    """(year, month or None, day or None) read from ``value``, or None when it is not a date."""
    match = ISO_PARTIAL.match(value)
    if match:
        year, month, day = (int(part) if part else None for part in match.groups())
        try:
            date(year, month or 1, day or 1)
        except ValueError:
            return None
        return year, month, day
    try:
        with_a = dateparser.parse(value, default=_DEFAULT_A)
        with_b = dateparser.parse(value, default=_DEFAULT_B)
    except (ValueError, OverflowError):
        return None
    if with_a.year != with_b.year:
        return None
    month = with_a.month if with_a.month == with_b.month else None
    day = with_a.day if with_a.day == with_b.day and month else None
    return with_a.year, month, day


def precision_of(month: int | None, day: int | None) -> str:
    """The precision that the written components carry."""
    if day:
        return "day"
    return "month" if month else "year"


def coarser(first: str, second: str) -> str:
    """The coarser of two known precisions."""
    return first if ISO_PARTS[first] <= ISO_PARTS[second] else second


def parse_pubdate(value: object, stated_precision: object = "", *, today: date | None = None) -> PubDate:
    """Normalise a publication date; a stated precision is respected and checked against the value."""
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()
    stated = "" if stated_precision is None or pd.isna(stated_precision) else str(stated_precision).strip().lower()
    warnings: list[str] = []
    if stated and stated not in PRECISIONS:
        warnings.append(f"date_precision {stated!r} is not one of {'/'.join(PRECISIONS)}; inferred it from the date")
        stated = ""
    if not text:
        if stated and stated != "unknown":
            warnings.append(f"date_precision is {stated!r} but published is empty; fill in the date or say 'unknown'")
        return PubDate("", "unknown", pd.NaT, tuple(warnings))
    components = parse_components(text)
    if components is None:
        warnings.append(f"published {text!r} is not a date; date set to unknown (write YYYY, YYYY-MM or YYYY-MM-DD)")
        return PubDate("", "unknown", pd.NaT, tuple(warnings))
    year, month, day = components
    written = precision_of(month, day)
    precision = written
    if stated == "unknown":
        warnings.append(f"date_precision is 'unknown' but published is {text!r}; used {written} precision")
    elif stated and stated != written:
        precision = coarser(stated, written)
        warnings.append(
            f"date_precision {stated!r} does not match published {text!r} ({written} precision); used {precision}"
        )
    if NUMERIC_DATE.match(text) and day and month != day and day <= 12:
        warnings.append(
            f"published {text!r} could be day-first or month-first; read as {year:04d}-{month:02d}-{day:02d} "
            "(month first), write YYYY-MM-DD to be sure"
        )
    first_day = pd.Timestamp(year, month if precision != "year" else 1, day if precision == "day" else 1)
    warnings.extend(plausibility_warnings(first_day, text, today or date.today()))
    return PubDate(iso_partial(year, month, day, precision), precision, first_day, tuple(warnings))


def plausibility_warnings(first_day: pd.Timestamp, text: str, today: date) -> list[str]:
    """A warning when a date lies before 1900 or after ``today``."""
    if first_day.date() < EARLIEST_PLAUSIBLE:
        return [f"published {text!r} is before {EARLIEST_PLAUSIBLE.year}: implausible, check the date"]
    if first_day.date() > today:
        return [f"published {text!r} is after today ({today.isoformat()}): implausible, check the date"]
    return []

"""Temporal expressions: a parsed Doc and its publication date in, normalised TIMEX3 records out."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Callable

import yaml
from dateutil.relativedelta import relativedelta
from spacy.tokens import Doc, Span, Token

from presslens import paths
from presslens.syntax import is_root
from presslens.timeline import values as V

LEXICON_FILE = paths.LEXICON_DIR / "temporal.yaml"
#: Year-less dates take their year from an explicit date this many sentences back (0: same sentence only).
ANCHOR_WINDOW_SENTENCES = 0
PRECISION_RANK = {"unknown": 0, "vague": 0, "century": 1, "decade": 2, "year": 3, "half": 4, "season": 4, "quarter": 4,
                  "month": 5, "week": 6, "day": 7, "time": 8}


@dataclass
class Timex:
    """One TIMEX3 expression with its normalised value and its trace to the cleaned text."""

    article_id: str | None
    start_char: int
    end_char: int
    text: str
    type: str
    value: str
    start_date: str | None
    end_date: str | None
    precision: str
    anchor: str
    sentence_index: int
    sentence: str
    mod: str | None = None
    end_value: str | None = None
    tense: str | None = None
    dct_limited: bool = False
    rule: str = ""
    #: "dateline" (dates the article, not an event), "range_start" / "range_end" (the two ends of one interval), or "".
    role: str = ""
    root_i: int = field(default=-1, repr=False)


@dataclass
class Context:
    """What a rule may resolve against: the publication date, the last explicit date, the clause's tense."""

    dct: date | None
    dct_precision: str
    reference: date | None
    reference_value: str | None
    reference_sentence: int
    sentence_index: int
    tense: str | None
    last_date: date | None = None
    last_value: str | None = None
    last_quarter: str | None = None
    #: Whether the clause is in the past perfect ("had been due to expire Friday"): a plan already over.
    pluperfect: bool = False

    def year_anchor(self) -> tuple[date | None, str]:
        """The date that gives year-less expressions their year, and its label.

        A nearby explicit date anchors only if it names a month or day ("since 1987 ... Sept. 29" keeps the
        publication year) and the clause is not about the future ("joined in July 1997, will join on March 12").
        """
        nearby = self.reference and self.sentence_index - self.reference_sentence <= ANCHOR_WINDOW_SENTENCES
        if nearby and self.tense != "future" and V.precision(self.reference_value or "") in ("month", "day"):
            return self.reference, f"text:{self.reference_value}"
        return self.dct, "dct"


@dataclass(frozen=True)
class Norm:
    """What a rule makes of a match: TIMEX3 type and value, mod, the anchor it used and how fine it must be."""

    type: str
    value: str
    mod: str | None = None
    anchor: str = "absolute"
    needs: str | None = None
    end_value: str | None = None
    explicit: bool = False


# ----------------------------------------------------------------------------------------------- lexicon
@lru_cache(maxsize=1)
def lexicon() -> dict:
    """The temporal vocabulary from data/lexicons/temporal.yaml."""
    return yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))


def _alternation(words: object, dotted: bool = False) -> str:
    """A regex alternation of words, longest first; abbreviations may carry a dot."""
    parts = []
    for word in sorted(words, key=len, reverse=True):
        escaped = re.escape(str(word)).replace(r"\ ", r"\s+")
        parts.append(escaped + (r"\.?" if dotted and len(str(word)) <= 4 else ""))
    return "(?:" + "|".join(parts) + ")"


def _number_value(text: str) -> float | str:
    """The value of a number written in digits or words ("24", "twenty-four", "a few" -> "X")."""
    words = lexicon()["numbers"]
    cleaned = re.sub(r"\s+", " ", text.lower().replace(",", "")).strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        return float(cleaned)
    if cleaned in words:
        return words[cleaned]
    total = 0.0
    for part in re.split(r"[\s-]+", cleaned):
        amount = words.get(part)
        if not isinstance(amount, (int, float)):
            return "X"
        total = total * amount if amount == 100 else total + amount
    return total


@lru_cache(maxsize=1)
def grammar() -> dict[str, str]:
    """Named regex building blocks assembled from the lexicon."""
    lex = lexicon()
    number_words = [w for w, v in lex["numbers"].items() if v != "X" and w not in ("a", "an", "half")]
    unit_words = list(lex["units"])
    word_number = _alternation(number_words) + r"(?:[\s-]+" + _alternation(number_words) + ")?"
    modifiers = _alternation(lex["modifiers"])
    return {
        "MONTH": _alternation(lex["months"], dotted=True),
        "WEEKDAY": _alternation(lex["weekdays"], dotted=True),
        "DAY": r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?",
        "YEAR": r"(?<![\d$£€,.])(?:1[6-9]\d\d|20\d\d)(?![\d,.]\d|%|\s*(?:percent|per cent))",
        "NUM": r"(?:\d{1,3}(?:\.\d+)?|" + word_number + r"|an?|half\s+an?|a\s+couple\s+of|couple\s+of|several|a\s+few|few|many)",
        "UNIT": _alternation(unit_words) + r"(?:s|es)?",
        "UNIT1": r"(?:centur(?:y|ies)|" + _alternation(unit_words) + r"s?)",
        "SEASON": _alternation(lex["seasons"]),
        "POD": _alternation(lex["parts_of_day"]),
        "MOD": modifiers,
        "SHIFT": _alternation(lex["shifts"]),
        "OFFSET": _alternation(lex["offsets"]),
        "APPROX": _alternation(lex["approximators"]),
        "ORD": _alternation(lex["ordinals"]),
        "SORD": _alternation(lex["series_ordinals"]),
        "UNITADJ": _alternation(lex["unit_adjectives"]),
        "DEICTIC": _alternation(lex["deictic_days"]),
        "SETWORD": _alternation(lex["sets"]),
        "SETQ": _alternation(lex["set_quantifiers"]),
        "VAGUE": _alternation(lex["vague"]),
        "CLOCKWORD": _alternation(lex["clock_words"]),
        "DECADEWORD": _alternation(lex["decade_words"]),
        "HOLIDAY": _alternation(lex["holidays"]),
        "TENS": _alternation([w for w, v in lex["numbers"].items() if isinstance(v, int) and 10 <= v < 100]),
        "SPELLEDYEAR": r"nineteen[\s-]+(?:hundred\s+(?:and\s+)?)?TENS(?:[\s-]+ONES)?|two\s+thousand(?:\s+(?:and\s+)?ONES)?",
        "ONES": _alternation([w for w, v in lex["numbers"].items() if isinstance(v, int) and 1 <= v < 10 and len(w) > 2]),
    }


# ------------------------------------------------------------------------------------------- helpers
def _month(text: str) -> int:
    """Month number of a month name or abbreviation."""
    return lexicon()["months"][text.lower().rstrip(".")]


def _weekday(text: str) -> int:
    """ISO weekday number of a weekday name or abbreviation."""
    return lexicon()["weekdays"][text.lower().rstrip(".")]


def _unit(text: str) -> tuple[str, int]:
    """ISO letter and factor of a unit word ("decades" -> ("Y", 10))."""
    entry = lexicon()["units"][_unit_word(text)]
    return entry["code"], entry.get("factor", 1)


def _mod(text: str | None) -> str | None:
    """TIMEX3 mod of a modifier phrase ("early" -> START)."""
    if not text:
        return None
    key = re.sub(r"\s+", " ", text.lower()).strip(" -")
    entry = lexicon()["modifiers"].get(key)
    return entry["mod"] if entry else None


def _resolve_yearless(month: int, day: int | None, ctx: Context, strict: bool = False) -> tuple[int | None, str]:
    """The year of a month (and day) given without one: the anchor's year, moved by tense (else the nearest).

    A past-tense month lies no later than the anchor's month (a day may lie a little after it: "extended to
    Nov. 20"); ``strict`` ("last May", "next April") excludes the anchor's own month.
    """
    anchor, label = ctx.year_anchor()
    if anchor is None:
        return None, "none"
    if label != "dct" or ctx.dct_precision == "year":
        return anchor.year, label
    here = date(anchor.year, anchor.month, anchor.day if day else 1)
    options = [date(anchor.year + step, month, min(day or 1, 28)) for step in (-1, 0, 1)]
    if ctx.tense == "past":
        tolerance = -1 if strict else PAST_TOLERANCE_DAYS if day else 0
        options = [o for o in options if (o - here).days <= tolerance]
    elif ctx.tense == "future":
        options = [o for o in options if (o - here).days > 27 or (o >= here and not strict)]
    return min(options, key=lambda o: abs((o - here).days)).year, label


def _shift_period(anchor: date, unit: str, steps: int) -> str:
    """TIMEX3 value of the calendar period ``steps`` units from ``anchor`` (unit W/M/Y/Q/D/WE/decade)."""
    if unit == "D":
        return (anchor + relativedelta(days=steps)).isoformat()
    if unit in ("W", "WE"):
        year, week, _ = (anchor + relativedelta(weeks=steps)).isocalendar()
        return f"{year}-W{week:02d}" + ("-WE" if unit == "WE" else "")
    if unit == "M":
        moved = anchor + relativedelta(months=steps)
        return f"{moved.year}-{moved.month:02d}"
    if unit == "Q":
        index = anchor.year * 4 + (anchor.month - 1) // 3 + steps
        return f"{index // 4}-Q{index % 4 + 1}"
    if unit == "DE":
        return f"{anchor.year // 10 + steps}"
    if unit == "CE":
        return f"{anchor.year // 100 + steps:02d}"
    return str(anchor.year + steps)


#: Unit letter -> the next smaller unit and how many of it make one (the remainder of "2 1/2 years" is P2Y6M).
SMALLER_UNIT = {"Y": ("M", 12), "M": ("D", 30), "W": ("D", 7), "D": ("H", 24), "H": ("M", 60)}
SMALLER_CLOCK_UNIT = {"H": ("M", 60), "M": ("S", 60)}


def _duration(amount: float | str, code: str, factor: int, clock: bool = False) -> str:
    """ISO duration of an amount of a unit ("P3W", "PT24H", "PXY", "P2Y6M"); clock: M means minutes."""
    clock = clock or code in ("H", "S")
    if code == "WE":
        code, amount = "D", amount if amount == "X" else amount * 2
    if amount == "X":
        return f"P{'T' if clock else ''}X{code}"
    total = amount * factor
    whole = int(total)
    smaller = (SMALLER_CLOCK_UNIT if clock else SMALLER_UNIT).get(code)
    if total == whole or not smaller:
        return f"P{'T' if clock else ''}{whole}{code}"
    rest = _duration((total - whole) * smaller[1], smaller[0], 1, clock=clock or smaller[0] == "H")
    if not whole:
        return rest
    head = f"P{'T' if clock else ''}{whole}{code}"
    return head + (rest[2:] if clock else rest[1:])


def _unit_word(text: str) -> str:
    """Canonical unit word of a unit in text ("years" -> "year")."""
    word = text.lower()
    if word.startswith("centur"):
        return "century"
    for candidate in (word, word[:-1], word[:-2]):
        if candidate in lexicon()["units"]:
            return candidate
    return word


def _period_code(unit_word: str) -> str:
    """Calendar period code of a unit word for shifted DATE values."""
    return {"day": "D", "night": "D", "week": "W", "weekend": "WE", "fortnight": "W", "month": "M",
            "quarter": "Q", "year": "Y", "decade": "DE", "century": "CE"}.get(unit_word, "Y")


def _needs(code: str) -> str:
    """Anchor precision a shifted period needs."""
    return {"D": "day", "W": "day", "WE": "day", "M": "month", "Q": "month"}.get(code, "year")


# --------------------------------------------------------------------------------------------- rules
def r_iso(m: re.Match, ctx: Context) -> Norm:
    """2022-01-15."""
    return Norm("DATE", f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d}", explicit=True)


def r_month_day(m: re.Match, ctx: Context) -> Norm | None:
    """January 15, 2022 / 15 January 2022 / Jan. 2 / Friday, Jan. 14."""
    month, day = _month(m["mon"]), int(re.sub(r"\D", "", m["d"]))
    if m["y"]:
        return Norm("DATE", f"{m['y']}-{month:02d}-{day:02d}", explicit=True)
    year, label = _resolve_yearless(month, day, ctx)
    if year is None:
        return Norm("DATE", f"XXXX-{month:02d}-{day:02d}", anchor="none")
    return Norm("DATE", f"{year}-{month:02d}-{day:02d}", anchor=label, needs="year")


def _in_shifted_year(part: str, shift: str, mod: str | None, ctx: Context) -> Norm:
    """A part of a year named relative to the publication year ("July last year", "the first quarter of next year")."""
    if ctx.dct is None:
        return Norm("DATE", f"XXXX-{part}", mod=mod, anchor="none")
    year = ctx.dct.year + lexicon()["shifts"][shift.lower()]
    return Norm("DATE", f"{year}-{part}", mod=mod, anchor="dct", needs="year")


def r_month(m: re.Match, ctx: Context) -> Norm | None:
    """June 2024 / in February / late November / mid-May."""
    month = _month(m["mon"])
    if m["y"] or m["ys"]:
        return Norm("DATE", f"{m['y'] or _spelled_year(m['ys'])}-{month:02d}", mod=_mod(m["mod"]), explicit=True)
    shift = re.sub(r"\s+", " ", (m["shift"] or "").lower())
    if m["yshift"] or shift == "this":
        return _in_shifted_year(f"{month:02d}", m["yshift"] or shift, _mod(m["mod"]), ctx)
    tense = {"last": "past", "this past": "past", "next": "future", "this coming": "future"}.get(shift, ctx.tense)
    year, label = _resolve_yearless(month, None, replace(ctx, tense=tense), strict=shift in ("last", "next"))
    if year is None:
        return Norm("DATE", f"XXXX-{month:02d}", mod=_mod(m["mod"]), anchor="none")
    return Norm("DATE", f"{year}-{month:02d}", mod=_mod(m["mod"]), anchor=label, needs="year")


def r_year(m: re.Match, ctx: Context) -> Norm:
    """1992 / early 2022 / fiscal 1989 / 2024-2028."""
    if m["y2"]:
        end = m["y2"] if len(m["y2"]) == 4 else m["y"][:2] + m["y2"]
        return Norm("DATE", m["y"], mod=_mod(m["mod"]), end_value=end, explicit=True)
    return Norm("DATE", m["y"], mod=_mod(m["mod"]), explicit=True)


def r_decade(m: re.Match, ctx: Context) -> Norm:
    """the 1990s / the early 2000s / the '90s."""
    decade = m["dec"][:3] if m["dec"] else ("19" if int(m["short"]) > 20 else "20") + m["short"][0]
    return Norm("DATE", decade, mod=_mod(m["mod"]))


def r_century(m: re.Match, ctx: Context) -> Norm:
    """the 20th century."""
    number = int(re.sub(r"\D", "", m["n"]) or lexicon()["ordinals"].get(m["n"].lower(), 0))
    return Norm("DATE", f"{number - 1:02d}", mod=_mod(m["mod"]))


def r_quarter(m: re.Match, ctx: Context) -> Norm | None:
    """the third quarter (of 2021) / third-quarter / the first half."""
    ordinal = lexicon()["ordinals"][m["q"].lower()]
    letter = "H" if m["part"].lower() == "half" else "Q"
    if letter == "H" and ordinal > 2:
        return None
    if m["y"] or m["yq"]:
        return Norm("DATE", f"{m['y'] or m['yq']}-{letter}{ordinal}", explicit=True)
    if m["yshift"]:
        return _in_shifted_year(f"{letter}{ordinal}", m["yshift"], None, ctx)
    anchor, label = ctx.year_anchor()
    if anchor is None:
        return Norm("DATE", f"XXXX-{letter}{ordinal}", anchor="none")
    year = anchor.year
    current = (anchor.month - 1) // (3 if letter == "Q" else 6) + 1
    if m["shift"] and m["shift"].lower().startswith(("last", "year")):
        year -= 1
    elif m["shift"] and m["shift"].lower().startswith("next"):
        year += 1
    elif ctx.tense != "future" and ordinal > current and label == "dct":
        year -= 1
    return Norm("DATE", f"{year}-{letter}{ordinal}", anchor=label, needs="year")


def r_this_quarter(m: re.Match, ctx: Context) -> Norm | None:
    """the quarter / the latest quarter / the year-ago quarter / the 1988 period: the quarter the article reports on."""
    if ctx.last_quarter and not m["adj"]:
        value, label = ctx.last_quarter, f"text:{ctx.last_quarter}"
    elif ctx.dct is None:
        return Norm("DATE", "XXXX-QX", anchor="none")
    else:
        current = ctx.tense == "future" or (m["adj"] or "").lower() == "current"
        value, label = _shift_period(ctx.dct, "Q", 0 if current else -1), "dct"
    if m["y"]:
        return Norm("DATE", f"{m['y']}{value[4:]}", anchor=label, needs="month" if label == "dct" else None)
    if m["ago"] or m["agoafter"] or m["lastyears"]:
        value = f"{int(value[:4]) - 1}{value[4:]}"
    return Norm("DATE", value, anchor=label, needs="month")


def r_season(m: re.Match, ctx: Context) -> Norm | None:
    """this summer / last fall / the spring of 2021 / winter 2022."""
    code = lexicon()["seasons"][m["season"].lower()]
    if m["y"] or m["ys"]:
        return Norm("DATE", f"{m['y'] or _spelled_year(m['ys'])}-{code}", mod=_mod(m["mod"]), explicit=True)
    anchor, label = ctx.year_anchor()
    if anchor is None:
        return Norm("DATE", f"XXXX-{code}", anchor="none")
    steps = lexicon()["shifts"].get(re.sub(r"\s+", " ", (m["shift"] or "this").lower()), 0)
    year = anchor.year + steps
    if not m["shift"] and ctx.tense == "past" and label == "dct" and V.bounds(f"{year}-{code}")[0] > anchor.isoformat():
        year -= 1
    return Norm("DATE", f"{year}-{code}", mod=_mod(m["mod"]), anchor=label, needs="year")


def _weekday_date(weekday: int, shift: str | None, ctx: Context) -> date | None:
    """The date of a weekday named near the DCT: tense (or last/next) decides the direction."""
    if ctx.dct is None:
        return None
    offset = weekday - ctx.dct.isoweekday()
    word = (shift or "").lower()
    direction = -1 if word in ("last", "past", "previous") else 1 if word in ("next", "coming", "until") else 0
    if direction == 0 and word != "this":
        direction = 1 if ctx.tense == "future" else -1 if ctx.tense == "past" else 0
    strict = word in ("last", "past", "previous", "next", "coming")
    if direction < 0 and (offset > 0 or (strict and offset == 0)):
        offset -= 7
    elif direction > 0 and (offset < 0 or (strict and offset == 0)):
        offset += 7
    elif direction == 0 and abs(offset) > 3:
        offset = offset - 7 if offset > 0 else offset + 7
    return ctx.dct + relativedelta(days=offset)


def r_weekday(m: re.Match, ctx: Context) -> Norm:
    """Friday / last Monday / Friday morning / Saturday night; "until Friday" looks ahead (a deadline)."""
    until = re.search(r"\b(?:until|till|through)\s+$", m.string[max(0, m.start() - 10):m.start()], re.IGNORECASE)
    day = _weekday_date(_weekday(m["wd"]), m["shift"] or ("until" if until and not ctx.pluperfect else None), ctx)
    pod = lexicon()["parts_of_day"].get((m["pod"] or "").lower())
    if day is None:
        return Norm("DATE", f"XXXX-WXX-{_weekday(m['wd'])}", anchor="none")
    value = day.isoformat() + (f"T{pod}" if pod else "")
    return Norm("DATE", value, anchor="dct", needs="day")


def r_deictic(m: re.Match, ctx: Context) -> Norm:
    """today / yesterday / tomorrow / tonight / yesterday morning / last night."""
    word = (m["word"] or m["last"]).lower()
    pod_word = (m["pod"] or ("night" if word == "tonight" else "")).lower()
    pod = lexicon()["parts_of_day"].get(pod_word)
    offset = lexicon()["deictic_days"].get(word, -1 if word == "last" else 0)
    if ctx.dct is None:
        return Norm("TIME" if pod else "DATE", "XXXX-XX-XX", anchor="none")
    value = (ctx.dct + relativedelta(days=offset)).isoformat() + (f"T{pod}" if pod else "")
    return Norm("TIME" if pod else "DATE", value, anchor="dct", needs="day")


def r_this_pod(m: re.Match, ctx: Context) -> Norm:
    """this morning / this evening / later this afternoon / the morning."""
    pod = lexicon()["parts_of_day"][m["pod"].lower()]
    if ctx.dct is None:
        return Norm("TIME", f"XXXX-XX-XXT{pod}", anchor="none")
    return Norm("TIME", f"{ctx.dct.isoformat()}T{pod}", anchor="dct", needs="day")


def r_clock(m: re.Match, ctx: Context) -> Norm:
    """10:35 a.m. / 5 p.m. EST Nov. 9 / noon Thursday / midnight."""
    if m.groupdict().get("word"):
        hour, minute = lexicon()["clock_words"][m["word"].lower()], 0
    else:
        hour, minute = int(m["h"]), int(m["min"] or 0)
        meridiem = (m.groupdict().get("ampm") or "").lower()
        if meridiem.startswith("p") and hour < 12:
            hour += 12
        elif meridiem.startswith("a") and hour == 12:
            hour = 0
    if m["wd"]:
        day = _weekday_date(_weekday(m["wd"]), None, ctx)
    elif m["deictic"]:
        day = ctx.dct + relativedelta(days=lexicon()["deictic_days"][m["deictic"].lower()]) if ctx.dct else None
    else:
        day = ctx.dct
    stamp = (f"T{hour:02d}:{minute:02d}" if hour != 24 else "T24") + ("Z" if m.groupdict().get("tz") else "")
    if day is None:
        return Norm("TIME", f"XXXX-XX-XX{stamp}", anchor="none")
    return Norm("TIME", day.isoformat() + stamp, anchor="dct", needs="day")


#: Shift words that count from the date the text just mentioned ("the following year"), not from publication.
ANAPHORIC_SHIFTS = {"following", "the following", "previous", "the previous"}


def r_shifted_unit(m: re.Match, ctx: Context) -> Norm | None:
    """last year / this week / next month / earlier this year / the end of the year / early next year."""
    unit_word = _unit_word(m["unit"])
    code = _period_code(unit_word)
    shift_word = re.sub(r"\s+", " ", (m.groupdict().get("shift") or "this").lower())
    steps = lexicon()["shifts"].get(shift_word, 0)
    if shift_word in ANAPHORIC_SHIFTS and ctx.last_date:
        return Norm("DATE", _shift_period(ctx.last_date, code, steps), mod=_mod(m["mod"]),
                    anchor=f"text:{ctx.last_value}")
    if ctx.dct is None:
        return Norm("DATE", "XXXX", mod=_mod(m["mod"]), anchor="none")
    value = _shift_period(ctx.dct, code, steps)
    return Norm("DATE", value, mod=_mod(m["mod"]), anchor="dct", needs=_needs(code))


def r_offset(m: re.Match, ctx: Context) -> Norm | None:
    """a year ago / a year earlier / a decade ago; "three days later" (counted from an event) is a duration."""
    amount = _number_value(m["n"])
    unit_word = _unit_word(m["unit"])
    code, factor = _unit(m["unit"])
    direction = lexicon()["offsets"][re.sub(r"\s+", " ", m["dir"].lower())]
    anaphoric = m["dir"].lower() not in ("ago", "from now", "hence")
    if anaphoric and factor == 1 and code not in ("Y", "Q"):
        return Norm("DURATION", _duration(amount, code, factor, clock=unit_word == "minute"))
    if amount == "X" or code in ("H", "S") or unit_word == "minute":
        return Norm("DATE", "PAST_REF" if direction < 0 else "FUTURE_REF")
    anchor, label = (ctx.last_date, f"text:{ctx.last_value}") if anaphoric and ctx.last_date else (ctx.dct, "dct")
    if anchor is None:
        return Norm("DATE", "XXXX", anchor="none")
    steps = int(amount * factor * direction)
    if code == "Y":
        if ctx.last_quarter:
            value = f"{int(ctx.last_quarter[:4]) + steps}{ctx.last_quarter[4:]}"
        elif label != "dct" and V.precision(ctx.last_value or "") == "day":
            value = (anchor + relativedelta(years=steps)).isoformat()
        else:
            value = str(anchor.year + steps)
        return Norm("DATE", value, anchor=label, needs="year")
    if code == "Q":
        return Norm("DATE", _shift_period(anchor, "Q", steps), anchor=label, needs="month")
    if code == "M":
        return Norm("DATE", _shift_period(anchor, "M", steps), anchor=label, needs="month")
    days = steps * (7 if code == "W" else 1)
    return Norm("DATE", (anchor + relativedelta(days=days)).isoformat(), anchor=label, needs="day")


def r_in_a_row(m: re.Match, ctx: Context) -> Norm | None:
    """a second consecutive day / the fifth straight week / third month in a row: the period being reported."""
    code = _period_code((m["unit"] or m["unit2"]).lower())
    if ctx.dct is None:
        return Norm("DATE", "XXXX", anchor="none")
    return Norm("DATE", _shift_period(ctx.dct, code, 0), anchor="dct", needs=_needs(code))


def r_short_year(m: re.Match, ctx: Context) -> Norm:
    """since '82 / in '09: a year written with two digits, in the century that keeps it before the publication year."""
    this_year = (ctx.dct.year if ctx.dct else date.today().year) % 100
    century = "20" if int(m["yy"]) <= this_year + 1 else "19"
    return Norm("DATE", century + m["yy"], explicit=True)


def r_same_period(m: re.Match, ctx: Context) -> Norm | None:
    """the same month a year ago / the same period last year: the period the text just named, one year back."""
    unit = m["unit"].lower()
    last = ctx.last_value or ""
    if unit in ("quarter", "period") and ctx.last_quarter:
        value = ctx.last_quarter
    elif unit in ("month", "period") and V.precision(last) == "month" or unit == "day" and V.precision(last) == "day":
        value = last
    elif ctx.dct is None:
        return Norm("DATE", "XXXX", anchor="none")
    else:
        code = {"day": "D", "week": "W", "month": "M"}.get(unit, "Q")
        year_back = _shift_period(ctx.dct - relativedelta(years=1), code, 0)
        return Norm("DATE", year_back, anchor="dct", needs=_needs(code))
    return Norm("DATE", f"{int(value[:4]) - 1}{value[4:]}", anchor=f"text:{value}")


def r_year_earlier(m: re.Match, ctx: Context) -> Norm | None:
    """year-earlier / year-ago (adjectives): the reported quarter one year back, else last year."""
    if ctx.last_quarter:
        return Norm("DATE", f"{int(ctx.last_quarter[:4]) - 1}{ctx.last_quarter[4:]}", anchor=f"text:{ctx.last_quarter}",
                    needs="year")
    if ctx.dct is None:
        return None
    return Norm("DATE", str(ctx.dct.year - 1), anchor="dct", needs="year")


def r_duration(m: re.Match, ctx: Context) -> Norm | None:
    """three weeks / the past two months / two-year / the first nine months / 24 hours."""
    amount = _number_value(m["n"])
    code, factor = _unit(m["unit"])
    if amount != "X" and amount == 0:
        return None
    if amount != "X" and (m["frac"] or m["frac2"]):
        amount += 0.5
    return Norm("DURATION", _duration(amount, code, factor, clock=_unit_word(m["unit"]) == "minute"))


def r_plural_unit(m: re.Match, ctx: Context) -> Norm:
    """years / several weeks / the past few months / decades."""
    code, factor = _unit(m["unit"])
    if _unit_word(m["unit"]) == "minute":
        return Norm("DURATION", "PTXM")
    return Norm("DURATION", _duration("X", code, 1) if factor == 1 else "PXY")


def r_set(m: re.Match, ctx: Context) -> Norm:
    """daily / annually / every year / each Tuesday / each July / Tuesday nights / every two weeks."""
    if m["word"]:
        return Norm("SET", lexicon()["sets"][m["word"].lower()])
    if m["wd"]:
        return Norm("SET", f"XXXX-WXX-{_weekday(m['wd'])}")
    if m["wdn"]:
        return Norm("SET", f"XXXX-WXX-{_weekday(m['wdn'])}T{lexicon()['parts_of_day'][m['pods'].lower()[:-1]]}")
    if m["mon"]:
        return Norm("SET", f"XXXX-{_month(m['mon']):02d}")
    amount = _number_value(m["n"]) if m["n"] else 1
    code, factor = _unit(m["unit"])
    return Norm("SET", _duration(amount, code, factor))


def r_vague(m: re.Match, ctx: Context) -> Norm:
    """now / recently / the future / currently / in recent years."""
    kind, value = lexicon()["vague"][re.sub(r"\s+", " ", m["word"].lower())]
    return Norm(kind, value)


def r_decade_word(m: re.Match, ctx: Context) -> Norm:
    """the nineties / the early eighties."""
    return Norm("DATE", str(lexicon()['decade_words'][m['word'].lower()]), mod=_mod(m["mod"]))


def _spelled_year(text: str) -> str:
    """The digits of a year written in words ("nineteen ninety-six" -> "1996")."""
    words = re.sub(r"\s+(?:and\s+)?", " ", text.lower().replace("-", " ")).split()
    numbers = lexicon()["numbers"]
    if words[:2] == ["two", "thousand"]:
        return str(2000 + sum(numbers[w] for w in words[2:]))
    return str(1900 + sum(numbers[w] for w in words[1:] if w != "hundred"))


def r_spelled_year(m: re.Match, ctx: Context) -> Norm | None:
    """nineteen ninety-six / the year two thousand (broadcast transcripts)."""
    return Norm("DATE", _spelled_year(m["word"]), explicit=True)


def r_holiday(m: re.Match, ctx: Context) -> Norm | None:
    """Christmas / Thanksgiving Day / New Year's Day: fixed or rule-based calendar dates."""
    month, rule = lexicon()["holidays"][re.sub(r"\s+", " ", m["word"].lower())]
    if m["y"]:
        year, label = int(m["y"]), "absolute"
    else:
        shift = (m["shift"] or "").lower()
        tense = {"last": "past", "next": "future"}.get(shift, ctx.tense)
        year, label = _resolve_yearless(month, 28, replace(ctx, tense=tense))
        if year is None:
            return None
    day = rule if isinstance(rule, int) else _nth_weekday(year, month, *rule)
    return Norm("DATE", f"{year}-{month:02d}-{day:02d}", anchor=label, needs="year" if label != "absolute" else None)


def _nth_weekday(year: int, month: int, nth: int, weekday: int) -> int:
    """Day of the month of the nth ISO weekday ("fourth Thursday")."""
    first = date(year, month, 1).isoweekday()
    return 1 + (weekday - first) % 7 + 7 * (nth - 1)


def r_the_day(m: re.Match, ctx: Context) -> Norm | None:
    """(end / finish / for) the day: the day the text is about (its last day-precise date), else the publication day."""
    if ctx.last_date and V.precision(ctx.last_value or "") == "day":
        return Norm("DATE", ctx.last_value, anchor=f"text:{ctx.last_value}")
    if ctx.dct is None:
        return Norm("DATE", "XXXX-XX-XX", anchor="none")
    return Norm("DATE", ctx.dct.isoformat(), anchor="dct", needs="day")


#: Words before "the day" that make it the day being reported ("ended the day", "for the day").
THE_DAY_BEFORE = {"end", "ended", "ending", "ends", "finish", "finished", "finishing", "close", "closed", "closing",
                  "for", "start", "started", "during", "rest", "remainder", "in"}


def r_the_weekend(m: re.Match, ctx: Context) -> Norm:
    """the weekend: the weekend nearest the publication date in the clause's direction."""
    if ctx.dct is None:
        return Norm("DATE", "XXXX-WXX-WE", anchor="none")
    saturday = _weekday_date(6, None, ctx)
    year, week, _ = saturday.isocalendar()
    return Norm("DATE", f"{year}-W{week:02d}-WE", anchor="dct", needs="day")


def r_the_year(m: re.Match, ctx: Context) -> Norm:
    """the year ended March 31 (a span of a year) / the year, the full year, the current year (this year)."""
    if m["ended"]:
        return Norm("DURATION", "P1Y")
    if ctx.dct is None:
        return Norm("DATE", "XXXX", anchor="none")
    return Norm("DATE", str(ctx.dct.year), anchor="dct", needs="year")


#: Rules only run in windows this many characters around their trigger words.
WINDOW_CHARS = 50


WORD = re.compile(r"[A-Za-z]+|\d+")


@lru_cache(maxsize=1)
def trigger_words() -> dict[str, frozenset[str]]:
    """Lower-case word -> the trigger classes it belongs to (a match of a rule contains a word of its class)."""
    lex = lexicon()
    units = [*lex["units"], *(u + "s" for u in lex["units"]), "centuries"]
    classes = {
        "MONTH": lex["months"], "WEEKDAY": lex["weekdays"], "SEASON": lex["seasons"], "POD": lex["parts_of_day"],
        "DEICTIC": [*lex["deictic_days"], "night"], "UNIT": units, "CENTURY": ["century", "centuries"],
        "QUARTER": ["quarter", "half", "period"], "DECADE": lex["decade_words"],
        "YEARWORD": ["nineteen", "thousand"], "HOLIDAY": [w.split()[0].split("'")[0] for w in lex["holidays"]],
        "SET": [*lex["sets"], *lex["set_quantifiers"], *(f"{pod}s" for pod in lex["parts_of_day"])],
        "CLOCK": [*lex["clock_words"], "am", "pm", "a", "p"],
        "VAGUE": [max(phrase.split(), key=len) for phrase in lex["vague"]],
    }
    table: dict[str, set[str]] = {}
    for name, words in classes.items():
        for word in words:
            table.setdefault(str(word).lower(), set()).add(name)
    return {word: frozenset(names) for word, names in table.items()}


def _word_classes(word: str) -> frozenset[str] | set[str]:
    """Trigger classes of one word of text, numbers included."""
    if word.isdigit():
        found = {"YEAR4"} if len(word) == 4 else {"CLOCK"} if len(word) <= 2 else set()
        found |= {"CLOCK"} if len(word) == 4 and word[:2] <= "23" and word[2:] <= "59" else set()
        return found | {"DECADE"} if word.endswith("0") else found
    return trigger_words().get(word.lower(), frozenset())


def windows(text: str) -> dict[str, list[tuple[int, int]]]:
    """Per trigger class, merged character windows around its words (one scan), ending at a word boundary."""
    merged: dict[str, list[list[int]]] = {}
    for m in WORD.finditer(text):
        classes = _word_classes(m.group())
        if not classes:
            continue
        start = max(0, m.start() - WINDOW_CHARS)
        end = min(len(text), m.end() + WINDOW_CHARS)
        while end < len(text) and not text[end].isspace():
            end += 1
        for name in classes:
            spans = merged.setdefault(name, [])
            if spans and start <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], end)
            else:
                spans.append([start, end])
    return {key: [(a, b) for a, b in spans] for key, spans in merged.items()}


@dataclass(frozen=True)
class Rule:
    """One pattern of the grammar and the function that normalises its matches."""

    name: str
    trigger: str
    pattern: re.Pattern
    normalise: Callable[[re.Match, Context], Norm | None]


#: (name, trigger class of words every match contains, pattern, normaliser); block names are filled in from the lexicon.
RULE_TEMPLATES: tuple[tuple[str, str, str, Callable[[re.Match, Context], Norm | None]], ...] = (
    ("iso", "YEAR4", r"(?P<y>YEAR)-(?P<m>0[1-9]|1[0-2])-(?P<d>[0-3]\d)\b", r_iso),
    ("month_day", "MONTH", r"(?:(?P<wd>WEEKDAY)(?:\s*,)?\s+)?(?P<mon>MONTH)\s+(?P<d>DAY)\b(?!\s*(?:%|percent|,\d|\.\d|:\d))(?:(?:\s*,)?\s+(?P<y>YEAR))?", r_month_day),
    ("day_month", "MONTH", r"(?:(?P<wd>WEEKDAY)(?:\s*,)?\s+)?(?:the\s+)?(?P<d>DAY)(?:\s+of)?\s+(?P<mon>MONTH)\b(?:(?:\s*,)?\s+(?P<y>YEAR))?", r_month_day),
    ("month", "MONTH", r"(?:(?P<mod>MOD)[\s-]+)?(?:(?P<shift>last|next|this|this\s+past|this\s+coming)\s+)?(?P<mon>MONTH)\b(?:(?:\s*,)?\s+(?:of\s+)?(?:(?P<y>YEAR)|(?P<ys>SPELLEDYEAR))|\s+(?:of\s+)?(?P<yshift>this|last|next)\s+year\b)?", r_month),
    ("year", "YEAR4", r"(?:(?P<mod>MOD)[\s-]+)?(?:(?:fiscal|calendar|the\s+year|model\s+year)\s+)?(?P<y>YEAR)(?:\s*[-–]\s*(?P<y2>YEAR|\d\d(?!\d)))?\b", r_year),
    ("decade", "DECADE", r"(?:the\s+)?(?:(?P<mod>MOD)[\s-]+)?(?:(?P<dec>1[5-9]\d0|20\d0)|'?(?P<short>[1-9]0))'?s\b", r_decade),
    ("decade_word", "DECADE", r"(?:the\s+)?(?:(?P<mod>MOD)[\s-]+)?(?P<word>DECADEWORD)\b", r_decade_word),
    ("spelled_year", "YEARWORD", r"(?:the\s+year\s+)?(?P<word>SPELLEDYEAR)\b", r_spelled_year),
    ("holiday", "HOLIDAY", r"(?:(?P<shift>last|next|this)\s+)?(?P<word>HOLIDAY)\b(?:\s+(?P<y>YEAR))?", r_holiday),
    ("the_weekend", "UNIT", r"\bthe\s+weekend\b", r_the_weekend),
    ("the_day", "UNIT", r"\bthe\s+(?P<same>same\s+)?day\b(?!\s+(?:before|after|of|when|that|which|he|she|they|it|we|I)\b)", r_the_day),
    ("the_year", "UNIT", r"\bthe\s+(?:(?P<adj>full|fiscal|current|calendar)\s+)?year\b(?!\s+(?:earlier|ago|before|after|later))(?=(?P<ended>\s+(?:ended|ending)\b)?)", r_the_year),
    ("century", "CENTURY", r"(?:the\s+)?(?:(?P<mod>MOD)[\s-]+)?(?P<n>\d{1,2}(?:st|nd|rd|th)|ORD)[\s-]+century\b", r_century),
    ("quarter", "QUARTER", r"(?:the\s+)?(?:(?P<shift>(?:this|last|next)\s+year's|year-earlier|year-ago|fiscal)\s+)?(?:(?P<yq>YEAR)\s+)?(?:fiscal\s+)?(?P<q>ORD)[\s-]+(?:fiscal\s+)?(?P<part>quarter|half)\b(?:\s+of\s+(?:fiscal\s+)?(?P<y>YEAR)|\s+of\s+(?P<yshift>this|last|next)\s+year\b)?", r_quarter),
    ("same_period", "UNIT", r"\bthe\s+(?:same|corresponding|comparable)\s+(?P<unit>day|week|month|quarter|period)\s+(?:of\s+)?(?:a\s+year\s+(?:ago|earlier|before)|(?:the\s+)?(?:last|previous|prior)\s+year)\b", r_same_period),
    ("this_quarter", "QUARTER", r"\b(?:the\s+(?:(?P<adj>latest|current|most\s+recent|recent)\s+|(?:same|corresponding|comparable)\s+)?(?:(?P<ago>year-earlier|year-ago|year\s+earlier)\s+|(?P<y>YEAR)\s+)?|(?P<lastyears>last\s+year's)\s+)(?:quarter|period)\b(?:\s+(?P<agoafter>a\s+year\s+(?:ago|earlier)|(?:of\s+)?last\s+year))?", r_this_quarter),
    ("season", "SEASON", r"(?:(?P<mod>MOD)[\s-]+(?:the\s+)?)?(?:(?P<shift>SHIFT)\s+|the\s+)?(?P<season>SEASON)\b(?:\s+(?:of\s+)?(?:(?P<y>YEAR)|(?P<ys>SPELLEDYEAR)))?", r_season),
    ("weekday", "WEEKDAY", r"(?:(?P<shift>last|next|this|coming|past|previous)\s+)?(?P<wd>WEEKDAY)\b(?:\s+(?P<pod>POD))?", r_weekday),
    ("deictic", "DEICTIC", r"(?:(?:late|early|earlier|later)\s+)?(?:(?P<word>DEICTIC)|(?P<last>last)(?=\s+night))(?:\s+(?P<pod>POD))?\b", r_deictic),
    ("this_pod", "POD", r"(?:(?:later|earlier)\s+)?(?:this|the)\s+(?P<pod>morning|afternoon|evening)\b", r_this_pod),
    ("clock", "CLOCK", r"(?:(?:around|about)\s+)?(?:(?P<h>[01]?\d)(?::(?P<min>[0-5]\d))?\s*(?P<ampm>[ap]\.?\s?m\b\.?)|(?P<word>CLOCKWORD))(?:\s+[A-Z]{2,4}T\b)?(?:(?:\s*,)?\s+(?:(?P<wd>WEEKDAY)|(?P<deictic>DEICTIC)))?", r_clock),
    ("clock24", "CLOCK", r"(?:(?:around|about)\s+)?(?P<h>[01]?\d|2[0-3]):?(?P<min>[0-5]\d)\s+(?P<tz>UTC|GMT|Z)\b(?:(?:\s*,)?\s+(?:(?P<wd>WEEKDAY)|(?P<deictic>DEICTIC)))?", r_clock),
    ("shifted_unit", "UNIT", r"(?:(?P<mod>MOD)\s+)?(?P<shift>SHIFT)\s+(?P<unit>week|weekend|month|year|decade|century|quarter)\b", r_shifted_unit),
    ("mod_the_unit", "UNIT", r"(?P<mod>MOD)\s+the\s+(?P<unit>week|month|year|decade|century)\b", r_shifted_unit),
    ("offset", "UNIT", r"(?:(?:APPROX)\s+)?(?P<n>NUM)[\s-]+(?P<unit>UNIT1)\s+(?P<dir>OFFSET)\b", r_offset),
    ("in_a_row", "UNIT", r"(?:(?:a|the|its|their|his|her)\s+)?SORD\s+(?:(?:straight|consecutive|successive)\s+(?P<unit>day|week|month|quarter|year)\b|(?P<unit2>day|week|month|quarter|year)\s+in\s+a\s+row\b)", r_in_a_row),
    ("short_year", "CLOCK", r"'(?P<yy>\d\d)(?![\w'])", r_short_year),
    ("bare_plural", "UNIT", r"(?:(?<=\bfor\s)|(?<=\bin\s)|(?<=\bwithin\s)|(?<=\bafter\s))(?P<unit>(?:minute|hour|day|week|month|year|decade)s|centuries)\b(?!\s+(?:old|of\s+age)\b)", r_plural_unit),
    ("year_earlier", "UNIT", r"\b(?:year-earlier|year-ago)\b", r_year_earlier),
    ("duration", "UNIT", r"(?:the\s+)?(?:(?:past|last|next|first|coming|previous|latest|following|final|remaining)\s+)?(?:(?:APPROX)\s+)?(?P<n>NUM)(?P<frac>\s+1/2|\s+and\s+a\s+half)?(?:\s+(?:or|to)\s+NUM)?(?:\s+more)?[\s-]+(?:UNITADJ\s+)?(?P<unit>UNIT1)(?P<frac2>\s+and\s+a\s+half)?(?:-long)?\b(?!-old)", r_duration),
    ("plural_unit", "UNIT", r"(?:(?:the\s+)?(?:past|last|next|coming)\s+(?:(?:several|a\s+few|few|many)\s+)?|(?:several|a\s+few|few|many)\s+)(?P<unit>(?:second|minute|hour|day|week|month|year|decade)s|centuries)\b", r_plural_unit),
    ("set", "SET", r"\b(?:(?P<word>SETWORD)|(?:SETQ)\s+(?:(?P<n>NUM)\s+)?(?:(?P<unit>UNIT1)|(?P<wd>WEEKDAY)|(?P<mon>MONTH)))\b|(?P<wdn>WEEKDAY)\s+(?P<pods>(?:morning|afternoon|evening|night)s)\b", r_set),
    ("vague", "VAGUE", r"(?P<word>VAGUE)\b", r_vague),
)


def _fill(template: str) -> str:
    """A rule template with its building-block names replaced by their regexes."""
    blocks = grammar()
    for key in sorted(blocks, key=len, reverse=True):
        template = re.sub(rf"(?<![A-Za-z<]){key}(?![A-Za-z>])", lambda _m, k=key: blocks[k], template)
    return template


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    """The compiled grammar, in priority order (earlier wins between equally long matches)."""
    return tuple(
        Rule(name, trigger, re.compile(r"(?<![\w-])(?<!\d[,.])" + _fill(template) + r"(?![\w])", re.IGNORECASE),
             normalise)
        for name, trigger, template, normalise in RULE_TEMPLATES
    )


# -------------------------------------------------------------------------------------- spaCy checks
FUTURE_MARKERS = {"will", "'ll", "shall", "wo", "going"}
PERFECT_MARKERS = {"has", "have", "'ve", "'s"}
#: Participles that modify a noun without making it past ("plans announced in May" is past, "talks expected in May"
#: is not).
PROSPECTIVE_PARTICIPLES = {"expect", "schedule", "plan", "set", "slate", "due", "propose", "project", "forecast",
                           "hope", "intend"}
#: A date written in a past-tense clause may still lie this many days after the anchor ("extended to Nov. 20").
PAST_TOLERANCE_DAYS = 45


def clause_tense(span: Span) -> str | None:
    """Tense of the finite clause an expression sits in: "past", "future", "present" or None (no verb found)."""
    token = span.root
    for _ in range(12):
        if token.pos_ in ("VERB", "AUX"):
            auxiliaries = [child for child in token.children if child.dep_ in ("aux", "auxpass")]
            if token.tag_ == "VBN" and not auxiliaries and token.dep_ in ("acl", "amod") and \
                    token.lemma_ not in PROSPECTIVE_PARTICIPLES:
                return "past"
            if token.tag_ == "VB" and token.dep_ == "xcomp" and token.head.lemma_ in PROSPECTIVE_PARTICIPLES \
                    and not _had(token.head):
                return "future"
            words = {child.lower_ for child in auxiliaries}
            if words & FUTURE_MARKERS:
                return "future"
            finite = [t for t in [*auxiliaries, token] if "Fin" in t.morph.get("VerbForm")]
            if finite:
                if words & PERFECT_MARKERS:
                    return "present"
                return "past" if "Past" in finite[0].morph.get("Tense") else "present"
        if is_root(token):
            return None
        token = token.head
    return None


def _had(verb: Token) -> bool:
    """Whether a verb is in the past perfect ("had been scheduled", "had not called")."""
    return any(child.dep_ in ("aux", "auxpass") and child.lower_ in ("had", "'d") for child in verb.children)


def pluperfect(span: Span) -> bool:
    """Whether the first verb above an expression is in the past perfect."""
    token = span.root
    for _ in range(12):
        if token.pos_ in ("VERB", "AUX"):
            return _had(token) or _had(token.head) and token.dep_ == "xcomp"
        if is_root(token):
            return False
        token = token.head
    return False


def _plausible(rule: Rule, m: re.Match, span: Span | None) -> bool:
    """Drop readings spaCy contradicts: "May" the modal, "march" the verb, "fall" the verb, "once" the conjunction."""
    if span is None:
        return False
    lex = lexicon()
    groups = m.groupdict()
    month = groups.get("mon")
    if month and month.lower().rstrip(".") in lex["ambiguous_months"]:
        token = span.doc[span.start + [t.text for t in span].index(month) if month in [t.text for t in span] else span.start]
        if not month[0].isupper() or token.tag_ == "MD" or token.pos_ == "VERB":
            return False
        if rule.name == "month" and not groups.get("y") and not groups.get("mod") and token.ent_type_ not in ("DATE", ""):
            return False
    weekday = groups.get("wd")
    if weekday and weekday.lower() in lex["ambiguous_weekdays"]:
        return False
    if rule.name == "season" and not groups.get("y") and _not_a_season(m, span):
        return False
    if rule.name == "season" and not (groups.get("shift") or groups.get("y") or groups.get("mod")):
        return span.root.pos_ in ("NOUN", "PROPN")
    if rule.name in ("decade", "decade_word") and AGE_BEFORE.search(m.string[max(0, m.start() - 30):m.start()]):
        return False
    if rule.name == "vague" and groups["word"].lower() in lex["attributive_vague"]:
        return span.root.pos_ == "ADJ" and span.root.dep_ == "amod" and span.root.head.i > span.root.i
    if rule.name == "short_year":
        before = m.string[max(0, m.start() - 12):m.start()].split()
        return bool(before) and before[-1].lower() in SHORT_YEAR_BEFORE
    if rule.name == "duration" and _not_a_duration(m, span):
        return False
    if rule.name == "vague" and groups["word"].lower() in lex["weak_vague"]:
        return span.root.pos_ in ("ADV", "ADJ", "NOUN") and span.root.dep_ not in ("mark", "advmod") or span.root.pos_ == "ADV" and span.root.dep_ == "advmod" and span.root.lower_ not in ("once",)
    if rule.name == "the_day" and groups.get("same"):
        return True
    if rule.name == "the_day":
        before = m.string[max(0, m.start() - 15):m.start()].split()
        return bool(before) and before[-1].lower() in THE_DAY_BEFORE
    if rule.name in ("plural_unit", "bare_plural") and span.root.dep_ == "compound":
        return False
    if rule.name == "year" and not (groups.get("mod") or groups.get("y2")) and _in_a_name(span):
        return False
    if rule.name == "year":
        return span.root.like_num or span.root.pos_ in ("NUM", "PROPN", "NOUN") and span.root.ent_type_ not in ("MONEY", "CARDINAL", "QUANTITY", "PERCENT")
    return True


#: Prepositions before a two-digit year ("since '82"); elsewhere an apostrophe and two digits are a quote or a score.
SHORT_YEAR_BEFORE = {"since", "in", "of", "by", "until", "from", "to", "before", "after", "class", "spring", "summer",
                     "fall", "autumn", "winter"}


def _in_a_name(span: Span) -> bool:
    """Whether a bare year follows a proper name it belongs to ("the Russell 2000 Index", "Windows 2000")."""
    if span.start == 0 or len(span) != 1:
        return False
    before = span.doc[span.start - 1]
    return before.pos_ == "PROPN" and before.text[:1].isupper() and not _word_classes(before.text) & {
        "MONTH", "WEEKDAY", "SEASON", "HOLIDAY"}
#: What follows a fraction that reads like a duration ("a quarter of its dealers", "a second A380").
FRACTION_AFTER = re.compile(r"^\s*,?\s*of\b(?!\s+(?:an?\s+)?(?:hour|century|year|the\s+(?:year|century)))",
                            re.IGNORECASE)


def _not_a_duration(m: re.Match, span: Span) -> bool:
    """A fraction ("about a quarter, of its dealers") or an ordinal ("a second A380") read as a span of time."""
    unit = _unit_word(m["unit"])
    single = m["n"].lower() in ("a", "an")
    if unit == "quarter" and single and FRACTION_AFTER.match(m.string[m.end():m.end() + 30]):
        return True
    following = span.doc[span.end] if span.end < len(span.doc) else None
    return unit == "second" and single and following is not None and following.pos_ in ("NOUN", "PROPN", "ADJ", "NUM")


#: Words before a decade that make it an age ("in his 20s", "in their early thirties", "aged 30s").
AGE_BEFORE = re.compile(r"\b(?:his|her|their|my|your|our|its|aged?|whose)\s+(?:(?:early|mid|late)[\s-]+)?$", re.IGNORECASE)
#: Words after "fall" / "spring" that make it a noun of its own ("the fall of Aleppo", "a fall in sales").
NOT_SEASON_AFTER = re.compile(r"^\s+(?:of\s+(?!\d{4}\b)|in\s+(?!\d{4}\b)|from\b|to\b|by\b|since\b|on\b|was\b|came\b)",
                              re.IGNORECASE)
#: Words before a bare "fall" that make it a drop, not autumn ("a large fall", "its worst fall").
SEASON_BEFORE = {"in", "this", "last", "next", "that", "during", "since", "until", "by", "early", "late", "mid", "each",
                 "every", "coming", "past", "previous", "following", "the", "of", "for", "before", "after", "over",
                 "through", "throughout", "till", "into"}


def _not_a_season(m: re.Match, span: Span) -> bool:
    """Whether a season word is some other noun: "the fall of Aleppo", "the Arab Spring", "a sharp fall in prices"."""
    word = m["season"]
    if NOT_SEASON_AFTER.match(m.string[m.end():m.end() + 20]):
        return True
    if word[0].isupper() and span.start > 0 and span.doc[span.start - 1].pos_ == "PROPN" and not m["shift"]:
        return True
    if word.lower() != "fall" or m["shift"] or m["mod"]:
        return False
    before = m.string[max(0, m.start() - 20):m.start()].split()
    return not before or before[-1].lower() not in SEASON_BEFORE


#: A final dot that belongs to the expression ("a.m.", "Jan.") rather than to the sentence.
KEEP_FINAL_DOT = re.compile(r"(?:[ap]\.m|\b[A-Z][a-z]{2,3})\.$")


def _candidates(doc: Doc, text: str) -> list[tuple[int, int, Rule, re.Match, Span]]:
    """Non-overlapping rule matches, longest first (rule order breaks ties), in text order."""
    found = []
    spans = windows(text)
    matches = ((p, r, m) for p, r in enumerate(rules()) for a, b in spans.get(r.trigger, ())
               for m in r.pattern.finditer(text, a, b))
    for priority, rule, m in matches:
        start, end = m.span()
        matched = m.group()
        start += len(matched) - len(matched.lstrip())
        if not KEEP_FINAL_DOT.search(matched):
            end -= len(matched) - len(matched.rstrip(" ,."))
        span = doc.char_span(start, end, alignment_mode="expand")
        if _plausible(rule, m, span):
            found.append((start, end, priority, rule, m, span))
    found.sort(key=lambda c: (c[0] - c[1], c[2], c[0]))
    taken: list[tuple[int, int, Rule, re.Match, Span]] = []
    occupied: list[tuple[int, int]] = []
    for start, end, _, rule, m, span in found:
        if all(end <= s or start >= e for s, e in occupied):
            occupied.append((start, end))
            taken.append((start, end, rule, m, span))
    return sorted(taken, key=lambda c: c[0])


def _limit(norm: Norm, dct: date | None, dct_precision: str) -> tuple[str, bool]:
    """A value that needs a finer publication date than known becomes the publication period itself."""
    if norm.anchor != "dct" or not norm.needs or PRECISION_RANK[dct_precision] >= PRECISION_RANK[norm.needs]:
        return norm.value, False
    if dct is None:
        return re.sub(r"\d", "X", norm.value), True
    return V.truncate(dct.isoformat(), dct_precision), True


def extract_timex(doc: Doc, dct: str | None, dct_precision: str | None = None) -> list[Timex]:
    """Find and normalise the temporal expressions of a parsed article against its publication date."""
    dct_date, precision = V.parse_dct(dct, dct_precision)
    text = doc.text
    sentences = list(doc.sents)
    sentence_starts = [sent.start_char for sent in sentences]
    ctx = Context(dct_date, precision, None, None, -99, 0, None)
    records = []
    for start, end, rule, m, span in _candidates(doc, text):
        sentence_index = bisect.bisect_right(sentence_starts, start) - 1
        ctx.sentence_index, ctx.tense, ctx.pluperfect = sentence_index, clause_tense(span), pluperfect(span)
        norm = rule.normalise(m, ctx)
        if norm is None:
            continue
        value, limited = _limit(norm, dct_date, precision)
        first, last = V.bounds(value, norm.mod, norm.end_value) if norm.type in ("DATE", "TIME") else (None, None)
        anchor = norm.anchor if norm.anchor != "dct" else f"dct:{dct} ({precision})"
        records.append(Timex(
            article_id=doc._.article_id, start_char=start, end_char=end, text=text[start:end], type=norm.type,
            value=value, start_date=first, end_date=last,
            precision=V.precision(value) if norm.type in ("DATE", "TIME") else norm.type.lower(),
            anchor=anchor, sentence_index=sentence_index, sentence=sentences[sentence_index].text.strip(),
            mod=norm.mod, end_value=norm.end_value, tense=ctx.tense, dct_limited=limited, rule=rule.name,
            root_i=span.root.i,
        ))
        if norm.type == "DATE" and first and V.precision(value) in ("day", "month", "quarter", "half", "year"):
            ctx.last_date, ctx.last_value = date.fromisoformat(first), value
            if rule.name == "quarter" and not m["shift"]:
                ctx.last_quarter = value
            if norm.explicit:
                ctx.reference, ctx.reference_value, ctx.reference_sentence = date.fromisoformat(first), value, sentence_index
    date_clock_times(records, dct_date)
    mark_ranges(records, text)
    mark_dateline(records, text)
    return records


def date_clock_times(records: list[Timex], dct: date | None) -> None:
    """A clock time that took the publication day takes instead the one other day its sentence names ("Tuesday ...
    at 18:00 UTC", "at 16:15 UTC, June 1st")."""
    for timex in records:
        if timex.rule not in ("clock", "clock24") or dct is None or not timex.value.startswith(dct.isoformat()):
            continue
        days = {t.value[:10] for t in records if t.sentence_index == timex.sentence_index and t.type == "DATE"
                and t.role != "dateline" and V.precision(t.value) == "day"}
        if len(days) == 1 and dct.isoformat() not in days:
            timex.value = days.pop() + timex.value[10:]
            timex.start_date, timex.end_date = V.bounds(timex.value)
            timex.anchor = f"text:{timex.value[:10]}"


#: What joins the two ends of a range ("from 2013 to 2014", "between May and July", "2013-2014").
RANGE_JOIN = re.compile(r"\s*(?:to|until|till|through|thru|and|-|–|—)\s*", re.IGNORECASE)
RANGE_OPEN = re.compile(r"\b(?:from|between)\s+(?:(?:early|mid|late)[\s-]+)?$", re.IGNORECASE)


def mark_ranges(records: list[Timex], text: str) -> None:
    """Join "from X to Y" / "between X and Y": X becomes the interval from X to Y, Y is marked as its end."""
    for first, second in zip(records, records[1:]):
        if first.type != "DATE" or second.type != "DATE" or not (first.start_date and second.end_date):
            continue
        if not RANGE_JOIN.fullmatch(text[first.end_char:second.start_char]):
            continue
        if not RANGE_OPEN.search(text[max(0, first.start_char - 20):first.start_char]):
            continue
        if first.anchor.startswith("dct") and first.value[:4].isdigit() and second.value[:4].isdigit():
            _move_to_year(first, second.value[:4])
        if second.end_date < first.start_date:
            continue
        first.end_value, first.end_date, first.role = second.value, second.end_date, "range_start"
        second.role = "range_end"


def _move_to_year(timex: Timex, year: str) -> None:
    """Give a year-less range start the year its end names ("between May and July 2015")."""
    value = year + timex.value[4:]
    first, last = V.bounds(value, timex.mod)
    if first:
        timex.value, timex.start_date, timex.end_date, timex.anchor = value, first, last, f"text:{year}"


#: A dateline: a place in capitals (with an optional region), a date, and an optional agency or dash.
DATELINE_PLACE = re.compile(r"\s*(?P<place>[A-Z][A-Z'.-]+(?:[ -][A-Z][A-Z'.-]+)*)(?:\s*,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)?"
                            r"\s*[,(]\s*")
DATELINE_AFTER = re.compile(r"^\s*(?:[.,]\s*)?(?:/?\(?[A-Z][A-Za-z-]+\)?/?\.?|--|—|–|-|:|\n|$)")
#: A dateline sits in the first characters of an article.
DATELINE_WITHIN = 400


def find_dateline(text: str, start_char: int, end_char: int) -> str | None:
    """The place of a dateline whose date lies at ``start_char:end_char`` ("MOSCOW, February 7. /TASS/."), else None."""
    if start_char > DATELINE_WITHIN:
        return None
    line_start = text.rfind("\n", 0, start_char) + 1
    found = DATELINE_PLACE.fullmatch(text[line_start:start_char])
    if not found or len(found["place"]) < 3 or not DATELINE_AFTER.match(text[end_char:end_char + 30]):
        return None
    return found["place"].title()


def mark_dateline(records: list[Timex], text: str) -> None:
    """Mark the date of a dateline: it gives the publication date and place, and never dates an event."""
    for timex in records[:3]:
        if timex.type in ("DATE", "TIME") and find_dateline(text, timex.start_char, timex.end_char):
            timex.role = "dateline"
            return

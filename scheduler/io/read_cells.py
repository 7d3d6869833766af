"""Cell parsers: turn one cell into a value, or say what was found and what was expected.

Every parser takes the cell value (never blank: blanks are handled by the caller)
and a label, the name the message uses for the value (usually the column name),
and raises `CellError` with a message like `role 'clinican' is not one of
clinician, peer`. Text cells and Excel cells are both accepted: `8.0` is a
whole number, an Excel time cell is a time of day, an Excel date cell a date.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable
from enum import StrEnum
from typing import TypeVar

from scheduler.io.tables import CellValue
from scheduler.model.calendar import time_zone_of
from scheduler.model.problem import MINUTES_PER_DAY, WEEKDAYS

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)

Parser = Callable[[CellValue, str], T]

LIST_SEPARATOR = ";"
_TRUE = ("yes", "true", "1", "y")
_FALSE = ("no", "false", "0", "n")
_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_EXCEL_DAY_ONE = dt.date(1900, 1, 1)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2})?")


class CellError(ValueError):
    """A cell value that cannot be used; the message says what was found and expected."""


def shown(value: CellValue) -> str:
    """A value as a message quotes it: text in quotes, numbers and dates as written."""
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float):
        return f"{value:g}"  # 1e+308, not its 309 digits
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)


#: Columns that hold an id (besides every `*_id`): compared as text, so they are
#: normalised (NFKC) and refused with an invisible character in them.
ID_COLUMNS = frozenset({"zone", "from_zone", "to_zone", "home_zone"})


def is_id_column(label: str) -> bool:
    return label.endswith("_id") or label in ID_COLUMNS


def _checked_id(text: str, label: str) -> str:
    """An id as Unicode NFKC (a full-width `Ｃ０１` is `C01`); a format character
    (zero-width space, joiner, direction mark: category Cf) or a control character
    is refused: two ids that look the same must be the same id."""
    for position, character in enumerate(text, start=1):
        if unicodedata.category(character) in ("Cf", "Cc"):
            name = unicodedata.name(character, "a control character")
            raise CellError(
                f"{label} {text!r} holds an invisible character (U+{ord(character):04X} "
                f"{name}) at position {position}; retype the id without it"
            )
    return unicodedata.normalize("NFKC", text).strip()


def parse_text(value: CellValue, label: str) -> str:
    if isinstance(value, str) and is_id_column(label):
        return _checked_id(value.strip(), label)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an id typed into Excel comes back as 101.0
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        raise CellError(
            f"{label} {shown(value)} was turned into a date or time by Excel; "
            "expected text (format the column as Text)"
        )
    return str(value).strip()


_BREAKS = frozenset({"Cc", "Zl", "Zp"})  # control characters, line and paragraph breaks


def parse_name(value: CellValue, label: str) -> str:
    """A name (a person's, a zone's, the program's) on one line: line breaks (Alt+Enter
    in Excel), tabs and other control characters become one space. A name is printed
    on one line of every report: kept raw, a line break would start a line of its own
    (`Summary` / `hard rules broken 0` typed into a name reads as the report's)."""
    text = parse_text(value, label)
    if not any(unicodedata.category(c) in _BREAKS for c in text):
        return text
    cleaned = "".join(" " if unicodedata.category(c) in _BREAKS else c for c in text)
    return " ".join(cleaned.split())


def parse_int(value: CellValue, label: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number: float | None = None
    if isinstance(value, float):
        number = value
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            number = None
    if number is None or not math.isfinite(number) or not number.is_integer():
        raise CellError(f"{label} {shown(value)} is not a whole number")
    return int(number)


def parse_number(value: CellValue, label: str) -> float:
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            number = None
    if number is None or not math.isfinite(number):
        raise CellError(f"{label} {shown(value)} is not a number")
    return number


def non_negative(parse: Parser[T]) -> Parser[T]:
    """The same parser, refusing values below 0."""

    def parse_non_negative(value: CellValue, label: str) -> T:
        number = parse(value, label)
        if isinstance(number, int | float) and number < 0:
            raise CellError(f"{label} {shown(number)} is negative; expected 0 or more")
        return number

    return parse_non_negative


def parse_bool(value: CellValue, label: str) -> bool:
    if isinstance(value, bool):
        return value
    text = parse_text(value, label).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"{label} {shown(value)} is not yes or no")


def choice(kind: type[E]) -> Parser[E]:
    """A parser for one value of an enum, matched case-insensitively."""
    options = ", ".join(member.value for member in kind)

    def parse_choice(value: CellValue, label: str) -> E:
        text = parse_text(value, label)
        try:
            return kind(text.lower())
        except ValueError:
            raise CellError(f"{label} '{text}' is not one of {options}") from None

    return parse_choice


def parse_list(value: CellValue, label: str) -> tuple[str, ...]:
    """`;`-separated items, trimmed; empty items dropped, repeats kept once."""
    items = (item.strip() for item in parse_text(value, label).split(LIST_SEPARATOR))
    return tuple(dict.fromkeys(item for item in items if item))


def choice_list(kind: type[E]) -> Parser[tuple[E, ...]]:
    """A parser for a non-empty `;`-separated list of enum values."""
    options = ", ".join(member.value for member in kind)
    one = choice(kind)

    def parse_choices(value: CellValue, label: str) -> tuple[E, ...]:
        items = parse_list(value, label)
        if not items:
            raise CellError(f"{label} {shown(value)} names none of {options}")
        return tuple(dict.fromkeys(one(item, label) for item in items))

    return parse_choices


def at_most(parse: Parser[T], high: float) -> Parser[T]:
    """The same parser, refusing numbers above `high`: a value no program needs, which
    would overflow the solver's whole-number arithmetic or make it crawl."""

    def parse_at_most(value: CellValue, label: str) -> T:
        number = parse(value, label)
        if isinstance(number, int | float) and number > high:
            # A huge whole number (1e308 read as an int) has hundreds of digits: 1e+308.
            big = float(number) if abs(number) >= 1e15 else number
            raise CellError(
                f"{label} {shown(big)} is out of range; expected {shown(float(high))} or less"
            )
        return number

    return parse_at_most


#: Dates a program may start on, and calls be logged on: the horizon, a day either side
#: and the History look-back stay far inside what Python's dates can hold.
FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2999, 12, 31)


def parse_start_date(value: CellValue, label: str) -> dt.date:
    date = parse_date(value, label)
    if not FIRST_DATE <= date <= LAST_DATE:
        raise CellError(
            f"{label} {date} is out of range; expected a date from {FIRST_DATE} to {LAST_DATE}"
        )
    return date


def bounded(parse: Parser[int], low: int, high: int) -> Parser[int]:
    """The same parser, refusing values outside `low..high`."""

    def parse_bounded(value: CellValue, label: str) -> int:
        number = parse(value, label)
        if not low <= number <= high:
            raise CellError(f"{label} {number} is out of range; expected {low} to {high}")
        return number

    return parse_bounded


def parse_time_zone(value: CellValue, label: str) -> str:
    """An IANA time zone name that `zoneinfo` knows (`America/New_York`), as written."""
    name = parse_text(value, label)
    try:
        time_zone_of(name)
    except ValueError as error:
        raise CellError(f"{label}: {error}") from None
    return name


def one_of(parse: Parser[int], allowed: tuple[int, ...]) -> Parser[int]:
    """The same parser, refusing values not in `allowed`."""

    def parse_one_of(value: CellValue, label: str) -> int:
        number = parse(value, label)
        if number not in allowed:
            options = ", ".join(str(option) for option in allowed)
            raise CellError(f"{label} {number} is not one of {options}")
        return number

    return parse_one_of


def parse_weekday(value: CellValue, label: str) -> int:
    """Mon..Sun or Monday..Sunday, case-insensitive; 0 is Monday."""
    text = parse_text(value, label).lower()
    for index, (short, full) in enumerate(zip(WEEKDAYS, _WEEKDAY_NAMES, strict=True)):
        if text in (short.lower(), full):
            return index
    raise CellError(
        f"{label} {shown(value)} is not a weekday; expected one of {', '.join(WEEKDAYS)}"
    )


def parse_date(value: CellValue, label: str) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.time() != dt.time():
            raise CellError(f"{label} {shown(value)} has a time of day; expected a date YYYY-MM-DD")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise CellError(f"{label} {shown(value)} is not a date; expected YYYY-MM-DD")


def parse_date_time(value: CellValue, label: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    elif isinstance(value, str) and _DATE_TIME.fullmatch(value):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            raise CellError(
                f"{label} {shown(value)} is not a date-time; expected YYYY-MM-DDTHH:MM"
            ) from None
    else:
        raise CellError(f"{label} {shown(value)} is not a date-time; expected YYYY-MM-DDTHH:MM")
    if moment.second or moment.microsecond:
        raise CellError(f"{label} {shown(value)} has seconds; expected whole minutes")
    return moment.replace(tzinfo=None)


def parse_date_or_date_time(value: CellValue, label: str) -> dt.date | dt.datetime:
    """A date (whole days) or a date-time: a text date without a time is a date."""
    if isinstance(value, dt.date):  # Excel cells: the number format decided
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        return parse_date(value, label)
    try:
        return parse_date_time(value, label)
    except CellError:
        raise CellError(
            f"{label} {shown(value)} is not a date or date-time; "
            "expected YYYY-MM-DD or YYYY-MM-DDTHH:MM"
        ) from None


def parse_minute_of_day(value: CellValue, label: str) -> int:
    """A time of day `HH:MM` (or an Excel time cell) as minutes after midnight.

    `24:00` is accepted as midnight, since people write it for an end.
    """
    expected = f"{label} {shown(value)} is not a time of day; expected HH:MM (24 h)"
    if isinstance(value, dt.datetime) and value.date() <= _EXCEL_DAY_ONE:
        value = value.time()  # Excel stores 24:00 typed into a time cell as day 1, 00:00
    if isinstance(value, dt.time):
        if value.second or value.microsecond:
            raise CellError(expected)
        return value.hour * 60 + value.minute
    if isinstance(value, dt.timedelta):
        seconds = value.total_seconds()
        if seconds % 60 or not 0 <= seconds <= MINUTES_PER_DAY * 60:
            raise CellError(expected)
        return int(seconds // 60) % MINUTES_PER_DAY
    match = _TIME.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise CellError(expected)
    hours, minutes, seconds = int(match[1]), int(match[2]), int(match[3] or 0)
    if minutes >= 60 or seconds or hours > 24 or (hours == 24 and minutes):
        raise CellError(expected)
    return (hours * 60 + minutes) % MINUTES_PER_DAY


def parse_hours(value: CellValue, label: str) -> tuple[int, int]:
    """`08-22`, `08:00-22:00` or `24` (all day) as (first hour, end hour)."""
    text = str(value).strip()
    if text == "24":
        return (0, 24)
    try:
        first, end = (int(part.strip().removesuffix(":00")) for part in text.split("-"))
    except ValueError:
        first, end = -1, -1
    if not 0 <= first < end <= 24:
        raise CellError(f"{label} {text!r}: expected whole hours FIRST-END, e.g. 08-22, or 24")
    return (first, end)

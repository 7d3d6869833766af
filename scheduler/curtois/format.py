"""Read the Curtois & Qu shift scheduling benchmark format, and read and write its solutions.

The format and the rules are in `benchmarks/curtois/README.md`. Reading is in two
steps: the text is split into sections, lines and fields (parse), then the fields
are turned into a `CurtoisInstance` and every reference is checked (build).
Everything wrong is collected and raised once as `InputError`; each issue names
the file (`sheet`), the line (`row`) and the section and field (`column`, for
example `SECTION_STAFF.MaxWeekends`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scheduler.errors import InputError, InputIssue
from scheduler.io.safe_cells import csv_row, unescape_csv_text

HORIZON = "SECTION_HORIZON"
SHIFTS = "SECTION_SHIFTS"
STAFF = "SECTION_STAFF"
DAYS_OFF = "SECTION_DAYS_OFF"
ON_REQUESTS = "SECTION_SHIFT_ON_REQUESTS"
OFF_REQUESTS = "SECTION_SHIFT_OFF_REQUESTS"
COVER = "SECTION_COVER"

#: Field names of each section, as the README names them. `SECTION_DAYS_OFF` has
#: one `Day` field per day off after the employee id.
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    HORIZON: ("Days",),
    SHIFTS: ("ShiftID", "LengthMinutes", "ForbiddenNext"),
    STAFF: (
        "ID",
        "MaxShifts",
        "MaxTotalMinutes",
        "MinTotalMinutes",
        "MaxConsecutiveShifts",
        "MinConsecutiveShifts",
        "MinConsecutiveDaysOff",
        "MaxWeekends",
    ),
    DAYS_OFF: ("EmployeeID", "Day"),
    ON_REQUESTS: ("EmployeeID", "Day", "ShiftID", "Weight"),
    OFF_REQUESTS: ("EmployeeID", "Day", "ShiftID", "Weight"),
    COVER: ("Day", "ShiftID", "Requirement", "WeightUnder", "WeightOver"),
}
SECTION_PREFIX = "SECTION_"
DAYS_PER_WEEK = 7
#: The longest horizon a program may have (366 days), in whole weeks.
MAX_HORIZON_DAYS = 366 // DAYS_PER_WEEK * DAYS_PER_WEEK
#: A shift starts at 00:00 and must end within the next day's start.
MAX_SHIFT_MINUTES = 24 * 60
#: Every other number: far above the published instances (minutes of a year, weights
#: in the hundreds), low enough that no sum of the objective leaves the solver's range.
MAX_NUMBER = 1_000_000

#: The solution CSV: one row per shift worked, day 0-based.
SOLUTION_HEADER = ("employee", "day", "shift")

#: One shift worked: (employee id, day index, shift type id).
CurtoisAssignment = tuple[str, int, str]

#: Digits; `-0` (written so in Instance15's cover) is zero, any other sign is refused.
_WHOLE_NUMBER = re.compile(r"[0-9]+|-0+")
#: How many known ids an "unknown reference" message lists before it stops.
_MAX_LISTED_IDS = 12


@dataclass(frozen=True)
class ShiftType:
    id: str
    length_minutes: int
    forbidden_next: tuple[str, ...]  # shift types that may not be worked the next day


@dataclass(frozen=True)
class Employee:
    id: str
    # Most shifts of each type over the horizon; a type not listed has no limit.
    max_shifts: Mapping[str, int] = field(hash=False)
    max_total_minutes: int
    min_total_minutes: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int


@dataclass(frozen=True)
class ShiftRequest:
    """An on-request (wants this shift) or off-request (does not want it)."""

    employee: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class Cover:
    day: int
    shift: str
    requirement: int
    weight_under: int  # per person missing below the requirement
    weight_over: int  # per person above it


@dataclass(frozen=True)
class CurtoisInstance:
    """One benchmark instance. Day 0 is a Monday; `days` is a multiple of 7.

    Within each section the order of the file is kept. `days_off` has an entry
    for every employee (empty when the file lists none). `cover` has at most one
    entry per day and shift type; a pair without one has no cover term.
    """

    name: str
    days: int
    shift_types: tuple[ShiftType, ...]
    staff: tuple[Employee, ...]
    days_off: Mapping[str, frozenset[int]] = field(hash=False)
    on_requests: tuple[ShiftRequest, ...]
    off_requests: tuple[ShiftRequest, ...]
    cover: tuple[Cover, ...]

    @property
    def weeks(self) -> int:
        return self.days // DAYS_PER_WEEK

    @property
    def shift_ids(self) -> tuple[str, ...]:
        return tuple(shift.id for shift in self.shift_types)

    @property
    def staff_ids(self) -> tuple[str, ...]:
        return tuple(employee.id for employee in self.staff)


def read_curtois(path: str | Path) -> CurtoisInstance:
    """Read an instance file; `InputError` lists everything wrong with it."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(InputIssue(sheet=path.name, message=f"cannot read: {error}")) from error
    return parse_curtois(text, source=path.name)


def parse_curtois(text: str, source: str = "<text>") -> CurtoisInstance:
    """Parse the text of an instance file; `source` names it in errors and gives the name."""
    issues: list[InputIssue] = []
    sections = _split_sections(text, source, issues)
    return _Builder(source, sections, issues).build()


# --- parse: text to sections, lines and fields ---


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based line number in the file
    fields: tuple[str, ...]


@dataclass
class _Section:
    header_line: int
    lines: list[_Line]


def _split_sections(text: str, source: str, issues: list[InputIssue]) -> dict[str, _Section]:
    sections: dict[str, _Section] = {}
    current: _Section | None = None
    skipping = False  # inside an unknown or repeated section, whose lines are not read
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.replace("\r", "").strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(SECTION_PREFIX):
            current, skipping = None, True
            if line not in SECTION_FIELDS:
                known = ", ".join(SECTION_FIELDS)
                issues.append(
                    InputIssue(
                        source, f"unknown section '{line}'; expected one of {known}", number, line
                    )
                )
            elif line in sections:
                first = sections[line].header_line
                issues.append(
                    InputIssue(
                        source,
                        f"{line} appears a second time (first at line {first})",
                        number,
                        line,
                    )
                )
            else:
                current = sections[line] = _Section(number, [])
                skipping = False
        elif current is not None:
            current.lines.append(_Line(number, tuple(item.strip() for item in line.split(","))))
        elif not skipping:
            issues.append(
                InputIssue(
                    source,
                    f"'{line}' comes before any section; expected a line such as {HORIZON}",
                    number,
                )
            )
    return sections


# --- build: fields to an instance, checking every value and reference ---


class _Builder:
    def __init__(self, source: str, sections: dict[str, _Section], issues: list[InputIssue]):
        self.source = source
        self.sections = sections
        self.issues = issues
        for name in SECTION_FIELDS:
            if name not in sections:
                issues.append(InputIssue(source, f"missing section {name}", column=name))
        # What references are checked against; None when unknown, so nothing is checked.
        self.days = self._horizon()
        self.shift_ids = self._ids(SHIFTS)
        self.staff_ids = self._ids(STAFF)

    def build(self) -> CurtoisInstance:
        shift_types = self._shift_types()
        staff = self._staff()
        days_off = self._days_off()
        on_requests = self._requests(ON_REQUESTS)
        off_requests = self._requests(OFF_REQUESTS)
        cover = self._cover()
        if self.issues:
            raise InputError(self.issues)
        assert self.days is not None  # an unreadable horizon is an issue
        return CurtoisInstance(
            name=Path(self.source).stem,
            days=self.days,
            shift_types=shift_types,
            staff=staff,
            days_off={employee.id: days_off.get(employee.id, frozenset()) for employee in staff},
            on_requests=on_requests,
            off_requests=off_requests,
            cover=cover,
        )

    def _lines(self, section: str) -> list[_Line]:
        return self.sections[section].lines if section in self.sections else []

    def _ids(self, section: str) -> frozenset[str] | None:
        # The id is the first field, readable whatever is wrong with the rest of its line.
        if section not in self.sections:
            return None
        return frozenset(line.fields[0] for line in self.sections[section].lines)

    def _rows(self, section: str) -> Iterable[_Row]:
        """The lines of a section with the right number of fields, as rows."""
        names = SECTION_FIELDS[section]
        for line in self._lines(section):
            if len(line.fields) == len(names):
                yield _Row(self, section, line)
            else:
                expected = f"{len(names)} ({', '.join(names)})"
                self.issue(line.number, section, f"{len(line.fields)} fields; expected {expected}")

    def issue(self, row: int | None, column: str, message: str) -> None:
        self.issues.append(InputIssue(self.source, message, row, column))

    def _horizon(self) -> int | None:
        section = self.sections.get(HORIZON)
        if section is None:
            return None
        if len(section.lines) != 1:
            where = section.lines[1].number if section.lines else section.header_line
            found = f"{len(section.lines)} lines" if section.lines else "no line"
            self.issue(where, HORIZON, f"{found}; expected one line, the number of days")
            return None
        rows = list(self._rows(HORIZON))
        if not rows:
            return None
        days = rows[0].count(0, minimum=1, maximum=MAX_HORIZON_DAYS)
        if days is not None and days % DAYS_PER_WEEK:
            rows[0].issue(
                0, f"{days} days is not a whole number of weeks; expected a multiple of 7"
            )
            return None
        return days

    def _shift_types(self) -> tuple[ShiftType, ...]:
        if SHIFTS in self.sections and not self._lines(SHIFTS):
            self.issue(self.sections[SHIFTS].header_line, SHIFTS, "no shift types")
        shift_types: list[ShiftType] = []
        defined: set[str] = set()
        for row in self._rows(SHIFTS):
            shift_id = row.new_id(0, defined)
            length = row.count(1, minimum=1, maximum=MAX_SHIFT_MINUTES)
            forbidden_next = row.shift_list(2)
            if shift_id is not None and length is not None and forbidden_next is not None:
                shift_types.append(ShiftType(shift_id, length, forbidden_next))
        return tuple(shift_types)

    def _staff(self) -> tuple[Employee, ...]:
        if STAFF in self.sections and not self._lines(STAFF):
            self.issue(self.sections[STAFF].header_line, STAFF, "no staff")
        staff: list[Employee] = []
        defined: set[str] = set()
        for row in self._rows(STAFF):
            employee_id = row.new_id(0, defined)
            max_shifts = row.max_shifts(1)
            limits = _all_read([row.count(index) for index in range(2, 8)])
            if employee_id is None or max_shifts is None or limits is None:
                continue
            max_total, min_total, max_consecutive, min_consecutive, min_days_off, max_weekends = (
                limits
            )
            if min_total > max_total:  # no roster could hold: said, not solved to "infeasible"
                row.issue(3, f"MinTotalMinutes {min_total} is above MaxTotalMinutes {max_total}")
                continue
            if min_consecutive > max_consecutive:
                row.issue(
                    5,
                    f"MinConsecutiveShifts {min_consecutive} is above MaxConsecutiveShifts "
                    f"{max_consecutive}",
                )
                continue
            staff.append(
                Employee(
                    id=employee_id,
                    max_shifts=max_shifts,
                    max_total_minutes=max_total,
                    min_total_minutes=min_total,
                    max_consecutive_shifts=max_consecutive,
                    min_consecutive_shifts=min_consecutive,
                    min_consecutive_days_off=min_days_off,
                    max_weekends=max_weekends,
                )
            )
        return tuple(staff)

    def _days_off(self) -> dict[str, frozenset[int]]:
        days_off: dict[str, frozenset[int]] = {}
        # Any number of fields: the employee id, then one per day off.
        for row in (_Row(self, DAYS_OFF, line) for line in self._lines(DAYS_OFF)):
            employee_id = row.employee(0)
            if employee_id is not None and employee_id in days_off:
                row.issue(0, f"'{employee_id}' has a second line; expected one line per employee")
                continue
            days = _all_read([row.day(index) for index in range(1, len(row.line.fields))])
            if employee_id is not None and days is not None:
                days_off[employee_id] = frozenset(days)
        return days_off

    def _requests(self, section: str) -> tuple[ShiftRequest, ...]:
        requests: list[ShiftRequest] = []
        seen: set[tuple[str, int, str]] = set()
        for row in self._rows(section):
            employee_id = row.employee(0)
            day = row.day(1)
            shift_id = row.shift(2)
            weight = row.count(3)
            if employee_id is None or day is None or shift_id is None or weight is None:
                continue
            if (employee_id, day, shift_id) in seen:
                row.issue(0, f"a second request of '{employee_id}' for day {day}, {shift_id}")
                continue
            seen.add((employee_id, day, shift_id))
            requests.append(ShiftRequest(employee_id, day, shift_id, weight))
        return tuple(requests)

    def _cover(self) -> tuple[Cover, ...]:
        cover: list[Cover] = []
        seen: set[tuple[int, str]] = set()
        for row in self._rows(COVER):
            day = row.day(0)
            shift_id = row.shift(1)
            numbers = _all_read([row.count(index) for index in range(2, 5)])
            if day is None or shift_id is None or numbers is None:
                continue
            if (day, shift_id) in seen:
                row.issue(1, f"a second cover line for day {day}, {shift_id}")
                continue
            seen.add((day, shift_id))
            requirement, weight_under, weight_over = numbers
            cover.append(Cover(day, shift_id, requirement, weight_under, weight_over))
        return tuple(cover)


def _all_read(values: list[int | None]) -> list[int] | None:
    """The values when every one could be read (None marks one that could not)."""
    read = [value for value in values if value is not None]
    return read if len(read) == len(values) else None


class _Row:
    """One line of a section with the right number of fields; reading a field records its issue."""

    def __init__(self, builder: _Builder, section: str, line: _Line):
        self.builder = builder
        self.section = section
        self.line = line

    def field_name(self, index: int) -> str:
        names = SECTION_FIELDS[self.section]
        return names[min(index, len(names) - 1)]  # the days of SECTION_DAYS_OFF share a name

    def issue(self, index: int, message: str) -> None:
        column = f"{self.section}.{self.field_name(index)}"
        self.builder.issue(self.line.number, column, message)

    def count(self, index: int, minimum: int = 0, maximum: int = MAX_NUMBER) -> int | None:
        """A whole number from `minimum` to `maximum`, written as digits only."""
        return self._whole_number(index, self.line.fields[index], minimum, maximum)

    def _whole_number(
        self, index: int, text: str, minimum: int, maximum: int = MAX_NUMBER
    ) -> int | None:
        if not _WHOLE_NUMBER.fullmatch(text):
            self.issue(index, f"{self.field_name(index)} '{text}' is not a whole number 0 or more")
            return None
        number = int(text)
        if number < minimum:
            name = self.field_name(index)
            self.issue(index, f"{name} {number} is too small; expected {minimum} or more")
            return None
        if number > maximum:
            name = self.field_name(index)
            self.issue(index, f"{name} {number} is too large; expected {maximum:,} or less")
            return None
        return number

    def day(self, index: int) -> int | None:
        """A day index inside the horizon (when the horizon could be read)."""
        day = self.count(index)
        days = self.builder.days
        if day is not None and days is not None and day >= days:
            self.issue(index, f"day {day} is outside the horizon; expected 0 to {days - 1}")
            return None
        return day

    def new_id(self, index: int, defined: set[str]) -> str | None:
        """The id this line defines: not empty and not in `defined` (earlier lines); adds it."""
        value = self.line.fields[index]
        if not value:
            self.issue(index, f"{self.field_name(index)} is empty")
            return None
        if value in defined:
            self.issue(index, f"{self.field_name(index)} '{value}' is defined twice")
            return None
        defined.add(value)
        return value

    def employee(self, index: int) -> str | None:
        return self._known(index, self.line.fields[index], self.builder.staff_ids, "employee")

    def shift(self, index: int) -> str | None:
        return self._known(index, self.line.fields[index], self.builder.shift_ids, "shift type")

    def _known(self, index: int, value: str, known: frozenset[str] | None, what: str) -> str | None:
        """`value` when it is one of `known` (or when `known` could not be read)."""
        if known is None or value in known:
            return value
        listed = ", ".join(sorted(known)[:_MAX_LISTED_IDS])
        more = ", ..." if len(known) > _MAX_LISTED_IDS else ""
        self.issue(index, f"unknown {what} '{value}'; expected one of {listed}{more}")
        return None

    def shift_list(self, index: int) -> tuple[str, ...] | None:
        """Shift type ids separated by `|`; an empty field is an empty list."""
        text = self.line.fields[index]
        if not text:
            return ()
        known = self.builder.shift_ids
        items = [self._known(index, item, known, "shift type") for item in text.split("|")]
        ids = [item for item in items if item is not None]
        return tuple(ids) if len(ids) == len(items) else None

    def max_shifts(self, index: int) -> dict[str, int] | None:
        """`S1=n1|S2=n2`, at most one limit per shift type."""
        limits: dict[str, int] = {}
        valid = True
        for item in self.line.fields[index].split("|"):
            shift_id, equals, number = item.partition("=")
            shift_id = shift_id.strip()
            if not equals:
                self.issue(index, f"MaxShifts item '{item}'; expected ShiftID=count, e.g. D=14")
                valid = False
            elif shift_id in limits:
                self.issue(index, f"MaxShifts gives '{shift_id}' twice")
                valid = False
            else:
                known = self._known(index, shift_id, self.builder.shift_ids, "shift type")
                limit = self._whole_number(index, number.strip(), 0)
                if known is None or limit is None:
                    valid = False
                else:
                    limits[shift_id] = limit
        return limits if valid else None


# --- solutions ---


def write_solution(path: str | Path, assignments: Iterable[CurtoisAssignment]) -> None:
    """Write a solution CSV: the header, then one row per shift worked, in the order given.

    Ids that could start a formula get the `'` escape (`safe_cells.csv_text`); the
    file is written whole next to `path` and then moved over it.
    """
    from scheduler.io.write_workbook import write_csv_atomically

    write_csv_atomically(Path(path), SOLUTION_HEADER, [csv_row(row) for row in assignments])


def read_solution(path: str | Path, instance: CurtoisInstance) -> list[CurtoisAssignment]:
    """Read a solution CSV of `instance`, rows in file order.

    Raises `InputError` (file name, line, column) for a bad header, a line without
    three fields, a day that is not a whole number or is outside the horizon, and an
    unknown employee or shift type. Two shifts on one day are not a reading error:
    the checker reports them (hard constraint 1).
    """
    path = Path(path)
    source = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM is how Excel saves UTF-8 CSV
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(InputIssue(sheet=source, message=f"cannot read: {error}")) from error
    issues: list[InputIssue] = []
    assignments: list[CurtoisAssignment] = []
    staff_ids = frozenset(instance.staff_ids)
    shift_ids = frozenset(instance.shift_ids)
    reader = csv.reader(io.StringIO(text.replace("\r", "")))
    header_seen = False
    for fields in reader:
        number = reader.line_num
        cells = [unescape_csv_text(cell.strip()) for cell in fields]
        if not any(cells):
            continue
        if not header_seen:
            header_seen = True
            if tuple(cells) != SOLUTION_HEADER:
                found = ",".join(cells)
                expected = ",".join(SOLUTION_HEADER)
                issues.append(
                    InputIssue(source, f"header '{found}'; expected '{expected}'", number)
                )
                break
            continue
        if len(cells) != len(SOLUTION_HEADER):
            issues.append(
                InputIssue(
                    source, f"{len(cells)} fields; expected 3 (employee, day, shift)", number
                )
            )
            continue
        employee_id, day_text, shift_id = cells
        row_issues: list[InputIssue] = []
        if employee_id not in staff_ids:
            message = f"unknown employee '{employee_id}' in {instance.name}"
            row_issues.append(InputIssue(source, message, number, "employee"))
        if not _WHOLE_NUMBER.fullmatch(day_text):
            message = f"day '{day_text}' is not a whole number 0 or more"
            row_issues.append(InputIssue(source, message, number, "day"))
        elif int(day_text) >= instance.days:
            message = f"day {day_text} is outside the horizon; expected 0 to {instance.days - 1}"
            row_issues.append(InputIssue(source, message, number, "day"))
        if shift_id not in shift_ids:
            message = f"unknown shift type '{shift_id}' in {instance.name}"
            row_issues.append(InputIssue(source, message, number, "shift"))
        issues.extend(row_issues)
        if not row_issues:
            assignments.append((employee_id, int(day_text), shift_id))
    if not header_seen:
        issues.append(
            InputIssue(source, f"empty file; expected the header {','.join(SOLUTION_HEADER)}")
        )
    if issues:
        raise InputError(issues)
    return assignments

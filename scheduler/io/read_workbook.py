"""Read a program (input workbook or CSV folder) and a roster (`Assignments`).

Everything wrong with the input is collected and raised once as `InputError`,
each issue located as Excel shows it (`Staff!D7 (role): ...`). A reference to
another sheet (a zone, an employee, a shift) is checked only when that sheet
could be read, so one broken sheet does not turn into dozens of errors.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, get_args

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from scheduler.errors import InputError, InputIssue
from scheduler.io.read_cells import (
    FIRST_DATE,
    LAST_DATE,
    CellError,
    Parser,
    at_most,
    bounded,
    choice,
    choice_list,
    non_negative,
    one_of,
    parse_bool,
    parse_date,
    parse_date_or_date_time,
    parse_date_time,
    parse_int,
    parse_list,
    parse_minute_of_day,
    parse_name,
    parse_number,
    parse_start_date,
    parse_text,
    parse_time_zone,
    parse_weekday,
    shown,
)
from scheduler.io.tables import CellValue, DataRow, Table, Tables, load_tables
from scheduler.io.tables_spec import (
    ASSIGNMENTS,
    DEMAND,
    HIRING,
    HISTORY,
    INPUT_SHEETS,
    INPUT_SHEETS_BY_KEY,
    PAIRS,
    PINS,
    PROGRAM,
    PROGRAM_DEFAULTS,
    QUIETLY_SKIPPED_SHEETS,
    RULES,
    SHIFT_COVER,
    SHIFT_LIMITS,
    SHIFTS,
    STAFF,
    TIME_OFF,
    TRAVEL,
    ZONES,
    SheetSpec,
)
from scheduler.model.loaded import Loaded
from scheduler.model.problem import (
    HISTORY_LOOKBACK_DAYS,
    MINUTES_PER_DAY,
    PERSON_RULE_NAMES,
    WEEKDAYS,
    DemandRow,
    Hire,
    PairKind,
    PairRule,
    Person,
    PersonRules,
    Pin,
    Problem,
    Role,
    Rules,
    ShiftCover,
    ShiftLimit,
    ShiftTemplate,
    Team,
    TimeOff,
    TimeOffKind,
    TravelTime,
    Zone,
)
from scheduler.model.roster import Assignment, RejectedRow, Roster

T = TypeVar("T")

SLOT_MINUTES_ALLOWED = (15, 30, 60)
PEOPLE_PER_UNIT_ALLOWED = (1, 2)  # as Problem.people_per_unit allows
MAX_DAYS = 366  # as Problem.days allows
# Upper bounds of numbers (docs/workbook.md): far above any program's, low enough that
# the solver's whole-number arithmetic cannot overflow or crawl.
MAX_WEEK_HOURS = 7 * 24
MAX_TOTAL_HOURS = MAX_DAYS * 24
MAX_HOURLY_RATE = 10_000
MAX_ANNUAL_COST = 10_000_000  # of one hire
MAX_MINUTES = 24 * 60  # an unpaid break, a drive
MAX_UNITS = 1_000
MAX_WEIGHT = 1_000
RULE_MAXIMA: dict[str, float] = {  # the others have their bounds in the model
    "min_rest_hours": MAX_WEEK_HOURS,
    "max_consecutive_days": MAX_DAYS,
    "preferred_max_consecutive_days": MAX_DAYS,
    "overtime_after_hours": MAX_WEEK_HOURS,
    "overtime_multiplier": 10,
    "min_consecutive_days": MAX_DAYS,
    "min_consecutive_days_off": MAX_DAYS,
    "max_weekends": MAX_DAYS,
}
PROGRAM_PARSERS: dict[str, Parser[Any]] = {
    "name": parse_name,
    "start_date": parse_start_date,
    "days": bounded(parse_int, 1, MAX_DAYS),
    "slot_minutes": one_of(parse_int, SLOT_MINUTES_ALLOWED),
    "people_per_unit": one_of(parse_int, PEOPLE_PER_UNIT_ALLOWED),
    "time_zone": parse_time_zone,
}
PROGRAM_REQUIRED_KEYS = ("name", "start_date")
#: Zone names that look like a region's time but are fixed offsets all year (tzdata's
#: backward-compatible `EST`, `MST`, `GMT`): an office in Hartford that types
#: EST gets no clock change in March. A warning, since some programs mean it.
FIXED_ZONE_ADVICE = {
    "EST": "for US Eastern time with its clock changes write America/New_York",
    "MST": "for US Mountain time with its clock changes write America/Denver "
    "(America/Phoenix keeps no daylight saving)",
    "GMT": "for UK time with its clock changes write Europe/London",
}

_USED_SHEET_KEYS = frozenset(sheet.key for sheet in INPUT_SHEETS if sheet.used)
#: How many known ids an "unknown reference" message lists before it stops.
_MAX_LISTED_IDS = 12


def load_problem(path: str | Path, *, hiring_used: bool = False) -> Loaded[Problem]:
    """Read and validate an input workbook (.xlsx) or a folder of `<Sheet>.csv` files;
    the warnings (unused sheets and columns, rows left out) beside the program.

    `hiring_used`: the caller uses the `Hiring` sheet (`plan`), so the warning that
    `solve` ignores it is not given."""
    return _ProblemReader(load_tables(path), hiring_used=hiring_used).read()


def read_problem(path: str | Path) -> Problem:
    """The program at `path` without its warnings (`load_problem` gives them)."""
    return load_problem(path).value


def load_problem_tables(tables: Tables, *, hiring_used: bool = False) -> Loaded[Problem]:
    """Read and validate a program from tables already loaded (`io.tables.load_tables`),
    e.g. with one sheet taken from another file; as `load_problem`."""
    return _ProblemReader(tables, hiring_used=hiring_used).read()


def read_shift_templates(tables: Tables) -> tuple[ShiftTemplate, ...]:
    """The `Shifts` sheet of `tables` alone, checked as the program reader checks it
    (ids, times, breaks, teams), except lengths against `max_shift_hours`: the
    caller checks those against the program the shifts are meant for."""
    reader = _ProblemReader(tables)
    reader.max_shift_hours = None
    shifts = reader._read_shifts()
    reader.raise_issues()
    return tuple(shifts)


def read_roster(path: str | Path) -> Roster:
    """The roster at `path` without its warnings (`load_roster` gives them)."""
    return load_roster(path).value


def load_roster(path: str | Path) -> Loaded[Roster]:
    """Read the `Assignments` sheet of a roster workbook, or `Assignments.csv` in a folder;
    the warnings (unused columns) beside the roster.

    Raises `InputError` only when the file, the sheet or a required column cannot
    be used. A row whose cells cannot be read (a date that is not a date, an
    unknown role or team, an end before the start, a blank required cell) is kept
    out of the assignments and listed in `Roster.rejected_rows`, so the rest of a
    hand-edited roster can still be checked. Only the values are checked here;
    whether they match the program is the checker's job.
    """
    reader = _Reader(load_tables(path, only={ASSIGNMENTS.key}), frozenset({ASSIGNMENTS.key}))
    table, _ = reader.sheet(ASSIGNMENTS)
    reader.raise_issues()  # the file, the sheet or a required column cannot be used
    assert table is not None  # a missing or unreadable sheet is one of those issues
    assignments: list[Assignment] = []
    rejected: list[RejectedRow] = []
    parsed: _Parsed = {}  # a roster repeats a few dates, times and ids in every column
    for data in table.rows:
        row_issues: list[InputIssue] = []
        assignment = _read_assignment(_Row(table, data, row_issues, parsed))
        if assignment is not None:
            assignments.append(assignment)
        elif row_issues:
            rejected.append(
                RejectedRow(
                    row=data.number,
                    column=row_issues[0].column,
                    message="; ".join(issue.message for issue in row_issues),
                )
            )
    letters = {name: letter for name in table.columns if (letter := table.letter(name))}
    roster = Roster(
        assignments=tuple(assignments), rejected_rows=tuple(rejected), column_letters=letters
    )
    return Loaded(roster, tuple(reader.warnings))


def load_previous_roster(path: str | Path, problem: Problem) -> Loaded[Roster]:
    """A previous roster's `Assignments` rows before `start_date`, to use as History.

    Its rows are checked against the program as `History` rows are, and any issue
    raises `InputError` (exit 2): wrong history would silently bend every rule at
    the join. Rows on or after `start_date` (the previous roster overlapping this
    one) and rows too old for any rule are left out, each kind with a warning.
    """
    reader = _Reader(load_tables(path, only={ASSIGNMENTS.key}), frozenset({ASSIGNMENTS.key}))
    table, _ = reader.sheet(ASSIGNMENTS)
    reader.raise_issues()  # the file, the sheet or a required column cannot be used
    context = _HistoryContext(
        start_date=problem.start_date,
        staff_ids={p.employee_id for p in problem.staff},
        staff_roles={p.employee_id: p.role for p in problem.staff},
        shift_ids=set(problem.shifts_by_id),
        zone_ids=set(problem.zone_ids),
    )
    rows = _read_history_rows(reader, table, context, later_rows_allowed=True)
    reader.raise_issues()
    return Loaded(Roster(assignments=tuple(rows)), tuple(reader.warnings))


def with_history(problem: Problem, rows: Iterable[Assignment]) -> Problem:
    """The problem with `rows` added to its History; a row for a person and start
    already there (the same shift in `History` and a previous roster) is kept once."""
    history = list(problem.history)
    seen = {(row.employee_id, row.start, row.shift_id) for row in history}
    for row in rows:
        key = (row.employee_id, row.start, row.shift_id)
        if key not in seen:
            seen.add(key)
            history.append(row)
    values = {name: getattr(problem, name) for name in Problem.model_fields}
    values["history"] = tuple(sorted(history, key=lambda r: (r.start, r.unit_id, r.employee_id)))
    return Problem.model_validate(values)


@dataclass(frozen=True)
class _HistoryContext:
    """What `History` rows are checked against (None: that sheet could not be read)."""

    start_date: dt.date | None
    staff_ids: set[str] | None
    staff_roles: dict[str, Role]
    shift_ids: set[str] | None
    zone_ids: set[str] | None


def _read_history_rows(
    reader: _Reader, table: Table | None, context: _HistoryContext, later_rows_allowed: bool
) -> list[Assignment]:
    """`History` rows (or a previous roster's) as assignments, checked against the program.

    A row on or after `start_date` is an error in `History`, and left out of a previous
    roster (`later_rows_allowed`); rows more than `HISTORY_LOOKBACK_DAYS` days before it
    are left out with a warning.
    """
    if table is None:
        return []
    start_date = context.start_date
    oldest = None if start_date is None else start_date - dt.timedelta(days=HISTORY_LOOKBACK_DAYS)
    later: list[int] = []
    older: list[int] = []
    found: list[Assignment] = []
    for row in reader.rows(table):
        assignment = _read_assignment(row)
        if assignment is None:
            continue
        # Rows left out are not checked: someone who has left may be in them.
        if start_date is not None and assignment.date >= start_date and later_rows_allowed:
            later.append(row.number)
            continue
        if oldest is not None and assignment.date < oldest:
            older.append(row.number)
            continue
        employee_id = assignment.employee_id
        if _check_reference(
            row, "employee_id", employee_id, context.staff_ids, "an employee_id in Staff"
        ):
            role = context.staff_roles.get(employee_id)
            if role is not None and role is not assignment.role:
                row.error("role", f"{employee_id} is a {role} in Staff, not a {assignment.role}")
        _check_reference(
            row, "shift_id", assignment.shift_id, context.shift_ids, "a shift_id in Shifts"
        )
        _check_reference(row, "zone", assignment.zone, context.zone_ids, "a zone_id in Zones")
        if assignment.start.date() != assignment.date:
            row.error(
                "start",
                f"start {shown(assignment.start)} is not on the row's date {assignment.date}",
            )
        if start_date is not None and assignment.date >= start_date:
            row.error(
                "date",
                f"date {assignment.date} is not before start_date {start_date} (Program); "
                "History holds the shifts worked before the roster",
            )
        if row.ok:
            found.append(assignment)
    if later:
        reader.warnings.append(
            f"{table.sheet}: {_rows_text(later)} on or after start_date "
            f"{start_date} left out (only the shifts before it are History)"
        )
    if older:
        reader.warnings.append(
            f"{table.sheet}: {_rows_text(older)} more than "
            f"{HISTORY_LOOKBACK_DAYS} days before start_date {start_date} left out "
            "(no rule looks back that far)"
        )
    return found


def _rows_text(numbers: list[int]) -> str:
    """`row 5`, `3 rows (5, 6, 9)`, `12 rows (5, 6, 7, ...)`."""
    if len(numbers) == 1:
        return f"row {numbers[0]}"
    shown_rows = ", ".join(str(n) for n in numbers[:5])
    more = ", ..." if len(numbers) > 5 else ""
    return f"{len(numbers)} rows ({shown_rows}{more})"


def _read_assignment(row: _Row) -> Assignment | None:
    """One `Assignments` row, or None with its issues recorded on the row."""
    values = {
        "date": row.need("date", _parse_roster_date),
        "shift_id": row.need("shift_id", parse_text),
        "start": row.need("start", _parse_roster_moment),
        "end": row.need("end", _parse_roster_moment),
        "team": row.need("team", _parse_team),
        "zone": row.need("zone", parse_text),
        "unit_id": row.need("unit_id", parse_text),
        "employee_id": row.need("employee_id", parse_text),
        "role": row.need("role", _parse_role),
    }
    for name in ("date", "start"):  # the end is bounded by the start (24 h at most)
        moment = values[name]
        day = moment.date() if isinstance(moment, dt.datetime) else moment
        if isinstance(day, dt.date) and not FIRST_DATE <= day <= LAST_DATE:
            # A roster of year 9999 or 0001 is a typo, and no clock can count to it.
            row.error(
                name,
                f"{name} {shown(moment)} is out of range; expected a date from "
                f"{FIRST_DATE} to {LAST_DATE}",
            )
            values[name] = None
            break  # once: the start of a row dated 9999 says the same
    start, end = values["start"], values["end"]
    if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
        if end <= start:
            row.error("end", f"end {shown(end)} is not after start {shown(start)}")
        elif end - start > dt.timedelta(hours=24):  # as no shift template can be
            row.error("end", f"end {shown(end)} is more than 24 h after start {shown(start)}")
    if not row.ok:
        return None
    return row.build(Assignment, dict(**values, row=row.number))


# Excel counts the days of every date after February 1900 from 1899-12-30 (it has a
# 29 February 1900 that never was); the fraction is the time of day. 2958465 is 9999-12-31.
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_EXCEL_LAST_SERIAL = 2958466
_SECONDS_PER_DAY = 86_400


def _excel_serial(value: CellValue) -> dt.datetime | None:
    """A number cell read as an Excel serial date-time, to the second; None otherwise.

    A spreadsheet shows a date-time as a number when the cell's format is General
    (a pasted value, a column re-formatted). Serials are stored with 15 significant
    digits, so 08:00 may come back as 0.3333333333; rounding to the second restores it.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not (math.isfinite(value) and 1 <= value < _EXCEL_LAST_SERIAL):
        return None
    return _EXCEL_EPOCH + dt.timedelta(seconds=round(value * _SECONDS_PER_DAY))


def _parse_roster_date(value: CellValue, label: str) -> dt.date:
    """`parse_date`, also taking an Excel serial day number."""
    moment = _excel_serial(value)
    return parse_date(value if moment is None else moment, label)


def _parse_roster_moment(value: CellValue, label: str) -> dt.datetime:
    """`parse_date_time`, also taking an Excel serial number with the time as a fraction."""
    moment = _excel_serial(value)
    return parse_date_time(value if moment is None else moment, label)


_parse_team = choice(Team)
_parse_role = choice(Role)

#: Cells already parsed, by (column, label, the raw value's type, fold and value): the
#: parsed value, or the `CellError` message. Only for rows whose every column is always
#: parsed the same way (`Assignments`); 1 and 1.0 and True are equal keys otherwise.
_Parsed = dict[tuple[str, str, type, int, CellValue], tuple[Any, str | None]]


class _Row:
    """One data row: parses its cells and records issues against them."""

    def __init__(
        self, table: Table, data: DataRow, issues: list[InputIssue], parsed: _Parsed | None = None
    ) -> None:
        self.table = table
        self.number = data.number
        self.cells = data.cells
        self.issues = issues
        self.ok = True
        self.parsed = parsed

    def get(self, column: str, parse: Parser[T], label: str | None = None) -> T | None:
        """The parsed cell, or None when it is blank or wrong (wrong is recorded)."""
        raw = self.cells.get(column)
        if raw is None:
            return None
        label = label or column
        if self.parsed is None:
            try:
                return parse(raw, label)
            except CellError as error:
                self.error(column, str(error))
                return None
        key = (column, label, type(raw), getattr(raw, "fold", 0), raw)
        found = self.parsed.get(key)
        if found is None:
            try:
                found = (parse(raw, label), None)
            except CellError as error:
                found = (None, str(error))
            self.parsed[key] = found
        value, message = found
        if message is not None:
            self.error(column, message)
        return value

    def need(self, column: str, parse: Parser[T], label: str | None = None) -> T | None:
        """Like `get`, but a blank cell is an issue too."""
        if column in self.cells:
            return self.get(column, parse, label)
        if column in self.table.columns:
            self.error(column, f"{label or column} is required but the cell is blank")
        else:
            self.ok = False  # the missing column is reported once for the sheet
        return None

    def located(self, column: str | None, message: str) -> InputIssue:
        return InputIssue(
            sheet=self.table.sheet,
            row=self.number,
            column=column,
            column_letter=self.table.letter(column) if column else None,
            message=message,
        )

    def error(self, column: str | None, message: str) -> None:
        self.issues.append(self.located(column, message))
        self.ok = False

    def build(
        self, model: Callable[..., T], values: dict[str, Any], column: str | None = None
    ) -> T | None:
        """Construct a model; whatever it still refuses becomes an issue.

        Issues go to `column` when given, else to the column named like the field.
        """
        try:
            return model(**values)
        except ValidationError as error:
            for detail in error.errors():
                field, message = _validation_message(detail)
                target = column or (field if field in self.table.columns else None)
                self.error(target, message)
            return None


_EXPECTATIONS = {
    "greater_than_equal": "{ge} or more",
    "greater_than": "more than {gt}",
    "less_than_equal": "{le} or less",
    "less_than": "less than {lt}",
}


def _validation_message(detail: ErrorDetails) -> tuple[str | None, str]:
    """The field a pydantic error is about and a message in this module's words."""
    field = str(detail["loc"][0]) if detail["loc"] else None
    expectation = _EXPECTATIONS.get(detail["type"])
    if field is None:
        return None, detail["msg"]
    if expectation is None:
        return field, f"{field} {shown(detail['input'])}: {detail['msg']}"
    limits = {name: shown(value) for name, value in detail.get("ctx", {}).items()}
    expected = expectation.format(**limits)
    return field, f"{field} {shown(detail['input'])} is out of range; expected {expected}"


class _Reader:
    """Sheets of one file and the issues and warnings found in them."""

    def __init__(self, tables: Tables, used_sheets: frozenset[str]) -> None:
        self.tables = tables
        self.issues: list[InputIssue] = []
        self.warnings: list[str] = list(tables.warnings)
        self.moved_headers: set[str] = set()  # sheets whose header is below row 1
        # A sheet that cannot be read but is not used is only worth a warning.
        for issue in tables.issues:
            if issue.sheet.lower() in used_sheets:
                self.issues.append(issue)
            else:
                self.warnings.append(f"{issue} (the sheet is not used)")

    def sheet(self, spec: SheetSpec) -> tuple[Table | None, bool]:
        """The sheet's table (None if absent or unreadable) and whether it has every
        required column. Missing required sheets and columns are recorded here."""
        table = self.tables.by_key.get(spec.key)
        if table is None:
            if spec.required and spec.key not in self.tables.failed:
                where = self.tables.where_missing(spec.name)
                self.issues.append(
                    InputIssue(sheet=spec.name, message=f"required sheet is missing ({where})")
                )
            return None, False
        missing = [name for name in spec.required_columns if name not in table.columns]
        moved = bool(missing) and table.header_row(spec.required_columns) is not None
        if moved:
            self.moved_headers.add(table.sheet)
        for name in sorted(table.columns, key=table.columns.__getitem__):
            if name not in spec.known_columns and not moved:  # a title is no column
                self.warnings.append(f"{table.sheet}: column '{name}' is not used")
        if missing and (spec.required or table.rows):
            expected = [column.name for column in spec.template_columns]
            self.issues.append(table.missing_columns(missing, expected, spec.required_columns))
        return table, not missing

    def rows(self, table: Table | None) -> Iterable[_Row]:
        if table is None:
            return
        for data in table.rows:
            yield _Row(table, data, self.issues)

    def raise_issues(self) -> None:
        if self.issues:
            raise InputError(self.issues)


def _check_reference(row: _Row, column: str, value: str, known: set[str] | None, what: str) -> bool:
    """Record an issue when `value` is not among the ids of a sheet that could be read."""
    if known is None or value in known:
        return True
    listed = ""
    if known and len(known) <= _MAX_LISTED_IDS:
        listed = f" (known: {', '.join(sorted(known))})"
    row.error(column, f"{column} '{value}' is not {what}{listed}")
    return False


class _Ids(dict[str, int]):
    """The first row of each id of a sheet, which also knows the ids without case."""

    def __init__(self) -> None:
        super().__init__()
        self.folded: dict[str, str] = {}  # id.casefold() -> the id as first written


def _duplicate(row: _Row, column: str, value: str, first_rows: dict[str, int]) -> bool:
    """Record an issue when `value` was already used in an earlier row; for ids
    (`_Ids`), also when an earlier id differs from it only in case: `C01` and `c01`
    are one person typed twice far more often than two people, and a roster naming
    `c01` would silently be the other one's."""
    if value in first_rows:
        row.error(column, f"{column} '{value}' is already used in row {first_rows[value]}")
        return True
    if isinstance(first_rows, _Ids):
        earlier = first_rows.folded.get(value.casefold())
        if earlier is not None:
            row.error(
                column,
                f"{column} '{value}' differs from '{earlier}' (row {first_rows[earlier]}) "
                "only in case; ids must differ by more than case: keep one row, or give "
                "this one another id",
            )
            return True
        first_rows.folded[value.casefold()] = value
    first_rows[value] = row.number
    return False


def _rule_parser(rule: str) -> Parser[float]:
    whole = _takes_whole_numbers(Rules.model_fields[rule].annotation)
    parse: Parser[float] = parse_int if whole else parse_number
    high = RULE_MAXIMA.get(rule)
    return parse if high is None else at_most(parse, high)


def _takes_whole_numbers(annotation: object) -> bool:
    """`int`, also inside `Annotated[...]` or `... | None` (max_weekends)."""
    return annotation is int or any(_takes_whole_numbers(arg) for arg in get_args(annotation))


def _hours(minutes: int) -> str:
    return f"{minutes / 60:g}"


class _ProblemReader(_Reader):
    def __init__(self, tables: Tables, hiring_used: bool = False) -> None:
        super().__init__(tables, _USED_SHEET_KEYS)
        self.hiring_used = hiring_used
        self.program: dict[str, Any] = {}
        self.rules = Rules()
        self.max_shift_hours: float | None = self.rules.max_shift_hours
        # Ids of sheets that could be read (None: unknown, so references are not checked).
        self.zone_ids: set[str] | None = None
        self.staff_ids: set[str] | None = None
        self.staff_roles: dict[str, Role] = {}
        self.staff_teams: dict[str, tuple[Team, ...]] = {}
        self.shift_ids: set[str] | None = None
        self.shift_teams: dict[str, tuple[Team, ...]] = {}

    def read(self) -> Loaded[Problem]:
        self._warn_about_sheets()
        self._read_program()
        self._read_rules()
        zones = self._read_zones()
        travel = self._read_travel()
        staff = self._read_staff()
        shifts = self._read_shifts()
        demand = self._read_demand()
        time_off = self._read_time_off()
        pins = self._read_pins()
        pairs = self._read_pairs()
        shift_cover = self._read_shift_cover()
        shift_limits = self._read_shift_limits()
        hires = self._read_hiring()
        history = self._read_history()
        self.raise_issues()
        try:
            problem = Problem(
                **self.program,
                rules=self.rules,
                staff=tuple(staff),
                zones=tuple(zones),
                shifts=tuple(shifts),
                demand=tuple(demand),
                time_off=tuple(time_off),
                pins=tuple(pins),
                pairs=tuple(pairs),
                shift_cover=tuple(shift_cover),
                shift_limits=tuple(shift_limits),
                history=tuple(history),
                travel=tuple(travel),
                hires=tuple(hires),
            )
        except ValidationError as error:
            issues = [
                InputIssue(sheet=PROGRAM.name, message=_validation_message(detail)[1])
                for detail in error.errors()
            ]
            raise InputError(issues) from None
        return Loaded(problem, tuple(self.warnings))

    def _warn_about_sheets(self) -> None:
        for key, table in self.tables.by_key.items():
            spec = INPUT_SHEETS_BY_KEY.get(key)
            if spec is None:
                if key not in QUIETLY_SKIPPED_SHEETS:
                    used = ", ".join(s.name for s in INPUT_SHEETS if s.used)
                    self.warnings.append(
                        f"{table.sheet}: sheet is not used (the input sheets are {used})"
                    )
            elif not spec.used and table.rows:
                self.warnings.append(
                    f"{table.sheet}: this version does not use this sheet yet; "
                    f"its {len(table.rows)} rows were ignored"
                )

    # -- Program and Rules: key/value sheets -------------------------------------------

    def _horizon(self) -> tuple[dt.date, int] | None:
        start = self.program.get("start_date")
        if start is None or "days" not in self.program:
            return None
        return start, self.program["days"]

    def _read_program(self) -> None:
        table, complete = self.sheet(PROGRAM)
        self.program = dict(PROGRAM_DEFAULTS)
        first_rows: dict[str, int] = {}
        for row in self.rows(table):
            key = row.need("key", parse_text)
            if key is None:
                continue
            key = key.lower()
            if key not in PROGRAM_PARSERS:
                row.error("key", f"key '{key}' is not one of {', '.join(PROGRAM_PARSERS)}")
                continue
            if _duplicate(row, "key", key, first_rows):
                continue
            if key in PROGRAM_REQUIRED_KEYS:
                value = row.need("value", PROGRAM_PARSERS[key], label=key)
            else:
                value = row.get("value", PROGRAM_PARSERS[key], label=key)
            if value is not None:
                self.program[key] = value
                if key == "time_zone" and value.upper() in FIXED_ZONE_ADVICE:
                    self.warnings.append(
                        f"{table.sheet if table else 'Program'} row {row.number}: time_zone "
                        f"{value} is a fixed offset with no daylight saving; "
                        f"{FIXED_ZONE_ADVICE[value.upper()]}"
                    )
            elif not row.ok:
                self.program.pop(key, None)  # unknown, so nothing is checked against it
        if table is None or not complete:
            return
        for key in PROGRAM_REQUIRED_KEYS:
            if key not in first_rows:
                self.issues.append(
                    InputIssue(
                        sheet=table.sheet,
                        message=f"key '{key}' is missing; add a row with key {key} and its value",
                    )
                )

    def _read_rules(self) -> None:
        table, _ = self.sheet(RULES)
        values: dict[str, float] = {}
        first_rows: dict[str, int] = {}
        value_rows: dict[str, _Row] = {}
        for row in self.rows(table):
            rule = row.need("rule", parse_text)
            if rule is None:
                continue
            rule = rule.lower()
            if rule not in Rules.model_fields:
                row.error("rule", f"rule '{rule}' is not one of {', '.join(Rules.model_fields)}")
                continue
            if _duplicate(row, "rule", rule, first_rows):
                continue
            value = row.get("value", _rule_parser(rule), label=rule)  # blank: the default
            if value is not None and row.build(Rules, {rule: value}, column="value") is not None:
                values[rule] = value
                value_rows[rule] = row
            elif not row.ok and rule == "max_shift_hours":
                self.max_shift_hours = None  # unknown, so shift lengths are not checked
        self.rules = Rules(**values)
        shortest, longest = self.rules.min_consecutive_days, self.rules.max_consecutive_days
        if shortest > longest:  # only when given: the default minimum is 1
            value_rows["min_consecutive_days"].error(
                "value",
                f"min_consecutive_days {shortest} is above max_consecutive_days {longest}; "
                "no run away from the roster's first and last day could meet both",
            )
        if self.max_shift_hours is not None:
            self.max_shift_hours = self.rules.max_shift_hours

    # -- Zones, Staff, Shifts -----------------------------------------------------------

    def _read_zones(self) -> list[Zone]:
        table, complete = self.sheet(ZONES)
        zones: list[Zone] = []
        first_rows = _Ids()
        zone_of_neighborhood: dict[str, tuple[str, int]] = {}  # casefolded -> zone, row
        for row in self.rows(table):
            zone_id = row.need("zone_id", parse_text)
            complete = complete and zone_id is not None
            if zone_id is not None and _duplicate(row, "zone_id", zone_id, first_rows):
                zone_id = None  # the first row with this id is the one others refer to
            name = row.get("name", parse_name)
            neighborhoods = row.get("neighborhoods", parse_list) or ()
            for neighborhood in neighborhoods:
                # A call from a neighborhood goes to one zone: in two, which is a guess.
                key = neighborhood.strip().casefold()
                earlier = zone_of_neighborhood.setdefault(key, (zone_id or "", row.number))
                if earlier[1] != row.number:
                    row.error(
                        "neighborhoods",
                        f"neighborhood '{neighborhood}' is already in zone {earlier[0]} "
                        f"(row {earlier[1]}); a neighborhood belongs to one zone",
                    )
            travel_minutes = row.get(
                "travel_minutes", at_most(non_negative(parse_number), MAX_MINUTES)
            )
            if row.ok and zone_id is not None:
                zone = row.build(
                    Zone,
                    dict(
                        zone_id=zone_id,
                        name=name or zone_id,
                        neighborhoods=neighborhoods,
                        travel_minutes=travel_minutes,
                    ),
                )
                if zone is not None:
                    zones.append(zone)
        if complete:  # with an id missing, a reference may have meant that row
            self.zone_ids = set(first_rows)
        return zones

    def _read_travel(self) -> list[TravelTime]:
        table, _ = self.sheet(TRAVEL)
        trips: list[TravelTime] = []
        first_rows: dict[tuple[str, str], int] = {}
        for row in self.rows(table):
            from_zone = row.need("from_zone", parse_text)
            to_zone = row.need("to_zone", parse_text)
            for column, zone_id in (("from_zone", from_zone), ("to_zone", to_zone)):
                if zone_id is not None:
                    _check_reference(row, column, zone_id, self.zone_ids, "a zone_id in Zones")
            if from_zone is not None and from_zone == to_zone:
                row.error(
                    "to_zone",
                    f"to_zone is the same zone as from_zone ({from_zone}); travel within a zone "
                    "is Zones.travel_minutes",
                )
            elif from_zone is not None and to_zone is not None:
                key = (from_zone, to_zone)
                if key in first_rows:
                    row.error(
                        "to_zone",
                        f"{from_zone} to {to_zone} already has a row ({first_rows[key]}); "
                        "give each pair once",
                    )
                first_rows.setdefault(key, row.number)
            minutes = row.need("minutes", at_most(non_negative(parse_number), MAX_MINUTES))
            if row.ok:
                trip = row.build(
                    TravelTime,
                    dict(from_zone=from_zone, to_zone=to_zone, minutes=minutes, row=row.number),
                )
                if trip is not None:
                    trips.append(trip)
        return trips

    def _read_staff(self) -> list[Person]:
        table, complete = self.sheet(STAFF)
        staff: list[Person] = []
        first_rows = _Ids()
        for row in self.rows(table):
            employee_id = row.need("employee_id", parse_text)
            complete = complete and employee_id is not None
            if employee_id is not None and _duplicate(row, "employee_id", employee_id, first_rows):
                employee_id = None  # the first row with this id is the one others refer to
            role = row.need("role", choice(Role))
            teams = row.need("teams", choice_list(Team))
            home_zone = row.need("home_zone", parse_text)
            if home_zone is not None:
                _check_reference(row, "home_zone", home_zone, self.zone_ids, "a zone_id in Zones")
            week_hours = at_most(non_negative(parse_number), MAX_WEEK_HOURS)
            min_hours = row.get("min_hours_per_week", week_hours)
            max_hours = row.get("max_hours_per_week", week_hours)
            if min_hours is not None and max_hours is not None and max_hours < min_hours:
                row.error(
                    "max_hours_per_week",
                    f"max_hours_per_week {max_hours:g} is below min_hours_per_week {min_hours:g}",
                )
            total_hours = at_most(non_negative(parse_number), MAX_TOTAL_HOURS)
            min_total = row.get("min_hours_total", total_hours)
            max_total = row.get("max_hours_total", total_hours)
            if min_total is not None and max_total is not None and max_total < min_total:
                row.error(
                    "max_hours_total",
                    f"max_hours_total {max_total:g} is below min_hours_total {min_total:g}",
                )
            hourly_rate = row.get(
                "hourly_rate", at_most(non_negative(parse_number), MAX_HOURLY_RATE)
            )
            skills = tuple(skill.lower() for skill in row.get("skills", parse_list) or ())
            overtime_eligible = row.get("overtime_eligible", parse_bool)
            name = row.get("name", parse_name)
            overrides = {
                rule: value
                for rule in PERSON_RULE_NAMES
                if (value := row.get(rule, _rule_parser(rule))) is not None
            }
            person_rules = row.build(PersonRules.from_rules, dict(rules=self.rules, **overrides))
            if person_rules is not None:
                _check_run_lengths(row, person_rules, overrides)
            if employee_id is not None:
                if role is not None:
                    self.staff_roles[employee_id] = role
                if teams is not None:
                    self.staff_teams[employee_id] = teams
            if not row.ok or employee_id is None or person_rules is None:
                continue
            person = row.build(
                Person,
                dict(
                    employee_id=employee_id,
                    name=name or employee_id,
                    role=role,
                    teams=teams,
                    home_zone=home_zone,
                    min_hours_per_week=min_hours or 0,
                    max_hours_per_week=max_hours,
                    min_hours_total=min_total or 0,
                    max_hours_total=max_total,
                    hourly_rate=hourly_rate or 0,
                    skills=skills,
                    overtime_eligible=True if overtime_eligible is None else overtime_eligible,
                    rules=person_rules,
                    row=row.number,
                ),
            )
            if person is not None:
                staff.append(person)
        if complete:  # with an id missing, a reference may have meant that row
            self.staff_ids = set(first_rows)
        return staff

    def _read_shifts(self) -> list[ShiftTemplate]:
        table, complete = self.sheet(SHIFTS)
        shifts: list[ShiftTemplate] = []
        first_rows = _Ids()
        # Checked once every shift_id is known: a shift may name one on a later row.
        successors: list[tuple[_Row, tuple[str, ...]]] = []
        for row in self.rows(table):
            shift_id = row.need("shift_id", parse_text)
            complete = complete and shift_id is not None
            if shift_id is not None and _duplicate(row, "shift_id", shift_id, first_rows):
                shift_id = None  # the first row with this id is the one others refer to
            start = row.need("start", parse_minute_of_day)
            end = row.need("end", parse_minute_of_day)
            unpaid_break = (
                row.get("unpaid_break_minutes", at_most(non_negative(parse_int), MAX_MINUTES)) or 0
            )
            teams = row.get("teams", choice_list(Team)) or ()
            if shift_id is not None:
                self.shift_teams[shift_id] = teams
            forbidden_next = row.get("forbidden_next", parse_list) or ()
            successors.append((row, forbidden_next))
            if start is None or end is None:
                continue
            duration = (end - start) % MINUTES_PER_DAY or MINUTES_PER_DAY
            if unpaid_break >= duration:
                row.error(
                    "unpaid_break_minutes",
                    f"unpaid_break_minutes {unpaid_break} is not shorter than the shift "
                    f"({duration} minutes)",
                )
            if self.max_shift_hours is not None and duration > self.max_shift_hours * 60:
                row.error(
                    "end",
                    f"{f'shift {shift_id}' if shift_id else 'the shift'} is "
                    f"{_hours(duration)} h long, longer than "
                    f"max_shift_hours {self.max_shift_hours:g} (Rules)",
                )
            if row.ok and shift_id is not None:
                shift = row.build(
                    ShiftTemplate,
                    dict(
                        shift_id=shift_id,
                        start_minute=start,
                        end_minute=end,
                        unpaid_break_minutes=unpaid_break,
                        teams=teams,
                        forbidden_next=forbidden_next,
                    ),
                )
                if shift is not None:
                    shifts.append(shift)
        if complete:  # with an id missing, a reference may have meant that row
            self.shift_ids = set(first_rows)
        for row, forbidden_next in successors:
            for next_id in forbidden_next:
                _check_reference(
                    row, "forbidden_next", next_id, self.shift_ids, "a shift_id in Shifts"
                )
        return shifts

    # -- Demand, TimeOff, Pins, Pairs ---------------------------------------------------

    def _has_day_columns(self, table: Table | None) -> bool:
        """Whether a sheet of weekday-or-date rows has at least one of those columns
        (recorded when not); an absent sheet has nothing to check."""
        if table is not None and table.sheet in self.moved_headers:
            return False  # the header's place is the issue, not its columns
        if table is not None and not {"weekday", "date"} & set(table.columns):
            self.issues.append(
                InputIssue(
                    sheet=table.sheet,
                    message="missing column 'weekday' or 'date' (each row needs one of them)",
                )
            )
            return False
        return True

    def _read_demand(self) -> list[DemandRow]:
        table, _ = self.sheet(DEMAND)
        if not self._has_day_columns(table):
            return []
        horizon = self._horizon()
        demand: list[DemandRow] = []
        for row in self.rows(table):
            team = row.need("team", choice(Team))
            zone = row.need("zone", parse_text)
            if zone is not None:
                _check_reference(row, "zone", zone, self.zone_ids, "a zone_id in Zones")
            weekday, date = _read_day(row)
            start = row.need("start", parse_minute_of_day)
            end = row.need("end", parse_minute_of_day)
            units = at_most(non_negative(parse_int), MAX_UNITS)
            required = row.need("required_units", units)
            target = row.get("target_units", units)
            if required is not None and target is not None and target < required:
                row.error(
                    "target_units", f"target_units {target} is below required_units {required}"
                )
            if date is not None and horizon is not None:
                first, days = horizon
                if not first - dt.timedelta(days=1) <= date < first + dt.timedelta(days=days):
                    last = first + dt.timedelta(days=days - 1)
                    self.warnings.append(
                        str(
                            row.located(
                                "date",
                                f"date {date} is outside the roster ({first} to {last}, "
                                "or the day before for a window past midnight); "
                                "the row does nothing",
                            )
                        )
                    )
            if row.ok:
                item = row.build(
                    DemandRow,
                    dict(
                        team=team,
                        zone=zone,
                        weekday=weekday,
                        date=date,
                        start_minute=start,
                        end_minute=end,
                        required_units=required,
                        target_units=target,
                        row=row.number,
                    ),
                )
                if item is not None:
                    demand.append(item)
        return demand

    def _read_time_off(self) -> list[TimeOff]:
        table, _ = self.sheet(TIME_OFF)
        time_off: list[TimeOff] = []
        for row in self.rows(table):
            employee_id = row.need("employee_id", parse_text)
            if employee_id is not None:
                _check_reference(
                    row, "employee_id", employee_id, self.staff_ids, "an employee_id in Staff"
                )
            start = row.need("start", parse_date_or_date_time)
            end = row.need("end", parse_date_or_date_time)
            kind = row.need("kind", choice(TimeOffKind))
            shift_id = row.get("shift_id", parse_text)
            if shift_id is not None:
                _check_reference(row, "shift_id", shift_id, self.shift_ids, "a shift_id in Shifts")
            weight: int = TimeOff.model_fields["weight"].default
            if kind is not TimeOffKind.UNAVAILABLE:  # a hard rule has no weight
                given = row.get("weight", at_most(non_negative(parse_int), MAX_WEIGHT))
                weight = weight if given is None else given
            window = _time_off_window(row, start, end)
            horizon = self._horizon()
            if window is not None and window[2] and horizon is not None:
                window = _days_near_the_roster(window, horizon)
            if row.ok and window is not None:
                item = row.build(
                    TimeOff,
                    dict(
                        employee_id=employee_id,
                        start=window[0],
                        end=window[1],
                        whole_days=window[2],
                        kind=kind,
                        shift_id=shift_id,
                        weight=weight,
                        row=row.number,
                    ),
                )
                if item is not None:
                    time_off.append(item)
        return time_off

    def _read_pins(self) -> list[Pin]:
        table, _ = self.sheet(PINS)
        horizon = self._horizon()
        pins: list[Pin] = []
        for row in self.rows(table):
            employee_id = row.need("employee_id", parse_text)
            if employee_id is not None:
                _check_reference(
                    row, "employee_id", employee_id, self.staff_ids, "an employee_id in Staff"
                )
            date = row.need("date", parse_date)
            if date is not None and horizon is not None:
                first, days = horizon
                if not first <= date < first + dt.timedelta(days=days):
                    last = first + dt.timedelta(days=days - 1)
                    row.error("date", f"date {date} is outside the roster ({first} to {last})")
            shift_id = row.need("shift_id", parse_text)
            if shift_id is not None:
                _check_reference(row, "shift_id", shift_id, self.shift_ids, "a shift_id in Shifts")
            team = row.get("team", choice(Team))
            zone = row.get("zone", parse_text)
            if zone is not None:
                _check_reference(row, "zone", zone, self.zone_ids, "a zone_id in Zones")
            if team is not None:
                person_teams = self.staff_teams.get(employee_id or "")
                if person_teams is not None and team not in person_teams:
                    row.error(
                        "team",
                        f"{employee_id} cannot work on the {team} team "
                        f"(Staff teams: {';'.join(person_teams)})",
                    )
                shift_teams = self.shift_teams.get(shift_id or "")
                if shift_teams and team not in shift_teams:
                    row.error(
                        "team",
                        f"shift {shift_id} is not for the {team} team "
                        f"(Shifts teams: {';'.join(shift_teams)})",
                    )
            if row.ok:
                pin = row.build(
                    Pin,
                    dict(
                        employee_id=employee_id,
                        date=date,
                        shift_id=shift_id,
                        team=team,
                        zone=zone,
                        row=row.number,
                    ),
                )
                if pin is not None:
                    pins.append(pin)
        return pins

    def _read_pairs(self) -> list[PairRule]:
        table, _ = self.sheet(PAIRS)
        if table is not None and table.rows and self.program.get("people_per_unit") == 1:
            count = len(table.rows)
            self.issues.append(
                InputIssue(
                    sheet=table.sheet,
                    message=f"the sheet has {count} row{'s' if count > 1 else ''}, but "
                    "people_per_unit is 1 (Program): every person is a unit alone, so there "
                    "are no clinician-peer pairs to prefer, avoid or forbid; clear the Pairs "
                    "rows or set people_per_unit to 2",
                )
            )
            return []
        pairs: list[PairRule] = []
        # One row per pair: two rows for the same pair would count its preference twice.
        first_rows: dict[str, int] = {}
        for row in self.rows(table):
            clinician_id = row.need("clinician_id", parse_text)
            if clinician_id is not None:
                self._check_role(row, "clinician_id", clinician_id, Role.CLINICIAN)
            peer_id = row.need("peer_id", parse_text)
            if peer_id is not None:
                self._check_role(row, "peer_id", peer_id, Role.PEER)
            if clinician_id is not None and peer_id is not None:
                pair_key = f"{clinician_id} with {peer_id}"
                if pair_key in first_rows:
                    row.error(
                        "peer_id",
                        f"the pair {pair_key} is already given in row {first_rows[pair_key]} "
                        "(one row per pair)",
                    )
                first_rows.setdefault(pair_key, row.number)
            kind = row.need("kind", choice(PairKind))
            if row.ok:
                pair = row.build(
                    PairRule,
                    dict(clinician_id=clinician_id, peer_id=peer_id, kind=kind, row=row.number),
                )
                if pair is not None:
                    pairs.append(pair)
        return pairs

    def _read_shift_cover(self) -> list[ShiftCover]:
        table, _ = self.sheet(SHIFT_COVER)
        if table is None or not table.rows or not self._has_day_columns(table):
            return []
        horizon = self._horizon()
        cover: list[ShiftCover] = []
        # One row per shift, team, zone and day: two would each price the same units.
        first_rows: dict[tuple[str, Team, str, int | dt.date], int] = {}
        for row in self.rows(table):
            shift_id = row.need("shift_id", parse_text)
            if shift_id is not None:
                _check_reference(row, "shift_id", shift_id, self.shift_ids, "a shift_id in Shifts")
            team = row.need("team", choice(Team))
            shift_teams = self.shift_teams.get(shift_id or "")
            if team is not None and shift_teams and team not in shift_teams:
                row.error(
                    "team",
                    f"shift {shift_id} is not for the {team} team "
                    f"(Shifts teams: {';'.join(shift_teams)})",
                )
            zone = row.need("zone", parse_text)
            if zone is not None:
                _check_reference(row, "zone", zone, self.zone_ids, "a zone_id in Zones")
            weekday, date = _read_day(row)
            day = weekday if weekday is not None else date
            if shift_id is not None and team is not None and zone is not None and day is not None:
                key = (shift_id, team, zone, day)
                if key in first_rows:
                    shown_day = WEEKDAYS[day] if isinstance(day, int) else day.isoformat()
                    row.error(
                        "weekday" if weekday is not None else "date",
                        f"shift {shift_id}, {team} team, zone {zone} on {shown_day} is "
                        f"already given in row {first_rows[key]} "
                        "(one row per shift, team, zone and day)",
                    )
                first_rows.setdefault(key, row.number)
            if date is not None and horizon is not None:
                first, days = horizon
                if not first <= date < first + dt.timedelta(days=days):
                    last = first + dt.timedelta(days=days - 1)
                    self.warnings.append(
                        str(
                            row.located(
                                "date",
                                f"date {date} is outside the roster ({first} to {last}); "
                                "the row does nothing",
                            )
                        )
                    )
            units = row.need("units", at_most(non_negative(parse_int), MAX_UNITS))
            weights = {
                name: given
                for name in ("weight_under", "weight_over")
                if (given := row.get(name, at_most(non_negative(parse_int), MAX_WEIGHT)))
                is not None
            }
            if row.ok:
                item = row.build(
                    ShiftCover,
                    dict(
                        shift_id=shift_id,
                        team=team,
                        zone=zone,
                        weekday=weekday,
                        date=date,
                        units=units,
                        row=row.number,
                        **weights,
                    ),
                )
                if item is not None:
                    cover.append(item)
        return cover

    def _read_shift_limits(self) -> list[ShiftLimit]:
        table, _ = self.sheet(SHIFT_LIMITS)
        limits: list[ShiftLimit] = []
        first_rows: dict[tuple[str, str], int] = {}
        for row in self.rows(table):
            employee_id = row.need("employee_id", parse_text)
            if employee_id is not None:
                _check_reference(
                    row, "employee_id", employee_id, self.staff_ids, "an employee_id in Staff"
                )
            shift_id = row.need("shift_id", parse_text)
            if shift_id is not None:
                _check_reference(row, "shift_id", shift_id, self.shift_ids, "a shift_id in Shifts")
            if employee_id is not None and shift_id is not None:
                key = (employee_id, shift_id)
                if key in first_rows:
                    row.error(
                        "shift_id",
                        f"{employee_id} already has a limit on shift {shift_id} in row "
                        f"{first_rows[key]} (one row per person and shift)",
                    )
                first_rows.setdefault(key, row.number)
            max_shifts = row.need("max_shifts", non_negative(parse_int))
            if row.ok:
                limit = row.build(
                    ShiftLimit,
                    dict(
                        employee_id=employee_id,
                        shift_id=shift_id,
                        max_shifts=max_shifts,
                        row=row.number,
                    ),
                )
                if limit is not None:
                    limits.append(limit)
        return limits

    def _read_hiring(self) -> list[Hire]:
        table, _ = self.sheet(HIRING)
        hires: list[Hire] = []
        first_rows = _Ids()
        for row in self.rows(table):
            hire_id = row.need("hire_id", parse_text)
            if hire_id is not None:
                _duplicate(row, "hire_id", hire_id, first_rows)
                # Candidates are named {hire_id}#1, #2, ... next to Staff's ids.
                taken = sorted(e for e in self.staff_ids or () if e.startswith(f"{hire_id}#"))
                if taken:
                    row.error(
                        "hire_id",
                        f"hires of '{hire_id}' are named {hire_id}#1, {hire_id}#2, ... but "
                        f"Staff already has {taken[0]}; rename one of them",
                    )
            role = row.need("role", choice(Role))
            teams = row.need("teams", choice_list(Team))
            home_zone = row.need("home_zone", parse_text)
            if home_zone is not None:
                _check_reference(row, "home_zone", home_zone, self.zone_ids, "a zone_id in Zones")
            min_hours = row.get(
                "min_hours_per_week", at_most(non_negative(parse_number), MAX_WEEK_HOURS)
            )
            max_hours = row.get(
                "max_hours_per_week", at_most(non_negative(parse_number), MAX_WEEK_HOURS)
            )
            if min_hours is not None and max_hours is not None and max_hours < min_hours:
                row.error(
                    "max_hours_per_week",
                    f"max_hours_per_week {max_hours:g} is below min_hours_per_week {min_hours:g}",
                )
            annual_cost = row.get(
                "annual_cost", at_most(non_negative(parse_number), MAX_ANNUAL_COST)
            )
            hourly_rate = row.get(
                "hourly_rate", at_most(non_negative(parse_number), MAX_HOURLY_RATE)
            )
            if row.ok and annual_cost is None and hourly_rate is None:
                row.error("annual_cost", "give annual_cost or hourly_rate (both are blank)")
            elif row.ok and annual_cost is None and not (max_hours or min_hours):
                row.error(
                    "hourly_rate",
                    "hourly_rate without annual_cost needs max_hours_per_week or "
                    "min_hours_per_week to count a year's pay on",
                )
            max_count = row.need("max_count", at_most(non_negative(parse_int), MAX_UNITS))
            if not row.ok:
                continue
            hire = row.build(
                Hire,
                dict(
                    hire_id=hire_id,
                    role=role,
                    teams=teams,
                    home_zone=home_zone,
                    min_hours_per_week=min_hours or 0,
                    max_hours_per_week=max_hours,
                    annual_cost=annual_cost,
                    hourly_rate=hourly_rate,
                    max_count=max_count,
                    row=row.number,
                ),
            )
            if hire is not None:
                hires.append(hire)
        if hires and not self.hiring_used:
            # `solve` must never hire silently: the candidates are for `plan` alone.
            kinds = (
                "1 kind of candidate hire is"
                if len(hires) == 1
                else (f"{len(hires)} kinds of candidate hires are")
            )
            self.warnings.append(f"Hiring: {kinds} for `plan`; `solve` rosters Staff alone")
        return hires

    def _read_history(self) -> list[Assignment]:
        table, _ = self.sheet(HISTORY)
        context = _HistoryContext(
            start_date=self.program.get("start_date"),
            staff_ids=self.staff_ids,
            staff_roles=self.staff_roles,
            shift_ids=self.shift_ids,
            zone_ids=self.zone_ids,
        )
        return _read_history_rows(self, table, context, later_rows_allowed=False)

    def _check_role(self, row: _Row, column: str, employee_id: str, expected: Role) -> None:
        if not _check_reference(
            row, column, employee_id, self.staff_ids, "an employee_id in Staff"
        ):
            return
        role = self.staff_roles.get(employee_id)
        if role is not None and role is not expected:
            row.error(
                column, f"{column} '{employee_id}' is a {role} in Staff; expected a {expected}"
            )


def _read_day(row: _Row) -> tuple[int | None, dt.date | None]:
    """The `weekday` or `date` of a row that needs exactly one of them."""
    weekday = row.get("weekday", parse_weekday)
    date = row.get("date", parse_date)
    if "weekday" in row.cells and "date" in row.cells:
        row.error("date", "give a weekday or a date, not both")
    elif "weekday" not in row.cells and "date" not in row.cells:
        column = "weekday" if "weekday" in row.table.columns else "date"
        row.error(column, "give a weekday (Mon ... Sun) or a date; both are blank")
    return weekday, date


def _check_run_lengths(row: _Row, rules: PersonRules, overrides: dict[str, Any]) -> None:
    """A person's min_consecutive_days above their max, when this row sets either
    (the same clash in Rules alone is reported there, once)."""
    shortest, longest = rules.min_consecutive_days, rules.max_consecutive_days
    if shortest <= longest:
        return
    why = "; no run away from the roster's first and last day could meet both"
    if "min_consecutive_days" in overrides:
        source = "" if "max_consecutive_days" in overrides else " (Rules)"
        row.error(
            "min_consecutive_days",
            f"min_consecutive_days {shortest} is above max_consecutive_days {longest}{source}{why}",
        )
    elif "max_consecutive_days" in overrides:
        row.error(
            "max_consecutive_days",
            f"max_consecutive_days {longest} is below min_consecutive_days {shortest} (Rules){why}",
        )


def _days_near_the_roster(
    window: tuple[dt.datetime, dt.datetime, bool], horizon: tuple[dt.date, int]
) -> tuple[dt.datetime, dt.datetime, bool]:
    """A whole-day `TimeOff` window cut to the roster's days and one day either side,
    the only days that can touch a shift of the roster.

    Each day of a soft row is one request: a row "until 9999-12-31" (HR for "until
    further notice") would otherwise be millions of them. A row wholly outside keeps
    one day just beyond those, which touches nothing either (and, unlike its own dates,
    which can be 9999-12-31, leaves room for the date arithmetic that follows).
    """
    start, end, whole_days = window
    first, days = horizon
    low = dt.datetime.combine(first - dt.timedelta(days=1), dt.time())
    high = dt.datetime.combine(first + dt.timedelta(days=days + 1), dt.time())
    one_day = dt.timedelta(days=1)
    if end <= low:
        return low - one_day, low, whole_days
    if start >= high:
        return high, high + one_day, whole_days
    return max(start, low), min(end, high), whole_days


def _time_off_window(
    row: _Row, start: dt.date | dt.datetime | None, end: dt.date | dt.datetime | None
) -> tuple[dt.datetime, dt.datetime, bool] | None:
    """Absolute `[start, end)` and whether it is whole days; None (recorded) if wrong."""
    if start is None or end is None:
        return None
    start_is_moment = isinstance(start, dt.datetime)
    if start_is_moment != isinstance(end, dt.datetime):
        row.error(
            "end",
            f"start {shown(start)} and end {shown(end)} mix a date and a date-time; "
            "give both as dates (whole days) or both as date-times",
        )
        return None
    if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
        if end <= start:
            row.error("end", f"end {shown(end)} is not after start {shown(start)}")
            return None
        return start, end, False
    if end < start:
        row.error("end", f"end {shown(end)} is before start {shown(start)}")
        return None
    midnight = dt.time()
    # "Until 9999-12-31" is how HR systems say "until further notice": no day follows it.
    after_end = (
        dt.datetime.max
        if end == dt.date.max
        else dt.datetime.combine(end + dt.timedelta(days=1), midnight)
    )
    return dt.datetime.combine(start, midnight), after_end, True


def rows_not_of_program(problem: Problem, roster: Roster, *, zones: bool) -> list[InputIssue]:
    """Rows of a roster read from a file that could not be read or are not of this
    program (a person or shift it lacks, a date outside its horizon, with `zones` a
    zone it lacks), located like input errors: the jobs that take a roster refuse them."""

    def located(row: int | None, column: str | None, message: str) -> InputIssue:
        return InputIssue("Assignments", message, row, column, roster.cell(column))

    issues = [located(r.row, r.column, r.message) for r in roster.rejected_rows]
    last_day = problem.date_of(problem.days - 1)
    known_zones = set(problem.zone_ids)
    for a in roster.assignments:
        if a.employee_id not in problem.people_by_id:
            issues.append(
                located(a.row, "employee_id", f"employee '{a.employee_id}' is not in Staff")
            )
        if a.shift_id not in problem.shifts_by_id:
            issues.append(located(a.row, "shift_id", f"shift '{a.shift_id}' is not in Shifts"))
        if zones and a.zone not in known_zones:
            issues.append(located(a.row, "zone", f"zone '{a.zone}' is not in Zones"))
        if not problem.start_date <= a.date <= last_day:
            message = f"{a.date} is outside the horizon {problem.start_date} - {last_day}"
            issues.append(located(a.row, "date", message))
    return issues

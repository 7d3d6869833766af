"""Scenarios for planning: a sheet of changes, each scenario a pure Problem -> Problem.

A `Scenarios` sheet (a workbook's sheet, or a CSV file with the same columns) has one
row per change: the scenario's name, the kind of change and its arguments. Rows of
one scenario are applied in sheet order. The baseline, "as is", is always planned
first and is never named in the sheet. Every bad row is reported once, located as
`Scenarios!C4 (team): ...`; the changed program must be valid (`Problem`'s own checks)
or the scenario's first row is blamed.

Change kinds (columns that apply; the rest must be blank or are ignored):

- `scale_demand`: `factor`, optional `team`, `zone`, `weekdays`, `hours`. Units are
  multiplied and rounded half up; `hours` splits rows at the window's edges.
- `add_zone`: `zone` (new id), optional `name`, `travel_minutes`, `copy_from` (a zone
  whose demand is copied, times `factor`, default 1).
- `add_demand`: `team`, `zone`, `hours`, `units`, optional `weekdays` (default all).
- `operate_24_7`: `team`, optional `units` (default 1) and `zone` (default the zones
  with demand for the team): at least `units` every hour of every day.
- `weekends`: `team`, optional `copy_from` (weekday, default Fri) and `zone`: the
  team's Sat and Sun demand becomes a copy of that weekday's.
- `shifts`: `shift_ids` (the program's shifts kept; blank keeps all) and/or `file` (a
  Shifts sheet, path relative to the scenario file: .xlsx, CSV folder or one .csv)
  whose shifts are added (replacing kept ones with the same id).
- `rule`: `rule` (any `Rules` field, e.g. `min_rest_hours`) and `value`. People whose
  own value equals the program's follow the change; a `Staff` override stays.
- `hires`: `hire_id` and `max_count`: the most that may be hired of that kind.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from scheduler.errors import InputError, InputIssue
from scheduler.io.read_cells import (
    CellError,
    at_most,
    choice,
    non_negative,
    parse_hours,
    parse_int,
    parse_list,
    parse_number,
    parse_text,
    parse_weekday,
)
from scheduler.io.read_workbook import (
    MAX_UNITS,
    RULE_MAXIMA,
    load_problem,
    load_problem_tables,
    read_shift_templates,
)
from scheduler.io.tables import CellValue, DataRow, Table, Tables, load_tables, read_csv_file
from scheduler.model.loaded import Loaded
from scheduler.model.problem import (
    MINUTES_PER_DAY,
    PERSON_RULE_NAMES,
    DemandRow,
    Problem,
    Rules,
    ShiftTemplate,
    Team,
    Zone,
)

SHEET = "Scenarios"
BASELINE = "as is"
WEEKEND_DAYS = (5, 6)
DEFAULT_WEEKEND_SOURCE = 4  # Friday
COLUMNS = (
    "scenario",
    "change",
    "team",
    "zone",
    "weekdays",
    "hours",
    "factor",
    "units",
    "name",
    "copy_from",
    "travel_minutes",
    "rule",
    "value",
    "shift_ids",
    "file",
    "hire_id",
    "max_count",
)


#: The largest demand factor a scenario may give (units are capped at MAX_UNITS anyway).
MAX_FACTOR = 100


class ChangeKind(StrEnum):
    SCALE_DEMAND = "scale_demand"
    ADD_ZONE = "add_zone"
    ADD_DEMAND = "add_demand"
    OPERATE_24_7 = "operate_24_7"
    WEEKENDS = "weekends"
    SHIFTS = "shifts"
    RULE = "rule"
    HIRES = "hires"


@dataclass(frozen=True)
class Change:
    """One row of the sheet, parsed; `where` locates it for messages."""

    kind: ChangeKind
    row: int
    sheet: str = SHEET
    team: Team | None = None
    zone: str | None = None
    weekdays: tuple[int, ...] = ()  # empty: every day
    hours: tuple[int, int] | None = None  # first hour, end hour (exclusive, <= 24)
    factor: float | None = None
    units: int | None = None
    name: str | None = None
    copy_from: str | None = None
    travel_minutes: float | None = None
    rule: str | None = None
    value: float | None = None
    shift_ids: tuple[str, ...] = ()
    added_shifts: tuple[ShiftTemplate, ...] = ()
    hire_id: str | None = None
    max_count: int | None = None
    # Excel column letters by column name, for messages about this row.
    letters: tuple[tuple[str, str], ...] = ()

    def issue(self, column: str | None, message: str) -> InputIssue:
        letter = dict(self.letters).get(column) if column else None
        return InputIssue(
            sheet=self.sheet, row=self.row, column=column, column_letter=letter, message=message
        )


@dataclass(frozen=True)
class Scenario:
    name: str
    changes: tuple[Change, ...] = ()

    def describe(self) -> str:
        return "; ".join(describe_change(c) for c in self.changes) or "the program as it is"


@dataclass
class _Issues:
    items: list[InputIssue] = field(default_factory=list)

    def add(self, change: Change, column: str | None, message: str) -> None:
        self.items.append(change.issue(column, message))


# --- Reading ---------------------------------------------------------------------------


def read_scenarios(path: str | Path) -> list[Scenario]:
    """The baseline plus every scenario of the sheet (.xlsx `Scenarios` sheet, or a CSV
    file with its columns), in order of first appearance. Raises `InputError`."""
    source = Path(path)
    table = _scenario_table(source)
    issues: list[InputIssue] = []
    missing = [c for c in ("scenario", "change") if c not in table.columns]
    if missing:
        raise InputError(table.missing_columns(missing, COLUMNS, ("scenario", "change")))
    order: list[str] = []
    changes: dict[str, list[Change]] = {}
    for data in table.rows:
        parsed = _parse_row(table, data, source, issues)
        if parsed is None:
            continue
        name, change = parsed
        if name not in changes:
            order.append(name)
            changes[name] = []
        changes[name].append(change)
    if issues:
        raise InputError(issues)
    return [Scenario(BASELINE)] + [Scenario(name, tuple(changes[name])) for name in order]


def _scenario_table(source: Path) -> Table:
    if source.suffix.lower() == ".csv":
        if not source.is_file():
            raise InputError(InputIssue(sheet=source.name, message=f"no such file: {source}"))
        return read_csv_table(source, SHEET)
    tables = load_tables(source, only={SHEET.lower()})
    if tables.issues:
        raise InputError(tables.issues)
    table = tables.by_key.get(SHEET.lower())
    if table is None:
        raise InputError(InputIssue(sheet=SHEET, message=tables.where_missing(SHEET)))
    return table


def read_csv_table(file: Path, sheet: str) -> Table:
    """One CSV file as a table named `sheet`, read as a program folder's CSV files are:
    the same size, row and cell limits, encodings and delimiters, and warnings."""
    table, warnings = read_csv_file(file, sheet)
    for warning in warnings:  # callers return tables only; the CLI prints warnings so
        print(f"warning: {warning}", file=sys.stderr)
    return table


def _parse_weekdays(value: CellValue, label: str) -> tuple[int, ...]:
    return tuple(sorted({parse_weekday(day, label) for day in parse_list(value, label)}))


_REQUIRED: dict[ChangeKind, tuple[str, ...]] = {
    ChangeKind.SCALE_DEMAND: ("factor",),
    ChangeKind.ADD_ZONE: ("zone",),
    ChangeKind.ADD_DEMAND: ("team", "zone", "hours", "units"),
    ChangeKind.OPERATE_24_7: ("team",),
    ChangeKind.WEEKENDS: ("team",),
    ChangeKind.SHIFTS: (),
    ChangeKind.RULE: ("rule", "value"),
    ChangeKind.HIRES: ("hire_id", "max_count"),
}


def _parse_row(
    table: Table, data: DataRow, source: Path, issues: list[InputIssue]
) -> tuple[str, Change] | None:
    cells = data.cells
    before = len(issues)

    def located(column: str | None, message: str) -> None:
        issues.append(
            InputIssue(
                sheet=table.sheet,
                row=data.number,
                column=column,
                column_letter=table.letter(column) if column else None,
                message=message,
            )
        )

    def get(column: str, parse: Callable[[CellValue, str], Any]) -> Any:
        raw = cells.get(column)
        if raw is None:
            return None
        try:
            return parse(raw, column)
        except CellError as error:
            located(column, str(error))
            return None

    name = get("scenario", parse_text)
    kind: ChangeKind | None = get("change", choice(ChangeKind))
    if name is None and "scenario" not in cells:
        located("scenario", "scenario is required but the cell is blank")
    if name is not None and name.strip().lower() == BASELINE:
        located("scenario", f"'{BASELINE}' is the baseline, always planned; name it otherwise")
    if kind is None:
        if "change" not in cells:
            located("change", f"change is required; one of {', '.join(ChangeKind)}")
        return None
    for column in _REQUIRED[kind]:
        if column not in cells:
            located(column, f"{column} is required for change {kind.value}")
    values: dict[str, Any] = dict(
        kind=kind,
        row=data.number,
        sheet=table.sheet,
        team=get("team", choice(Team)),
        zone=get("zone", parse_text),
        weekdays=get("weekdays", _parse_weekdays) or (),
        hours=get("hours", parse_hours),
        factor=get("factor", at_most(non_negative(parse_number), MAX_FACTOR)),
        units=get("units", at_most(non_negative(parse_int), MAX_UNITS)),
        name=get("name", parse_text),
        copy_from=get("copy_from", parse_text),
        travel_minutes=get("travel_minutes", non_negative(parse_number)),
        rule=get("rule", parse_text),
        value=get("value", parse_number),
        shift_ids=get("shift_ids", parse_list) or (),
        hire_id=get("hire_id", parse_text),
        max_count=get("max_count", at_most(non_negative(parse_int), MAX_UNITS)),
        letters=tuple((column, table.letter(column) or "") for column in table.columns),
    )
    if kind is ChangeKind.SHIFTS:
        if "shift_ids" not in cells and "file" not in cells:
            located("shift_ids", "give shift_ids (the shifts kept), file (shifts added) or both")
        file = get("file", parse_text)
        if file is not None:
            try:
                values["added_shifts"] = read_shift_file(source.parent / file)
            except InputError as error:
                for inner in error.issues:
                    located("file", f"{file}: {inner if inner.row is not None else inner.message}")
    if kind is ChangeKind.RULE and values["rule"] not in (None, *Rules.model_fields):
        located("rule", f"unknown rule {values['rule']!r}; one of {', '.join(Rules.model_fields)}")
    if kind is ChangeKind.WEEKENDS and values["copy_from"] is not None:
        try:
            parse_weekday(values["copy_from"], "copy_from")
        except CellError as error:
            located("copy_from", str(error))
    if len(issues) > before or name is None:
        return None
    return name, Change(**values)


def read_shift_file(path: Path) -> tuple[ShiftTemplate, ...]:
    """Shift templates from an .xlsx workbook's or CSV folder's `Shifts` sheet, or one
    CSV file with the Shifts columns; checked as the program reader checks them."""
    if path.suffix.lower() == ".csv":
        if not path.is_file():
            raise InputError(InputIssue(sheet=path.name, message=f"no such file: {path}"))
        tables = Tables(source=path.parent, in_folder=True)
        tables.by_key["shifts"] = read_csv_table(path, "Shifts")
    else:
        tables = load_tables(path, only={"shifts"})
    # Lengths are checked against the program's max_shift_hours when the change applies.
    return read_shift_templates(tables)


# --- Applying --------------------------------------------------------------------------


def apply_scenarios(problem: Problem, scenarios: Iterable[Scenario]) -> list[Problem]:
    """Each scenario applied to `problem`; every issue of every scenario in one InputError."""
    issues: list[InputIssue] = []
    changed: list[Problem] = []
    for scenario in scenarios:
        try:
            changed.append(apply_scenario(problem, scenario))
        except InputError as error:
            issues += error.issues
    if issues:
        raise InputError(issues)
    return changed


def apply_scenario(problem: Problem, scenario: Scenario) -> Problem:
    """The program with the scenario's changes, in order; validated as a Problem.

    A `date` row of Demand replaces its day's weekday rows (calendar.py), so a change
    that adds weekday rows would miss dated days, and a piece cut onto the next date
    would wipe that day's weekday rows. When Demand has date rows, every row is first
    put on the dates it applies to, and weekday rows a change adds are put on every
    date of their weekday: each change then acts on the days the program really has.
    """
    issues = _Issues()
    dated = any(row.date is not None for row in problem.demand)
    if dated:
        problem = problem.replaced(demand=on_dates(problem, keep_replaced=False))
    for change in scenario.changes:
        problem = _APPLY[change.kind](problem, change, issues)
        if dated:
            problem = problem.replaced(demand=on_dates(problem, keep_replaced=True))
    if issues.items:
        raise InputError(issues.items)
    return problem


def on_dates(problem: Problem, keep_replaced: bool) -> tuple[DemandRow, ...]:
    """Demand as date rows only: each weekday row on every date of its weekday from the
    day before the horizon (when it runs past midnight into it) to the last, except,
    unless `keep_replaced`, the dates where date rows replace it."""
    dated = {(row.team, row.zone, row.date) for row in problem.demand if row.date is not None}
    rows = [row for row in problem.demand if row.date is not None]
    for day in range(-1, problem.days):
        date = problem.date_of(day)
        for row in problem.demand:
            if row.date is not None or row.weekday != date.weekday():
                continue
            if not keep_replaced and (row.team, row.zone, date) in dated:
                continue
            if day < 0 and row.start_minute + row.duration_minutes <= MINUTES_PER_DAY:
                continue  # ends before the horizon starts
            rows.append(row.model_copy(update={"weekday": None, "date": date, "row": None}))
    return tuple(rows)


def replaced(problem: Problem, change: Change, issues: _Issues, **update: Any) -> Problem:
    """`problem` with some fields replaced, validated again (a change may break it)."""
    values = {name: getattr(problem, name) for name in type(problem).model_fields}
    values.update(update)
    try:
        return type(problem)(**values)
    except ValidationError as error:
        for detail in error.errors():
            issues.add(change, "change", f"the changed program is not valid: {detail['msg']}")
        return problem


def _check_zone(problem: Problem, change: Change, issues: _Issues) -> bool:
    if change.zone is not None and change.zone not in problem.zone_ids:
        issues.add(
            change, "zone", f"unknown zone {change.zone!r}; known: {', '.join(problem.zone_ids)}"
        )
        return False
    return True


def _matches_place(row: DemandRow, change: Change) -> bool:
    """The row is of the change's team and zone (each when given)."""
    if change.team is not None and row.team is not change.team:
        return False
    return change.zone is None or row.zone == change.zone


def _on_weekdays(row: DemandRow, change: Change) -> bool:
    """The row (or a piece of one cut at midnight) starts on one of the change's weekdays."""
    if not change.weekdays:
        return True
    weekday = row.weekday if row.date is None else row.date.weekday()
    return weekday in change.weekdays


def scale_units(units: int, factor: float) -> int:
    """Units times the factor, rounded half up (1 x 1.5 = 2 units, 1 x 1.2 = 1), at most
    the reader's MAX_UNITS."""
    return min(MAX_UNITS, math.floor(units * factor + 0.5))


def _scale_demand(problem: Problem, change: Change, issues: _Issues) -> Problem:
    if not _check_zone(problem, change, issues):
        return problem
    factor = change.factor if change.factor is not None else 1.0
    rows: list[DemandRow] = []
    for row in problem.demand:
        if not _matches_place(row, change):
            rows.append(row)
            continue
        # Each piece by its own day: Monday's 20:00-08:00 is Tuesday's from midnight.
        for piece, inside in split_at_hours(row, change.hours):
            if not inside or not _on_weekdays(piece, change):
                rows.append(piece)
                continue
            target = piece.target_units
            rows.append(
                piece.model_copy(
                    update={
                        "required_units": scale_units(piece.required_units, factor),
                        "target_units": None if target is None else scale_units(target, factor),
                    }
                )
            )
    return replaced(problem, change, issues, demand=tuple(rows))


def split_at_hours(row: DemandRow, hours: tuple[int, int] | None) -> list[tuple[DemandRow, bool]]:
    """The row cut at the window's edges (on its own day and, past midnight, the next):
    pieces with whether each lies inside the window. No window: the row, inside."""
    if hours is None:
        return [(row, True)]
    start, length = row.start_minute, row.duration_minutes
    windows = [
        (day * MINUTES_PER_DAY + hours[0] * 60, day * MINUTES_PER_DAY + hours[1] * 60)
        for day in (0, 1)
    ]
    cuts = sorted(
        {start, start + length}
        | {edge for window in windows for edge in window if start < edge < start + length}
    )
    pieces: list[tuple[DemandRow, bool]] = []
    for begin, end in itertools.pairwise(cuts):
        inside = any(low <= begin and end <= high for low, high in windows)
        pieces.append((_piece(row, begin, end), inside))
    return pieces


def _piece(row: DemandRow, begin: int, end: int) -> DemandRow:
    """The part of `row` from `begin` to `end` (minutes from its day's midnight)."""
    day_shift = begin // MINUTES_PER_DAY
    update: dict[str, Any] = {
        "start_minute": begin % MINUTES_PER_DAY,
        "end_minute": end % MINUTES_PER_DAY,
    }
    if day_shift:
        if row.weekday is not None:
            update["weekday"] = (row.weekday + day_shift) % 7
        if row.date is not None:
            update["date"] = row.date + dt.timedelta(days=day_shift)
    return row.model_copy(update=update)


def _add_zone(problem: Problem, change: Change, issues: _Issues) -> Problem:
    assert change.zone is not None
    if change.zone in problem.zone_ids:
        issues.add(change, "zone", f"zone {change.zone!r} exists already")
        return problem
    zone = Zone(
        zone_id=change.zone,
        name=change.name or change.zone,
        travel_minutes=change.travel_minutes,
    )
    demand = list(problem.demand)
    if change.copy_from is not None:
        if change.copy_from not in problem.zone_ids:
            issues.add(change, "copy_from", f"unknown zone {change.copy_from!r} to copy")
            return problem
        factor = change.factor if change.factor is not None else 1.0
        for row in problem.demand:
            if row.zone == change.copy_from:
                target = row.target_units
                demand.append(
                    row.model_copy(
                        update={
                            "zone": change.zone,
                            "required_units": scale_units(row.required_units, factor),
                            "target_units": None if target is None else scale_units(target, factor),
                            "row": None,
                        }
                    )
                )
    return replaced(problem, change, issues, zones=(*problem.zones, zone), demand=tuple(demand))


def _add_demand(problem: Problem, change: Change, issues: _Issues) -> Problem:
    if not _check_zone(problem, change, issues):
        return problem
    assert change.team and change.zone and change.hours and change.units is not None
    rows = [
        window_row(change.team, change.zone, weekday, change.hours, change.units)
        for weekday in change.weekdays or range(7)
    ]
    return replaced(problem, change, issues, demand=(*problem.demand, *rows))


def window_row(
    team: Team, zone: str, weekday: int, hours: tuple[int, int], units: int
) -> DemandRow:
    """A weekly Demand row from hour `hours[0]` to `hours[1]` (24: midnight)."""
    return DemandRow(
        team=team,
        zone=zone,
        weekday=weekday,
        start_minute=hours[0] * 60,
        end_minute=(hours[1] * 60) % MINUTES_PER_DAY,
        required_units=units,
    )


def _operate_24_7(problem: Problem, change: Change, issues: _Issues) -> Problem:
    if not _check_zone(problem, change, issues):
        return problem
    assert change.team is not None
    if change.zone is not None:
        zones = [change.zone]
    else:
        zones = sorted({row.zone for row in problem.demand if row.team is change.team})
    if not zones:
        issues.add(change, "zone", f"no zone has {change.team.value} demand; give zone")
        return problem
    units = 1 if change.units is None else change.units
    # Overlapping windows need the largest value, so the existing peaks stay.
    rows = [
        window_row(change.team, zone, day, (0, 24), units) for zone in zones for day in range(7)
    ]
    return replaced(problem, change, issues, demand=(*problem.demand, *rows))


def _weekends(problem: Problem, change: Change, issues: _Issues) -> Problem:
    if not _check_zone(problem, change, issues):
        return problem
    source = DEFAULT_WEEKEND_SOURCE
    if change.copy_from is not None:
        source = parse_weekday(change.copy_from, "copy_from")

    def ours(row: DemandRow) -> bool:
        return row.team is change.team and (change.zone is None or row.zone == change.zone)

    def weekday_of(row: DemandRow) -> int | None:
        return row.weekday if row.date is None else row.date.weekday()

    copied = [row for row in problem.demand if ours(row) and weekday_of(row) == source]
    if not copied:
        issues.add(
            change,
            "copy_from",
            f"{change.team} has no demand on weekday {source + 1} to copy",
        )
        return problem
    kept = [row for row in problem.demand if not (ours(row) and weekday_of(row) in WEEKEND_DAYS)]
    added = [
        row.model_copy(update={"weekday": day, "row": None})
        for day in WEEKEND_DAYS
        for row in copied
        if row.date is None
    ]
    # Date rows (`apply_scenario` puts all Demand on dates when it has any): each
    # weekend date takes its own week's source day, else the next week's.
    by_date: dict[dt.date, list[DemandRow]] = defaultdict(list)
    for row in copied:
        if row.date is not None:
            by_date[row.date].append(row)
    for day in range(-1, problem.days) if by_date else ():
        date = problem.date_of(day)
        if date.weekday() not in WEEKEND_DAYS:
            continue
        same_week = date - dt.timedelta(days=date.weekday() - source)
        rows = by_date.get(same_week) or by_date.get(same_week + dt.timedelta(days=7), [])
        added += [row.model_copy(update={"date": date, "row": None}) for row in rows]
    return replaced(problem, change, issues, demand=(*kept, *added))


def _shifts(problem: Problem, change: Change, issues: _Issues) -> Problem:
    known = set(problem.shifts_by_id)
    unknown = [s for s in change.shift_ids if s not in known]
    if unknown:
        issues.add(
            change,
            "shift_ids",
            f"unknown shift(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}",
        )
        return problem
    kept_ids = set(change.shift_ids or known)
    added = {s.shift_id: s for s in change.added_shifts}
    longest = problem.rules.max_shift_hours * 60
    for shift in added.values():
        if shift.duration_minutes > longest:
            issues.add(
                change,
                "file",
                f"shift {shift.shift_id} is {shift.duration_minutes / 60:g} h long, longer than "
                f"max_shift_hours {problem.rules.max_shift_hours:g} (Rules)",
            )
    shifts = [s for s in problem.shifts if s.shift_id in kept_ids and s.shift_id not in added]
    shifts += added.values()
    final_ids = {s.shift_id for s in shifts}
    # What names a shift that is gone cannot be kept honestly: say so.
    for what, ids in (
        ("Pins", {p.shift_id for p in problem.pins}),
        ("TimeOff", {t.shift_id for t in problem.time_off if t.shift_id}),
        ("ShiftCover", {c.shift_id for c in problem.shift_cover}),
        ("ShiftLimits", {lim.shift_id for lim in problem.shift_limits}),
        ("History", {h.shift_id for h in problem.history}),
    ):
        gone = sorted(ids - final_ids)
        if gone:
            issues.add(
                change,
                "shift_ids",
                f"{what} rows name shift(s) {', '.join(gone)} that this change removes",
            )
    cleaned = [
        s.model_copy(
            update={"forbidden_next": tuple(n for n in s.forbidden_next if n in final_ids)}
        )
        for s in shifts
    ]
    return replaced(problem, change, issues, shifts=tuple(cleaned))


def _rule(problem: Problem, change: Change, issues: _Issues) -> Problem:
    assert change.rule is not None and change.value is not None
    old = getattr(problem.rules, change.rule)
    value: float | int = change.value
    if float(value).is_integer():
        value = int(value)  # `max_weekends 1` is 1, also where the default is None
    highest = RULE_MAXIMA.get(change.rule)
    if highest is not None and value > highest:
        issues.add(change, "value", f"{change.rule} {value:g}: at most {highest:g}")
        return problem
    try:
        rules = Rules.model_validate({**problem.rules.model_dump(), change.rule: value})
    except ValidationError as error:
        issues.add(change, "value", f"{change.rule} {value}: {error.errors()[0]['msg']}")
        return problem
    # The value as Rules validated it (whole numbers stay whole), for everyone's rules.
    value = getattr(rules, change.rule)
    if change.rule == "max_shift_hours":
        longer = [s.shift_id for s in problem.shifts if s.duration_minutes > value * 60]
        if longer:
            shorter = f"max_shift_hours {value:g}: shorter than shift(s) {', '.join(longer)}"
            issues.add(change, "value", shorter)
            return problem
    staff = problem.staff
    if change.rule in PERSON_RULE_NAMES:
        staff = tuple(
            p.model_copy(update={"rules": p.rules.model_copy(update={change.rule: value})})
            if getattr(p.rules, change.rule) == old
            else p
            for p in problem.staff
        )
    return replaced(problem, change, issues, rules=rules, staff=staff)


def _hires(problem: Problem, change: Change, issues: _Issues) -> Problem:
    ids = [hire.hire_id for hire in problem.hires]
    if change.hire_id not in ids:
        known = ", ".join(ids) or "none: the program has no Hiring rows"
        issues.add(change, "hire_id", f"unknown hire_id {change.hire_id!r} (known: {known})")
        return problem
    hires = tuple(
        hire.model_copy(update={"max_count": change.max_count})
        if hire.hire_id == change.hire_id
        else hire
        for hire in problem.hires
    )
    return replaced(problem, change, issues, hires=hires)


_APPLY: dict[ChangeKind, Callable[[Problem, Change, _Issues], Problem]] = {
    ChangeKind.SCALE_DEMAND: _scale_demand,
    ChangeKind.ADD_ZONE: _add_zone,
    ChangeKind.ADD_DEMAND: _add_demand,
    ChangeKind.OPERATE_24_7: _operate_24_7,
    ChangeKind.WEEKENDS: _weekends,
    ChangeKind.SHIFTS: _shifts,
    ChangeKind.RULE: _rule,
    ChangeKind.HIRES: _hires,
}


def describe_change(change: Change) -> str:
    """The change in a few words, for the plan workbook."""
    where = " ".join(
        part
        for part in (
            change.team.value if change.team else "",
            change.zone or "",
            ",".join(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[d] for d in change.weekdays),
            f"{change.hours[0]:02d}-{change.hours[1]:02d}h" if change.hours else "",
        )
        if part
    )
    kind = change.kind
    if kind is ChangeKind.SCALE_DEMAND:
        return f"demand x{change.factor:g} {where}".strip()
    if kind is ChangeKind.ADD_ZONE:
        copy = (
            f" (demand of {change.copy_from} x{1 if change.factor is None else change.factor:g})"
            if change.copy_from
            else ""
        )
        return f"new zone {change.zone}{copy}"
    if kind is ChangeKind.ADD_DEMAND:
        return f"demand {change.units} units {where}"
    if kind is ChangeKind.OPERATE_24_7:
        units = 1 if change.units is None else change.units
        return f"{change.team} 24/7 ({units} unit{'' if units == 1 else 's'})"
    if kind is ChangeKind.WEEKENDS:
        return f"{change.team} on weekends"
    if kind is ChangeKind.SHIFTS:
        kept = ",".join(change.shift_ids) or "all"
        added = ",".join(s.shift_id for s in change.added_shifts)
        return f"shifts kept {kept}" + (f", added {added}" if added else "")
    if kind is ChangeKind.RULE:
        return f"{change.rule}={change.value:g}"
    return f"hire at most {change.max_count} {change.hire_id}"


def load_problem_for_plan(path: str | Path, hiring: Path | None = None) -> Loaded[Problem]:
    """The program at `path` as `plan` reads it, its `Hiring` sheet used (so no warning
    that `solve` ignores it); with `hiring`, that sheet is taken from there instead:
    one .csv file with the Hiring columns, or a workbook or CSV folder with a Hiring
    sheet, checked as the program's own Hiring sheet is (zones, teams, roles, costs)."""
    if hiring is None:
        return load_problem(path, hiring_used=True)
    if hiring.suffix.lower() == ".csv":
        if not hiring.is_file():
            raise InputError(InputIssue(sheet=hiring.name, message=f"no such file: {hiring}"))
        table = read_csv_table(hiring, "Hiring")
    else:
        other = load_tables(hiring, only={"hiring"})
        if other.issues:
            raise InputError(other.issues)
        found = other.by_key.get("hiring")
        if found is None:
            raise InputError(InputIssue(sheet="Hiring", message=other.where_missing("Hiring")))
        table = found
    tables = load_tables(path)
    tables.by_key["hiring"] = table
    tables.failed.discard("hiring")
    return load_problem_tables(tables, hiring_used=True)

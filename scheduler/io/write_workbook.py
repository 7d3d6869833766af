"""The output roster workbook (`docs/workbook.md`, output section).

`Assignments` and `Coverage` are read by other tools, so their columns and text
formats are a contract; the other sheets are for people. The file is written to
a temporary file next to the target and moved into place only once complete.
The HR report (`scheduler.io.hr_report`) writes its `Summary`, `Coverage`,
`Hours`, `Gaps` and `Violations` sheets with the writers here, so both files
show the checker's figures the same way.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import stat
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields
from functools import partial
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.io.output_paths import cannot_write, folders_made_undone, infeasible_path
from scheduler.io.safe_cells import CellValue, write_cell
from scheduler.model.calendar import clock_summary, clock_warnings, instance, weeks
from scheduler.model.objective import STAGE2_WEIGHTS, stage2_total
from scheduler.model.problem import WEEKDAYS, Problem, Role, Team
from scheduler.model.report import Evaluation, PersonHours, Violation, split_per_kind
from scheduler.model.result import SolveResult
from scheduler.model.roster import Assignment, Roster

ASSIGNMENT_COLUMNS = (
    "date",
    "shift_id",
    "start",
    "end",
    "team",
    "zone",
    "unit_id",
    "employee_id",
    "role",
)
#: Added after them for a program with a time zone: each shift's paid hours as worked
#: (real time, so 9 or 11 h on a night across a clock change); never read back.
PAID_HOURS_COLUMN = "paid_hours"
COVERAGE_COLUMNS = ("slot_start", "team", "zone", "required", "target", "scheduled", "shortfall")
#: Added after them for a program with a time zone: tells a repeated hour's two slots apart.
COVERAGE_OFFSET_COLUMN = "utc_offset"
UNIT_COLUMNS = (
    "date",
    "shift_id",
    "start",
    "end",
    "team",
    "zone",
    "unit_id",
    "clinician_id",
    "clinician_name",
    "peer_id",
    "peer_name",
)
GAP_COLUMNS = (
    "team",
    "zone",
    "start",
    "end",
    "required",
    "scheduled",
    "unit_slots_short",
    "reason",
)
VIOLATION_COLUMNS = ("severity", "rule", "employee_id", "when", "detail", "amount", "penalty")
ROSTER_PERSON_COLUMNS = ("employee_id", "name", "role")

HEADER_FILL = PatternFill(fill_type="solid", start_color="FFD9D9D9")
WEEKEND_HEADER_FILL = PatternFill(fill_type="solid", start_color="FFFFE699")
TEAM_FILLS = {
    Team.ADULT: PatternFill(fill_type="solid", start_color="FFDDEBF7"),
    Team.JUVENILE: PatternFill(fill_type="solid", start_color="FFE2EFDA"),
}
BOLD = Font(bold=True)
MAX_COLUMN_WIDTH = 60
MIN_COLUMN_WIDTH = 8
LINE_HEIGHT_POINTS = 15


def write_roster_workbook(
    path: str | Path,
    problem: Problem,
    evaluation: Evaluation,
    result: SolveResult | None = None,
    roster: Roster | None = None,
    extra_sheets: Sequence[Callable[[Workbook], None]] = (),
    summary_extra: Sequence[tuple[str, CellValue]] = (),
    warnings: Sequence[str] = (),
) -> Path:
    """Write the output workbook to `path`, replacing any file there only when complete.

    `roster` defaults to `result.roster`; one of the two must be given. Each of
    `extra_sheets` adds its sheet after the others (a repair's `Changes`);
    `summary_extra` rows follow the status in `Summary` (simulated response times);
    `warnings` (the program reader's) are `warning` rows at its end.
    """
    if roster is None:
        if result is None:
            raise ValueError("give a roster or a solve result")
        roster = result.roster
    ordered = roster.sorted().assignments

    workbook = Workbook()
    workbook.remove(workbook.active)
    write_summary_sheet(
        workbook.create_sheet("Summary"), problem, evaluation, result, summary_extra, warnings
    )
    table_sheet(workbook.create_sheet("Assignments"), *assignments_table(problem, roster))
    write_coverage_sheet(workbook.create_sheet("Coverage"), evaluation)
    _roster_sheet(workbook.create_sheet("Roster"), problem, evaluation, ordered)
    table_sheet(workbook.create_sheet("Units"), UNIT_COLUMNS, _unit_rows(problem, ordered))
    write_hours_sheet(workbook.create_sheet("Hours"), problem, evaluation.hours)
    write_gaps_sheet(workbook.create_sheet("Gaps"), evaluation)
    write_violations_sheet(workbook.create_sheet("Violations"), evaluation)
    for add_sheet in extra_sheets:
        add_sheet(workbook)
    return save_atomically(workbook, Path(path))


# --- Sheets shared with the HR report (scheduler.io.hr_report) ----------------------


def write_summary_sheet(
    sheet: Worksheet,
    problem: Problem,
    evaluation: Evaluation,
    result: SolveResult | None,
    extra: Sequence[tuple[str, CellValue]] = (),
    warnings: Sequence[str] = (),
) -> None:
    """Key figures as `key`/`value` rows; the solver's numbers only when `result` is given.

    `extra` rows follow the status (what a caller knows about the roster it checked);
    `warnings` (the program reader's) end it, after the clock's.
    """
    parts = evaluation.parts
    rows: list[tuple[str, CellValue]] = [
        ("program", problem.name),
        ("horizon start", problem.start_date.isoformat()),
        ("horizon days", problem.days),
        ("horizon last day", problem.date_of(problem.days - 1).isoformat()),
        *clock_summary(problem),
        ("generated at", dt.datetime.now().astimezone().isoformat(timespec="seconds")),
        ("status", result.status.value if result is not None else "checked"),
        *extra,
        ("coverage met %", round(evaluation.coverage_pct, 1)),
        ("required unit-slots", evaluation.required_unit_slots),
        *(
            (f"shortfall unit-slots: {team.value}", evaluation.shortfall_by_team.get(team.value, 0))
            for team in Team
        ),
        ("target shortfall unit-slots", parts.target_shortfall),
        ("units rostered", evaluation.unit_count),
        ("hard violations", len(evaluation.hard_violations)),
        ("soft violations", len(evaluation.soft_violations)),
        ("overtime hours", round(evaluation.overtime_hours, 2)),
        ("overtime cost", round(parts.overtime_cost, 2)),
        ("requests honoured", f"{evaluation.requests_met} of {evaluation.requests_total}"),
        *((f"part: {name}", value) for name, value in parts.as_dict().items()),
        ("stage-2 weighted total (checker)", stage2_total(parts)),
    ]
    if result is not None:
        gap = result.gap
        rows += [
            ("stage-2 objective", _or_na(result.objective)),
            ("stage-2 bound", _or_na(result.bound)),
            ("stage-2 gap %", _or_na(None if gap is None else round(100 * gap, 2))),
            ("stage-1 objective", _or_na(result.stage1_objective)),
            ("solve seconds", round(result.seconds, 2)),
            (
                "seconds to first roster",
                _or_na(
                    None if result.seconds_to_first is None else round(result.seconds_to_first, 2)
                ),
            ),
            ("workers", result.params.workers),
            ("seed", result.params.seed),
            ("deterministic", result.params.deterministic),
            ("time limit", result.params.time_limit),
        ]
    rows += [(f"weight: {name}", weight) for name, weight in STAGE2_WEIGHTS.items()]
    if result is not None and result.message:
        rows.append(("message", result.message))
    rows += [("warning", warning) for warning in (*clock_warnings(problem), *warnings)]

    table_sheet(sheet, ("key", "value"), rows)
    for row in range(2, len(rows) + 2):
        sheet.cell(row=row, column=1).font = BOLD


def _or_na(value: float | None) -> CellValue:
    return "n/a" if value is None else value


#: A sheet's header and rows, as written (and as `scheduler.app` gives them as tables).
Table = tuple[Sequence[str], list[Sequence[CellValue]]]


def assignments_table(problem: Problem, roster: Roster) -> Table:
    """The `Assignments` sheet: one row per person and shift, in roster order; with a
    time zone a last `paid_hours` column (real hours, 9 or 11 on the change nights)."""
    ordered = roster.sorted().assignments
    if problem.time_zone is None:
        return ASSIGNMENT_COLUMNS, [_assignment_row(a) for a in ordered]
    return (
        (*ASSIGNMENT_COLUMNS, PAID_HOURS_COLUMN),
        [(*_assignment_row(a), paid_hours(problem, a)) for a in ordered],
    )


def coverage_table(evaluation: Evaluation) -> Table:
    """The `Coverage` sheet: one row per slot, team and zone; with a time zone a last
    `utc_offset` column (`-04:00`), so the two slots of the hour repeated when the
    clocks go back are told apart."""
    with_offset = any(c.utc_offset is not None for c in evaluation.coverage)
    columns = (*COVERAGE_COLUMNS, COVERAGE_OFFSET_COLUMN) if with_offset else COVERAGE_COLUMNS
    return (
        columns,
        [
            (
                iso_minute(c.slot_start),
                c.team.value,
                c.zone,
                c.required,
                c.target,
                c.scheduled,
                c.shortfall,
                *((c.utc_offset,) if with_offset else ()),
            )
            for c in evaluation.coverage
        ],
    )


def write_coverage_sheet(sheet: Worksheet, evaluation: Evaluation) -> None:
    table_sheet(sheet, *coverage_table(evaluation))


#: `Hours` columns of the counts over `History` and the roster, written only with History
#: (without it they repeat `weekend_days`, `evenings` and `nights`).
HISTORY_TOTAL_COLUMNS = ("weekend_days_total", "evening_shifts_total", "night_shifts_total")


def write_hours_sheet(sheet: Worksheet, problem: Problem, hours: Sequence[PersonHours]) -> None:
    table_sheet(sheet, *hours_table(problem, hours))


def hours_table(problem: Problem, hours: Sequence[PersonHours]) -> Table:
    """The `Hours` sheet: every `PersonHours` field as a column; weekly hours spread
    to `week_N_hours`."""
    week_count = max([len(weeks(problem)), *(len(h.weekly_paid_hours) for h in hours)])
    shown = [
        f for f in fields(PersonHours) if problem.history or f.name not in HISTORY_TOTAL_COLUMNS
    ]
    headers: list[str] = []
    for f in shown:
        if f.name == "weekly_paid_hours":
            headers.extend(f"week_{i}_hours" for i in range(1, week_count + 1))
        else:
            headers.append(f.name)
    rows: list[Sequence[CellValue]] = []
    for h in hours:
        row: list[CellValue] = []
        for f in shown:
            value = getattr(h, f.name)
            if f.name == "weekly_paid_hours":
                row.extend(value)
                row.extend([None] * (week_count - len(value)))
            elif isinstance(value, Role):
                row.append(value.value)
            else:
                row.append(value)
        rows.append(row)
    return headers, rows


def write_gaps_sheet(sheet: Worksheet, evaluation: Evaluation, max_listed: int = 0) -> int:
    """The `Gaps` table; with `max_listed`, only the first that many gaps and then one
    row saying how many more (their `unit_slots_short` summed). Returns how many gaps
    are not listed."""
    headers, rows = gaps_table(evaluation)
    shown, left_out = split_per_kind(rows, lambda row: "gaps", max_listed)
    rest = left_out.get("gaps", [])
    if rest:
        short = sum(int(row[6] or 0) for row in rest)
        shown.append((None, None, None, None, None, None, short, _not_listed(len(rest), "gaps")))
    table_sheet(sheet, headers, shown)
    return len(rest)


def gaps_table(evaluation: Evaluation) -> Table:
    """The `Gaps` sheet: one row per stretch of required coverage short."""
    return (
        GAP_COLUMNS,
        [
            (
                g.team.value,
                g.zone,
                iso_minute(g.start),
                iso_minute(g.end),
                g.required,
                g.scheduled,
                g.unit_slots_short,
                g.reason,
            )
            for g in evaluation.gaps
        ],
    )


def write_violations_sheet(
    sheet: Worksheet, evaluation: Evaluation, max_per_rule: int = 0
) -> dict[str, int]:
    """Hard violations first, then soft ones, each in the checker's order. With
    `max_per_rule`, at most that many of each rule, then per rule cut short one row
    saying how many more (their `amount` and `penalty` summed, so the column totals
    stay whole). Returns how many are not listed: `{"hard": n, "soft": n}`."""
    rows: list[Sequence[CellValue]] = []
    not_listed: dict[str, int] = {}
    for severity, found in (
        ("hard", evaluation.hard_violations),
        ("soft", evaluation.soft_violations),
    ):
        shown, left_out = split_per_kind(found, lambda v: v.rule, max_per_rule)
        rows += [_violation_row(v) for v in shown]
        for rule, rest in left_out.items():
            amount = sum(v.amount for v in rest)
            penalty = sum(v.penalty for v in rest)
            detail = _not_listed(len(rest), f"{rule} findings")
            rows.append((severity, rule, None, None, detail, amount, penalty))
        not_listed[severity] = sum(len(rest) for rest in left_out.values())
    table_sheet(sheet, VIOLATION_COLUMNS, rows)
    return not_listed


def _not_listed(count: int, what: str) -> str:
    """The text of the row that stands for findings left out of a capped sheet."""
    return (
        f"... and {count:,} more {what}, not listed (check --max-findings N lists N per rule, "
        "0 lists all)"
    )


def write_infeasible_workbook(
    path: str | Path, problem: Problem, explanation: Sequence[str], warnings: Sequence[str] = ()
) -> Path:
    """A workbook with only its `Summary`: the program, status `infeasible`, why the
    rules cannot all hold (one `explanation` row per conflict) and `warnings` (the
    reader's and the pre-check's). It is written beside the roster `path`, as
    `<name>.infeasible.xlsx`, never over a roster."""
    rows: list[tuple[str, CellValue]] = [
        ("program", problem.name),
        ("horizon start", problem.start_date.isoformat()),
        ("horizon days", problem.days),
        *clock_summary(problem),
        ("generated at", dt.datetime.now().astimezone().isoformat(timespec="seconds")),
        ("status", "infeasible"),
        *(("explanation", line) for line in explanation),
        *(("warning", line) for line in (*clock_warnings(problem), *warnings)),
    ]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Summary"
    table_sheet(sheet, ("key", "value"), rows)
    for row in range(2, len(rows) + 2):
        sheet.cell(row=row, column=1).font = BOLD
    return save_atomically(workbook, infeasible_path(Path(path)))


def _violation_row(v: Violation) -> tuple[CellValue, ...]:
    return (
        "hard" if v.hard else "soft",
        v.rule,
        v.employee_id,
        v.when,
        v.detail,
        v.amount,
        v.penalty,
    )


# --- Building blocks ----------------------------------------------------------------


def table_sheet(
    sheet: Worksheet, headers: Sequence[str], rows: Sequence[Sequence[CellValue]]
) -> None:
    """A header row (bold, filled, frozen, filterable) and the rows below it."""
    for column, title in enumerate(headers, start=1):
        cell = write_cell(sheet, 1, column, title)
        cell.font = BOLD
        cell.fill = HEADER_FILL
    for row, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            write_cell(sheet, row, column, value)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    fit_widths(sheet)


def fit_widths(sheet: Worksheet) -> None:
    """Column widths from the longest line in each column, within sensible bounds."""
    widths: dict[int, int] = defaultdict(int)
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            longest = max(len(line) for line in str(cell.value).split("\n"))
            widths[cell.column] = max(widths[cell.column], longest)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(
            MAX_COLUMN_WIDTH, max(MIN_COLUMN_WIDTH, width + 2)
        )


def save_atomically(workbook: Workbook, target: Path) -> Path:
    """Save the workbook next to `target`, then rename it over `target`."""
    return replace_atomically(target, partial(save_workbook, workbook), suffix=".xlsx")


def save_workbook(workbook: Workbook, path: Path) -> None:
    """The workbook, zipped in memory first, then written to `path` in one go: when the
    disk fills up, the error comes from this write, and no half-written zip archive of
    openpyxl's is left open to fail again when Python collects it (which printed
    "Exception ignored ... Traceback" after the message of a full disk)."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    with path.open("wb") as file:
        file.write(buffer.getbuffer())


def write_csv_atomically(
    target: Path, header: Sequence[object], rows: Iterable[Sequence[object]]
) -> Path:
    """A CSV file (UTF-8, `\\n` line ends) written whole or not at all. Callers escape
    text from input themselves (`safe_cells.csv_row`) where others may open the file."""

    def write(temporary: Path) -> None:
        with temporary.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)

    return replace_atomically(target, write, suffix=".csv")


def replace_atomically(target: Path, write: Callable[[Path], object], suffix: str) -> Path:
    """`write` a temporary file next to `target`, then rename it over `target`:
    readers never see half a file, and a failure leaves the old file as it was
    (`CannotWriteError`, exit 4, for a full disk or a refused write). A symbolic
    link is written through: its target is replaced and returned, the link stays."""
    if target.is_symlink():
        target = target.resolve()
    with folders_made_undone(target.parent), cannot_write(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            dir=target.parent, prefix=f".{target.name}.", suffix=suffix, delete=False
        ) as handle:
            temporary = Path(handle.name)
        try:
            write(temporary)
            # On disk before the rename: after a crash the target is the old file or the
            # new one, whole (a kill -9 cannot cut a rename in half).
            with temporary.open("rb") as written:
                os.fsync(written.fileno())
            # The temporary file is private (0600); give the file the usual permissions.
            os.chmod(temporary, _file_mode(target))
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    return target


def _file_mode(target: Path) -> int:
    """The previous file's permissions, or what a newly created file would get."""
    if target.exists():
        return stat.S_IMODE(target.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def iso_minute(moment: dt.datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M}"


# --- Sheets of the roster workbook only ---------------------------------------------


def paid_hours(problem: Problem, a: Assignment) -> float | None:
    """A row's paid hours as worked: its template's on its date, in real time (None for
    a shift the program does not have)."""
    template = problem.shifts_by_id.get(a.shift_id)
    if template is None:
        return None
    return round(instance(problem, problem.day_of(a.date), template).paid_minutes / 60, 2)


def _assignment_row(a: Assignment) -> tuple[CellValue, ...]:
    return (
        a.date.isoformat(),
        a.shift_id,
        iso_minute(a.start),
        iso_minute(a.end),
        a.team.value,
        a.zone,
        a.unit_id,
        a.employee_id,
        a.role.value,
    )


def _unit_rows(problem: Problem, ordered: Sequence[Assignment]) -> list[tuple[CellValue, ...]]:
    """One row per unit, in roster order; a broken unit lists every member with `;`."""
    members: dict[str, list[Assignment]] = defaultdict(list)
    for a in ordered:
        members[a.unit_id].append(a)

    def ids_and_names(unit: list[Assignment], role: Role) -> tuple[str, str]:
        ids = [a.employee_id for a in unit if a.role is role]
        names = [_person_name(problem, employee_id) for employee_id in ids]
        return ";".join(ids), ";".join(names)

    rows: list[tuple[CellValue, ...]] = []
    for unit_id, unit in members.items():
        first = unit[0]
        rows.append(
            (
                first.date.isoformat(),
                first.shift_id,
                iso_minute(first.start),
                iso_minute(first.end),
                first.team.value,
                first.zone,
                unit_id,
                *ids_and_names(unit, Role.CLINICIAN),
                *ids_and_names(unit, Role.PEER),
            )
        )
    return rows


def _person_name(problem: Problem, employee_id: str) -> str:
    person = problem.people_by_id.get(employee_id)
    return person.name if person is not None else ""


def _roster_sheet(
    sheet: Worksheet, problem: Problem, evaluation: Evaluation, ordered: Sequence[Assignment]
) -> None:
    """People down, days across, one cell per day with that day's shifts, coloured by team."""
    dates = [problem.date_of(day) for day in range(problem.days)]
    date_column = {date: len(ROSTER_PERSON_COLUMNS) + 1 + i for i, date in enumerate(dates)}
    paid_column = len(ROSTER_PERSON_COLUMNS) + len(dates) + 1

    headers: list[tuple[str, PatternFill]] = [(name, HEADER_FILL) for name in ROSTER_PERSON_COLUMNS]
    headers += [
        (
            f"{WEEKDAYS[date.weekday()]} {date:%m-%d}",
            WEEKEND_HEADER_FILL if date.weekday() >= 5 else HEADER_FILL,
        )
        for date in dates
    ]
    headers.append(("paid_hours", HEADER_FILL))
    for column, (title, fill) in enumerate(headers, start=1):
        cell = write_cell(sheet, 1, column, title)
        cell.font = BOLD
        cell.fill = fill

    # Staff in input order, then anyone the roster names who is not on the staff list.
    people: dict[str, tuple[str, str]] = {
        p.employee_id: (p.name, p.role.value) for p in problem.staff
    }
    for a in ordered:
        people.setdefault(a.employee_id, ("", a.role.value))
    shifts_by_cell: dict[tuple[str, dt.date], list[Assignment]] = defaultdict(list)
    for a in ordered:
        if a.date in date_column:
            shifts_by_cell[(a.employee_id, a.date)].append(a)
    paid_hours = {h.employee_id: h.paid_hours for h in evaluation.hours}

    for row, (employee_id, (name, role)) in enumerate(people.items(), start=2):
        for column, value in enumerate((employee_id, name, role), start=1):
            write_cell(sheet, row, column, value)
        lines = 1
        for date, column in date_column.items():
            day_shifts = shifts_by_cell.get((employee_id, date))
            if not day_shifts:
                continue
            text = "\n".join(f"{a.shift_id} {a.team.value}/{a.zone}" for a in day_shifts)
            cell = write_cell(sheet, row, column, text)
            cell.fill = TEAM_FILLS[day_shifts[0].team]
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            lines = max(lines, len(day_shifts))
        write_cell(sheet, row, paid_column, paid_hours.get(employee_id))
        if lines > 1:
            sheet.row_dimensions[row].height = LINE_HEIGHT_POINTS * lines

    last_person_row = len(people) + 1
    sheet.freeze_panes = sheet.cell(row=2, column=len(ROSTER_PERSON_COLUMNS) + 1).coordinate
    sheet.auto_filter.ref = f"A1:{get_column_letter(paid_column)}{last_person_row}"
    # Printed, the grid is a wall chart: landscape, every day on one page width.
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = "1:1"

    legend_row = last_person_row + 2
    write_cell(sheet, legend_row, 1, "legend").font = BOLD
    legend = [(team.value, TEAM_FILLS[team]) for team in Team]
    legend.append(("weekend", WEEKEND_HEADER_FILL))
    for column, (label, fill) in enumerate(legend, start=2):
        write_cell(sheet, legend_row, column, label).fill = fill
    fit_widths(sheet)

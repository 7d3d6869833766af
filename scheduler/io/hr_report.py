"""The HR report workbook that `check --out` writes.

`Summary`, `Coverage`, `Hours`, `Gaps` and `Violations` are written by the same
writers as the roster workbook (`scheduler.io.write_workbook`). Two sheets are
for reading at a glance: `Heatmap` (per team and zone, slots down and days
across, scheduled minus required units, red where short) and `Daily` (required
vs covered unit-hours per day, with a chart). Every figure comes from the
checker's `Evaluation`; every cell goes through `safe_cells.write_cell`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule, Rule
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.io.safe_cells import CellValue, write_cell
from scheduler.io.write_workbook import (
    BOLD,
    HEADER_FILL,
    WEEKEND_HEADER_FILL,
    save_atomically,
    table_sheet,
    write_coverage_sheet,
    write_gaps_sheet,
    write_hours_sheet,
    write_summary_sheet,
    write_violations_sheet,
)
from scheduler.model.problem import WEEKDAYS, Problem, Team
from scheduler.model.report import FINDINGS_PER_KIND, CoverageRow, Evaluation
from scheduler.model.roster import Roster

SHEETS = ("Summary", "Heatmap", "Daily", "Coverage", "Hours", "Gaps", "Violations")
DAILY_COLUMNS = (
    "date",
    "day",
    "required unit-hours",
    "covered unit-hours",
    "target unit-hours",
    "shortfall unit-hours",
)
# Conditional-format fills set both colours: Excel paints a rule's solid fill with
# the background colour, other programs with the foreground one.
SHORT_COLOR = "FFF8696B"
MET_COLOR = "FFC6EFCE"
SHORT_FILL = PatternFill(fill_type="solid", start_color=SHORT_COLOR, end_color=SHORT_COLOR)
MET_FILL = PatternFill(fill_type="solid", start_color=MET_COLOR, end_color=MET_COLOR)
#: Heatmap rows before the first block: the legend line and a blank row.
HEATMAP_FIRST_BLOCK_ROW = 3
HEATMAP_COLUMN_WIDTH = 11
CHART_WIDTH_CM_PER_DAY = 1.2
MIN_CHART_WIDTH_CM = 16.0


def write_hr_report(
    path: str | Path,
    problem: Problem,
    evaluation: Evaluation,
    roster: Roster,
    warnings: Sequence[str] = (),
    roster_warnings: Sequence[str] = (),
    max_per_kind: int = FINDINGS_PER_KIND,
) -> Path:
    """Write the HR report to `path`, replacing any file there only when complete; the
    readers' `warnings` (the program's) and `roster_warnings` are in its Summary.

    `Violations` lists at most `max_per_kind` findings of each rule and `Gaps` that
    many gaps (0: all), like the text and JSON reports; a row per rule cut short says
    how many more, and `Summary` gives the totals and how many are not listed."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = {name: workbook.create_sheet(name) for name in SHEETS}
    not_listed = write_violations_sheet(sheets["Violations"], evaluation, max_per_kind)
    gaps_not_listed = write_gaps_sheet(sheets["Gaps"], evaluation, max_per_kind)
    write_summary_sheet(
        sheets["Summary"],
        problem,
        evaluation,
        None,
        extra=(
            ("roster rows read", roster.rows_read),
            ("roster rows unreadable", len(roster.rejected_rows)),
            *(("roster warning", warning) for warning in roster_warnings),
            ("findings listed per rule", max_per_kind or "all"),
            ("hard violations not listed", not_listed["hard"]),
            ("soft violations not listed", not_listed["soft"]),
            ("coverage gaps", len(evaluation.gaps)),
            ("coverage gaps not listed", gaps_not_listed),
        ),
        warnings=warnings,
    )
    _heatmap_sheet(sheets["Heatmap"], problem, evaluation.coverage)
    _daily_sheet(sheets["Daily"], problem, evaluation.coverage)
    write_coverage_sheet(sheets["Coverage"], evaluation)
    write_hours_sheet(sheets["Hours"], problem, evaluation.hours)
    return save_atomically(workbook, Path(path))


# --- Heatmap ------------------------------------------------------------------------


@dataclass
class _Block:
    """One team and zone: scheduled - required per (minute of day, day)."""

    team: Team
    zone: str
    minutes: set[int] = field(default_factory=set)  # every time of day with a coverage row
    values: dict[tuple[int, int], int] = field(default_factory=dict)


def _heatmap_blocks(problem: Problem, coverage: Sequence[CoverageRow]) -> list[_Block]:
    """A block per team and zone with demand, in Team order then Zones order.

    A cell is blank where nothing is required and nothing is scheduled (a slot
    with only a target), so the colours show required coverage alone.
    """
    blocks: dict[tuple[Team, str], _Block] = {}
    for row in coverage:
        key = (row.team, row.zone)
        if key not in blocks:
            blocks[key] = _Block(row.team, row.zone)
        # By local day and time of day: the two slots of a repeated hour share a cell,
        # which shows the worse of them.
        day = problem.day_of(row.slot_start.date())
        minute_of_day = row.slot_start.hour * 60 + row.slot_start.minute
        block = blocks[key]
        block.minutes.add(minute_of_day)
        if row.required or row.scheduled:
            value = row.scheduled - row.required
            cell = (minute_of_day, day)
            block.values[cell] = min(value, block.values.get(cell, value))
    with_demand = {(row.team, row.zone) for row in coverage if row.required or row.target}
    teams = list(Team)
    zones = {zone_id: i for i, zone_id in enumerate(problem.zone_ids)}
    return sorted(
        (block for key, block in blocks.items() if key in with_demand),
        key=lambda b: (teams.index(b.team), zones.get(b.zone, len(zones)), b.zone),
    )


def _heatmap_sheet(sheet: Worksheet, problem: Problem, coverage: Sequence[CoverageRow]) -> None:
    """Blocks stacked down the sheet, each a title, a day header and one row per slot."""
    write_cell(sheet, 1, 1, "legend").font = BOLD
    write_cell(sheet, 1, 2, "short (< 0)").fill = SHORT_FILL
    write_cell(sheet, 1, 3, "met (>= 0)").fill = MET_FILL
    write_cell(sheet, 1, 4, "cells: scheduled - required units; blank: neither")
    dates = [problem.date_of(day) for day in range(problem.days)]
    last_column = get_column_letter(len(dates) + 1)
    size = problem.slot_minutes
    top = HEATMAP_FIRST_BLOCK_ROW
    for block in _heatmap_blocks(problem, coverage):
        write_cell(sheet, top, 1, f"{block.team.value} {block.zone}").font = BOLD
        header = write_cell(sheet, top + 1, 1, "slot")
        header.font, header.fill = BOLD, HEADER_FILL
        for column, date in enumerate(dates, start=2):
            cell = write_cell(sheet, top + 1, column, f"{WEEKDAYS[date.weekday()]} {date:%m-%d}")
            cell.font = BOLD
            cell.fill = WEEKEND_HEADER_FILL if date.weekday() >= 5 else HEADER_FILL
        first_row = top + 2
        times = range(min(block.minutes), max(block.minutes) + size, size)
        for row, minute_of_day in enumerate(times, start=first_row):
            write_cell(sheet, row, 1, f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}")
            for day in range(len(dates)):
                write_cell(sheet, row, day + 2, block.values.get((minute_of_day, day)))
        last_row = first_row + len(times) - 1
        _colour_rules(sheet, f"B{first_row}:{last_column}{last_row}", f"B{first_row}")
        top = last_row + 2
    sheet.freeze_panes = "B1"
    # Fixed widths: the legend text runs on over the empty cells beside it.
    for column in range(1, len(dates) + 2):
        sheet.column_dimensions[get_column_letter(column)].width = HEATMAP_COLUMN_WIDTH


def _colour_rules(sheet: Worksheet, cells: str, top_left: str) -> None:
    """Red below 0, green from 0; blank cells stop first, since Excel reads them as 0."""
    formatting = sheet.conditional_formatting
    blank = Rule(type="containsBlanks", formula=[f"LEN(TRIM({top_left}))=0"], stopIfTrue=True)
    formatting.add(cells, blank)
    formatting.add(cells, CellIsRule(operator="lessThan", formula=["0"], fill=SHORT_FILL))
    formatting.add(cells, CellIsRule(operator="greaterThanOrEqual", formula=["0"], fill=MET_FILL))


# --- Daily --------------------------------------------------------------------------


def _daily_sheet(sheet: Worksheet, problem: Problem, coverage: Sequence[CoverageRow]) -> None:
    """Unit-hours per day (the day a slot starts on) and a chart of required vs covered."""
    hours_per_slot = problem.slot_minutes / 60
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])  # unit-slots
    for row in coverage:
        day = problem.day_of(row.slot_start.date())
        totals[day][0] += row.required
        totals[day][1] += min(row.scheduled, row.required)
        totals[day][2] += row.target
    rows: list[tuple[CellValue, ...]] = []
    for day in range(problem.days):
        date = problem.date_of(day)
        required, covered, target = totals[day]
        rows.append(
            (
                date.isoformat(),
                f"{WEEKDAYS[date.weekday()]} {date:%m-%d}",
                required * hours_per_slot,
                covered * hours_per_slot,
                target * hours_per_slot,
                (required - covered) * hours_per_slot,
            )
        )
    table_sheet(sheet, DAILY_COLUMNS, rows)

    chart = BarChart()
    chart.type = "col"
    chart.title = "Required vs covered unit-hours per day"
    chart.y_axis.title = "unit-hours"
    # openpyxl 3.1 hides both axes unless told otherwise.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    last_row = problem.days + 1
    chart.add_data(
        Reference(sheet, min_col=3, max_col=4, min_row=1, max_row=last_row), titles_from_data=True
    )
    chart.set_categories(Reference(sheet, min_col=2, min_row=2, max_row=last_row))
    chart.width = max(MIN_CHART_WIDTH_CM, CHART_WIDTH_CM_PER_DAY * problem.days)
    sheet.add_chart(chart, f"{get_column_letter(len(DAILY_COLUMNS) + 2)}2")

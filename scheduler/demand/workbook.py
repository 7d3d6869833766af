"""Write demand from calls as a complete input workbook `solve` reads as is.

The output is a new workbook holding the values of the input's sheets (nothing
else: no formula, link, defined name, conditional format, data validation or
hyperlink of an input is copied), with `Demand` replaced by the windows
computed from the call log, plus `Rates` (every weekday, hour, zone and team
with its rate, load, units and expected service level) and `CallsByHour` (calls
per hour of the day by team, with a chart). `read_problem` ignores sheets it
does not know, so the extra sheets do not disturb `solve`.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import openpyxl
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from scheduler.demand.calls import HOURS_PER_DAY, DemandWindow, HourlyNeed
from scheduler.io.read_workbook import read_problem
from scheduler.io.safe_cells import CellValue, write_cell
from scheduler.io.tables_spec import CALLS_BY_HOUR_SHEET, INPUT_SHEETS_BY_KEY, RATES_SHEET
from scheduler.io.template import csv_folder_workbook
from scheduler.io.write_workbook import (
    BOLD,
    fit_widths,
    replace_atomically,
    save_workbook,
    table_sheet,
)
from scheduler.model.problem import WEEKDAYS, Team

DEMAND_SHEET = "Demand"
DEMAND_COLUMNS = ("team", "zone", "weekday", "start", "end", "required_units", "target_units")
RATES_COLUMNS = (
    "weekday",
    "hour",
    "zone",
    "team",
    "calls_per_hour",
    "busy_minutes",
    "load",
    "units",
    "service_level_expected",
)
DIGITS = 4  # rates and levels are estimates; more digits only add noise


def _clock(hour: int) -> str:
    return f"{hour % HOURS_PER_DAY:02d}:00"  # 24:00 is the next midnight, 00:00


def demand_rows(windows: list[DemandWindow]) -> list[tuple[CellValue, ...]]:
    """Rows of the `Demand` sheet; the target is the same as what is required."""
    return [
        (
            w.team.value,
            w.zone,
            WEEKDAYS[w.weekday],
            _clock(w.start_hour),
            _clock(w.end_hour),
            w.units,
            w.units,
        )
        for w in windows
    ]


def rates_rows(needs: list[HourlyNeed]) -> list[tuple[CellValue, ...]]:
    return [
        (
            WEEKDAYS[n.weekday],
            n.hour,
            n.zone,
            n.team.value,
            round(n.calls_per_hour, DIGITS),
            round(n.busy_minutes, 1),
            round(n.load, DIGITS),
            n.units,
            round(n.expected_service_level, DIGITS),
        )
        for n in needs
    ]


def calls_by_hour_rows(needs: list[HourlyNeed]) -> list[tuple[CellValue, ...]]:
    """Mean calls per hour of the day over the week, all zones together, per team."""
    totals: dict[tuple[int, Team], float] = defaultdict(float)
    for n in needs:
        totals[(n.hour, n.team)] += n.calls_per_hour / len(WEEKDAYS)
    return [
        (_clock(hour), *(round(totals[(hour, team)], DIGITS) for team in Team))
        for hour in range(HOURS_PER_DAY)
    ]


def _load_input_book(input_path: Path) -> Workbook:
    """The input as a new workbook holding its values only.

    A CSV folder is read as `check` reads it (`csv_folder_workbook`). From an .xlsx
    only cell values (and number formats, so a date stays a date) are copied, each
    through `write_cell`: a formula becomes the value Excel last computed (what
    `read_problem` reads), text that looks like a formula stays text, and defined
    names, conditional formats, data validations, hyperlinks and links to other
    workbooks, which can all hold formulas or URLs, are left behind. The caller has
    read the input with `read_problem` first, so its size limits were checked.
    """
    if input_path.is_dir():
        return csv_folder_workbook(input_path)
    source = openpyxl.load_workbook(input_path, read_only=True, data_only=True, keep_links=False)
    book = Workbook()
    book.remove(book.active)
    try:
        for sheet in source.worksheets:
            copy = book.create_sheet(sheet.title)
            sheet.reset_dimensions()  # some writers store wrong dimensions
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.value is None:
                        continue
                    written = write_cell(copy, cell.row, cell.column, cell.value)
                    written.number_format = cell.number_format
            if copy.title.lower() in INPUT_SHEETS_BY_KEY:
                for header in copy[1]:
                    if header.value is not None:
                        header.font = BOLD
                copy.freeze_panes = "A2"
            fit_widths(copy)
    finally:
        source.close()
    return book


def write_demand_workbook(
    input_path: str | Path,
    needs: list[HourlyNeed],
    windows: list[DemandWindow],
    out: str | Path,
) -> Path:
    """Write the input's sheets with `Demand` replaced, plus `Rates` and `CallsByHour`.

    Raises `InputError` when the input cannot be read, or when the workbook built
    from it does not read back as a program; `out` is then left as it was.
    """
    book = _load_input_book(Path(input_path))
    position = len(book.sheetnames)
    for name in list(book.sheetnames):
        if name.lower() == DEMAND_SHEET.lower():
            position = book.sheetnames.index(name)
        if name.lower() in {s.lower() for s in (DEMAND_SHEET, RATES_SHEET, CALLS_BY_HOUR_SHEET)}:
            del book[name]  # a rerun on its own output replaces these too
    table_sheet(book.create_sheet(DEMAND_SHEET, position), DEMAND_COLUMNS, demand_rows(windows))
    table_sheet(book.create_sheet(RATES_SHEET), RATES_COLUMNS, rates_rows(needs))
    hourly = book.create_sheet(CALLS_BY_HOUR_SHEET)
    table_sheet(
        hourly,
        ("hour", *(f"{team.value}_calls_per_hour" for team in Team)),
        calls_by_hour_rows(needs),
    )
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "Calls per hour of the day (mean over the week, all zones)"
    chart.y_axis.title = "calls per hour"
    chart.x_axis.title = "hour"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.add_data(
        Reference(hourly, min_col=2, max_col=1 + len(Team), min_row=1, max_row=1 + HOURS_PER_DAY),
        titles_from_data=True,
    )
    chart.set_categories(Reference(hourly, min_col=1, min_row=2, max_row=1 + HOURS_PER_DAY))
    chart.width = 24
    hourly.add_chart(chart, "E2")

    def save_checked(temporary: Path) -> None:
        save_workbook(book, temporary)
        read_problem(temporary)  # what `solve` will read; a failure here writes nothing

    return replace_atomically(Path(out), save_checked, suffix=".xlsx")

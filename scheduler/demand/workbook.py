"""Write demand from calls as a complete input workbook `solve` reads as is.

The output is the input's own sheets with `Demand` replaced by the windows
computed from the call log, plus `Rates` (every weekday, hour, zone and team
with its rate, load, units and expected service level) and `CallsByHour` (calls
per hour of the day by team, with a chart). `read_problem` ignores sheets it
does not know, so the extra sheets do not disturb `solve`.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from pathlib import Path

import openpyxl
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from scheduler.demand.calls import HOURS_PER_DAY, DemandWindow, HourlyNeed
from scheduler.io.safe_cells import CellValue
from scheduler.io.tables_spec import CALLS_BY_HOUR_SHEET, RATES_SHEET
from scheduler.io.template import csv_folder_to_workbook
from scheduler.io.write_workbook import save_atomically, table_sheet
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
    """The input as an editable workbook (a CSV folder is built into one first).

    Formulas are replaced by the values Excel last computed for them (what
    `read_problem` reads) and links to other workbooks are dropped: no formula
    or link from an input is copied into the output. Text cells stay text
    (`csv_folder_to_workbook` writes through `safe_cells`).
    """
    if not input_path.is_dir():
        return openpyxl.load_workbook(input_path, data_only=True, keep_links=False)
    with tempfile.TemporaryDirectory() as folder:
        built = Path(folder) / "input.xlsx"
        csv_folder_to_workbook(input_path, built)
        return openpyxl.load_workbook(built, data_only=True)


def write_demand_workbook(
    input_path: str | Path,
    needs: list[HourlyNeed],
    windows: list[DemandWindow],
    out: str | Path,
) -> Path:
    """Write the input's sheets with `Demand` replaced, plus `Rates` and `CallsByHour`."""
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
    return save_atomically(book, Path(out))

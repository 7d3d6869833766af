"""The simulation report workbook (SimSummary, SimByZone, SimByHour, with charts) and
the reader of the `Rates` sheet that `demand` writes, the Poisson input of `simulate`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TypeGuard, cast

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.errors import InputError, InputIssue
from scheduler.io.safe_cells import CellValue, write_cell
from scheduler.io.tables import load_tables
from scheduler.io.tables_spec import RATES_SHEET
from scheduler.io.write_workbook import save_atomically, table_sheet
from scheduler.model.problem import WEEKDAYS, Problem, Team
from scheduler.model.simulation import ALL, Estimate, GroupResult, RateKey, Rates, SimulationResult

RATES_REQUIRED = ("weekday", "hour", "zone", "team", "calls_per_hour", "busy_minutes")

FIGURES = (
    ("within_target", "reached within target"),
    ("median_response", "median response (min)"),
    ("p90_response", "90th pct response (min)"),
    ("waited", "waited for a unit"),
    ("uncovered", "no unit on duty"),
    ("utilisation", "unit utilisation"),
)


def _headers(first: Sequence[str]) -> list[str]:
    headers = [*first, "calls per run"]
    for _, label in FIGURES:
        headers += [label, "95% CI low", "95% CI high"]
    return headers


def _number(value: float) -> float | None:
    """Cells hold no inf or NaN (Excel cannot): an undefined figure is left empty."""
    return round(value, 4) if math.isfinite(value) else None


def _cells(group: GroupResult) -> list[CellValue]:
    values: list[CellValue] = [round(group.calls, 2)]
    for name, _ in FIGURES:
        estimate: Estimate | None = getattr(group, name)
        if estimate is None:
            values += [None, None, None]
        else:
            values += [_number(estimate.mean), _number(estimate.low), _number(estimate.high)]
    return values


def _chart(
    sheet: Worksheet, chart: BarChart | LineChart, title: str, rows: int, anchor_column: int
) -> None:
    """Chart the `reached within target` column against the first columns as categories."""
    chart.title = title
    chart.y_axis.title = "share"
    # openpyxl 3.1 hides both axes unless told otherwise.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    within_column = _headers([]).index(FIGURES[0][1]) + anchor_column
    chart.add_data(
        Reference(sheet, min_col=within_column, min_row=1, max_row=rows + 1),
        titles_from_data=True,
    )
    chart.set_categories(
        Reference(sheet, min_col=1, max_col=anchor_column - 1, min_row=2, max_row=rows + 1)
    )
    chart.width = 24
    sheet.add_chart(chart, f"{get_column_letter(len(_headers([])) + anchor_column + 1)}2")


def write_simulation_report(path: Path, result: SimulationResult) -> Path:
    """Write the three sheets atomically; returns the path written."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = "SimSummary"
    settings = result.settings
    teams = [g for g in result.groups if g.zone == ALL and g.hour is None]
    table_sheet(summary, _headers(["team"]), [[g.team, *_cells(g)] for g in teams])
    notes_row = len(teams) + 3
    for offset, (label, value) in enumerate(
        (
            ("target minutes", settings.target_minutes),
            ("replications", settings.replications),
            ("first seed", settings.seed),
            ("busy time", f"{settings.busy_distribution}, CV {settings.busy_cv}"),
            ("travel", "Zones.travel_minutes in a zone; Travel between zones, else +8 min"),
        )
    ):
        write_cell(summary, notes_row + offset, 1, label)
        write_cell(summary, notes_row + offset, 2, cast(CellValue, value))
    _chart(summary, BarChart(), "Calls reached within target, by team", len(teams), 2)

    by_zone = workbook.create_sheet("SimByZone")
    zones = [g for g in result.groups if g.zone != ALL and g.hour is None]
    table_sheet(by_zone, _headers(["team", "zone"]), [[g.team, g.zone, *_cells(g)] for g in zones])
    _chart(by_zone, BarChart(), "Calls reached within target, by team and zone", len(zones), 3)

    by_hour = workbook.create_sheet("SimByHour")
    hours = sorted(
        (g for g in result.groups if g.zone == ALL and g.hour is not None),
        key=lambda g: (g.team != ALL, g.team, g.hour),
    )
    table_sheet(
        by_hour,
        _headers(["team", "hour"]),
        [[g.team, f"{g.hour:02d}:00", *_cells(g)] for g in hours],
    )
    _chart(by_hour, LineChart(), "Calls reached within target, by hour of day", len(hours), 3)
    return save_atomically(workbook, path)


#: Bounds of a Rates row: far above any zone's calls, low enough that a simulation of
#: the horizon stays quick (each call is an event) and nothing overflows.
MAX_CALLS_PER_HOUR = 200
MAX_BUSY_MINUTES = 24 * 60


def _finite(value: object) -> TypeGuard[int | float]:
    """A number cell (not a boolean) that is neither infinite nor NaN."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def read_rates(path: Path, problem: Problem) -> tuple[Rates, dict[RateKey, float]]:
    """Calls per hour and mean busy minutes per (weekday, hour, zone, team) from the
    `Rates` sheet of a `demand` workbook; every bad cell is reported, with its row."""
    tables = load_tables(path, only={RATES_SHEET.lower()})
    if tables.issues:
        raise InputError(tables.issues)
    table = tables.by_key.get(RATES_SHEET.lower())
    if table is None:
        raise InputError(InputIssue(sheet=RATES_SHEET, message=tables.where_missing(RATES_SHEET)))
    missing = [c for c in RATES_REQUIRED if c not in table.columns]
    if missing:  # a title row above the header is named, as every other reader does
        raise InputError(table.missing_columns(missing, RATES_REQUIRED, RATES_REQUIRED))
    zones = {zone.zone_id for zone in problem.zones}
    rates: Rates = {}
    busy: dict[RateKey, float] = {}
    row_of: dict[RateKey, int] = {}
    issues: list[InputIssue] = []
    for row in table.rows:

        def issue(column: str, message: str, number: int = row.number) -> None:
            issues.append(InputIssue(table.sheet, message, number, column, table.letter(column)))

        cells = row.cells
        weekday_text = str(cells.get("weekday", "")).strip().title()
        hour, rate, minutes = (
            cells.get("hour"),
            cells.get("calls_per_hour"),
            cells.get("busy_minutes"),
        )
        zone, team_text = str(cells.get("zone", "")).strip(), str(cells.get("team", "")).strip()
        ok = True
        if weekday_text not in WEEKDAYS:
            issue("weekday", f"weekday {weekday_text!r} is not one of {', '.join(WEEKDAYS)}")
            ok = False
        if not _finite(hour) or hour != int(hour) or not 0 <= hour < 24:
            issue("hour", f"hour {hour!r} is not a whole number from 0 to 23")
            ok = False
        if zone not in zones:
            issue("zone", f"zone {zone!r} is not in the input's Zones")
            ok = False
        if team_text.lower() not in {team.value for team in Team}:
            issue("team", f"team {team_text!r} is not one of {', '.join(t.value for t in Team)}")
            ok = False
        if not _finite(rate) or not 0 <= rate <= MAX_CALLS_PER_HOUR:
            issue(
                "calls_per_hour",
                f"calls_per_hour {rate!r} is not a number from 0 to {MAX_CALLS_PER_HOUR}",
            )
            ok = False
        if not _finite(minutes) or not 0 < minutes <= MAX_BUSY_MINUTES:
            issue(
                "busy_minutes",
                f"busy_minutes {minutes!r} is not a number above 0 and at most {MAX_BUSY_MINUTES}",
            )
            ok = False
        if ok:
            assert isinstance(hour, int | float) and isinstance(rate, int | float)
            assert isinstance(minutes, int | float)
            key = (WEEKDAYS.index(weekday_text), int(hour), zone, Team(team_text.lower()))
            if key in row_of:  # which of two rates holds is unknown: neither is taken
                issue(
                    "weekday",
                    f"{weekday_text} {int(hour):02d}:00 {zone} {key[3].value} is also on row "
                    f"{row_of[key]}; keep one",
                )
                continue
            row_of[key] = row.number
            rates[key] = float(rate)
            busy[key] = float(minutes)
    if issues:
        raise InputError(issues)
    return rates, busy

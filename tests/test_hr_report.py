"""The HR report workbook: its sheets, the heatmap's numbers and colour rules, the
daily totals and chart, and no formula anywhere."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.evaluate import evaluate
from scheduler.io.hr_report import write_hr_report
from scheduler.model.problem import WEEKDAYS, Problem
from scheduler.model.report import Evaluation
from scheduler.model.roster import RejectedRow, Roster
from tests.factories import demand, make_problem, make_roster, person, unit

MON, TUE, WED, THU, FRI = range(5)
BOTH_TEAMS = ("adult", "juvenile")
RED = "FFF8696B"
LIGHT_GREEN = "FFC6EFCE"


def make_case() -> tuple[Problem, Roster, Evaluation]:
    """Monday adult N short after the day shift, Tuesday adult S one unit of two,
    a target-only juvenile window, and a unit where nothing is required."""
    problem = make_problem(
        staff=[
            person("C01", "clinician", BOTH_TEAMS),
            person("C02", "clinician", BOTH_TEAMS),
            person("P01", "peer", BOTH_TEAMS, name="=1+2"),
            person("P02", "peer", BOTH_TEAMS),
        ],
        demand=[
            demand("adult", "N", "Mon", "08:00", "22:00", 1, 2),
            demand("adult", "S", "Tue", "18:00", "22:00", 2),
            demand("juvenile", "N", "Wed", "10:00", "12:00", 0, 1),
        ],
    )
    roster = make_roster(
        unit(problem, "C01", "P01", MON, "D8", "adult", "N"),  # 08:00-16:30
        unit(problem, "C02", "P02", TUE, "E8", "adult", "S"),  # 13:30-22:00
        unit(problem, "C01", "P01", FRI, "D8", "juvenile", "S"),  # no demand there
    ).model_copy(
        update={"rejected_rows": (RejectedRow(row=8, column="role", message="role 'nurse'"),)}
    )
    return problem, roster, evaluate(problem, roster)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Evaluation, Path]:
    problem, roster, evaluation = make_case()
    target = tmp_path_factory.mktemp("hr") / "hr.xlsx"
    assert write_hr_report(target, problem, evaluation, roster) == target
    return evaluation, target


def heatmap_cells(sheet: Worksheet) -> dict[tuple[str, str, str], Any]:
    """(block title, slot, day header) -> cell value, for every slot cell."""
    cells: dict[tuple[str, str, str], Any] = {}
    rows = list(sheet.iter_rows(values_only=True))
    title, days = "", ()
    for index, row in enumerate(rows):
        if index + 1 < len(rows) and rows[index + 1][0] == "slot":
            title, days = row[0], rows[index + 1][1:]
        elif title and row[0] and re.fullmatch(r"\d\d:\d\d", row[0]):
            for day, value in zip(days, row[1:], strict=True):
                cells[(title, row[0], day)] = value
    return cells


def test_sheets(report: tuple[Evaluation, Path]) -> None:
    _, path = report
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "Summary", "Heatmap", "Daily", "Coverage", "Hours", "Gaps", "Violations"
    ]  # fmt: skip
    summary = dict(book["Summary"].iter_rows(min_row=2, max_col=2, values_only=True))
    assert summary["status"] == "checked"
    assert (summary["roster rows read"], summary["roster rows unreadable"]) == (7, 1)
    assert summary["required unit-slots"] == 22
    assert [row[:4] for row in book["Gaps"].iter_rows(values_only=True)] == [
        ("team", "zone", "start", "end"),
        ("adult", "N", "2026-03-02T16:00", "2026-03-02T22:00"),
        ("adult", "S", "2026-03-03T18:00", "2026-03-03T22:00"),
    ]


def test_heatmap_blocks_and_known_cells(report: tuple[Evaluation, Path]) -> None:
    _, path = report
    sheet = openpyxl.load_workbook(path)["Heatmap"]
    assert [sheet.cell(1, column).value for column in range(1, 4)] == [
        "legend",
        "short (< 0)",
        "met (>= 0)",
    ]
    titles = [sheet.cell(row, 1).value for row in (3, 20, 31)]
    assert titles == ["adult N", "adult S", "juvenile N"]  # none for juvenile S: no demand
    assert [sheet.cell(4, column).value for column in (1, 2, 8)] == [
        "slot",
        "Mon 03-02",
        "Sun 03-08",
    ]
    assert (sheet["A5"].value, sheet["A18"].value, sheet["A19"].value) == ("08:00", "21:00", None)
    assert (sheet["B12"].value, sheet["B13"].value) == (0, -1)  # Mon 15:00 met, 16:00 short
    assert (sheet["A26"].value, sheet["C26"].value) == ("18:00", -1)  # Tue adult S: 1 of 2
    assert (sheet["A22"].value, sheet["C22"].value) == ("14:00", 1)  # a unit, nothing required
    assert sheet["B22"].value is None
    # Target-only slots: nothing required or scheduled, so blank.
    assert [sheet.cell(row, 4).value for row in (33, 34)] == [None, None]
    assert (sheet["A33"].value, sheet["A34"].value) == ("10:00", "11:00")


def test_heatmap_is_negative_exactly_where_coverage_is_short(
    report: tuple[Evaluation, Path],
) -> None:
    evaluation, path = report
    cells = heatmap_cells(openpyxl.load_workbook(path)["Heatmap"])
    negative = {key for key, value in cells.items() if value is not None and value < 0}
    short = {
        (
            f"{row.team} {row.zone}",
            f"{row.slot_start:%H:%M}",
            f"{WEEKDAYS[row.slot_start.weekday()]} {row.slot_start:%m-%d}",
        )
        for row in evaluation.coverage
        if row.shortfall > 0
    }
    assert len(short) == 10
    assert negative == short
    # Every other cell holds scheduled - required of its coverage row.
    blocks = {title for title, _, _ in cells}
    shown = [r for r in evaluation.coverage if f"{r.team} {r.zone}" in blocks]
    filled = [value for value in cells.values() if value is not None]
    assert sum(filled) == sum(r.scheduled - r.required for r in shown) == -6


def test_heatmap_colour_rules(report: tuple[Evaluation, Path]) -> None:
    _, path = report
    formatting = openpyxl.load_workbook(path)["Heatmap"].conditional_formatting
    ranges = {str(entry.sqref): entry.rules for entry in formatting}
    assert set(ranges) == {"B5:H18", "B22:H29", "B33:H34"}
    for cells, rules in ranges.items():
        blank, short, met = rules
        assert (blank.type, blank.stopIfTrue) == ("containsBlanks", True)
        assert blank.formula == [f"LEN(TRIM({cells.split(':')[0]}))=0"]
        assert (short.type, short.operator, short.formula) == ("cellIs", "lessThan", ["0"])
        assert short.dxf.fill.bgColor.rgb == RED
        assert (met.type, met.operator, met.formula) == ("cellIs", "greaterThanOrEqual", ["0"])
        assert met.dxf.fill.bgColor.rgb == LIGHT_GREEN
        assert blank.priority < short.priority < met.priority


def test_daily_totals_and_chart(report: tuple[Evaluation, Path]) -> None:
    evaluation, path = report
    sheet = openpyxl.load_workbook(path)["Daily"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[:4] == [
        (
            "date", "day", "required unit-hours", "covered unit-hours", "target unit-hours",
            "shortfall unit-hours",
        ),
        ("2026-03-02", "Mon 03-02", 14, 8, 28, 6),
        ("2026-03-03", "Tue 03-03", 8, 4, 8, 4),
        ("2026-03-04", "Wed 03-04", 0, 0, 2, 0),
    ]  # fmt: skip
    assert rows[4:] == [
        (f"2026-03-0{d}", f"{WEEKDAYS[d - 2]} 03-0{d}", 0, 0, 0, 0) for d in (5, 6, 7, 8)
    ]
    coverage = evaluation.coverage
    assert sum(row[2] for row in rows[1:]) == sum(c.required for c in coverage)
    assert sum(row[3] for row in rows[1:]) == sum(min(c.scheduled, c.required) for c in coverage)
    assert sum(row[4] for row in rows[1:]) == sum(c.target for c in coverage)
    assert sum(row[5] for row in rows[1:]) == evaluation.parts.required_shortfall
    (chart,) = sheet._charts
    assert len(chart.series) == 2
    assert chart.anchor._from.col == 7  # column H, beside the table


def test_no_formula_cells(report: tuple[Evaluation, Path]) -> None:
    _, path = report
    book = openpyxl.load_workbook(path)
    formulas = [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []
    assert book["Hours"]["B4"].value == "=1+2"


def test_roster_warnings_reach_the_summary(tmp_path: Path) -> None:
    problem, roster, evaluation = make_case()
    noted = ("Assignments: column 'note' is not used",)
    target = write_hr_report(
        tmp_path / "hr.xlsx", problem, evaluation, roster, roster_warnings=noted
    )
    rows = list(openpyxl.load_workbook(target)["Summary"].iter_rows(values_only=True))
    assert ("roster warning", "Assignments: column 'note' is not used") in rows

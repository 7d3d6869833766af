"""The output workbook: sheet order, contract columns, safe text and atomic saving."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path
from typing import Any, BinaryIO

import openpyxl
import pytest
from openpyxl import Workbook

from scheduler.io.output_paths import CannotWriteError
from scheduler.io.safe_cells import write_cell
from scheduler.io.write_workbook import write_roster_workbook
from scheduler.model.calendar import clock_warnings
from scheduler.model.problem import (
    Person,
    PersonRules,
    Problem,
    Role,
    Rules,
    ShiftTemplate,
    Team,
    Zone,
)
from scheduler.model.report import (
    CoverageRow,
    Evaluation,
    Gap,
    ObjectiveParts,
    PersonHours,
    Violation,
)
from scheduler.model.result import SolveParams, SolveResult, SolveStatus
from scheduler.model.roster import Assignment, Roster

MONDAY = dt.date(2026, 3, 2)
SATURDAY = dt.date(2026, 3, 7)
ADULT_FILL = "FFDDEBF7"
JUVENILE_FILL = "FFE2EFDA"
WEEKEND_HEADER_FILL = "FFFFE699"
# date, shift_id, start, end of the three shifts in the test roster
D8_MONDAY = ("2026-03-02", "D8", "2026-03-02T08:00", "2026-03-02T16:30")
N12_MONDAY = ("2026-03-02", "N12", "2026-03-02T20:00", "2026-03-03T08:00")
N12_SATURDAY = ("2026-03-07", "N12", "2026-03-07T20:00", "2026-03-08T08:00")


def person(employee_id: str, name: str, role: Role) -> Person:
    return Person(
        employee_id=employee_id,
        name=name,
        role=role,
        teams=(Team.ADULT, Team.JUVENILE),
        home_zone="N",
        hourly_rate=40,
        rules=PersonRules.from_rules(Rules()),
    )


def make_problem() -> Problem:
    return Problem(
        name="Hartford test",
        start_date=MONDAY,
        days=7,
        staff=(
            person("c1", "Ana Ruiz", Role.CLINICIAN),
            person("p1", "=1+2", Role.PEER),
            person("c2", "@SUM(A1)", Role.CLINICIAN),
            person("p2", "Bo Li", Role.PEER),
        ),
        zones=(Zone(zone_id="N", name="North"), Zone(zone_id="S", name="South")),
        shifts=(
            ShiftTemplate(
                shift_id="D8", start_minute=8 * 60, end_minute=16 * 60 + 30, unpaid_break_minutes=30
            ),
            ShiftTemplate(shift_id="N12", start_minute=20 * 60, end_minute=8 * 60),
        ),
    )


#: What the program's reader said about it (readers give warnings beside the problem).
READER_WARNINGS = ("Staff: unknown column 'badge' kept",)


def assignment(
    date: dt.date, shift: str, team: Team, zone: str, unit: str, employee: str, role: Role
) -> Assignment:
    start, end = {"D8": ((8, 0), (16, 30)), "N12": ((20, 0), (8, 0))}[shift]
    start_at = dt.datetime.combine(date, dt.time(*start))
    end_at = dt.datetime.combine(date, dt.time(*end))
    if end_at <= start_at:
        end_at += dt.timedelta(days=1)
    return Assignment(
        date=date,
        shift_id=shift,
        start=start_at,
        end=end_at,
        team=team,
        zone=zone,
        unit_id=unit,
        employee_id=employee,
        role=role,
    )


def make_roster() -> Roster:
    """Three units, deliberately out of order; c1 works two shifts starting Monday."""
    return Roster(
        assignments=(
            assignment(SATURDAY, "N12", Team.JUVENILE, "S", "U3", "p2", Role.PEER),
            assignment(MONDAY, "N12", Team.JUVENILE, "S", "U2", "c1", Role.CLINICIAN),
            assignment(MONDAY, "D8", Team.ADULT, "N", "U1", "p1", Role.PEER),
            assignment(SATURDAY, "N12", Team.JUVENILE, "S", "U3", "c2", Role.CLINICIAN),
            assignment(MONDAY, "D8", Team.ADULT, "N", "U1", "c1", Role.CLINICIAN),
            assignment(MONDAY, "N12", Team.JUVENILE, "S", "U2", "p2", Role.PEER),
        )
    )


def hours(employee_id: str, name: str, role: Role, paid: float) -> PersonHours:
    return PersonHours(
        employee_id=employee_id,
        name=name,
        role=role,
        shifts=1,
        paid_hours=paid,
        contract_hours=0.0,
        max_hours_per_week=None,
        overtime_hours=0.0,
        overtime_cost=0.0,
        weekly_paid_hours=(paid,),
        nights=0,
        evenings=0,
        weekend_days=0,
        requests=1,
        requests_met=1 if employee_id == "c1" else 0,
    )


def make_evaluation() -> Evaluation:
    return Evaluation(
        hard_violations=(
            Violation(
                rule="rest",
                employee_id="c1",
                when="Mon 2026-03-02 16:30",
                detail="3.5 h rest, needs 10 h",
                hard=True,
                amount=6.5,
            ),
        ),
        soft_violations=(
            Violation(
                rule="prefer_off",
                employee_id="p2",
                when="Sat 2026-03-07",
                detail="worked a day asked off",
                hard=False,
                amount=1.0,
                penalty=450000.0,
            ),
        ),
        coverage=(
            CoverageRow(dt.datetime(2026, 3, 2, 8), Team.ADULT, "N", 1, 2, 1),
            CoverageRow(dt.datetime(2026, 3, 2, 16), Team.ADULT, "N", 1, 1, 0),
            CoverageRow(dt.datetime(2026, 3, 2, 20), Team.JUVENILE, "S", 0, 1, 1),
        ),
        gaps=(
            Gap(
                team=Team.ADULT,
                zone="N",
                start=dt.datetime(2026, 3, 2, 16),
                end=dt.datetime(2026, 3, 2, 17),
                required=1,
                scheduled=0,
                unit_slots_short=1,
                reason="no clinician available",
            ),
        ),
        hours=(
            hours("c1", "Ana Ruiz", Role.CLINICIAN, 20.0),
            hours("p1", "=1+2", Role.PEER, 8.0),
            hours("c2", "@SUM(A1)", Role.CLINICIAN, 12.0),
            hours("p2", "Bo Li", Role.PEER, 24.0),
        ),
        parts=ObjectiveParts(required_shortfall=1, target_shortfall=2, request_penalty=1),
        unit_count=3,
        shortfall_by_team={"adult": 1},
    )


def make_result(roster: Roster) -> SolveResult:
    return SolveResult(
        status=SolveStatus.FEASIBLE,
        roster=roster,
        objective=500_000.0,
        bound=400_000.0,
        stage1_objective=1002.0,
        stage1_bound=1002.0,
        stage1_optimal=True,
        seconds=3.14159,
        seconds_to_first=0.5,
        params=SolveParams(time_limit=10.0, workers=4, seed=7, deterministic=True),
        message="time limit reached in stage 2",
    )


def sheet_rows(path: Path, name: str) -> list[tuple[Any, ...]]:
    return list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))


def summary(path: Path) -> dict[str, Any]:
    rows = sheet_rows(path, "Summary")
    assert rows[0] == ("key", "value")
    return {key: value for key, value in rows[1:] if key != "warning"}


@pytest.fixture
def written(tmp_path: Path) -> Path:
    target = tmp_path / "roster.xlsx"
    returned = write_roster_workbook(
        target, make_problem(), make_evaluation(), roster=make_roster(), warnings=READER_WARNINGS
    )
    assert returned == target
    return target


def test_sheets_in_contract_order(written: Path) -> None:
    assert openpyxl.load_workbook(written).sheetnames == [
        "Summary",
        "Assignments",
        "Coverage",
        "Roster",
        "Units",
        "Hours",
        "Gaps",
        "Violations",
    ]


def test_assignments_rows_are_sorted_iso_text(written: Path) -> None:
    assert sheet_rows(written, "Assignments") == [
        ("date", "shift_id", "start", "end", "team", "zone", "unit_id", "employee_id", "role"),
        (*D8_MONDAY, "adult", "N", "U1", "c1", "clinician"),
        (*D8_MONDAY, "adult", "N", "U1", "p1", "peer"),
        (*N12_MONDAY, "juvenile", "S", "U2", "c1", "clinician"),
        (*N12_MONDAY, "juvenile", "S", "U2", "p2", "peer"),
        (*N12_SATURDAY, "juvenile", "S", "U3", "c2", "clinician"),
        (*N12_SATURDAY, "juvenile", "S", "U3", "p2", "peer"),
    ]


def test_coverage_rows(written: Path) -> None:
    assert sheet_rows(written, "Coverage") == [
        ("slot_start", "team", "zone", "required", "target", "scheduled", "shortfall"),
        ("2026-03-02T08:00", "adult", "N", 1, 2, 1, 0),
        ("2026-03-02T16:00", "adult", "N", 1, 1, 0, 1),
        ("2026-03-02T20:00", "juvenile", "S", 0, 1, 1, 0),
    ]


def test_units_gaps_violations_and_hours(written: Path) -> None:
    assert sheet_rows(written, "Units") == [
        (
            *("date", "shift_id", "start", "end", "team", "zone", "unit_id"),
            *("clinician_id", "clinician_name", "peer_id", "peer_name"),
        ),
        (*D8_MONDAY, "adult", "N", "U1", "c1", "Ana Ruiz", "p1", "=1+2"),
        (*N12_MONDAY, "juvenile", "S", "U2", "c1", "Ana Ruiz", "p2", "Bo Li"),
        (*N12_SATURDAY, "juvenile", "S", "U3", "c2", "@SUM(A1)", "p2", "Bo Li"),
    ]
    assert sheet_rows(written, "Gaps") == [
        ("team", "zone", "start", "end", "required", "scheduled", "unit_slots_short", "reason"),
        ("adult", "N", "2026-03-02T16:00", "2026-03-02T17:00", 1, 0, 1, "no clinician available"),
    ]
    assert sheet_rows(written, "Violations") == [
        ("severity", "rule", "employee_id", "when", "detail", "amount", "penalty"),
        ("hard", "rest", "c1", "Mon 2026-03-02 16:30", "3.5 h rest, needs 10 h", 6.5, 0),
        ("soft", "prefer_off", "p2", "Sat 2026-03-07", "worked a day asked off", 1, 450000),
    ]
    hours_rows = sheet_rows(written, "Hours")
    assert hours_rows[0] == (
        "employee_id", "name", "role", "shifts", "paid_hours", "contract_hours",
        "max_hours_per_week", "overtime_hours", "overtime_cost", "week_1_hours",
        "nights", "evenings", "weekend_days", "requests", "requests_met",
    )  # fmt: skip
    assert hours_rows[1] == ("c1", "Ana Ruiz", "clinician", 1, 20, 0, None, 0, 0, 20, 0, 0, 0, 1, 1)


def test_empty_tables_keep_their_headers(tmp_path: Path) -> None:
    empty = Evaluation(
        hard_violations=(),
        soft_violations=(),
        coverage=(),
        gaps=(),
        hours=(),
        parts=ObjectiveParts(),
        unit_count=0,
    )
    target = write_roster_workbook(tmp_path / "r.xlsx", make_problem(), empty, roster=Roster())
    assert sheet_rows(target, "Gaps") == [
        ("team", "zone", "start", "end", "required", "scheduled", "unit_slots_short", "reason")
    ]
    assert sheet_rows(target, "Assignments") == [
        ("date", "shift_id", "start", "end", "team", "zone", "unit_id", "employee_id", "role")
    ]
    assert summary(target)["coverage met %"] == 100


def test_formula_like_text_stays_text(written: Path) -> None:
    book = openpyxl.load_workbook(written)
    roster = book["Roster"]
    assert (roster["B3"].value, roster["B3"].data_type) == ("=1+2", "s")
    assert (roster["B4"].value, roster["B4"].data_type) == ("@SUM(A1)", "s")
    hours = book["Hours"]
    assert (hours["B3"].value, hours["B3"].data_type) == ("=1+2", "s")
    formulas = [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []


def test_write_cell_keeps_text_and_drops_illegal_characters() -> None:
    sheet = Workbook().active
    assert write_cell(sheet, 1, 1, '=HYPERLINK("http://x")').data_type == "s"
    assert write_cell(sheet, 1, 2, "-3").data_type == "s"
    assert write_cell(sheet, 1, 3, -3).data_type == "n"
    assert write_cell(sheet, 1, 4, "Bo\x00 Li\x07").value == "Bo Li"


def test_roster_grid(written: Path) -> None:
    sheet = openpyxl.load_workbook(written)["Roster"]
    header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True))
    assert header == (
        "employee_id", "name", "role", "Mon 03-02", "Tue 03-03", "Wed 03-04",
        "Thu 03-05", "Fri 03-06", "Sat 03-07", "Sun 03-08", "paid_hours",
    )  # fmt: skip
    assert sheet.freeze_panes == "D2"
    assert [sheet.cell(row, 1).value for row in range(2, 6)] == ["c1", "p1", "c2", "p2"]
    two_shifts = sheet["D2"]  # c1 on Monday: a day shift and a night shift
    assert two_shifts.value == "D8 adult/N\nN12 juvenile/S"
    assert two_shifts.fill.fgColor.rgb == ADULT_FILL
    saturday = sheet["I4"]  # c2 on Saturday
    assert saturday.value == "N12 juvenile/S"
    assert saturday.fill.fgColor.rgb == JUVENILE_FILL
    assert sheet["E2"].value is None
    assert sheet["I1"].fill.fgColor.rgb == WEEKEND_HEADER_FILL
    assert sheet["H1"].fill.fgColor.rgb != WEEKEND_HEADER_FILL
    assert [sheet.cell(row, 11).value for row in range(2, 6)] == [20, 8, 12, 24]
    assert [sheet.cell(7, column).value for column in range(1, 5)] == [
        "legend",
        "adult",
        "juvenile",
        "weekend",
    ]
    assert sheet["B7"].fill.fgColor.rgb == ADULT_FILL
    assert sheet["C7"].fill.fgColor.rgb == JUVENILE_FILL


def test_table_sheets_are_frozen_and_filtered(written: Path) -> None:
    book = openpyxl.load_workbook(written)
    for name in ("Summary", "Assignments", "Coverage", "Units", "Hours", "Gaps", "Violations"):
        assert book[name].freeze_panes == "A2", name
        assert book[name]["A1"].font.bold, name
    assert book["Assignments"].auto_filter.ref == "A1:I7"
    assert book["Roster"].auto_filter.ref == "A1:K5"


def test_summary_without_result_is_a_check(written: Path) -> None:
    values = summary(written)
    assert values["program"] == "Hartford test"
    assert values["horizon start"] == "2026-03-02"
    assert values["horizon days"] == 7
    assert values["horizon last day"] == "2026-03-08"
    assert values["status"] == "checked"
    assert values["coverage met %"] == 50
    assert values["required unit-slots"] == 2
    assert values["shortfall unit-slots: adult"] == 1
    assert values["shortfall unit-slots: juvenile"] == 0
    assert values["target shortfall unit-slots"] == 2
    assert values["units rostered"] == 3
    assert values["hard violations"] == 1
    assert values["requests honoured"] == "1 of 4"
    assert values["part: request_penalty"] == 1
    assert values["weight: request_penalty"] == 450_000
    assert values["stage-2 weighted total (checker)"] == 450_000
    assert "stage-2 objective" not in values
    assert "message" not in values
    warnings = [row[1] for row in sheet_rows(written, "Summary") if row[0] == "warning"]
    # A program without a time zone says daylight saving is not applied (issue 16).
    assert warnings == [*clock_warnings(make_problem()), "Staff: unknown column 'badge' kept"]


def test_summary_with_result_uses_its_roster(tmp_path: Path) -> None:
    result = make_result(make_roster())
    target = write_roster_workbook(
        tmp_path / "solved.xlsx", make_problem(), make_evaluation(), result
    )
    values = summary(target)
    assert values["status"] == "feasible"
    assert values["stage-2 objective"] == 500_000
    assert values["stage-2 bound"] == 400_000
    assert values["stage-2 gap %"] == 20
    assert values["stage-1 objective"] == 1002
    assert values["solve seconds"] == 3.14
    assert values["seconds to first roster"] == 0.5
    assert (values["workers"], values["seed"], values["deterministic"]) == (4, 7, True)
    assert values["time limit"] == 10
    assert values["message"] == "time limit reached in stage 2"
    assert len(sheet_rows(target, "Assignments")) == 7


def test_needs_a_roster_or_a_result(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="roster"):
        write_roster_workbook(tmp_path / "r.xlsx", make_problem(), make_evaluation())
    assert list(tmp_path.iterdir()) == []


def test_creates_missing_folders(tmp_path: Path) -> None:
    target = tmp_path / "out" / "week 10" / "roster.xlsx"
    write_roster_workbook(target, make_problem(), make_evaluation(), roster=make_roster())
    assert openpyxl.load_workbook(target).sheetnames[0] == "Summary"


def test_failed_save_keeps_previous_file(written: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = written.read_bytes()

    def save_half_then_fail(self: Workbook, target: str | Path | BinaryIO) -> None:
        if isinstance(target, str | Path):
            Path(target).write_bytes(b"PK half a workbook")
        else:  # the workbook is zipped in memory first (save_workbook)
            target.write(b"PK half a workbook")
        raise OSError("disk full")

    monkeypatch.setattr(Workbook, "save", save_half_then_fail)
    with pytest.raises(CannotWriteError, match="disk full"):
        write_roster_workbook(written, make_problem(), make_evaluation(), roster=Roster())
    assert written.read_bytes() == before
    assert [p.name for p in written.parent.iterdir()] == ["roster.xlsx"]


def test_file_permissions_are_not_the_private_temporary_ones(written: Path) -> None:
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(written.stat().st_mode) == 0o666 & ~umask
    written.chmod(0o640)
    write_roster_workbook(written, make_problem(), make_evaluation(), roster=Roster())
    assert stat.S_IMODE(written.stat().st_mode) == 0o640

"""`check` as HR runs it: a solved roster checks clean with the roster's own
coverage figures, a hand edit is caught, unreadable files exit 2, and the text
and JSON reports say what they must."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import fields
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner, Result

from scheduler.cli import app
from scheduler.io.hr_report import SHEETS
from scheduler.model.problem import Role, Team
from scheduler.model.report import (
    CoverageRow,
    Evaluation,
    Gap,
    ObjectiveParts,
    PersonHours,
    Violation,
)
from scheduler.model.roster import Roster
from scheduler.report_text import distinct_partners, render_text
from tests.factories import START, assign, make_problem, make_roster, person, unit

SMALL = Path(__file__).parent / "data" / "valid" / "small"
# The unit on Tuesday's only demand window (adult, zone S, 08:00-16:30, 1 unit).
TUESDAY, TEAM, ZONE = "2026-03-03", "adult", "S"

runner = CliRunner()


def check(*args: str) -> Result:
    return runner.invoke(app, ["check", *args])


def sheet_rows(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    return [tuple(row) for row in workbook[sheet].iter_rows(values_only=True)]


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("solved") / "roster.xlsx"
    args = ["solve", str(SMALL), "--out", str(out), "--quiet", "--deterministic"]
    result = runner.invoke(app, [*args, "--seed", "3", "--time-limit", "5"])
    assert result.exit_code == 0, result.output
    return out


def test_a_solved_roster_checks_clean(solved: Path) -> None:
    result = check(str(solved), "--inputs", str(SMALL))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"Check of {solved} for Small Test Program, Mon 2026-03-02 - Sun 2026-03-08 (7 days):"
        " 12 rows read, 6 units"
    )
    assert lines[2:4] == ["Hard rules broken (0)", "  none"]
    assert lines[5:7] == ["Coverage gaps (0)", "  none"]
    assert "Hours and fairness (6 people)" in lines
    assert "  hard rules broken  0" in lines


def test_json_coverage_figures_equal_the_rosters_own_coverage_sheet(solved: Path) -> None:
    result = check(str(solved), "--inputs", str(SMALL), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["hard_violations"] == []
    coverage = sheet_rows(solved, "Coverage")
    assert coverage[0] == (
        "slot_start", "team", "zone", "required", "target", "scheduled", "shortfall"
    )  # fmt: skip
    rows = coverage[1:]
    summary = report["summary"]
    assert summary["required_unit_slots"] == sum(row[3] for row in rows) == 81
    assert sum(summary["shortfall_by_team"].values()) == sum(row[6] for row in rows) == 0
    assert summary["objective_parts"]["required_shortfall"] == 0
    assert summary["target_shortfall"] == sum(max(0, row[4] - row[5]) for row in rows) == 30
    assert summary["coverage_pct"] == 100.0
    figures = dict(sheet_rows(solved, "Summary")[1:])
    assert summary["units"] == figures["units rostered"] == 6
    assert summary["requests_met"] == 2
    assert summary["requests_total"] == 5


def test_json_has_the_documented_keys_and_nothing_else_on_stdout(
    solved: Path, tmp_path: Path
) -> None:
    out = tmp_path / "hr.xlsx"
    result = check(str(solved), "--inputs", str(SMALL), "--format", "json", "--out", str(out))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert f"HR report written to {out}" in result.stderr
    assert list(report) == [
        "checked", "hard_violations", "soft_violations", "gaps", "not_listed", "hours", "summary"
    ]  # fmt: skip
    assert report["checked"] == {
        "program": "Small Test Program",
        "horizon_start": "2026-03-02",
        "horizon_days": 7,
        "roster": str(solved),
        "rows": 12,
        "unreadable_rows": 0,
    }
    assert set(report["soft_violations"][0]) == {
        "rule", "employee_id", "when", "detail", "amount", "penalty"
    }  # fmt: skip
    person_keys = [f.name for f in fields(PersonHours)] + ["distinct_partners"]
    assert [list(h) for h in report["hours"]] == [person_keys] * 6
    # Partners counted from the Assignments rows: every unit id and who shares it.
    units: dict[str, set[str]] = {}
    for row in sheet_rows(solved, "Assignments")[1:]:
        units.setdefault(row[6], set()).add(row[7])
    for hours in report["hours"]:
        shared = set().union(*(u for u in units.values() if hours["employee_id"] in u))
        assert hours["distinct_partners"] == len(shared - {hours["employee_id"]})
    assert list(report["summary"]) == [
        "coverage_pct", "required_unit_slots", "shortfall_by_team", "target_shortfall",
        "overtime_hours", "overtime_cost", "requests_met", "requests_total",
        "hard_violation_count", "soft_violation_count", "gap_count", "soft_penalty_total", "units",
        "objective_parts",
    ]  # fmt: skip
    assert list(report["summary"]["objective_parts"]) == list(ObjectiveParts().as_dict())


def remove_tuesday_peer(solved: Path, target: Path) -> str:
    """Save a copy of the roster without the peer's row of Tuesday's unit; its unit id."""
    workbook = openpyxl.load_workbook(solved)
    sheet = workbook["Assignments"]
    tuesday = [
        row
        for row in range(2, sheet.max_row + 1)
        if (sheet.cell(row, 1).value, sheet.cell(row, 5).value, sheet.cell(row, 6).value)
        == (TUESDAY, TEAM, ZONE)
    ]
    assert len(tuesday) == 2, "the solved roster has one unit on Tuesday's window"
    (peer_row,) = [row for row in tuesday if sheet.cell(row, 9).value == "peer"]
    unit_id = str(sheet.cell(peer_row, 7).value)
    sheet.delete_rows(peer_row)
    workbook.save(target)
    return unit_id


def test_a_removed_row_breaks_pairing_and_opens_a_gap(solved: Path, tmp_path: Path) -> None:
    edited = tmp_path / "edited.xlsx"
    unit_id = remove_tuesday_peer(solved, edited)

    result = check(str(edited), "--inputs", str(SMALL))
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[2] == "Hard rules broken (1)"
    assert lines[3].startswith(
        f"  pairing  C1  Tue 2026-03-03 08:00  unit {unit_id} has 1 clinician"
    )
    assert lines[5] == "Coverage gaps (1)"
    assert lines[6].startswith("  Tue 2026-03-03 08:00-16:30  S adult: 0 of 1 unit  (")

    report = json.loads(check(str(edited), "--inputs", str(SMALL), "--format", "json").stdout)
    (violation,) = report["hard_violations"]
    assert (violation["rule"], violation["employee_id"]) == ("pairing", "C1")
    assert unit_id in violation["detail"]
    (gap,) = report["gaps"]
    assert {key: value for key, value in gap.items() if key != "reason"} == {
        "team": "adult",
        "zone": "S",
        "start": "2026-03-03T08:00",
        "end": "2026-03-03T16:30",
        "required": 1,
        "scheduled": 0,
        "unit_slots_short": 17,
    }
    assert report["summary"]["shortfall_by_team"] == {"adult": 17, "juvenile": 0}
    assert report["summary"]["hard_violation_count"] == 1


def test_an_unreadable_row_is_reported_not_refused(solved: Path, tmp_path: Path) -> None:
    workbook = openpyxl.load_workbook(solved)
    sheet = workbook["Assignments"]
    assert sheet["I3"].value == "peer"
    sheet["I3"] = "nurse"
    edited = tmp_path / "edited.xlsx"
    workbook.save(edited)

    result = check(str(edited), "--inputs", str(SMALL))
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines()[0].endswith(": 12 rows read (1 unreadable), 5 units")
    report = json.loads(check(str(edited), "--inputs", str(SMALL), "--format", "json").stdout)
    assert (report["checked"]["rows"], report["checked"]["unreadable_rows"]) == (12, 1)
    rules = [v["rule"] for v in report["hard_violations"]]
    assert "unreadable_row" in rules


def test_unreadable_files_exit_2_and_write_nothing(solved: Path, tmp_path: Path) -> None:
    out = tmp_path / "hr.xlsx"
    missing = tmp_path / "no_such_roster.xlsx"
    result = check(str(missing), "--inputs", str(SMALL), "--out", str(out))
    assert result.exit_code == 2, result.output
    assert f"no such file or folder: {missing}" in result.stderr
    assert result.stdout == ""
    result = check(str(solved), "--inputs", str(tmp_path / "no_program"), "--out", str(out))
    assert result.exit_code == 2, result.output
    assert "no_program" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_out_never_overwrites_the_roster(solved: Path) -> None:
    before = solved.read_bytes()
    result = check(str(solved), "--inputs", str(SMALL), "--out", str(solved))
    assert result.exit_code == 2
    assert "would overwrite" in result.stderr
    assert solved.read_bytes() == before


def test_out_writes_the_hr_report_with_the_rosters_coverage(solved: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports" / "hr.xlsx"
    result = check(str(solved), "--inputs", str(SMALL), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(f"\n\nHR report written to {out}\n")
    assert openpyxl.load_workbook(out).sheetnames == list(SHEETS)
    for sheet in ("Coverage", "Hours", "Gaps"):
        assert sheet_rows(out, sheet) == sheet_rows(solved, sheet), sheet


def test_distinct_partners_counts_everyone_who_shares_a_unit_id() -> None:
    problem = make_problem(
        staff=[person(i, "clinician") for i in ("C1", "C2")]
        + [person(i, "peer") for i in ("P1", "P2")]
    )
    roster = make_roster(
        unit(problem, "C1", "P1", 0, "D8", unit_id="U1"),
        unit(problem, "C1", "P2", 1, "D8", unit_id="U2"),
        unit(problem, "C1", "P1", 2, "D8", unit_id="U3"),
        assign(problem, "C2", 3, "D8", unit_id="U4"),  # a broken unit: no peer
    )
    assert distinct_partners(roster) == {"C1": 2, "C2": 0, "P1": 1, "P2": 1}
    assert distinct_partners(Roster()) == {}


def test_text_spans_columns_and_plurals() -> None:
    problem = make_problem(staff=[person("C1", "clinician", name="Ana Ruiz")])
    at = dt.datetime.combine
    evaluation = Evaluation(
        hard_violations=(
            Violation("rest", "C1", "Tue 2026-03-03 22:00", "rest 8.0 h; needs 10 h", True, 2.0),
            Violation("max_consecutive_days", None, "Mon 2026-03-02", "7 days in a row", True),
        ),
        soft_violations=(),
        coverage=(CoverageRow(at(START, dt.time(18)), Team.ADULT, "South", 10, 12, 5),),
        gaps=(
            Gap(Team.ADULT, "South", at(START, dt.time(18)), at(START, dt.time(22)), 2, 1, 4),
            Gap(
                Team.JUVENILE,
                "N",
                at(START, dt.time(20)),
                at(START + dt.timedelta(days=1), dt.time(2)),
                1,
                0,
                6,
                "no peer free",
            ),
            Gap(
                Team.ADULT,
                "N",
                at(START, dt.time(23)),
                at(START + dt.timedelta(days=1), dt.time()),
                1,
                0,
                1,
            ),
        ),
        hours=(
            PersonHours(
                employee_id="C1",
                name="Ana Ruiz",
                role=Role.CLINICIAN,
                shifts=5,
                paid_hours=41.5,
                contract_hours=40.0,
                max_hours_per_week=None,
                overtime_hours=1.5,
                overtime_cost=86.25,
                weekly_paid_hours=(41.5,),
                nights=0,
                evenings=2,
                weekend_days=1,
                requests=3,
                requests_met=2,
            ),
        ),
        parts=ObjectiveParts(
            required_shortfall=5,
            target_shortfall=7,
            overtime_cost_cent_minutes=517_500,
            request_penalty=1,
        ),
        unit_count=0,
        shortfall_by_team={"adult": 5, "juvenile": 0},
    )
    text = render_text(problem, evaluation, make_roster(), "r.xlsx")
    assert text.splitlines()[2:] == [
        "Hard rules broken (2)",
        "  rest                  C1  Tue 2026-03-03 22:00  rest 8.0 h; needs 10 h",
        "  max_consecutive_days  -   Mon 2026-03-02        7 days in a row",
        "",
        "Coverage gaps (3)",
        "  Mon 2026-03-02 18:00-22:00                   South adult: 1 of 2 units",
        "  Mon 2026-03-02 20:00 - Tue 2026-03-03 02:00  N juvenile: 0 of 1 unit    (no peer free)",
        "  Mon 2026-03-02 23:00-24:00                   N adult: 0 of 1 unit",
        "",
        "Hours and fairness (1 person)",
        "  id  name      role       paid h  contract h  OT h  OT cost  requests met  weekends"
        "  evenings  nights  partners",
        "  C1  Ana Ruiz  clinician    41.5        40.0   1.5    86.25           2/3         1"
        "         2       0         0",
        "",
        "Summary",
        "  coverage met       50.0% of 10 required unit-slots",
        "  shortfall by team  adult 5, juvenile 0 unit-slots",
        "  below target       7 unit-slots",
        "  overtime           1.5 h, cost 86.25",
        "  requests honoured  2 of 3",
        "  soft penalties     967,500 points in 0 findings",
        "  hard rules broken  2",
    ]

"""`plan` as a user runs it, on a tiny program whose best hires are known by hand."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.evaluate import evaluate
from scheduler.io.read_workbook import read_problem, read_roster
from scheduler.plan.hires import with_candidates

runner = CliRunner()

TINY = {
    "Program": "key,value\nname,Tiny\nstart_date,2026-03-02\ndays,7\nslot_minutes,60\n",
    "Zones": "zone_id,name\nN,North\n",
    "Shifts": "shift_id,start,end,unpaid_break_minutes\nD8,08:00,16:30,30\n",
    "Staff": "employee_id,name,role,teams,home_zone,min_hours_per_week,max_hours_per_week,"
    "hourly_rate\nC1,Ana,clinician,adult,N,0,48,40\n",
    "Demand": "team,zone,weekday,start,end,required_units\nadult,N,Mon,08:00,16:00,1\n",
    # Two kinds of peer; C1 has no partner, so one peer is worth hiring: the cheap one.
    "Hiring": "hire_id,role,teams,home_zone,min_hours_per_week,max_hours_per_week,"
    "annual_cost,hourly_rate,max_count\n"
    "P-cheap,peer,adult,N,0,40,50000,30,1\nP-dear,peer,adult,N,0,40,70000,30,1\n",
}
SCENARIOS = (
    "scenario,change,team,factor,rule,value\n"
    # Two units on Monday need two clinicians; there is one and none to hire.
    "double,scale_demand,adult,2,,\n"
    # Seven days off a week: nobody may work, so no hire can help.
    "closed,rule,,,min_days_off_per_week,7\n"
)
CALLS = "received_at,zone,team\n" + "".join(
    f"2026-03-02T{hour:02d}:10,N,adult\n" for hour in (9, 11, 13, 15)
)


def tiny_program(folder: Path) -> Path:
    folder.mkdir()
    for sheet, text in TINY.items():
        (folder / f"{sheet}.csv").write_text(text, encoding="utf-8")
    return folder


def test_plan_writes_side_by_side_scenarios_frontier_and_checked_rosters(tmp_path: Path) -> None:
    program = tiny_program(tmp_path / "tiny")
    scenarios = tmp_path / "scenarios.csv"
    scenarios.write_text(SCENARIOS, encoding="utf-8")
    calls = tmp_path / "calls.csv"
    calls.write_text(CALLS, encoding="utf-8")
    out = tmp_path / "out" / "PLAN.xlsx"
    args = [str(program), "--scenarios", str(scenarios), "--frontier", "--calls", str(calls)]
    result = runner.invoke(
        app,
        [
            "plan",
            *args,
            "--time-limit",
            "5",
            "--workers",
            "2",
            "--deterministic",
            "-q",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "as is: 1 x P-cheap" in result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Scenarios", "Hires", "Costs", "Frontier", "CostFormula", "Run"]
    scenarios_sheet = {row[0]: row[1:] for row in book["Scenarios"].iter_rows(values_only=True)}
    assert scenarios_sheet["scenario"] == ("as is", "double", "closed")
    # One cheap peer each: 50,000 a year; it covers Monday 08-16 once (8 of 8 slots as is;
    # 8 of 16 when two units are required, and the note says why no more helps).
    # "closed": hiring is useless and is reported so, with no hire invented.
    assert scenarios_sheet["hires (people)"] == (1, 1, 0)
    assert scenarios_sheet["hires: peer adult"] == (1, 1, 0)
    assert scenarios_sheet["annual hire cost"] == (50000, 50000, 0)
    assert scenarios_sheet["required coverage met %"] == (100, 50, 0)
    assert "stay short" in scenarios_sheet["note"][1]
    assert scenarios_sheet["note"][2].startswith("hiring does not help")
    assert scenarios_sheet["hard violations (checker)"] == (0, 0, 0)
    within = scenarios_sheet["calls within 10 min %"]
    assert all(isinstance(v, float | int) and 0 <= v <= 100 for v in within)
    frontier = list(book["Frontier"].iter_rows(min_row=2, values_only=True))
    # 0, 1, 2 hires allowed: none covers nothing, one covers all, a second adds nothing.
    assert [(r[1], r[2], r[3]) for r in frontier] == [(0, 0, 0), (1, 1, 100), (2, 1, 100)]
    assert len(book["Frontier"]._charts) == 2 and len(book["Costs"]._charts) == 1
    # Each plan's roster, read back as a user would, breaks no hard rule with its hires.
    rosters = sorted((out.parent / "PLAN_rosters").iterdir())
    assert [p.name for p in rosters] == ["as-is.xlsx", "closed.xlsx", "double.xlsx"]
    roster = read_roster(rosters[0])
    assert {a.employee_id for a in roster.assignments} == {"C1", "P-cheap#1"}
    # The program with its candidates as staff (unused ones have no shift, no minimum).
    with_hires = with_candidates(read_problem(program))
    assert evaluate(with_hires, roster).hard_violations == ()


def test_a_bad_scenario_row_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    program = tiny_program(tmp_path / "tiny")
    scenarios = tmp_path / "scenarios.csv"
    scenarios.write_text("scenario,change,zone,factor\nmore,scale_demand,Z,2\n", encoding="utf-8")
    out = tmp_path / "out" / "PLAN.xlsx"
    result = runner.invoke(
        app, ["plan", str(program), "--scenarios", str(scenarios), "-q", "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert "Scenarios!C2 (zone): unknown zone 'Z'" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--budget", "nan", "--budget nan: expected an amount from 0 to 10,000,000,000"),
        ("--budget", "inf", "--budget inf: expected an amount from 0 to 10,000,000,000"),
        ("--budget", "1e18", "expected an amount from 0 to 10,000,000,000"),
        ("--out", "a folder", "is a folder; give the plan workbook's file name"),
    ],
)
def test_bad_options_exit_2_and_write_nothing(
    tmp_path: Path, option: str, value: str, message: str
) -> None:
    program = tiny_program(tmp_path / "tiny")
    out = tmp_path / "out" / "PLAN.xlsx"
    args = ["plan", str(program), "-q", "--out", str(out)]
    if option == "--out":
        out.mkdir(parents=True)
        args[-1] = str(out)
    else:
        args += [option, value]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert sorted(p.name for p in (tmp_path / "out").glob("*")) == (
        ["PLAN.xlsx"] if option == "--out" else []
    )
    assert not (tmp_path / "out" / "PLAN_rosters").exists()


def test_hiring_from_another_file_is_checked_as_the_programs_own(tmp_path: Path) -> None:
    program = tiny_program(tmp_path / "tiny")
    hiring = tmp_path / "hiring.csv"
    hiring.write_text(
        "hire_id,role,teams,home_zone,annual_cost,max_count\nX,doctor,adult,N,1000,1\n",
        encoding="utf-8",
    )
    out = tmp_path / "out" / "PLAN.xlsx"
    result = runner.invoke(
        app, ["plan", str(program), "--hiring", str(hiring), "-q", "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert "Hiring!B2 (role): role 'doctor' is not one of clinician, peer" in result.output
    assert not (tmp_path / "out").exists()


def test_service_level_sizes_demand_from_the_calls_before_planning(tmp_path: Path) -> None:
    from scheduler.demand.calls import DemandSettings, hourly_needs, read_calls

    program = tiny_program(tmp_path / "tiny")
    calls = tmp_path / "calls.csv"
    calls.write_text(CALLS, encoding="utf-8")
    out = tmp_path / "PLAN.xlsx"
    result = runner.invoke(
        app,
        [
            "plan",
            str(program),
            "--calls",
            str(calls),
            "--service-level",
            "0.9",
            "--time-limit",
            "5",
            "-q",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    # The plan's roster is checked against the Erlang C demand of the calls, not the
    # program's Demand sheet (8 unit-hours on Monday).
    problem = read_problem(program)
    settings = DemandSettings(target_minutes=10, service_level=0.9)
    erlang_unit_hours = sum(
        n.units for n in hourly_needs(read_calls(calls, problem), problem, settings)
    )
    assert erlang_unit_hours != 8
    summary = dict(
        openpyxl.load_workbook(out.parent / "PLAN_rosters" / "as-is.xlsx")["Summary"].iter_rows(
            values_only=True
        )
    )
    assert summary["required unit-slots"] == erlang_unit_hours


def test_the_rosters_folder_holds_only_this_plans_rosters(tmp_path: Path) -> None:
    # A roster left by an earlier plan with other scenarios would be read as part of
    # this one: the folder is replaced as a whole.
    program = tiny_program(tmp_path / "tiny")
    out = tmp_path / "PLAN.xlsx"
    stale = tmp_path / "PLAN_rosters" / "old-scenario.xlsx"
    stale.parent.mkdir()
    stale.write_bytes(b"an earlier plan's roster")
    args = ["plan", str(program), "--time-limit", "5", "--deterministic", "-q", "--out", str(out)]

    result = runner.invoke(app, args)

    assert result.exit_code == 0, result.output
    # `plan` uses Hiring: the reader's warning that `solve` ignores it is not shown.
    assert "Staff alone" not in result.output
    assert "proven cheapest" in result.output  # 1 peer, and no cheaper plan exists
    assert [p.name for p in (tmp_path / "PLAN_rosters").iterdir()] == ["as-is.xlsx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["PLAN.xlsx", "PLAN_rosters", "tiny"]

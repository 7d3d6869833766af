"""The commands as a user runs them: exit codes, messages, files written or not."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.evaluate import evaluate
from scheduler.io.read_workbook import read_problem, read_roster

DATA = Path(__file__).parent / "data"
INVALID_CASES = sorted(p for p in (DATA / "invalid").iterdir() if p.is_dir())
SAMPLE = Path(__file__).parent.parent / "inputs" / "hartford"

runner = CliRunner()


@pytest.mark.parametrize("case", INVALID_CASES, ids=lambda p: p.name)
def test_bad_input_exits_2_with_the_located_message_and_writes_nothing(
    case: Path, tmp_path: Path
) -> None:
    out = tmp_path / "roster.xlsx"
    result = runner.invoke(app, ["solve", str(case), "--out", str(out), "--quiet"])
    expected = (case / "expected.txt").read_text(encoding="utf-8").strip()
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_a_workbook_exits_2(tmp_path: Path) -> None:
    fake = tmp_path / "program.xlsx"
    fake.write_text("name,start_date\n")
    out = tmp_path / "roster.xlsx"
    result = runner.invoke(app, ["solve", str(fake), "--out", str(out), "--quiet"])
    assert result.exit_code == 2
    assert "program.xlsx" in result.output
    assert not out.exists()


def test_the_sample_solves_to_full_coverage_and_its_workbook_checks_clean(tmp_path: Path) -> None:
    out = tmp_path / "roster.xlsx"
    result = runner.invoke(
        app, ["solve", str(SAMPLE), "--out", str(out), "--time-limit", "60", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    assert "Coverage met: 100.0%" in result.output
    # The written Assignments sheet alone, read back, passes every hard rule.
    problem = read_problem(SAMPLE)
    evaluation = evaluate(problem, read_roster(out))
    assert evaluation.hard_violations == ()
    assert evaluation.parts.required_shortfall == 0
    sheets = openpyxl.load_workbook(out, read_only=True).sheetnames
    assert sheets == [
        "Summary", "Assignments", "Coverage", "Roster", "Units", "Hours", "Gaps", "Violations",
        "Schedules",
    ]  # fmt: skip


def _sheet_rows(path: Path, sheet: str) -> list[tuple[object, ...]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    return [tuple(row) for row in workbook[sheet].iter_rows(values_only=True)]


def test_deterministic_runs_give_identical_assignments_and_coverage(tmp_path: Path) -> None:
    small = DATA / "valid" / "small"
    outputs = []
    for run in range(2):
        out = tmp_path / f"roster{run}.xlsx"
        args = ["solve", str(small), "--out", str(out), "--quiet", "--deterministic"]
        result = runner.invoke(app, [*args, "--seed", "3", "--time-limit", "2"])
        assert result.exit_code == 0, result.output
        outputs.append(out)
    for sheet in ("Assignments", "Coverage"):
        first, second = (_sheet_rows(path, sheet) for path in outputs)
        assert len(first) > 1
        assert first == second


def test_a_pin_on_an_unavailable_day_exits_3_and_explains_it_in_the_summary(tmp_path: Path) -> None:
    program = tmp_path / "program"
    shutil.copytree(DATA / "valid" / "small", program)
    problem = read_problem(program)
    pin = problem.pins[0]
    with (program / "TimeOff.csv").open("a", encoding="utf-8") as f:
        f.write(f"{pin.employee_id},{pin.date},{pin.date},unavailable,,\n")
    out = tmp_path / "roster.xlsx"
    result = runner.invoke(app, ["solve", str(program), "--out", str(out), "--quiet"])
    assert result.exit_code == 3, result.output
    assert pin.employee_id in result.output
    assert "Pins conflict with TimeOff" in result.output
    assert "Pins row" in result.output
    # The explanation goes beside the roster path, never over a roster: a workbook
    # with only the Summary, holding the same explanation and the status.
    assert not out.exists()
    out = tmp_path / "roster.infeasible.xlsx"
    assert f"Explanation written to {out}" in result.output
    rows = _sheet_rows(out, "Summary")
    assert ("status", "infeasible") in rows
    explanations = [value for key, value in rows if key == "explanation"]
    assert len(explanations) == 1 and pin.employee_id in str(explanations[0])
    assert openpyxl.load_workbook(out, read_only=True).sheetnames == ["Summary"]


def test_a_conflict_only_the_solver_finds_exits_3_naming_the_rule_and_the_pins(
    tmp_path: Path,
) -> None:
    program = tmp_path / "program"
    shutil.copytree(DATA / "valid" / "small", program)
    # D8 may not be followed by E8 the next day, and C1 is pinned to both (21 h of rest,
    # so only the succession rule breaks: no pre-check sees it, the solver's core does).
    (program / "Shifts.csv").write_text(
        "shift_id,start,end,unpaid_break_minutes,teams,forbidden_next\n"
        "D8,08:00,16:30,30,,E8\n"
        "E8,13:30,22:00,30,adult;juvenile,\n"
        "N12,20:00,08:00,30,adult,\n",
        encoding="utf-8",
    )
    with (program / "Pins.csv").open("a", encoding="utf-8") as f:
        f.write("C1,2026-03-03,E8,adult,N\n")
    out = tmp_path / "roster.xlsx"
    result = runner.invoke(app, ["solve", str(program), "--out", str(out), "--quiet"])
    assert result.exit_code == 3, result.output
    out = tmp_path / "roster.infeasible.xlsx"
    explanations = [value for key, value in _sheet_rows(out, "Summary") if key == "explanation"]
    assert len(explanations) == 1, explanations
    assert "C1" in str(explanations[0]) and "E8" in str(explanations[0])
    assert str(explanations[0]) in result.output


def test_template_writes_a_blank_input_that_reads_back_as_an_error_not_a_crash(
    tmp_path: Path,
) -> None:
    out = tmp_path / "template.xlsx"
    result = runner.invoke(app, ["template", str(out)])
    assert result.exit_code == 0
    assert out.exists()
    # A blank template is not a program yet: solving it is an input error (exit 2).
    solved = runner.invoke(app, ["solve", str(out), "--out", str(tmp_path / "r.xlsx"), "-q"])
    assert solved.exit_code == 2
    assert "Traceback" not in solved.output


def test_sample_builds_the_workbook_from_the_csv_folder(tmp_path: Path) -> None:
    folder = tmp_path / "hartford"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("*.xlsx"))
    result = runner.invoke(app, ["sample", str(folder)])
    assert result.exit_code == 0, result.output
    assert read_problem(folder / "hartford.xlsx") == read_problem(folder)


def test_solve_by_zone_groups_writes_a_roster_that_checks_clean(tmp_path: Path) -> None:
    # Three zones split into 2 groups (`--method zones`): a valid roster, no bound.
    from scheduler.synthetic import synthetic_program, write_problem_csv

    program = tmp_path / "program"
    write_problem_csv(synthetic_program(8, 8, zones=3, days=7), program)
    out = tmp_path / "roster.xlsx"
    args = ["solve", str(program), "--out", str(out), "--method", "zones", "--quiet"]
    result = runner.invoke(app, [*args, "--time-limit", "20", "--deterministic"])

    assert result.exit_code == 0, result.output
    assert "Status: feasible" in result.output
    assert "zone groups" in result.output
    assert evaluate(read_problem(program), read_roster(out)).hard_violations == ()


def test_solve_with_calls_puts_simulated_response_times_in_the_summary(tmp_path: Path) -> None:
    calls = tmp_path / "calls.csv"
    # Two weeks of one adult call a day at 10:00 in N: 1 call per hour on each weekday's 10:00.
    rows = [f"2026-02-{day:02d}T10:15,N,adult,60" for day in range(2, 16)]
    calls.write_text("received_at,zone,team,busy_minutes\n" + "\n".join(rows) + "\n")
    out = tmp_path / "roster.xlsx"
    args = ["solve", str(DATA / "valid" / "small"), "--out", str(out), "--quiet"]
    result = runner.invoke(app, [*args, "--time-limit", "5", "--calls", str(calls)])
    assert result.exit_code == 0, result.output
    summary = dict(row[:2] for row in _sheet_rows(out, "Summary"))
    # 7 calls a week, 30 replications: the share is a mean with its 95% half-width.
    assert str(summary["simulated within 10 min: all teams"]).endswith("95%, 30 runs)")
    # Poisson arrivals at the log's rate: about 7 calls a run; no juvenile calls, no line.
    assert "Simulated: all teams: " in result.output and "Simulated: juvenile" not in result.output

    calls.write_text("received_at,zone,team\nnot a time,N,adult\n")
    out.unlink()
    result = runner.invoke(app, [*args, "--calls", str(calls)])
    assert result.exit_code == 2, result.output
    assert "received_at" in result.output
    assert not out.exists()

"""The application layer as a library: the README's example runs, the library's
`solve` gives the command line's roster, and the DataFrames are the workbook's rows."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

import scheduler
from scheduler.cli import app
from scheduler.errors import EXIT_INFEASIBLE
from scheduler.evaluate import evaluate
from scheduler.model.stop import StopToken
from tests.factories import demand, make_problem, person

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "inputs" / "hartford"
SMALL = ROOT / "tests" / "data" / "valid" / "small"
runner = CliRunner()


def _sheet(path: Path, name: str) -> pd.DataFrame:
    """A workbook sheet as the writer wrote it (header row, then the rows)."""
    rows = list(openpyxl.load_workbook(path, read_only=True)[name].iter_rows(values_only=True))
    return pd.DataFrame([list(r) for r in rows[1:]], columns=list(rows[0]))


def _readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Use it from Python", 1)[1]
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert found is not None, "the README's Python example"
    return found.group(1)


def test_the_readme_example_runs_and_writes_a_checked_roster(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "inputs").mkdir()
    os.symlink(SAMPLE, tmp_path / "inputs" / "hartford")
    (tmp_path / "outputs").mkdir()
    monkeypatch.chdir(tmp_path)
    code = _readme_example()
    assert len(code.strip().splitlines()) <= 7  # "about five lines"

    exec(compile(code, "README.md", "exec"), {})

    written = tmp_path / "outputs" / "roster.xlsx"
    problem = scheduler.read_problem(SAMPLE)
    roster = scheduler.read_roster(written)
    assert roster.assignments
    assert evaluate(problem, roster).hard_violations == ()


def test_the_library_solve_gives_the_command_lines_roster(tmp_path: Path) -> None:
    # --deterministic: the same input and options give the same roster, face or no face.
    from_cli = tmp_path / "cli.xlsx"
    options = ["--time-limit", "1", "--deterministic", "--seed", "0", "-q"]
    result = runner.invoke(app, ["solve", str(SAMPLE), "-o", str(from_cli), *options])
    assert result.exit_code == 0, result.output

    settings = scheduler.SolveSettings(time_limit=1, deterministic=True, seed=0)
    outcome = scheduler.solve(SAMPLE, settings)

    assert outcome.exit_code == 0 and outcome.written == ()
    pd.testing.assert_frame_equal(outcome.assignments, _sheet(from_cli, "Assignments"))
    pd.testing.assert_frame_equal(outcome.coverage, _sheet(from_cli, "Coverage"))


def _short_program() -> scheduler.Problem:
    # Two units wanted on Monday, one pair on staff: the Gaps table has a row.
    return make_problem(
        staff=[person("C1", "clinician"), person("P1", "peer")],
        demand=[demand("adult", "N", "Mon", "08:00", "16:00", required=2)],
    )


def test_outcome_tables_are_the_rows_the_workbook_holds(tmp_path: Path) -> None:
    problem = _short_program()
    out = tmp_path / "roster.xlsx"

    outcome = scheduler.solve(problem, scheduler.SolveSettings(time_limit=5), out=out)

    assert outcome.written == (out,)
    assert sorted(outcome.assignments.employee_id) == ["C1", "P1"]  # the one unit
    assert set(outcome.assignments.date) == {problem.start_date.isoformat()}
    # Eight one-hour slots short of one of the two units each.
    assert outcome.coverage.shortfall.sum() == 8
    assert outcome.gaps.unit_slots_short.sum() == 8
    assert list(outcome.hours.employee_id) == ["C1", "P1"]
    for name, table in (
        ("Assignments", outcome.assignments),
        ("Coverage", outcome.coverage),
        ("Hours", outcome.hours),
        ("Gaps", outcome.gaps),
    ):
        pd.testing.assert_frame_equal(table, _sheet(out, name), check_dtype=False)

    checked = scheduler.check(outcome.roster or scheduler.Roster(), problem)
    assert checked.exit_code == 0
    pd.testing.assert_frame_equal(checked.gaps, outcome.gaps)
    pd.testing.assert_frame_equal(checked.assignments, outcome.assignments)


def test_an_infeasible_program_is_explained_with_exit_3_and_no_roster(tmp_path: Path) -> None:
    from tests.test_explain import case_named

    out = tmp_path / "roster.xlsx"

    outcome = scheduler.solve(case_named("pin_vs_time_off").problem, out=out)

    assert outcome.exit_code == EXIT_INFEASIBLE
    assert outcome.roster is None and outcome.explanation
    # The Summary says why, beside the roster path: never over a roster (issue 17).
    assert outcome.written == (out.with_name("roster.infeasible.xlsx"),)
    assert outcome.assignments.empty
    assert "No roster: the hard rules cannot all hold." in outcome.notes


def test_a_stop_requested_before_the_search_ends_the_job_with_nothing_written(
    tmp_path: Path,
) -> None:
    stop = StopToken()
    stop.request(143)
    out = tmp_path / "roster.xlsx"

    outcome = scheduler.solve(_short_program(), out=out, stop=stop)

    assert outcome.exit_code == 143
    assert outcome.roster is None and outcome.written == () and not out.exists()


def test_a_stop_token_keeps_its_first_exit_code_and_stops_what_registers_late() -> None:
    stop = StopToken()
    assert not stop.requested and stop.exit_code == 130
    stop.request(143)
    stop.request(130)
    assert stop.requested and stop.exit_code == 143
    stopped: list[str] = []
    with stop.stoppable(lambda: stopped.append("search")):
        assert stopped == ["search"]  # registered after the request: stopped at once


def test_bad_input_raises_input_error_with_located_issues(tmp_path: Path) -> None:
    folder = tmp_path / "program"
    folder.mkdir()
    (folder / "Program.csv").write_text("key,value\nname,Broken\n", encoding="utf-8")

    with pytest.raises(scheduler.InputError) as raised:
        scheduler.solve(folder)

    assert raised.value.issues
    assert all(issue.sheet for issue in raised.value.issues)


def test_reader_warnings_travel_beside_the_problem(tmp_path: Path) -> None:
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    staff = (folder / "Staff.csv").read_text(encoding="utf-8").splitlines()
    staff = [staff[0] + ",badge"] + [line + ",7" for line in staff[1:]]
    (folder / "Staff.csv").write_text("\n".join(staff) + "\n", encoding="utf-8")
    warning = "Staff: column 'badge' is not used"

    loaded = scheduler.load_program(folder)

    assert isinstance(loaded.value, scheduler.Problem) and loaded.warnings == (warning,)
    # The problem is the data alone: no field for warnings, none can be set.
    assert "warnings" not in scheduler.Problem.model_fields
    with pytest.raises(ValueError, match="warnings"):
        loaded.value.replaced(warnings=(warning,))
    # The job reports them and hands them to the writer of the Summary sheet.
    out = tmp_path / "roster.xlsx"
    settings = scheduler.SolveSettings(time_limit=5, workers=1, deterministic=True)
    outcome = scheduler.solve(folder, settings, out=out)
    assert warning in outcome.warnings
    summary = openpyxl.load_workbook(out, read_only=True)["Summary"].iter_rows(values_only=True)
    assert ("warning", warning) in [tuple(row) for row in summary]


def test_the_plans_scenarios_table_is_the_scenarios_sheet(tmp_path: Path) -> None:
    from tests.test_plan_cli import TINY

    program = tmp_path / "tiny"
    program.mkdir()
    for sheet, text in TINY.items():
        (program / f"{sheet}.csv").write_text(text, encoding="utf-8")
    out = tmp_path / "plan.xlsx"
    settings = scheduler.PlanSettings(time_limit=5, workers=1, deterministic=True)

    outcome = scheduler.plan(program, settings, out=out)

    assert outcome.exit_code == 0, outcome.notes
    # C1 has no partner: the cheaper of the two peers is the plan.
    assert outcome.scenarios.loc["hires by kind", "as is"] == "1 x P-cheap"
    rows = list(
        openpyxl.load_workbook(out, read_only=True)["Scenarios"].iter_rows(values_only=True)
    )
    sheet = pd.DataFrame(
        [list(r[1:]) for r in rows[1:]],
        index=pd.Index([r[0] for r in rows[1:]], name="scenario"),
        columns=list(rows[0][1:]),
    )
    pd.testing.assert_frame_equal(outcome.scenarios, sheet, check_dtype=False)
    # Its warning that `solve` ignores Hiring is not for `plan`, which uses it.
    assert not any("Hiring" in warning for warning in outcome.warnings)


def test_plan_rosters_show_the_readers_warnings_but_not_that_solve_ignores_hiring(
    tmp_path: Path,
) -> None:
    from tests.test_plan_cli import tiny_program

    program = tiny_program(tmp_path / "tiny")
    staff = (program / "Staff.csv").read_text(encoding="utf-8").splitlines()
    staff = [staff[0] + ",badge"] + [line + ",7" for line in staff[1:]]
    (program / "Staff.csv").write_text("\n".join(staff) + "\n", encoding="utf-8")
    out = tmp_path / "plan.xlsx"
    settings = scheduler.PlanSettings(time_limit=5, workers=1, deterministic=True)

    outcome = scheduler.plan(program, settings, out=out)

    assert outcome.exit_code == 0, outcome.notes
    assert outcome.warnings == ("Staff: column 'badge' is not used",)
    roster = outcome.plans[0].roster_file
    assert roster is not None
    rows = openpyxl.load_workbook(roster, read_only=True)["Summary"].iter_rows(values_only=True)
    warnings = [value for key, value in rows if key == "warning"]
    # The plan uses Hiring: its reader is asked not to warn that `solve` ignores it.
    assert "Staff: column 'badge' is not used" in warnings
    assert not any(str(w).startswith("Hiring") for w in warnings)

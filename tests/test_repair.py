"""Repair after a call-out: few changes, required coverage first, frozen shifts stay,
and the change log lists exactly the rows that changed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.errors import InputError
from scheduler.evaluate import evaluate
from scheduler.io.read_workbook import read_problem, read_roster
from scheduler.io.write_workbook import write_roster_workbook
from scheduler.model.problem import PairKind, PairRule, Pin, Problem, Team
from scheduler.model.report import Evaluation
from scheduler.model.result import SolveParams, SolveStatus
from scheduler.model.roster import Roster
from scheduler.repair import Change, ChangeKind, Post, change_log, prepare_repair, repair
from scheduler.solve.matching import _any_pairing
from tests.factories import START, demand, make_problem, make_roster, person, time_off, unit
from tests.solving import solve_checked

SAMPLE = Path(__file__).parent.parent / "inputs" / "hartford"
MONDAY = START.isoformat()

runner = CliRunner()


def checked(problem: Problem, roster: Roster) -> Evaluation:
    """The checker's verdict on a repaired roster, which must break no hard rule."""
    evaluation = evaluate(problem, roster)
    assert not evaluation.hard_violations, [str(v) for v in evaluation.hard_violations]
    return evaluation


def sheet_rows(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    return [tuple(row) for row in workbook[sheet].iter_rows(values_only=True)]


def worked(path: Path) -> dict[tuple[str, str], tuple[Any, ...]]:
    """Per (employee, date) from a workbook's Assignments: start, shift, team, zone and
    the other people of the unit (a unit id is only a label)."""
    header, *rows = sheet_rows(path, "Assignments")
    column = {name: i for i, name in enumerate(header)}
    members: dict[str, set[str]] = {}
    for row in rows:
        members.setdefault(row[column["unit_id"]], set()).add(row[column["employee_id"]])
    found: dict[tuple[str, str], tuple[Any, ...]] = {}
    for row in rows:
        employee_id = row[column["employee_id"]]
        key = (employee_id, row[column["date"]])
        assert key not in found  # the solver starts one shift per person and day
        found[key] = (
            row[column["start"]],
            row[column["shift_id"]],
            row[column["team"]],
            row[column["zone"]],
            sorted(members[row[column["unit_id"]]] - {employee_id}),
        )
    return found


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Problem, Path, Roster]:
    """The sample program solved (optimal in seconds on a quiet machine; a loaded one
    may stop at a feasible roster, which serves as well), as a workbook, read back."""
    problem = read_problem(SAMPLE)
    result, evaluation = solve_checked(problem, time_limit=60)
    assert result.status.has_roster and result.stage1_optimal
    path = tmp_path_factory.mktemp("sample") / "roster.xlsx"
    write_roster_workbook(path, problem, evaluation, result)
    return problem, path, read_roster(path)


def two_days_in_a_row(roster: Roster) -> tuple[str, dt.date, dt.date]:
    """The first person (by id) who works two days in a row, and those days."""
    days: dict[str, set[dt.date]] = {}
    for a in roster.assignments:
        days.setdefault(a.employee_id, set()).add(a.date)
    for employee_id in sorted(days):
        for date in sorted(days[employee_id]):
            if date + dt.timedelta(days=1) in days[employee_id]:
                return employee_id, date, date + dt.timedelta(days=1)
    raise AssertionError("nobody works two days in a row")


def test_a_call_out_on_the_sample_changes_less_than_solving_again(
    sample: tuple[Problem, Path, Roster], tmp_path: Path
) -> None:
    problem, roster_path, baseline = sample
    employee_id, first, second = two_days_in_a_row(baseline)
    call_outs = [f"{employee_id}:{first}", f"{employee_id}:{second}"]
    out = tmp_path / "repaired.xlsx"
    args = ["repair", str(roster_path), "--inputs", str(SAMPLE), "--out", str(out), "--quiet"]
    for call_out in call_outs:
        args += ["--unavailable", call_out]
    result = runner.invoke(app, [*args, "--time-limit", "20"])
    assert result.exit_code == 0, result.output

    repaired = read_roster(out)
    request = prepare_repair(problem, baseline, call_outs)
    evaluation = checked(request.problem, repaired)
    fresh, fresh_evaluation = solve_checked(request.problem, time_limit=20)
    repair_changes = change_log(baseline, repaired)
    # The person out worked both days, so at least those two assignments change; a
    # fresh solve ignores the old roster and moves many more people.
    assert 2 <= len(repair_changes) < len(change_log(baseline, fresh.roster))
    if fresh_evaluation.parts.required_shortfall == 0:
        assert evaluation.parts.required_shortfall == 0
    assert not [
        a
        for a in repaired.assignments
        if a.employee_id == employee_id and a.date in (first, second)
    ]

    # The Changes sheet lists exactly the (person, date) rows whose Assignments differ.
    before, after = worked(roster_path), worked(out)
    differing = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    header, *rows = sheet_rows(out, "Changes")
    assert header == ("employee_id", "name", "role", "date", "before", "after", "change")
    assert sorted((row[0], row[3]) for row in rows) == sorted(differing)
    assert f"Changes ({len(rows)}:" in result.output


def test_shifts_started_before_now_stay_as_they_were(sample: tuple[Problem, Path, Roster]) -> None:
    problem, _, baseline = sample
    wednesday, thursday, friday = (problem.date_of(day) for day in (2, 3, 4))
    now = dt.datetime.combine(thursday, dt.time(12, 0))
    # Someone whose Wednesday and Thursday shifts both started before Thursday noon,
    # out Wednesday to Friday: the two started shifts stay, Friday's goes.
    started: dict[str, set[dt.date]] = {}
    for a in baseline.assignments:
        if a.start < now:
            started.setdefault(a.employee_id, set()).add(a.date)
    employee_id = min(e for e, dates in started.items() if {wednesday, thursday} <= dates)
    call_outs = [f"{employee_id}:{date}" for date in (wednesday, thursday, friday)]
    request = prepare_repair(problem, baseline, call_outs, now.isoformat())
    result = repair(request, SolveParams(time_limit=20))
    assert result.status.has_roster
    checked(request.problem, result.roster)  # the frozen shifts are pins the checker checks

    assert [note.split(":")[0] for note in request.notes if "stays (frozen)" in note] == [
        f"--unavailable {employee_id}",
        f"--unavailable {employee_id}",
    ]
    dates = {a.date for a in result.roster.assignments if a.employee_id == employee_id}
    assert {wednesday, thursday} <= dates and friday not in dates
    for change in change_log(baseline, result.roster):
        for post in (change.before, change.after):
            if post is not None:
                shift = problem.shift(post.shift_id)
                start = dt.datetime.combine(change.date, dt.time()) + dt.timedelta(
                    minutes=shift.start_minute
                )
                assert start >= now, change


def tiny_call_out_program() -> tuple[Problem, Roster]:
    """Monday D8 (08:00-16:30) in adult N: 1 unit required, 2 wanted, 8 one-hour slots.

    The baseline unit is C1 with P1, whose home zone is S. C2 and C3 are free and alike,
    but C3 asked for Monday off; P2 and P3 are free peers at home in N."""
    problem = make_problem(
        staff=(
            person("C1", "clinician"),
            person("C2", "clinician"),
            person("C3", "clinician"),
            person("P1", "peer", home_zone="S"),
            person("P2", "peer"),
            person("P3", "peer"),
        ),
        demand=(demand("adult", "N", "Mon", "08:00", "16:00", required=1, target=2),),
        time_off=(time_off("C3", MONDAY, MONDAY, "prefer_off"),),
    )
    baseline = make_roster(unit(problem, "C1", "P1", 0, "D8"))
    checked(problem, baseline)
    return problem, baseline


def test_one_person_out_one_colleague_called_in_exactly() -> None:
    problem, baseline = tiny_call_out_program()
    request = prepare_repair(problem, baseline, [f"C1:{MONDAY}"])
    result = repair(request, SolveParams(time_limit=5))
    assert result.status is SolveStatus.OPTIMAL
    evaluation = checked(request.problem, result.roster)

    # Required coverage first: C2 (not C3, who asked for the day off) replaces C1 at
    # P1's side. A second unit would meet the target but costs 2 more changes, and a
    # change outweighs the 8 target unit-slots; swapping P1 for P2 at home would save
    # cost but change 2 more rows.
    d8 = {"shift_id": "D8", "team": Team.ADULT, "zone": "N"}
    assert change_log(baseline, result.roster) == [
        Change("C1", START, Post(**d8, partners=("P1",)), None, ChangeKind.REMOVED),
        Change("C2", START, None, Post(**d8, partners=("P1",)), ChangeKind.ADDED),
        Change(
            "P1",
            START,
            Post(**d8, partners=("C1",)),
            Post(**d8, partners=("C2",)),
            ChangeKind.PARTNER,
        ),
    ]
    assert evaluation.parts.required_shortfall == 0
    assert evaluation.parts.target_shortfall == 8  # the second unit, 08:00-16:00

    # Solved again from scratch, the same program meets the target with 2 new units.
    fresh, fresh_evaluation = solve_checked(request.problem, time_limit=5)
    assert fresh_evaluation.parts.target_shortfall == 0
    assert len(change_log(baseline, fresh.roster)) == 6  # C1, P1 out; C2, C3, P2, P3 in


def test_required_coverage_comes_before_fewer_changes() -> None:
    # With C1 and P1 both out, leaving Monday uncovered would change 2 rows; covering
    # it (8 required unit-slots) calls 2 people in: 4 changes.
    problem, baseline = tiny_call_out_program()
    request = prepare_repair(problem, baseline, [f"C1:{MONDAY}", f"P1:{MONDAY}"])
    result = repair(request, SolveParams(time_limit=5))
    assert result.status is SolveStatus.OPTIMAL
    evaluation = checked(request.problem, result.roster)

    assert evaluation.parts.required_shortfall == 0
    changes = change_log(baseline, result.roster)
    assert [(c.employee_id[0], c.kind) for c in changes] == [
        ("C", ChangeKind.REMOVED),
        ("C", ChangeKind.ADDED),
        ("P", ChangeKind.REMOVED),
        ("P", ChangeKind.ADDED),
    ]


def test_nobody_is_put_on_a_shift_that_started_before_now() -> None:
    # 2 units required Monday 08:00-16:00 and one worked; at 12:00 the D8 has started,
    # so the free C2 and P2 can only take E8 (13:30-22:00), which covers 14:00-16:00.
    problem, baseline = tiny_call_out_program()
    problem = problem.model_copy(
        update={"demand": (demand("adult", "N", "Mon", "08:00", "16:00", required=2),)}
    )
    request = prepare_repair(problem, baseline, [f"C3:{MONDAY}"], f"{MONDAY}T12:00")
    result = repair(request, SolveParams(time_limit=5))
    assert result.status is SolveStatus.OPTIMAL
    evaluation = checked(request.problem, result.roster)

    assert evaluation.parts.required_shortfall == 6  # 08:00-14:00 stays one unit short
    changes = change_log(baseline, result.roster)
    assert [(c.after.shift_id if c.after else None, c.kind) for c in changes] == [
        ("E8", ChangeKind.ADDED),
        ("E8", ChangeKind.ADDED),
    ]


def test_a_call_out_during_a_started_shift_keeps_it_and_changes_nothing() -> None:
    problem, baseline = tiny_call_out_program()
    request = prepare_repair(problem, baseline, [f"C1:{MONDAY}"], f"{MONDAY}T09:00")
    result = repair(request, SolveParams(time_limit=5))
    assert result.status is SolveStatus.OPTIMAL
    checked(request.problem, result.roster)
    # C1's D8 started at 08:00: frozen; C1 is out only from its end, when nothing is left.
    assert request.notes == (
        f"--unavailable C1:{MONDAY}: D8 on Mon {MONDAY} started before --now and stays "
        f"(frozen); unavailable from {MONDAY} 16:30",
    )
    assert change_log(baseline, result.roster) == []


def test_stage_3_keeps_the_previous_pairs_above_a_prefer_rule() -> None:
    # Two units on Monday's D8, C1-P1 and C2-P2; C1-P2 is a `prefer` pair, so a fresh
    # pairing would swap partners. A call-out of C3, who works nowhere, changes nothing.
    people = [person(e, "clinician") for e in ("C1", "C2", "C3")]
    people += [person("P1", "peer"), person("P2", "peer")]
    problem = make_problem(
        staff=tuple(people),
        demand=(demand("adult", "N", "Mon", "08:00", "16:00", 2),),
        pairs=(PairRule(clinician_id="C1", peer_id="P2", kind=PairKind.PREFER),),
    )
    baseline = make_roster(unit(problem, "C1", "P1", 0, "D8"), unit(problem, "C2", "P2", 0, "D8"))
    request = prepare_repair(problem, baseline, [f"C3:{MONDAY}"])
    result = repair(request, SolveParams(time_limit=5))
    assert result.status is SolveStatus.OPTIMAL
    evaluation = checked(request.problem, result.roster)
    assert change_log(baseline, result.roster) == []
    assert evaluation.parts.pair_preference_penalty == 2  # C1 and P2 work apart

    fresh, _ = solve_checked(request.problem, time_limit=5)
    assert [c.kind for c in change_log(baseline, fresh.roster)] == [ChangeKind.PARTNER] * 4


def test_the_fallback_pairing_tries_previous_partners_first() -> None:
    # Without a past, Kuhn's search gives C1 P1, then moves C1 on to P2 to free P1 for
    # C2; with C1-P1 and C2-P2 before, C2 asks P2 first and both pairs stay.
    people = [person("C1", "clinician"), person("C2", "clinician")]
    people += [person("P1", "peer"), person("P2", "peer")]
    problem = make_problem(staff=tuple(people))
    assert _any_pairing(problem, {1: [0, 1, 2, 3]}, set()) == {1: [(0, 3), (1, 2)]}
    previous = {(0, 2, 1), (1, 3, 1)}
    assert _any_pairing(problem, {1: [0, 1, 2, 3]}, set(), previous) == {1: [(0, 2), (1, 3)]}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["-u", "C01"], "--unavailable C01: expected EMPLOYEE:DATE or EMPLOYEE:DATE:SHIFT"),
        (["-u", "C01:2026-13-01"], "--unavailable C01:2026-13-01: '2026-13-01' is not a date"),
        (["-u", "X9:2026-03-03"], "--unavailable X9:2026-03-03: employee 'X9' is not in Staff"),
        (["-u", "C01:2026-04-01"], "2026-04-01 is outside the horizon 2026-03-02 - 2026-03-08"),
        (["-u", "C01:2026-03-03:Z9"], "--unavailable C01:2026-03-03:Z9: shift 'Z9' is not in"),
        (["-u", "C01:2026-03-03", "--now", "noon"], "--now noon: expected a date-time"),
        ([], "--unavailable: give at least one call-out"),
    ],
)
def test_bad_arguments_exit_2_naming_the_argument_and_write_nothing(
    sample: tuple[Problem, Path, Roster], tmp_path: Path, arguments: list[str], message: str
) -> None:
    _, roster_path, _ = sample
    out = tmp_path / "repaired.xlsx"
    args = ["repair", str(roster_path), "--inputs", str(SAMPLE), "--out", str(out), "-q"]
    result = runner.invoke(app, [*args, *arguments])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_the_output_may_not_replace_the_roster_or_the_input(
    sample: tuple[Problem, Path, Roster],
) -> None:
    _, roster_path, _ = sample
    for out in (roster_path, SAMPLE):
        args = ["repair", str(roster_path), "--inputs", str(SAMPLE), "--out", str(out)]
        result = runner.invoke(app, [*args, "-u", "C01:2026-03-03", "-q"])
        assert result.exit_code == 2, result.output
        # The roster is an input; the input here is a folder (refused as one).
        assert "would overwrite an input" in result.output or "is a folder" in result.output


def test_a_call_out_on_a_pinned_shift_is_refused_naming_the_pin() -> None:
    problem, baseline = tiny_call_out_program()
    pin = Pin(employee_id="C1", date=START, shift_id="D8", row=2)
    problem = problem.model_copy(update={"pins": (pin,)})
    message = rf"--unavailable C1:{MONDAY}: C1 is pinned to D8 on {MONDAY} \(Pins row 2\)"
    with pytest.raises(InputError, match=message):
        prepare_repair(problem, baseline, [f"C1:{MONDAY}"])


def test_a_roster_row_outside_the_program_is_named_by_its_row(tmp_path: Path) -> None:
    problem, baseline = tiny_call_out_program()
    stranger = baseline.assignments[0].model_copy(update={"employee_id": "C9", "row": 3})
    roster = make_roster(*baseline.assignments, stranger)
    with pytest.raises(InputError, match=r"Assignments!3 \(employee_id\): employee 'C9'"):
        prepare_repair(problem, roster, [f"C1:{MONDAY}"])


def test_frozen_shifts_that_break_a_rule_are_explained_not_repaired() -> None:
    problem = make_problem(
        staff=(person("C1", "clinician"), person("P1", "peer"), person("P2", "peer")),
        demand=(
            demand("adult", "N", "Mon", "20:00", "23:00", required=1),
            demand("adult", "N", "Tue", "09:00", "12:00", required=1),
        ),
    )
    # A hand edit: C1 works the Monday night (to Tue 08:00) and Tuesday's D8 from 08:00,
    # no rest at all; both started before --now, so both are frozen as they are.
    baseline = make_roster(unit(problem, "C1", "P1", 0, "N12"), unit(problem, "C1", "P2", 1, "D8"))
    now = dt.datetime.combine(problem.date_of(1), dt.time(12, 0))
    request = prepare_repair(problem, baseline, [f"P1:{problem.date_of(2)}"], now.isoformat())
    assert repair(request, SolveParams(time_limit=5)).status is SolveStatus.INFEASIBLE
    from scheduler.solve.explain import explain_core

    (explanation,) = explain_core(request.problem, seconds=10)
    assert "rest" in explanation and "C1" in explanation
    assert "P1" not in explanation and "P2" not in explanation  # their pins are not the conflict

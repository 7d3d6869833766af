"""The Curtois & Qu benchmark solved through the product: the mapping, the engine, the CLI.

Two independent checkers judge every benchmark roster: the benchmark's own
(`scheduler.curtois.check`, plain Python over the instance and the solution rows)
and the product's (`scheduler.evaluate`, over the mapped `Problem`). The property
test below requires them to agree on random rosters, rule by rule and on the
objective, which is what makes the mapping trustworthy.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.curtois.bench import read_best_known, solve_instance
from scheduler.curtois.check import check_solution
from scheduler.curtois.format import (
    Cover,
    CurtoisAssignment,
    CurtoisInstance,
    Employee,
    ShiftRequest,
    ShiftType,
    read_curtois,
    read_solution,
)
from scheduler.curtois.program import START_DATE, TEAM, ZONE_ID, as_problem, benchmark_objective
from scheduler.evaluate import evaluate
from scheduler.model.problem import Problem
from scheduler.model.result import SolveParams, SolveStatus
from scheduler.model.roster import Assignment, Roster

BENCHMARKS = Path(__file__).parents[1] / "benchmarks" / "curtois"
BEST_KNOWN = read_best_known(BENCHMARKS)
runner = CliRunner()

#: The product's rule id for each numbered hard constraint of the benchmark README.
PRODUCT_RULE_OF = {
    1: {"overlap"},  # two shifts the same day both start at 00:00
    2: {"forbidden_succession"},
    3: {"max_shifts_of_type"},
    4: {"min_hours_total", "max_hours_total"},
    5: {"max_consecutive_days"},
    6: {"min_consecutive_days", "min_consecutive_days_off"},
    7: {"max_weekends"},
    8: {"unavailable"},
}


def as_roster(problem: Problem, rows: list[CurtoisAssignment]) -> Roster:
    """Solution rows as the product's roster rows (each row its own unit)."""
    assignments = []
    for n, (employee_id, day, shift_id) in enumerate(rows):
        date = START_DATE + dt.timedelta(days=day)
        start = dt.datetime.combine(date, dt.time())
        length = problem.shift(shift_id).duration_minutes
        assignments.append(
            Assignment(
                date=date,
                shift_id=shift_id,
                start=start,
                end=start + dt.timedelta(minutes=length),
                team=TEAM,
                zone=ZONE_ID,
                unit_id=f"u{n}",
                employee_id=employee_id,
                role=problem.person(employee_id).role,
            )
        )
    return Roster(assignments=tuple(assignments))


# --- the mapping: both checkers agree on random instances and rosters ---


@st.composite
def instances_and_rosters(draw: st.DrawFn) -> tuple[CurtoisInstance, list[CurtoisAssignment]]:
    days = draw(st.sampled_from([7, 14]))
    shift_ids = ["E", "D", "L"][: draw(st.integers(1, 3))]
    shifts = tuple(
        ShiftType(
            id=shift_id,
            length_minutes=draw(st.sampled_from([240, 480, 720])),
            forbidden_next=tuple(draw(st.sets(st.sampled_from(shift_ids)))),
        )
        for shift_id in shift_ids
    )
    staff_ids = ["A", "B", "C"][: draw(st.integers(1, 3))]
    staff = tuple(
        Employee(
            id=employee_id,
            max_shifts={s: draw(st.integers(0, days)) for s in shift_ids},
            max_total_minutes=draw(st.integers(0, days * 480)),
            min_total_minutes=draw(st.integers(0, days * 240)),
            max_consecutive_shifts=draw(st.integers(1, 6)),
            min_consecutive_shifts=draw(st.integers(1, 3)),
            min_consecutive_days_off=draw(st.integers(1, 3)),
            max_weekends=draw(st.integers(0, days // 7)),
        )
        for employee_id in staff_ids
    )
    day = st.integers(0, days - 1)
    request = st.builds(
        ShiftRequest, st.sampled_from(staff_ids), day, st.sampled_from(shift_ids), st.integers(1, 3)
    )
    cells = [(d, s) for d in range(days) for s in shift_ids]
    covered = draw(st.lists(st.sampled_from(cells), unique=True))
    instance = CurtoisInstance(
        name="random",
        days=days,
        shift_types=shifts,
        staff=staff,
        days_off={e: frozenset(draw(st.sets(day, max_size=3))) for e in staff_ids},
        on_requests=tuple(draw(st.lists(request, max_size=4))),
        off_requests=tuple(draw(st.lists(request, max_size=4))),
        cover=tuple(
            Cover(d, s, draw(st.integers(0, 3)), draw(st.integers(0, 5)), draw(st.integers(0, 5)))
            for d, s in sorted(covered)
        ),
    )
    worked = st.tuples(st.sampled_from(staff_ids), day, st.sampled_from(shift_ids))
    return instance, draw(st.lists(worked, max_size=3 * days))


@settings(max_examples=20 * settings().max_examples)
@given(instances_and_rosters())
def test_both_checkers_agree_on_every_rule_and_the_objective(
    case: tuple[CurtoisInstance, list[CurtoisAssignment]],
) -> None:
    instance, rows = case
    problem = as_problem(instance)
    benchmark = check_solution(instance, rows)
    product = evaluate(problem, as_roster(problem, rows))

    broken_benchmark = {
        (v.employee, rule) for v in benchmark.violations for rule in PRODUCT_RULE_OF[v.constraint]
    }
    broken_product = {(v.employee_id, v.rule) for v in product.hard_violations}
    # Each constraint broken for an employee in one checker is broken in the other.
    for employee_id in instance.staff_ids:
        for rules in PRODUCT_RULE_OF.values():
            in_benchmark = any((employee_id, rule) in broken_benchmark for rule in rules)
            in_product = any((employee_id, rule) in broken_product for rule in rules)
            assert in_benchmark == in_product, (employee_id, rules, benchmark.violations)
    assert {rule for _, rule in broken_product} <= set().union(*PRODUCT_RULE_OF.values())
    assert benchmark_objective(product.parts) == benchmark.objective


# --- the engine on the benchmark ---


@pytest.mark.parametrize("number", [1, 2, 3])
def test_small_instances_solve_to_the_proven_optimum(number: int, tmp_path: Path) -> None:
    # Instances 1-3 are proven optimal in a few seconds on 2 workers.
    name = f"Instance{number}"
    solution = tmp_path / f"{name}.csv"
    run, rows = solve_instance(
        BENCHMARKS / f"{name}.txt", SolveParams(time_limit=60), solution, BEST_KNOWN[name]
    )
    instance = read_curtois(BENCHMARKS / f"{name}.txt")

    assert run.status == SolveStatus.OPTIMAL
    assert run.objective == run.bound == BEST_KNOWN[name]
    # The file on disk, read back and judged by the benchmark's own checker.
    written = read_solution(solution, instance)
    assert sorted(written) == rows
    check = check_solution(instance, written)
    assert check.feasible and check.objective == run.objective
    assert run.checked and run.gap_pct == 0.0


def test_the_deterministic_path_solves_instance1(tmp_path: Path) -> None:
    # Without the LNS thread (deterministic mode) the full search alone proves 607.
    params = SolveParams(time_limit=60, deterministic=True)
    run, rows = solve_instance(BENCHMARKS / "Instance1.txt", params, None, 607)
    assert (run.status, run.objective, run.bound) == ("optimal", 607, 607)
    assert check_solution(read_curtois(BENCHMARKS / "Instance1.txt"), rows).objective == 607


def test_instance15_solves_and_both_checkers_recheck_it(tmp_path: Path) -> None:
    # The file that writes "-0" requirements: read, solved, its roster rechecked by
    # the benchmark's checker from the file on disk and by the product's evaluator.
    path = BENCHMARKS / "Instance15.txt"
    solution = tmp_path / "Instance15.csv"
    run, rows = solve_instance(path, SolveParams(time_limit=8), solution, BEST_KNOWN["Instance15"])
    instance = read_curtois(path)
    written = read_solution(solution, instance)
    assert sorted(written) == rows
    check = check_solution(instance, written)
    product = evaluate(as_problem(instance), as_roster(as_problem(instance), written))

    assert run.checked and check.feasible and not product.hard_violations
    assert check.objective == run.objective == benchmark_objective(product.parts)
    # 3823 is the published lower bound (best known 3828, not proven optimal).
    assert run.bound is not None and run.objective is not None
    assert run.bound <= 3823 <= run.objective


# --- the command line ---


def test_bench_one_instance_writes_a_checked_solution(tmp_path: Path) -> None:
    out = tmp_path / "one.csv"
    args = ["bench", "curtois", str(BENCHMARKS / "Instance1.txt"), "--out", str(out)]
    result = runner.invoke(app, [*args, "--time-limit", "30"])

    assert result.exit_code == 0, result.output
    assert "Instance1: objective 607, bound 607, best known 607, gap 0.00%" in result.output
    assert "checked yes" in result.output
    instance = read_curtois(BENCHMARKS / "Instance1.txt")
    assert check_solution(instance, read_solution(out, instance)).objective == 607


def test_bench_all_writes_the_results_table(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    folder.mkdir()
    for name in ("Instance1.txt", "Instance2.txt", "best_known.csv"):
        shutil.copy(BENCHMARKS / name, folder / name)
    out = tmp_path / "results"
    args = ["bench", "curtois", "--all", str(folder), "--out", str(out), "--quiet"]
    result = runner.invoke(app, [*args, "--time-limit", "30"])

    assert result.exit_code == 0, result.output
    with (out / "results.csv").open(newline="") as file:
        rows = list(csv.DictReader(file))
    assert [(r["instance"], r["objective"], r["best_known"], r["gap_pct"]) for r in rows] == [
        ("Instance1", "607", "607", "0.00"),
        ("Instance2", "828", "828", "0.00"),
    ]
    assert all(r["status"] == "optimal" and r["checked"] == "yes" for r in rows)
    markdown = (out / "results.md").read_text()
    assert markdown.startswith("| instance | objective | best_known | gap_pct |")
    assert "| Instance2 | 828 | 828 | 0.00 |" in markdown
    assert {p.name for p in out.iterdir()} >= {"Instance1.csv", "Instance2.csv"}


def test_bench_needs_one_instance_or_all(tmp_path: Path) -> None:
    result = runner.invoke(app, ["bench", "curtois"])
    assert result.exit_code == 2
    assert "Give one instance file, or --all FOLDER." in result.output


def test_bench_refuses_a_malformed_instance(tmp_path: Path) -> None:
    bad = tmp_path / "Bad.txt"
    bad.write_text("SECTION_HORIZON\nfourteen\n")
    result = runner.invoke(app, ["bench", "curtois", str(bad), "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert "Bad.txt" in result.output
    assert not (tmp_path / "x.csv").exists()


# --- the whole set (minutes): behind the slow marker ---


@pytest.mark.slow
@pytest.mark.parametrize("number", range(1, 19))
def test_every_instance_gives_a_checked_roster_in_60_seconds(number: int, tmp_path: Path) -> None:
    name = f"Instance{number}"
    run, _ = solve_instance(
        BENCHMARKS / f"{name}.txt",
        SolveParams(time_limit=60),
        tmp_path / f"{name}.csv",
        BEST_KNOWN[name],
    )
    assert run.checked, run
    assert run.objective is not None and run.bound is not None
    assert run.bound <= BEST_KNOWN[name] <= run.objective

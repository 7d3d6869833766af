"""The large-neighbourhood search (`scheduler/solve/lns.py`) on tiny programs.

A move may only replace the roster by a better one of the whole model, so the
LNS never worsens the objective and every roster it returns keeps every hard
rule (checked by `scheduler.evaluate`, not by the solver).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ortools.sat.python import cp_model

from scheduler.curtois.check import check_solution
from scheduler.curtois.format import read_curtois
from scheduler.curtois.program import as_problem, benchmark_objective, solution_rows
from scheduler.model.result import SolveParams, SolveResult, SolveStatus
from scheduler.solve import engine, lns, solve
from scheduler.solve.engine import build_model, solver_at
from scheduler.synthetic import synthetic_program
from tests.solving import solve_checked

INSTANCE = Path(__file__).resolve().parent.parent / "benchmarks" / "curtois" / "Instance2.txt"


def _poor_start(model: cp_model.CpModel) -> cp_model.CpSolver:
    """Any roster (the first one found), far from the optimum."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.stop_after_first_solution = True
    solver.parameters.catch_sigint_signal = False
    assert solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return solver


def test_moves_never_worsen_and_every_roster_is_a_solution() -> None:
    instance = read_curtois(INSTANCE)
    built = build_model(as_problem(instance))
    model = built.variables.model
    model.minimize(built.stage2)
    start = _poor_start(model)
    start_objective = round(start.objective_value)
    seen: list[int] = []

    def improved(objective: int, solver: cp_model.CpSolver) -> None:
        assert round(solver.value(built.stage2)) == objective
        seen.append(objective)

    outcome = lns.improve(
        built.variables,
        list(start.response_proto.solution),
        start_objective,
        time.monotonic() + 3.0,
        seed=1,
        threads=2,
        on_improve=improved,
    )
    # Each accepted move is strictly better than the one before it.
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == len(seen)
    assert all(objective < start_objective for objective in seen)
    assert outcome.objective <= start_objective
    assert outcome.moves > 0
    # The returned values are a roster of the whole model, with the objective claimed.
    holder = solver_at(model, outcome.values)
    assert round(holder.value(built.stage2)) == outcome.objective


@pytest.fixture
def lns_on_everything(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The engine takes the LNS path even on a tiny program, and leaves the LNS most
    of stage 2 (the usual search stops at its first roster after 5% of the time)."""
    monkeypatch.setattr(engine, "USE_LNS", True)
    monkeypatch.setattr(engine, "LNS_MIN_CHOICES", 0)
    monkeypatch.setattr(engine, "LNS_POLISH_SHARE", 0.95)
    calls: list[int] = []
    improve = lns.improve

    def counted(*args: Any, **kwargs: Any) -> lns.LnsOutcome:
        calls.append(1)
        return improve(*args, **kwargs)

    monkeypatch.setattr(lns, "improve", counted)
    yield
    assert calls, "the LNS never ran"


@pytest.mark.usefixtures("lns_on_everything")
def test_engine_with_lns_gives_checked_curtois_roster() -> None:
    instance = read_curtois(INSTANCE)
    result = solve(as_problem(instance), SolveParams(time_limit=4, workers=2, seed=0))
    assert result.status.has_roster and result.parts is not None
    check = check_solution(instance, solution_rows(result.roster))
    assert check.feasible
    assert check.objective == benchmark_objective(result.parts)
    _bound_is_honest(result)


def _bound_is_honest(result: SolveResult) -> None:
    """At most the roster's objective, equal when proven optimal. (Equal while only
    feasible is possible: the first search's bound met by the LNS roster.)"""
    assert result.bound is not None and result.objective is not None
    assert result.bound <= result.objective
    if result.status is SolveStatus.OPTIMAL:
        assert result.bound == result.objective


@pytest.mark.usefixtures("lns_on_everything")
def test_engine_with_lns_gives_checked_crisis_roster() -> None:
    problem = synthetic_program(8, 8, zones=3, days=14, around_the_clock=True, seed=3)
    result, _ = solve_checked(problem, time_limit=4)
    _bound_is_honest(result)

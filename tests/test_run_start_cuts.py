"""The run-start inequalities of `rules/sequences.py` (shortest runs worked and off):
redundant for rosters, tighter for the LP relaxation that CP-SAT's LP workers solve."""

from __future__ import annotations

import itertools

import pytest
from ortools.sat.python import cp_model

from scheduler.curtois.format import Cover, CurtoisInstance, Employee, ShiftRequest, ShiftType
from scheduler.curtois.program import as_problem
from scheduler.model.objective import STAGE2_WEIGHTS
from scheduler.model.stop import never_stopped
from scheduler.solve import engine
from scheduler.solve.lp import lp_bound
from scheduler.solve.rules import sequences
from scheduler.synthetic import synthetic_program


def _instance(days: int, on: tuple[int, ...], off: tuple[int, ...]) -> CurtoisInstance:
    """One person, one 8-hour shift open every day (cover rows that cost nothing), runs of
    3-5 days worked and at least 2 off; on- and off-requests (weight 1) on the given days."""
    person = Employee(
        id="A",
        max_shifts={"D": days},
        max_total_minutes=days * 480,
        min_total_minutes=0,
        max_consecutive_shifts=5,
        min_consecutive_shifts=3,
        min_consecutive_days_off=2,
        max_weekends=days // 7 + 1,
    )
    return CurtoisInstance(
        name="runs",
        days=days,
        shift_types=(ShiftType(id="D", length_minutes=480, forbidden_next=()),),
        staff=(person,),
        days_off={},
        on_requests=tuple(ShiftRequest("A", day, "D", 1) for day in on),
        off_requests=tuple(ShiftRequest("A", day, "D", 1) for day in off),
        cover=tuple(Cover(day, "D", 0, 0, 0) for day in range(days)),  # open, free
    )


def _model(instance: CurtoisInstance, cuts: bool) -> engine.BuiltModel:
    saved = sequences.RUN_START_CUTS
    sequences.RUN_START_CUTS = cuts
    try:
        built = engine.build_model(as_problem(instance))
    finally:
        sequences.RUN_START_CUTS = saved
    built.variables.model.minimize(built.stage2)
    return built


def _lp_value(model: cp_model.CpModel) -> float:
    """The objective's least value over the LP relaxation of the model's linear
    constraints and clauses (`scheduler.solve.lp`: enforced ones left out)."""
    return lp_bound(model, 30, never_stopped(None))


def _optimum(model: cp_model.CpModel) -> float:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    return solver.objective_value


def test_the_cuts_keep_every_roster_and_add_none() -> None:
    """Every pattern of days worked over 8 days is a roster with the cuts exactly when it
    is one without them (the shortest runs decide which are)."""
    instance = _instance(8, on=(), off=())
    feasible: dict[bool, list[tuple[int, ...]]] = {}
    for cuts in (False, True):
        feasible[cuts] = []
        for pattern in itertools.product((0, 1), repeat=8):
            built = _model(instance, cuts)
            for worked, day_works in zip(pattern, built.variables.works[0], strict=True):
                built.variables.model.add(day_works == worked)
            solver = cp_model.CpSolver()
            solver.parameters.num_workers = 1
            if solver.solve(built.variables.model) == cp_model.OPTIMAL:
                feasible[cuts].append(pattern)
    assert feasible[True] == feasible[False]
    assert (0, 1, 1, 0, 0, 1, 1, 1) not in feasible[True]  # a run of 2 inside: too short
    assert (1, 1, 0, 0, 1, 1, 1, 0) in feasible[True]  # the edge runs are exempt


def test_the_cuts_close_the_lp_gap_of_half_runs() -> None:
    """Requests to work days 2 and 6 and to be off days 3, 4 and 7 (10 days): day 6 can
    only be in a run of 3+ that reaches day 4 or 7, so a roster misses one request (1
    point). Without the cuts the LP works two half runs and pays half a point; with them
    its bound is the optimum."""
    instance = _instance(10, on=(2, 6), off=(3, 4, 7))
    without, with_cuts = _model(instance, False), _model(instance, True)
    point = STAGE2_WEIGHTS["request_penalty"]
    assert _optimum(without.variables.model) == _optimum(with_cuts.variables.model) == point
    assert _lp_value(without.variables.model) == pytest.approx(point / 2)
    assert _lp_value(with_cuts.variables.model) == pytest.approx(point)


def test_programs_without_shortest_runs_build_the_same_model() -> None:
    """A crisis program keeps the default shortest runs of 1: nothing to post, the model
    is the one built without the cuts."""
    problem = synthetic_program(4, 4, 2, 7, around_the_clock=True, seed=0)
    assert {
        (p.rules.min_consecutive_days, p.rules.min_consecutive_days_off) for p in problem.staff
    } == {(1, 1)}
    models = []
    for cuts in (False, True):
        saved = sequences.RUN_START_CUTS
        sequences.RUN_START_CUTS = cuts
        try:
            models.append(str(engine.build_model(problem).variables.model.proto))
        finally:
            sequences.RUN_START_CUTS = saved
    assert models[0] == models[1]


def test_large_models_go_without_the_cuts() -> None:
    """Above `RUN_START_CUTS_MAX_CHOICES` choice variables the cuts are not posted (they
    made instance 12's root LP too large for the minute): the model is the one without."""
    instance = _instance(10, on=(2, 6), off=(3, 4, 7))
    saved = sequences.RUN_START_CUTS_MAX_CHOICES
    sequences.RUN_START_CUTS_MAX_CHOICES = 9  # the instance has 10 (one shift a day)
    try:
        gated = str(_model(instance, True).variables.model.proto)
    finally:
        sequences.RUN_START_CUTS_MAX_CHOICES = saved
    assert gated == str(_model(instance, False).variables.model.proto)
    assert gated != str(_model(instance, True).variables.model.proto)

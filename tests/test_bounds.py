"""Stage 2's bound from the week cuts and the relaxation (scheduler/solve/bounds.py).

The bound must never exceed what a roster costs: the week cuts are checked
against every week a brute force can build, the relaxation against rosters the
roster model finds (checked by the checker), and on a tiny program where the
cost is forced by whole shifts the relaxation's bound is the exact optimum.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest
from ortools.sat.python import cp_model

from scheduler.evaluate import evaluate
from scheduler.model.objective import STAGE2_WEIGHTS, stage2_total
from scheduler.model.problem import Problem
from scheduler.model.result import SolveParams, SolveStatus
from scheduler.model.stop import never_stopped
from scheduler.solve import engine
from scheduler.solve.bounds import (
    WeekCost,
    build_relaxation,
    hull_lines,
    least_costs,
    week_cost_lines,
)
from scheduler.synthetic import synthetic_program
from tests.factories import N12, START, demand
from tests.test_solve_rules import clinician, peer, program

SHORT = STAGE2_WEIGHTS["contract_shortfall_minutes"]
NIGHT = 690  # N12 pays 11.5 hours


def _weeks_by_brute_force(lengths_by_day: list[frozenset[int]], cap: int) -> list[tuple[int, ...]]:
    """Every week's shifts: per day 0 (off) or one of its lengths, within the cap."""
    choices = [(0, *sorted(day)) for day in lengths_by_day]
    return [week for week in itertools.product(*choices) if sum(week) <= cap]


def test_a_night_week_costs_what_whole_shifts_force() -> None:
    """With 8-, 10- and 11.5-hour shifts a week with nights never pays exactly 40 h:
    one night is best with three 10 h shifts (41.5 h: 90 overtime minutes), two with
    an 8 h and a 10 h shift (41 h: 60 minutes)."""
    week = WeekCost(contract=2400, threshold=2400, rate=6_000, cap=2880)
    days = [frozenset({480, 600, NIGHT})] * 7
    least = least_costs(days, NIGHT, week)
    assert least[0] == 0 and least[1] == 90 * 6_000 and least[2] == 60 * 6_000
    # The hull's first edge: cost >= 180,000 per night, below g(1) = 540,000.
    assert (2, 0, 2 * 180_000) in hull_lines(least)


@pytest.mark.parametrize("seed", range(30))
def test_week_cuts_never_cut_off_a_week(seed: int) -> None:
    """Each cut holds for every week a person can work (brute force over the days)."""
    rng = random.Random(seed)
    n_days = rng.randint(1, 7)
    pool = [480, 600, NIGHT, 240]
    days = [frozenset(rng.sample(pool, rng.randint(0, 3))) for _ in range(n_days)]
    week = WeekCost(
        contract=rng.choice([0, 1920, 2400]),
        threshold=rng.choice([0, 1920, 2400]),
        rate=rng.choice([0, 4_500, 7_500]),
        cap=rng.choice([2400, 2880]),
    )
    lines = week_cost_lines(days, week)
    for shifts in _weeks_by_brute_force(days, week.cap or 10**9):
        cost = week.of(sum(shifts))
        for length, (scale, base, slope) in lines:
            count = sum(1 for s in shifts if s and (length is None or s == length))
            assert scale * cost >= base + slope * count, (shifts, length, scale, base, slope)


def _nights() -> Problem:
    """Two clinicians and two peers (40 h contracts, overtime after 40 h at $75/h, at
    most 48 h a week) cover 7 nights of one unit with N12 (11.5 paid hours) alone."""
    staff = [
        make(name, min_hours_per_week=40, max_hours_per_week=48, hourly_rate=50)
        for make, name in ((clinician, "C01"), (clinician, "C02"), (peer, "P01"), (peer, "P02"))
    ]
    # Dated rows: a weekday row for Sunday would also ask for the first morning.
    rows = [
        demand("adult", "N", START + dt.timedelta(days=day), "20:00", "08:00", 1)
        for day in range(7)
    ]
    return program(staff, shifts=(N12,), demand=rows)


def test_relaxation_bound_is_the_exact_optimum_when_whole_shifts_force_the_cost() -> None:
    """Per role, 7 nights on two people capped at 4 nights (46 h): 4 + 3 would leave
    one 330 minutes short of contract (x 20,000 = 6,600,000), so both work 4 nights
    (one night has a second unit), each 360 overtime minutes at 7,500 cents/h. The
    relaxation proves exactly that: 2 roles x 2 people x 2,700,000."""
    problem = _nights()
    expected = 2 * 2 * 360 * 7_500
    result = engine.solve(problem, SolveParams(time_limit=20, workers=2))
    assert result.status is SolveStatus.OPTIMAL
    evaluation = evaluate(problem, result.roster)
    assert not evaluation.hard_violations
    assert evaluation.parts.required_shortfall == 0
    # Contract and overtime: what the relaxation prices (pairing parts come after, and
    # which of the equally cheap rosters the search ends on can change them).
    parts = evaluation.parts
    assert SHORT * parts.contract_shortfall_minutes + parts.overtime_cost_cent_minutes == expected
    built = engine.build_model(problem)
    # Stage 1's limit 0: every unit-slot covered, as in the roster above.
    bound = engine._relaxation_bound(built, 10.0, 0, never_stopped(None))
    # The LP's optimum, less the margin kept for GLOP's tolerances (lp.py).
    assert expected - expected * 1e-6 - 2 <= bound <= expected


def _roster_solver(problem: Problem) -> tuple[engine.BuiltModel, cp_model.CpSolver]:
    """The roster model and a solver holding one of its rosters (any coverage)."""
    built = engine.build_model(problem)
    model = built.variables.model
    model.minimize(built.stage1)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 5
    assert solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return built, solver


@pytest.mark.parametrize("seed", [0, 1])
def test_every_roster_is_a_solution_of_the_relaxation_at_its_cost(seed: int) -> None:
    """The proof's step: a roster (the greedy one) read into the relaxation keeps
    every constraint, with the contract and overtime parts as the checker counts them."""
    problem = synthetic_program(5, 5, 2, 7, True, seed=seed, juvenile_zones=1, pins=1)
    built, solver = _roster_solver(problem)
    limit = int(solver.value(built.coverage))
    v = built.variables
    relaxation = build_relaxation(problem, v.choices(), built.target_base, limit)
    relaxation.hint(built.variables, solver)
    check = cp_model.CpSolver()
    check.parameters.fix_variables_to_their_hinted_value = True
    check.parameters.num_workers = 1
    assert check.solve(relaxation.model) == cp_model.OPTIMAL
    roster = engine._roster(
        problem, built.variables, engine._alone(engine._people_on(built.variables, solver)).pairs
    )
    parts = evaluate(problem, roster).parts
    assert check.objective_value == (
        SHORT * parts.contract_shortfall_minutes + parts.overtime_cost_cent_minutes
    )


@pytest.mark.parametrize("seed", [0, 1])
def test_bounds_never_exceed_what_the_checker_counts(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On small 24/7 programs with pins, trainees and pairs: the relaxation's LP and
    the solve's reported bound are at most the checker's recount of
    the solve's roster (which keeps stage 1's coverage, the relaxation's limit)."""
    problem = synthetic_program(5, 5, 3, 7, True, seed=seed, juvenile_zones=2, pins=2)
    monkeypatch.setattr(engine, "RELAXATION_MIN_CHOICES", 0)  # the relaxation runs
    result = engine.solve(problem, SolveParams(time_limit=8, workers=2, seed=seed))
    assert result.status.has_roster and result.bound is not None
    assert result.stage1_objective is not None
    evaluation = evaluate(problem, result.roster)
    assert not evaluation.hard_violations
    cost = stage2_total(evaluation.parts)
    assert result.bound <= cost
    built = engine.build_model(problem)
    limit = round(result.stage1_objective)
    relaxed = engine._relaxation_bound(built, 5.0, limit, never_stopped(None))
    assert 0 < relaxed <= cost

"""The hours-aware start of large solves (scheduler/solve/construct.py): the tiling
that covers demand with the fewest paid hours, and the hand-overs (`rebalance`)
that move shifts to whom they cost least. Every roster is rechecked by the checker."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler.evaluate import evaluate
from scheduler.model.objective import STAGE2_WEIGHTS, stage2_total
from scheduler.model.problem import Role, Team
from scheduler.solve import engine
from scheduler.solve.construct import (
    add_hint,
    construct,
    rebalance,
    shortfall,
)
from scheduler.solve.tiling import tiling
from scheduler.synthetic import synthetic_program
from tests.factories import D8, E8, START, demand, template
from tests.test_solve_rules import clinician, peer, program

D12 = template("D12", "08:00", "20:00", 30)  # 11.5 paid hours


def test_tiling_covers_the_day_with_the_fewest_paid_hours() -> None:
    """08:00-20:00, one unit: D12 alone pays 690 minutes, D8 + E8 would pay 960."""
    staff = [clinician("C01"), clinician("C02"), peer("P01"), peer("P02")]
    problem = program(
        staff, shifts=(D8, E8, D12), demand=[demand("adult", "N", START, "08:00", "20:00", 1)]
    )
    v = engine.build_model(problem).variables
    plan = tiling(problem, v.choices(), 5)
    assert plan is not None
    assert {v.option(k).shift.shift_id: units for k, units in plan.items()} == {"D12": 1}


def _six_days(**kw: object) -> tuple[engine.BuiltModel, dict[tuple[int, int], int]]:
    """Mon-Sat 08:00-16:00, one unit, D8 only; 40-h contracts, overtime after 40 h,
    at most 48 h. The roster given: C01 and P01 work all six days, C02 and P02 none."""
    staff = [
        make(
            name,
            min_hours_per_week=40,
            max_hours_per_week=48,
            hourly_rate=50,
            max_consecutive_days=6,
            min_days_off_per_week=1,
            **kw,
        )
        for make, name in ((clinician, "C01"), (clinician, "C02"), (peer, "P01"), (peer, "P02"))
    ]
    rows = [
        demand("adult", "N", START + dt.timedelta(days=day), "08:00", "16:00", 1)
        for day in range(6)
    ]
    problem = program(staff, demand=rows)
    built = engine.build_model(problem)
    v = built.variables
    chosen = {}
    for day in range(6):
        k = v.option_at[(day, "D8", Team.ADULT, "N")]
        chosen[(0, day)] = chosen[(2, day)] = k  # C01 and P01 (staff order)
    return built, chosen


def _cost(built: engine.BuiltModel, chosen: dict[tuple[int, int], int]) -> tuple[int, object]:
    v = built.variables
    v.model.clear_hints()  # type: ignore[no-untyped-call]
    values = add_hint(v, chosen)
    assert values is not None  # the model completes it: every hard rule holds
    solver = engine.solver_at(v.model, values)
    units = {}
    for k, people in engine._people_on(v, solver).items():
        by_role = [[p for p in people if v.people[p].role is role] for role in Role]
        units[k] = list(zip(*by_role, strict=True))  # the model keeps them equal
    roster = engine._roster(v.problem, v, units)
    evaluation = evaluate(v.problem, roster)
    assert not evaluation.hard_violations
    return stage2_total(evaluation.parts), evaluation.parts


def test_rebalance_hands_shifts_over_until_every_week_pays_its_contract() -> None:
    """C01 and P01 at 48 h (8 h overtime each), C02 and P02 at 0 (40 h short each):
    one shift handed over and four more units worked by C02 and P02 (coverage only
    grows) give everyone exactly 40 h, so contract shortfall and overtime are 0."""
    built, chosen = _six_days()
    before, _ = _cost(built, chosen)
    better = rebalance(built.variables, chosen, 10)
    after, parts = _cost(built, better)
    assert before > 0 and after == 0
    assert _priced(parts) == 0
    assert shortfall(built.variables, better) == (0, 0)
    worked = [sum(1 for (p, _), _k in better.items() if p == person) for person in range(4)]
    assert worked == [5, 5, 5, 5]


def test_rebalance_leaves_people_whose_runs_it_cannot_check() -> None:
    """The same week with shortest runs of two days: nobody may take part, no change."""
    built, chosen = _six_days(min_consecutive_days=2)
    assert rebalance(built.variables, chosen, 10) == chosen


def _priced(parts: object) -> int:
    """What `rebalance` prices: contract shortfall, overtime, peers away from home."""
    weights = {k: STAGE2_WEIGHTS[k] for k in PRICED}
    return sum(weight * getattr(parts, name) for name, weight in weights.items())


PRICED = ("contract_shortfall_minutes", "overtime_cost_cent_minutes", "peer_shifts_away_from_home")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_hours_aware_start_keeps_every_rule_and_costs_no_more(seed: int) -> None:
    """Random 24/7 programs with pins, trainees and pairs: the start the engine uses
    for large programs is completed by the model (every hard rule holds) and covers
    at least as much as the plain greedy roster; hand-overs never raise what they
    price, and keep every rule."""
    problem = synthetic_program(6, 6, 2, 14, True, seed=seed, juvenile_zones=1, pins=2)
    built = engine.build_model(problem)
    v = built.variables
    plain = construct(v)
    start = engine._fewer_hours_start(v, plain, engine.SolveParams(time_limit=20))
    assert shortfall(v, start) <= shortfall(v, plain)
    _cost(built, start)
    _, before = _cost(built, plain)
    _, after = _cost(built, rebalance(v, plain, 5))
    assert _priced(after) <= _priced(before)


def test_the_final_hand_overs_are_kept_only_when_the_model_says_they_cost_less() -> None:
    """The engine's last step on large programs: the unbalanced week above, held by a
    solver, comes back cheaper by the model's own stage-2 count; a roster with
    nothing left to hand over comes back as None (the search's roster stands)."""
    built, chosen = _six_days()
    v = built.variables
    v.model.clear_hints()  # type: ignore[no-untyped-call]
    values = add_hint(v, chosen)
    assert values is not None
    solver = engine.solver_at(v.model, values)
    polished = engine._rebalanced(built, solver, 5)
    assert polished is not None
    assert polished.value(built.stage2) < solver.value(built.stage2)
    assert engine._rebalanced(built, polished, 5) is None

"""The plan stage's bound: cuts that never change a plan and raise the LP's bound.

Each rule test is a tiny program whose cheapest plan is known by hand: the cut binds
(the LP relaxation's bound rises to a stated value), and the plan found is the same
with it. The LP relaxation is computed here with GLOP from the CP-SAT model's linear
part (`_lp_bound`), so the figures do not depend on CP-SAT's search.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from ortools.linear_solver import pywraplp

from scheduler.model.problem import Problem, Rules
from scheduler.model.result import HireLimits, SolveParams
from scheduler.plan.hires import plan_hires, with_candidates
from scheduler.solve import engine
from scheduler.solve.construct import construct
from scheduler.solve.rules import hiring
from tests.factories import demand, hire, make_problem, person

PARAMS = SolveParams(time_limit=5.0, workers=2, seed=0)
DAY_UNIT = ("08:00", "16:00")  # inside D8 (08:00-16:30, 8 h paid): 8 one-hour slots
YEAR = 365 / 7  # a week's overtime cost, annualised


def _lp_bound(problem: Problem, cuts: bool) -> float:
    """The LP relaxation's least plan cost (currency a year) for rosters with no required
    shortfall: CP-SAT's linear constraints, clauses and max equalities, relaxed."""
    built = engine.build_model(with_candidates(problem), hire_limits=HireLimits())
    v = built.variables
    v.model.add(built.parts["required_shortfall"] <= 0)
    if cuts:
        hiring.capacity_cuts(v, 0)
        hiring.overtime_cuts(v, built.parts, 0)
    assert built.plan_objective is not None
    v.model.minimize(built.plan_objective)
    proto = v.model.proto
    lp = pywraplp.Solver.CreateSolver("GLOP")
    xs = [lp.NumVar(_low(var.domain), _high(var.domain), "") for var in proto.variables]

    def lit(ref: int) -> pywraplp.LinearExpr:
        return xs[ref] if ref >= 0 else 1 - xs[-ref - 1]

    def expr(e: object) -> pywraplp.LinearExpr:
        return sum((c * xs[i] for i, c in zip(e.vars, e.coeffs, strict=True)), e.offset)  # type: ignore[attr-defined]

    for ct in proto.constraints:
        if ct.has_linear() and not ct.enforcement_literal:
            terms = sum(c * xs[i] for i, c in zip(ct.linear.vars, ct.linear.coeffs, strict=True))
            lo, hi = _low(ct.linear.domain), _high(ct.linear.domain)
            if lo > -(2**62):
                lp.Add(terms >= lo)
            if hi < 2**62:
                lp.Add(terms <= hi)
        elif ct.has_bool_or():
            lp.Add(
                sum(1 - lit(e) for e in ct.enforcement_literal)
                + sum(lit(r) for r in ct.bool_or.literals)
                >= 1
            )
        elif ct.has_lin_max():
            for e in ct.lin_max.exprs:
                lp.Add(expr(ct.lin_max.target) >= expr(e))
    objective = proto.objective
    unit = engine.PLAN_COST_CENTS_PER_UNIT * problem.days * built.target_base
    terms = zip(objective.vars, objective.coeffs, strict=True)
    lp.Minimize(sum(c / unit * xs[i] for i, c in terms))  # currency a year
    assert lp.Solve() == pywraplp.Solver.OPTIMAL
    return float(lp.Objective().Value() + objective.offset / unit)


def _low(domain: Any) -> float:
    low = int(domain[0])
    return -math.inf if low < -(2**50) else low


def _high(domain: Any) -> float:
    high = int(domain[len(domain) - 1])  # the proto's lists take no negative index
    return math.inf if high > 2**50 else high


def _peer_short_of_a_week() -> Problem:
    """A unit every day 08-16 (7 D8 shifts, 56 slots, per role); two clinicians cover
    their side; the only peer may work 40 h (5 shifts); a peer hire costs 50,000 and
    may work 40 h. Overtime after 40 h is never paid (nobody goes past 40 h)."""
    return make_problem(
        staff=[
            person("C1", "clinician"),
            person("C2", "clinician"),
            person("P1", "peer", max_hours_per_week=40),
        ],
        demand=[demand("adult", "N", day, *DAY_UNIT, 1) for day in range(7)],
        hires=[hire("P", "peer", 50_000, count=2, max_hours_per_week=40)],
    )


def test_the_lp_stops_hiring_fractions_of_a_peer() -> None:
    # P1 covers 40 of the 56 peer slot-hours; a hire the other 16. Cheapest plan: one
    # hire, 50,000. Without the cuts the LP hires 16/56 = 2/7 of a peer (on every day
    # 2/7 of a shift: 14,285.71); hours at most 40 h x hired make it 16/40 = 0.4
    # (20,000); the capacity cut rounds it up to 1 hire: the bound is the optimum.
    problem = _peer_short_of_a_week()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hiring, "PERSPECTIVE", False)
        assert _lp_bound(problem, cuts=False) == pytest.approx(50_000 * 2 / 7)
    assert _lp_bound(problem, cuts=False) == pytest.approx(20_000)
    assert _lp_bound(problem, cuts=True) == pytest.approx(50_000)

    plan = plan_hires(problem, PARAMS)
    assert plan.hires == {"P": 1}
    assert plan.total_annual_cost == 50_000
    assert plan.required_shortfall == 0
    assert plan.cost_gap == 0  # proven: the bound is the cost


def _overtime_or_hire(hire_cost: float) -> Problem:
    """Overtime after 8 h a week at 50 x 1.5 an hour: staff C1 and P1 working Mon and
    Tue (one unit 08-16) pay 8 h overtime each (1,200 a week for both); or a clinician
    and a peer are hired (each at `hire_cost`, at most 16 h a week), who take a day."""
    rules = Rules(overtime_after_hours=8)
    return make_problem(
        rules=rules,
        staff=[
            person("C1", "clinician", rules=rules, hourly_rate=50),
            person("P1", "peer", rules=rules, hourly_rate=50),
        ],
        demand=[demand("adult", "N", day, *DAY_UNIT, 1) for day in ("Mon", "Tue")],
        hires=[
            hire("C", "clinician", hire_cost, max_hours_per_week=16, hourly_rate=50),
            hire("P", "peer", hire_cost, max_hours_per_week=16, hourly_rate=50),
        ],
    )


def test_a_hires_overtime_threshold_counts_once_hired() -> None:
    # Hires at 30,000 each: both hired, a day each, no overtime: 60,000, the optimum
    # (a pair hired for 60,000 beats 62,571.43 of overtime). Without the cut the LP
    # hires half a pair (30,000): staff and hires each work half of both days, 8 h,
    # all straight time. With a hire's threshold at 8 h x hired, half a hire pays
    # 4 h of overtime for those 8 h: the bound is the optimum.
    problem = _overtime_or_hire(30_000)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hiring, "PERSPECTIVE", False)
        assert _lp_bound(problem, cuts=False) == pytest.approx(30_000)
    assert _lp_bound(problem, cuts=False) == pytest.approx(60_000)

    plan = plan_hires(problem, PARAMS)
    assert plan.hires == {"C": 1, "P": 1}
    assert plan.total_annual_cost == 60_000
    assert plan.overtime_hours == 0


def _overtime_or_a_dear_hire() -> Problem:
    """One unit every day 08-16 (7 D8 shifts of 8 h: 56 h per role); two clinicians and
    two peers, each paid overtime after 24 h a week (50 x 1.5 an hour). Hires cost
    100,000 a year each, may work 40 h and are paid overtime after the program's 40 h."""
    staff = [
        person(f"{role[0].upper()}{n}", role, hourly_rate=50, overtime_after_hours=24)
        for role in ("clinician", "peer")
        for n in (1, 2)
    ]
    return make_problem(
        staff=staff,
        demand=[demand("adult", "N", day, *DAY_UNIT, 1) for day in range(7)],
        hires=[
            hire("C", "clinician", 100_000, max_hours_per_week=40),
            hire("P", "peer", 100_000, max_hours_per_week=40),
        ],
    )


def test_overtime_is_owed_unless_whole_people_are_hired() -> None:
    # Cheapest: no hire, 8 h overtime per role (56 h paid, 2 x 24 h straight), 1,200
    # a week: 62,571.43 a year. The LP without the overtime cut hires 8/40 = 0.2 of
    # each kind for those 8 h (1/7 of each day's shift: 2 x 20,000). With it, overtime
    # >= 8 h x (1 - hires of the role) (a hire gives up to 40 h): the LP pays the
    # overtime or whole hires, and the bound is the optimum.
    problem = _overtime_or_a_dear_hire()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hiring, "overtime_cuts", lambda *args: 0)
        assert _lp_bound(problem, cuts=True) == pytest.approx(40_000)
    assert _lp_bound(problem, cuts=True) == pytest.approx(1_200 * YEAR)

    plan = plan_hires(problem, PARAMS)
    assert plan.hire_count == 0
    assert plan.total_annual_cost == pytest.approx(1_200 * YEAR)
    assert plan.cost_gap == pytest.approx(0, abs=1e-9)


def test_no_capacity_cut_when_staff_can_cover_it_all() -> None:
    # Staff alone could cover every required slot: nothing is posted, nobody hired.
    problem = _peer_short_of_a_week().replaced(
        demand=tuple(demand("adult", "N", day, *DAY_UNIT, 1) for day in range(5))
    )
    built = engine.build_model(with_candidates(problem), hire_limits=HireLimits())
    assert hiring.capacity_cuts(built.variables, 0) == 0


def test_the_greedy_start_uses_staff_before_candidates() -> None:
    # Staff can cover Mon-Fri; the greedy roster that starts the search hires nobody.
    problem = with_candidates(
        _peer_short_of_a_week().replaced(
            demand=tuple(demand("adult", "N", day, *DAY_UNIT, 1) for day in range(5))
        )
    )
    built = engine.build_model(problem, hire_limits=HireLimits())
    chosen = construct(built.variables)
    workers = {built.variables.people[p].employee_id for p, _day in chosen}
    assert workers <= {"C1", "C2", "P1"}
    assert "P1" in workers

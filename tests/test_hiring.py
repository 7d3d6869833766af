"""Candidate hires (`Hiring`, `plan_hires`): tiny programs whose best hires are known by hand.

Every plan's roster goes through the checker (`_checked`): no hard violation, the
plan's figures equal the checker's on the plain program the plan hands on, and at
a proven optimum the solver's parts equal the checker's.
"""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from scheduler.evaluate import evaluate, hire_costs
from scheduler.io.read_workbook import load_problem
from scheduler.model.problem import Hire, Problem, Rules
from scheduler.model.result import SolveParams, SolveStatus
from scheduler.plan.hires import HirePlan, plan_hires, with_candidates
from scheduler.solve.engine import build_model
from tests.factories import assign, demand, hire, make_problem, make_roster, person, unit
from tests.solving import solve_checked

PARAMS = SolveParams(time_limit=5.0, workers=2, seed=0)
SMALL = Path(__file__).parent / "data" / "valid" / "small"
DAY_UNIT = ("08:00", "16:00")  # inside D8 (08:00-16:30): 8 one-hour slots


def _checked(plan: HirePlan) -> HirePlan:
    """The plan's roster is sound and its figures are the checker's."""
    assert plan.status.has_roster, plan.note
    assert plan.hard_violations == 0
    roster = plan.result.roster
    again = evaluate(plan.problem, roster)  # the plain program: hires are staff now
    assert not again.hard_violations, [v.detail for v in again.hard_violations]
    assert again.parts.required_shortfall == plan.required_shortfall
    assert {p.employee_id for p in plan.problem.staff} >= {
        r.employee_id for r in roster.assignments
    }
    assert plan.problem.hires == ()
    if plan.status is SolveStatus.OPTIMAL:
        assert plan.result.parts == again.parts
    # The solver's bound on the plan's annual cost is below what the checker counts
    # (a cent of rounding allowed), and reached when the plan is proven optimal.
    bound = plan.result.plan_cost_bound
    if bound is not None:
        assert bound <= plan.total_annual_cost + 0.01
        if plan.status is SolveStatus.OPTIMAL:
            assert bound == pytest.approx(plan.total_annual_cost, abs=0.01)
    return plan


def _peer_and_clinician_kinds() -> list[Hire]:
    return [
        hire("PEER_EXP", "peer", 70_000),
        hire("PEER_CHEAP", "peer", 50_000),
        hire("CLIN", "clinician", 90_000, count=2),
    ]


def _one_unit_short(units: int = 2) -> Problem:
    """Staff make one unit; Monday's day shift needs `units` units."""
    return make_problem(
        staff=[person("C1", "clinician"), person("P1", "peer")],
        demand=[demand("adult", "N", "Mon", *DAY_UNIT, units)],
        hires=_peer_and_clinician_kinds(),
    )


def test_the_cheapest_peer_and_a_clinician_are_hired() -> None:
    # The second unit needs one clinician (only CLIN, 90,000) and one peer: the cheap
    # one (50,000) rather than the expensive one (70,000); no overtime: 140,000.
    plan = _checked(plan_hires(_one_unit_short(), PARAMS))

    assert plan.hires == {"PEER_EXP": 0, "PEER_CHEAP": 1, "CLIN": 1}
    assert plan.annual_hire_cost == 140_000
    assert plan.total_annual_cost == 140_000
    assert plan.required_shortfall == 0
    assert plan.required_coverage == 1.0
    assert [p.employee_id for p in plan.problem.staff] == ["C1", "P1", "PEER_CHEAP#1", "CLIN#1"]
    assert plan.note == ""
    # Proven: no plan covering as much costs less.
    assert plan.cost_lower_bound == 140_000
    assert plan.cost_gap == 0


def test_a_gap_no_shift_can_cover_is_named_and_does_not_stop_the_hires() -> None:
    # Monday 00:00-02:00 also needs a unit, but the only shift is D8 (08:00-16:30):
    # no one, hired or not, can cover those 2 unit-slots. The day unit still needs the
    # cheap peer and a clinician (140,000), and the note says which slots are out of reach.
    problem = _one_unit_short().replaced(
        demand=(
            demand("adult", "N", "Mon", "08:00", "16:00", 2),
            demand("adult", "N", "Mon", "00:00", "02:00", 1),
        )
    )
    plan = _checked(plan_hires(problem, PARAMS))

    assert plan.hires == {"PEER_EXP": 0, "PEER_CHEAP": 1, "CLIN": 1}
    assert plan.required_shortfall == 2
    assert (
        "2 of them no shift starting in the roster can cover (adult N Mon 00:00-Mon 02:00)"
        in plan.note
    )
    assert "hiring cannot change that" in plan.note


def test_the_frontier_buys_coverage_two_people_at_a_time() -> None:
    # Monday needs 3 units, staff make 1: each further unit takes a clinician and a
    # peer, so 1 hire alone buys nothing, 2 buy a unit (90k + 50k), 4 buy both units
    # (2 x 90k + 50k + 70k, the cheap peer kind has one place).
    problem = _one_unit_short(units=3)
    frontier = [_checked(plan_hires(problem, PARAMS, max_hires=k)) for k in range(5)]

    assert [(p.required_shortfall, p.annual_hire_cost) for p in frontier] == [
        (16, 0),
        (16, 0),
        (8, 140_000),
        (8, 140_000),
        (0, 300_000),
    ]
    coverage = [p.required_coverage for p in frontier]
    costs = [p.total_annual_cost for p in frontier]
    assert coverage == sorted(coverage)
    assert costs == sorted(costs)
    assert all(p.hire_count <= k for k, p in enumerate(frontier))


@pytest.mark.parametrize(
    ("budget", "shortfall", "cost"),
    [
        (139_999, 16, 0),  # one unit costs 140,000: nothing useful fits
        (150_000, 8, 140_000),  # one unit fits, a second (160,000 more) does not
        (300_000, 0, 300_000),  # both units
    ],
)
def test_a_budget_buys_the_most_coverage_it_can(budget: float, shortfall: int, cost: float) -> None:
    plan = _checked(plan_hires(_one_unit_short(units=3), PARAMS, budget=budget))

    assert (plan.required_shortfall, plan.annual_hire_cost) == (shortfall, cost)
    assert plan.annual_hire_cost <= budget
    stays = f"{shortfall} required unit-slots stay short with a budget of {budget:,.0f}"
    assert plan.note == (stays if shortfall else "")


def test_no_hire_for_a_team_no_kind_may_work() -> None:
    # Juvenile demand; every kind works adult only: nobody can help, nobody is hired.
    problem = make_problem(
        staff=[person("C1", "clinician"), person("P1", "peer")],
        demand=[demand("juvenile", "N", "Mon", *DAY_UNIT, 1)],
        hires=_peer_and_clinician_kinds(),
    )
    plan = _checked(plan_hires(problem, PARAMS))

    assert plan.hire_count == 0
    assert plan.required_shortfall == 8  # 1 unit x 8 slots
    assert plan.note == (
        "hiring does not help: 8 required unit-slots stay short with every candidate hired, "
        "because no Hiring kind may work on the juvenile team; no hire is recommended"
    )


def test_no_hire_when_the_rules_leave_candidates_no_shift() -> None:
    # The kinds' 4-hour weekly cap is below any shift's 8 paid hours.
    kinds = [
        hire("C", "clinician", 1_000, max_hours_per_week=4),
        hire("P", "peer", 1_000, max_hours_per_week=4),
    ]
    problem = make_problem(
        staff=[person("C1", "clinician"), person("P1", "peer")],
        demand=[demand("adult", "N", "Mon", *DAY_UNIT, 2)],
        hires=kinds,
    )
    plan = _checked(plan_hires(problem, PARAMS))

    assert plan.hire_count == 0
    assert plan.required_shortfall == 8
    assert "hiring does not help" in plan.note
    assert "no shift that covers the gaps" in plan.note


def test_a_hires_weekly_cap_binds_and_the_checker_counts_it() -> None:
    # A unit Mon-Fri (5 D8 = 40 paid h); the clinician is on staff, peers must be
    # hired and may work 24 h a week (3 shifts): two peers are needed.
    problem = make_problem(
        staff=[person("C1", "clinician")],
        demand=[demand("adult", "N", day, *DAY_UNIT, 1) for day in range(5)],
        hires=[hire("P", "peer", 50_000, count=3, max_hours_per_week=24)],
    )
    plan = _checked(plan_hires(problem, PARAMS))

    assert plan.hires == {"P": 2}
    assert plan.annual_hire_cost == 100_000
    assert plan.evaluation is not None
    hours = {h.employee_id: h.paid_hours for h in plan.evaluation.hours}
    assert hours["P#1"] + hours["P#2"] == 40
    assert max(hours["P#1"], hours["P#2"]) <= 24

    # The checker holds a hire to the cap like anyone: 4 shifts are 32 h > 24 h.
    candidates = with_candidates(problem)
    roster = make_roster(*(unit(candidates, "C1", "P#1", day, "D8") for day in range(4)))
    found = evaluate(candidates, roster)
    assert [(v.rule, v.employee_id) for v in found.hard_violations] == [
        ("max_hours_per_week", "P#1")
    ]
    # P#2 and P#3 have no row: not hired, not checked, not priced.
    assert [(c.hire_id, c.count, c.annual_cost_cents) for c in hire_costs(candidates, roster)] == [
        ("P", 1, 5_000_000)
    ]


def _overtime_program(hire_cost: float) -> Problem:
    # Overtime after 8 h a week: working Mon and Tue costs each of C1 and P1 8 h x
    # $50 x 1.5 = $600 a week, $1,200 for both, $62,571.43 a year (x 365 / 7).
    rules = Rules(overtime_after_hours=8)
    return make_problem(
        rules=rules,
        staff=[
            person("C1", "clinician", rules=rules, hourly_rate=50),
            person("P1", "peer", rules=rules, hourly_rate=50),
        ],
        demand=[demand("adult", "N", day, *DAY_UNIT, 1) for day in ("Mon", "Tue")],
        hires=[hire("C", "clinician", hire_cost), hire("P", "peer", hire_cost)],
    )


def test_hires_replace_overtime_when_cheaper() -> None:
    # Two hires at 30,000 (60,000) cost less than the 62,571.43 of overtime they save;
    # one alone would save half the overtime (31,285.71) for 30,000 but leave the rest.
    plan = _checked(plan_hires(_overtime_program(30_000), PARAMS))

    assert plan.hires == {"C": 1, "P": 1}
    assert plan.overtime_hours == 0
    assert plan.total_annual_cost == 60_000


def test_overtime_stays_when_hires_cost_more() -> None:
    # At 40,000 each, two hires (80,000) or one (40,000 + 31,285.71) cost more than
    # the overtime (62,571.43): nobody is hired, and the note has nothing to say.
    plan = _checked(plan_hires(_overtime_program(40_000), PARAMS))

    assert plan.hire_count == 0
    assert plan.overtime_hours == 16
    assert plan.annual_overtime_cost == pytest.approx(1_200 * 365 / 7)
    assert plan.total_annual_cost == pytest.approx(62_571.43, abs=0.01)
    assert plan.note == ""


def test_an_unhired_candidate_owes_no_contract_hours() -> None:
    # A kind with a 40 h contract is not needed (staff cover the demand): no hire, and
    # no contract shortfall for the candidate who was never hired.
    problem = _one_unit_short(units=1)
    problem = problem.replaced(hires=(hire("CLIN", "clinician", 90_000, min_hours_per_week=40),))
    plan = _checked(plan_hires(problem, PARAMS))

    assert plan.hire_count == 0
    assert plan.result.parts is not None
    assert plan.result.parts.contract_shortfall_minutes == 0


def test_hourly_rate_prices_a_year_on_the_weekly_cap() -> None:
    # $25 x 40 h x 52 weeks; annual_cost wins when both are given.
    assert hire("H", "peer", None, hourly_rate=25, max_hours_per_week=40).annual_cost_cents == (
        25 * 40 * 52 * 100
    )
    assert hire("H", "peer", 30_000, hourly_rate=25, max_hours_per_week=40).annual_cost_cents == (
        3_000_000
    )


def test_solve_ignores_the_hiring_rows() -> None:
    # `solve` rosters Staff alone: the same model with or without Hiring rows.
    with_hires = _one_unit_short()
    without = with_hires.replaced(hires=())
    model_with = build_model(with_hires).variables.model.proto
    model_without = build_model(without).variables.model.proto
    assert len(model_with.variables) == len(model_without.variables)
    assert len(model_with.constraints) == len(model_without.constraints)

    result, evaluation = solve_checked(with_hires, time_limit=5.0)
    assert {row.employee_id for row in result.roster.assignments} == {"C1", "P1"}
    assert evaluation.parts.required_shortfall == 8


def test_a_plan_pickles() -> None:
    # The parallel runner ships plans between processes.
    plan = plan_hires(_one_unit_short(), PARAMS)
    again = pickle.loads(pickle.dumps(plan))
    assert again.hires == plan.hires
    assert again.problem == plan.problem


def test_a_candidate_on_a_hand_roster_is_checked_as_staff() -> None:
    # A hired peer's rows break rest like anyone's: N12 Mon 20:00-Tue 08:00, then D8 Tue.
    candidates = with_candidates(_one_unit_short())
    roster = make_roster(
        assign(candidates, "PEER_CHEAP#1", 0, "N12"), assign(candidates, "PEER_CHEAP#1", 1, "D8")
    )
    rules = {(v.rule, v.employee_id) for v in evaluate(candidates, roster).hard_violations}
    assert ("rest", "PEER_CHEAP#1") in rules


def _overtime_program_with_a_juvenile_gap(hire_cost: float) -> Problem:
    # Juvenile demand on Wednesday that no Hiring kind may work: 8 unit-slots stay short
    # whoever is hired.
    problem = _overtime_program(hire_cost)
    return problem.replaced(demand=(*problem.demand, demand("juvenile", "S", "Wed", *DAY_UNIT, 1)))


def test_hires_that_save_overtime_are_kept_while_a_gap_no_hire_closes_stays() -> None:
    # Plans compare on required shortfall, then total cost (COST_FORMULA): the gap is
    # the same with or without hires, and C and P at 30,000 (60,000) still cost less
    # than the 62,571.43 of overtime they save, as without the gap.
    plan = _checked(plan_hires(_overtime_program_with_a_juvenile_gap(30_000), PARAMS))

    assert plan.hires == {"C": 1, "P": 1}
    assert plan.required_shortfall == 8
    assert plan.overtime_hours == 0
    assert plan.total_annual_cost == 60_000
    assert plan.note.startswith(
        "8 required unit-slots stay short with or without hires, because no Hiring kind "
        "may work on the juvenile team; the hires are recommended for cost alone: they "
        "save 2,571 a year of overtime"
    )


def test_no_hire_when_hires_neither_close_the_gap_nor_save() -> None:
    # At 40,000 each (80,000) the hires cost more than the overtime (62,571.43).
    plan = _checked(plan_hires(_overtime_program_with_a_juvenile_gap(40_000), PARAMS))

    assert plan.hire_count == 0
    assert plan.required_shortfall == 8
    assert plan.overtime_hours == 16
    assert plan.note.startswith("hiring does not help: 8 required unit-slots stay short")
    assert "no Hiring kind may work on the juvenile team" in plan.note
    # The bound is the first solve's, over plans with hires too: the no-hire plan is
    # proven cheapest among all plans as short as it.
    assert plan.cost_lower_bound == pytest.approx(plan.total_annual_cost, abs=0.01)


def test_a_hire_that_only_saves_overtime_is_kept_when_no_shift_covers_a_gap() -> None:
    # Two staff working every day pay heavy overtime; a 10,000 hire saves nearly all of
    # it. Monday 02:00-04:00 no shift covers: the hire is kept for cost, not dropped
    # because the gap stays (found by review: a dearer no-hire plan was returned).
    rules = Rules(overtime_after_hours=8)
    staff = [person(f"S{i}", "clinician", rules=rules, hourly_rate=100) for i in range(2)]
    days = [demand("adult", "N", day, *DAY_UNIT, 1) for day in range(7)]
    problem = make_problem(
        people_per_unit=1,
        staff=staff,
        demand=[*days, demand("adult", "N", "Mon", "02:00", "04:00", 1)],
        hires=[hire("H", "clinician", 10_000)],
    )
    plan = _checked(plan_hires(problem, PARAMS))

    assert plan.hires == {"H": 1}
    assert plan.required_shortfall == 2
    assert plan.total_annual_cost < 20_000  # the hire, and at most a little overtime
    assert "2 of them no shift starting in the roster can cover" in plan.note


def test_a_hired_candidate_owes_their_contract() -> None:
    # The one shift on offer (Monday) pays a hired peer 8 h of a 24 h contract: 16 h
    # = 960 min short, counted alike by the solver and the checker (`_checked`).
    problem = make_problem(
        staff=[person("C1", "clinician")],
        demand=[demand("adult", "N", "Mon", *DAY_UNIT, 1)],
        hires=[hire("P", "peer", 50_000, min_hours_per_week=24)],
    )
    plan = _checked(plan_hires(problem, PARAMS))

    assert plan.hires == {"P": 1}
    assert plan.evaluation is not None
    assert plan.evaluation.parts.contract_shortfall_minutes == 960


def test_a_hiring_sheet_is_read_and_planned(tmp_path: Path) -> None:
    # Hiring.csv next to the small valid program: read as Hire rows (hourly_rate alone
    # prices a year on the weekly cap: 26 x 40 x 52 = 54,080), warned about for
    # `solve`, planned, and the plan's program is a plain one (no Hiring, no warning).
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    (folder / "Hiring.csv").write_text(
        "hire_id,role,teams,home_zone,min_hours_per_week,max_hours_per_week,annual_cost,"
        "hourly_rate,max_count\n"
        "NP,peer,adult;juvenile,N,32,40,,26,2\n"
        "NC,clinician,adult,S,,,95000,,1\n",
        encoding="utf-8",
    )
    loaded = load_problem(folder)
    problem = loaded.value

    assert [(h.hire_id, h.annual_cost_cents, h.max_count) for h in problem.hires] == [
        ("NP", 5_408_000, 2),
        ("NC", 9_500_000, 1),
    ]
    assert "Hiring: 2 kinds of candidate hires are for `plan`; `solve` rosters Staff alone" in (
        loaded.warnings
    )
    # Read for `plan`, which uses Hiring, the reader does not give that warning at all.
    for_plan = load_problem(folder, hiring_used=True)
    assert for_plan.value == problem
    assert [w for w in loaded.warnings if not w.startswith("Hiring")] == list(for_plan.warnings)
    plan = _checked(plan_hires(problem, PARAMS))
    assert plan.problem.hires == ()
    assert plan.total_annual_cost == pytest.approx(
        plan.annual_hire_cost + plan.annual_overtime_cost
    )

"""Each rule family alone on a bare model: only the decision variables
(`build_variables`) and that one family, some variables fixed, then CP-SAT says
feasible or infeasible, or gives the family's exact objective part.

In the style of the CP-SAT Primer's test-driven rostering example: a rule is
tested where nothing else can make or break the answer. The whole-solve tests
(test_solve_rules.py, test_solve_families.py) check the same rules through the
engine and the checker.

Unless a test says otherwise: one day from Monday 2026-03-02, zones N and S,
default rules, D8 08:00-16:30 and E8 13:30-22:00 (both paid 8 h), N12 20:00-08:00
(paid 11.5 h), adult demand of 1 unit in N 06:00-23:00 so that every shift is an
option, and units of 1 person.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from ortools.sat.python import cp_model

from scheduler.model.problem import PairKind, PairRule, Pin, Problem, ShiftCover, ShiftLimit
from scheduler.plan.hires import with_candidates
from scheduler.solve.linear import Parts
from scheduler.solve.rules import (
    changes,
    coverage,
    fairness,
    hiring,
    hours,
    pairing,
    pins,
    requests,
    rest,
    sequences,
    shift_cover,
    shift_limits,
    successions,
    zones,
)
from scheduler.solve.variables import RosterVariables, build_variables
from tests.factories import (
    D8,
    E8,
    START,
    assign,
    demand,
    hire,
    make_problem,
    make_roster,
    person,
    time_off,
)

Family = Callable[[RosterVariables], Parts]


def program(days: int = 1, **overrides: Any) -> Problem:
    """Units of 1, demand of 1 adult unit in N 06:00-23:00, every day."""
    values: dict[str, Any] = {
        "days": days,
        "people_per_unit": 1,
        "staff": (person("C1", "clinician"),),
        "demand": tuple(demand("adult", "N", d, "06:00", "23:00", 1) for d in range(7)),
    }
    values.update(overrides)
    return make_problem(**values)


@dataclasses.dataclass
class Bare:
    """The variables of a program and the parts of the one family posted on them."""

    v: RosterVariables
    parts: Parts

    def work(self, p: int, day: int, shift_id: str) -> Bare:
        """Person p works `shift_id` on `day` (in any team or zone)."""
        self.v.model.add(self.v.on[p][(day, shift_id)] == 1)
        return self

    def off(self, p: int, day: int) -> Bare:
        self.v.model.add(self.v.works[p][day] == 0)
        return self

    def feasible(self) -> bool:
        return self.solve(None)[0]

    def least(self, part: str) -> int:
        """The least value the family's objective part can take."""
        feasible, value = self.solve(part)
        assert feasible
        assert value is not None
        return value

    def solve(self, part: str | None) -> tuple[bool, int | None]:
        model = self.v.model
        if part is not None:
            model.minimize(self.parts[part])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 10.0
        status = solver.solve(model)
        assert status != cp_model.UNKNOWN
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False, None
        value = None if part is None else round(solver.value(self.parts[part]))
        return True, value


def bare(problem: Problem, family: Family, *, units: int | None = None) -> Bare:
    """The variables and one family. `units`: each option's unit count, fixed (what
    the pairing family would define), for the families that read `units`."""
    v = build_variables(problem, cp_model.CpModel())
    if units is not None:
        for option in v.options:
            v.units[option.index] = v.model.new_constant(units)
    return Bare(v, family(v))


def test_pins_a_pin_must_be_worked() -> None:
    problem = program(pins=(Pin(employee_id="C1", date=START, shift_id="D8"),))
    # The pin asks for D8 on day 0: keeping C1 off that day breaks it.
    assert not bare(problem, pins.add).off(0, 0).feasible()
    assert bare(problem, pins.add).work(0, 0, "D8").feasible()


def test_rest_exactly_min_rest_hours_between_shifts() -> None:
    # E8 ends 22:00, D8 the next day starts 08:00: 10 h of rest.
    ten = program(days=2, staff=(person("C1", "clinician", min_rest_hours=10),))
    eleven = program(days=2, staff=(person("C1", "clinician", min_rest_hours=11),))
    assert bare(ten, rest.add).work(0, 0, "E8").work(0, 1, "D8").feasible()
    assert not bare(eleven, rest.add).work(0, 0, "E8").work(0, 1, "D8").feasible()


def test_successions_forbidden_next() -> None:
    late = E8.model_copy(update={"forbidden_next": ("D8",)})
    problem = program(days=2, shifts=(D8, late))
    # E8 may not be followed by D8 the next day; E8 again is allowed.
    assert not bare(problem, successions.add).work(0, 0, "E8").work(0, 1, "D8").feasible()
    assert bare(problem, successions.add).work(0, 0, "E8").work(0, 1, "E8").feasible()


def test_shift_limits_at_most_so_many_of_one_shift() -> None:
    problem = program(
        days=3, shift_limits=(ShiftLimit(employee_id="C1", shift_id="D8", max_shifts=1),)
    )
    # One D8 in the horizon: a second one breaks the limit, an E8 does not.
    assert not bare(problem, shift_limits.add).work(0, 0, "D8").work(0, 1, "D8").feasible()
    assert bare(problem, shift_limits.add).work(0, 0, "D8").work(0, 1, "E8").feasible()


def test_hours_weekly_cap() -> None:
    problem = program(days=3, staff=(person("C1", "clinician", max_hours_per_week=16),))
    # Two 8-hour shifts reach the 16-hour cap; a third goes over.
    assert bare(problem, hours.add).work(0, 0, "D8").work(0, 1, "D8").feasible()
    three = bare(problem, hours.add).work(0, 0, "D8").work(0, 1, "D8").work(0, 2, "D8")
    assert not three.feasible()


def test_hours_contract_shortfall_in_minutes() -> None:
    problem = program(days=7, staff=(person("C1", "clinician", min_hours_per_week=24),))
    lean = bare(problem, hours.add).work(0, 0, "D8").work(0, 1, "D8")
    for day in range(2, 7):
        lean.off(0, day)
    # 24 contract hours, 16 worked: 8 hours = 480 minutes short.
    assert lean.least("contract_shortfall_minutes") == 480


def test_sequences_max_consecutive_days() -> None:
    problem = program(days=4, staff=(person("C1", "clinician", max_consecutive_days=3),))
    # Three days in a row are allowed, the fourth is one too many.
    assert (
        bare(problem, sequences.add).work(0, 0, "D8").work(0, 1, "D8").work(0, 2, "D8").feasible()
    )
    four = bare(problem, sequences.add)
    for day in range(4):
        four.work(0, day, "D8")
    assert not four.feasible()


def test_sequences_min_days_off_per_week() -> None:
    problem = program(days=7, staff=(person("C1", "clinician", min_days_off_per_week=2),))
    # Working 6 of the 7 days leaves 1 day off, short of 2.
    six = bare(problem, sequences.add)
    for day in range(6):
        six.work(0, day, "D8")
    assert not six.feasible()


def test_requests_prefer_off_costs_its_weight() -> None:
    staff = (person("C1", "clinician"),)
    problem = program(staff=staff, time_off=(time_off("C1", START, START, "prefer_off", weight=3),))
    # Working the day C1 asked off costs the request's weight, 3.
    assert bare(problem, requests.add).work(0, 0, "D8").least("request_penalty") == 3
    assert bare(problem, requests.add).off(0, 0).least("request_penalty") == 0


def test_zones_a_peer_away_from_home_counts_one_shift() -> None:
    problem = program(
        staff=(person("P1", "peer", home_zone="N"),),
        demand=(demand("adult", "S", 0, "08:00", "16:00", 1),),
    )
    # Demand only in S, so any shift P1 works is away from home zone N.
    assert bare(problem, zones.add).work(0, 0, "D8").least("peer_shifts_away_from_home") == 1


def test_coverage_required_shortfall_in_unit_slots() -> None:
    problem = program(demand=(demand("adult", "N", 0, "08:00", "12:00", 1),))
    # Nobody on duty: the 4 one-hour slots of 08:00-12:00 each miss 1 required unit.
    assert bare(problem, coverage.add, units=0).least("required_shortfall") == 4
    assert bare(problem, coverage.add, units=1).least("required_shortfall") == 0


def test_shift_cover_units_under_cost_their_weight() -> None:
    cover = ShiftCover(shift_id="D8", team="adult", zone="N", weekday=0, units=2, weight_under=5)
    problem = program(shift_cover=(cover,))
    # 1 unit on D8 where 2 are wanted: 1 unit under at weight 5.
    assert bare(problem, shift_cover.add, units=1).least("shift_cover_penalty") == 5


def test_pairing_a_clinician_needs_a_peer() -> None:
    problem = program(staff=(person("C1", "clinician"), person("P1", "peer")), people_per_unit=2)
    # Units are one clinician and one peer on the same option: C1 alone is no unit.
    assert not bare(problem, pairing.add).work(0, 0, "D8").off(1, 0).feasible()
    assert bare(problem, pairing.add).work(0, 0, "D8").work(1, 0, "D8").feasible()


def test_pairing_forbidden_pair_never_alone_together() -> None:
    staff = (person("C1", "clinician"), person("P1", "peer"))
    forbid = PairRule(clinician_id="C1", peer_id="P1", kind=PairKind.FORBID)
    problem = program(staff=staff, pairs=(forbid,), people_per_unit=2)
    # The only two people may not form a unit, so they cannot both work D8.
    assert not bare(problem, pairing.add).work(0, 0, "D8").work(1, 0, "D8").feasible()


def test_fairness_weekend_days_above_the_share() -> None:
    staff = (person("C1", "clinician"), person("C2", "clinician"))
    saturday = START.replace(day=START.day + 5)
    base = program(days=2, staff=staff, start_date=saturday)
    # History is known (a Friday D8, no weekend day), so the fairness totals apply.
    problem = base.replaced(history=(assign(base, "C1", -1, "D8"),))
    fair = bare(problem, fairness.add)
    for day in range(2):
        fair.work(0, day, "D8").off(1, day)
    # C1 works both weekend days, C2 none: share ceil(2 / 2) = 1, C1 is 1 above it.
    assert fair.least("fairness_excess") == 1


def test_hiring_a_candidate_is_hired_when_they_work() -> None:
    problem = with_candidates(program(hires=(hire("H", "clinician", 50_000.0),)))
    candidate = next(p for p, who in enumerate(problem.staff) if who.hire_id == "H")
    hired = bare(problem, hiring.add).work(candidate, 0, "D8")
    # Working any day hires the candidate: one hire at 50,000 a year (in cents).
    assert hired.least("hires") == 1
    assert bare(problem, hiring.add).work(candidate, 0, "D8").least("hire_cost_cents") == 5_000_000
    assert bare(problem, hiring.add).off(candidate, 0).least("hires") == 0


def test_changes_count_against_the_baseline() -> None:
    problem = program(days=2)
    baseline = make_roster(assign(problem, "C1", 0, "D8"), assign(problem, "C1", 1, "D8"))

    def against_baseline(v: RosterVariables) -> Parts:
        return changes.add(v, baseline, None)

    # Day 0 kept, day 1 moved to E8: one change.
    moved = bare(problem, against_baseline).work(0, 0, "D8").work(0, 1, "E8")
    assert moved.least("changes") == 1

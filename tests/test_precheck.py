"""Pre-check coverage warnings when trainees are the people who could work a slot.

A unit of two never holds two trainees (`trainee_pair`), so free trainees alone
make no unit: the pre-check counts the units they can make with that rule, and
says so.
"""

from __future__ import annotations

from typing import Any

from scheduler.model.problem import Person, Problem
from scheduler.precheck import precheck
from tests.factories import demand, make_problem, person
from tests.solving import solve_checked

TUE = 1
TRAINEE = ("trainee",)


def staff_member(employee_id: str, role: str, row: int, **kw: Any) -> Person:
    return person(employee_id, role, row=row, **kw)


def tuesday_day(required: int, staff: list[Person]) -> Problem:
    row = demand("adult", "N", TUE, "08:00", "16:00", required).model_copy(update={"row": 7})
    return make_problem(demand=[row], staff=staff)


def test_two_trainees_alone_make_no_unit_and_the_pre_check_says_why() -> None:
    problem = tuesday_day(
        1,
        [
            staff_member("C01", "clinician", 2, skills=TRAINEE),
            staff_member("P01", "peer", 3, skills=TRAINEE),
        ],
    )
    assert precheck(problem).warnings == (
        "Demand for adult in N from Tue 2026-03-03 08:00 to Tue 2026-03-03 16:00 needs 1 "
        "units but the 1 clinician and 1 peer who can work then are all trainees and no unit "
        "may hold two trainees (C01 and P01: skills in Staff rows 2, 3), so at most 0 units "
        "(Demand row 7); coverage will fall short",
    )
    # The solver agrees: nobody is rostered, all 8 slots go uncovered, and the
    # checker's gap names the same rule.
    result, evaluation = solve_checked(problem, time_limit=5)
    assert result.roster is not None and result.roster.assignments == ()
    assert evaluation.parts.required_shortfall == 8
    [gap] = evaluation.gaps
    assert gap.reason == (
        "1 clinician and 1 peer eligible for adult were free but no unit may hold two "
        "trainees: C01 and P01 are trainees"
    )


def test_trainees_among_others_cap_the_units_at_the_non_trainees() -> None:
    # Two clinicians and two peers could make two units, but three are trainees:
    # every unit needs someone who is not, so one unit at most.
    problem = tuesday_day(
        2,
        [
            staff_member("C01", "clinician", 2, skills=TRAINEE),
            staff_member("C02", "clinician", 3, skills=TRAINEE),
            staff_member("P01", "peer", 4, skills=TRAINEE),
            staff_member("P02", "peer", 5),
        ],
    )
    assert precheck(problem).warnings == (
        "Demand for adult in N from Tue 2026-03-03 08:00 to Tue 2026-03-03 16:00 needs 2 "
        "units but of the 2 clinicians and 2 peers who can work then 3 are trainees and no "
        "unit may hold two trainees (C01, C02 and P01: skills in Staff rows 2-4), so at most "
        "1 unit (Demand row 7); coverage will fall short",
    )


def test_one_trainee_with_a_partner_is_no_warning() -> None:
    problem = tuesday_day(
        1,
        [staff_member("C01", "clinician", 2, skills=TRAINEE), staff_member("P01", "peer", 3)],
    )
    assert precheck(problem).warnings == ()


def test_units_of_one_person_let_a_trainee_work_alone() -> None:
    # The trainee rule pairs people; with units of 1 a trainee is a unit.
    row = demand("adult", "N", TUE, "08:00", "16:00", 1).model_copy(update={"row": 7})
    problem = make_problem(
        demand=[row],
        staff=[staff_member("C01", "clinician", 2, skills=TRAINEE)],
        people_per_unit=1,
    )
    assert precheck(problem).warnings == ()

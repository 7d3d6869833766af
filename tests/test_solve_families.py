"""The solver's newer rule families, each binding on a tiny program: `ShiftCover`,
forbidden successions, shift limits, total hours, shortest runs worked and off,
weekends, and units of one person.

As in `test_solve_rules.py`, every solve goes through `tests.solving.solve_checked`
(the checker re-checks each roster and its objective parts) and reaches a proven
optimum whose relevant part is asserted exactly. Unless a test says otherwise: 7 days
from Monday 2026-03-02, zones N and S, default rules (rest 10 h, 2 days off a week,
5 days in a row preferred, 6 at most), D8 08:00-16:30 paid 8 h, E8 13:30-22:00.
Tests that look at the roster solve in deterministic mode; the others take the
default path (2 workers, CP-SAT's full search beside the LNS thread).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from scheduler.model.problem import Person, Problem, ShiftCover, ShiftLimit, Team
from scheduler.model.report import Evaluation
from scheduler.model.result import SolveResult, SolveStatus
from tests.factories import D8, E8, START, demand, make_problem, person
from tests.solving import solve_checked, solve_only

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)

# 08:00-16:00 is 8 hourly slots, all inside D8.
DAY_SLOTS = 8


def date(day: int) -> dt.date:
    return START + dt.timedelta(days=day)


def cover(
    day: int | dt.date,
    units: int,
    under: int = 1,
    over: int = 0,
    shift_id: str = "D8",
    zone: str = "N",
) -> ShiftCover:
    """A ShiftCover row for adult units: a weekday (0 = Monday, repeating) or one date."""
    when: dict[str, Any] = {"date": day} if isinstance(day, dt.date) else {"weekday": day}
    return ShiftCover(
        shift_id=shift_id,
        team=Team.ADULT,
        zone=zone,
        units=units,
        weight_under=under,
        weight_over=over,
        **when,
    )


def units_of(people_per_unit: int, count: int, **kw: Any) -> list[Person]:
    """Enough people for `count` units: clinicians alone, or clinicians and peers."""
    staff = [person(f"C0{n}", "clinician", **kw) for n in range(1, count + 1)]
    if people_per_unit == 2:
        staff += [person(f"P0{n}", "peer", **kw) for n in range(1, count + 1)]
    return staff


def solo_program(staff: list[Person], **overrides: Any) -> Problem:
    """Units of one person, only D8, no demand unless overridden."""
    values: dict[str, Any] = {"people_per_unit": 1, "shifts": (D8,), **overrides}
    return make_problem(staff=staff, **values)


def solved(problem: Problem, deterministic: bool = False) -> tuple[SolveResult, Evaluation]:
    result, evaluation = solve_checked(problem, deterministic=deterministic)
    assert result.status is SolveStatus.OPTIMAL
    return result, evaluation


def shifts_worked(problem: Problem, result: SolveResult) -> list[tuple[str, int, str]]:
    """(employee, day, shift) of every roster row, sorted."""
    return sorted(
        (row.employee_id, problem.day_of(row.date), row.shift_id)
        for row in result.roster.assignments
    )


def days_worked(problem: Problem, result: SolveResult, employee_id: str = "C01") -> list[int]:
    return sorted(
        problem.day_of(row.date)
        for row in result.roster.assignments
        if row.employee_id == employee_id
    )


def soft(evaluation: Evaluation) -> list[tuple[str, float]]:
    return sorted((v.rule, v.amount) for v in evaluation.soft_violations)


# --- ShiftCover ----------------------------------------------------------------------


@pytest.mark.parametrize("people_per_unit", [1, 2])
def test_shift_cover_over(people_per_unit: int) -> None:
    problem = make_problem(
        people_per_unit=people_per_unit,
        staff=units_of(people_per_unit, 3, min_hours_total=8),
        days=1,
        shifts=(D8,),
        shift_cover=[cover(MON, units=2, over=3)],
    )
    result, evaluation = solved(problem)
    # Everyone must work 8 h and the row's D8 is the only shift: 3 units for 2, one over
    # at weight 3.
    assert evaluation.parts.shift_cover_penalty == 3
    assert soft(evaluation) == [("shift_cover_over", 1)]
    assert len({row.unit_id for row in result.roster.assignments}) == 3


@pytest.mark.parametrize("people_per_unit", [1, 2])
def test_shift_cover_under(people_per_unit: int) -> None:
    problem = make_problem(
        people_per_unit=people_per_unit,
        staff=units_of(people_per_unit, 2),
        days=1,
        shifts=(D8,),
        shift_cover=[cover(MON, units=3, under=2)],
    )
    result, evaluation = solved(problem)
    # Nothing obliges anyone to work, but each missing unit costs 2: both units work
    # and one is still missing.
    assert evaluation.parts.shift_cover_penalty == 2
    assert soft(evaluation) == [("shift_cover_under", 1)]
    assert len({row.unit_id for row in result.roster.assignments}) == 2


def test_shift_cover_under_and_over_are_never_both_counted() -> None:
    # An intermediate roster of a stopped search must report the penalty the checker
    # counts: with under = over = 1 allowed, "1 unit for 1" could cost under + over.
    from ortools.sat.python import cp_model

    from scheduler.solve.engine import build_model

    problem = make_problem(
        people_per_unit=1,
        staff=units_of(1, 2),
        days=1,
        shifts=(D8,),
        shift_cover=[cover(MON, units=1, under=2, over=3)],
    )
    built = build_model(problem)
    model = built.variables.model
    slack = {
        name.split("_")[1]: model.get_int_var_from_proto_index(index)
        for index, var in enumerate(model.proto.variables)
        if (name := var.name).startswith(("cover_under_", "cover_over_"))
    }
    model.add(slack["under"] == 1)
    model.add(slack["over"] == 1)
    assert cp_model.CpSolver().solve(model) == cp_model.INFEASIBLE


def test_shift_cover_weighs_against_the_other_parts() -> None:
    problem = solo_program(
        [person("C01", "clinician", hourly_rate=50, overtime_after_hours=0)],
        days=1,
        shift_cover=[cover(MON, units=1, under=9)],
    )
    result, evaluation = solved(problem)
    # Unworked the row costs 9 x 450,000 points; worked, 480 overtime minutes at 7,500
    # cents/h cost 3,600,000: cheaper, so C01 works.
    assert evaluation.parts.shift_cover_penalty == 0
    assert evaluation.parts.overtime_cost_cent_minutes == 480 * 7_500
    assert result.objective == 3_600_000


def test_a_date_row_replaces_the_weekday_row() -> None:
    problem = solo_program(
        [person("C01", "clinician", min_hours_total=8, max_hours_total=8)],
        days=2,
        shift_cover=[
            cover(MON, units=1, under=4),
            cover(TUE, units=1, under=3),
            cover(date(MON), units=1, under=2),
        ],
    )
    result, evaluation = solved(problem, deterministic=True)
    # C01 works exactly one day. Monday's date row (2) is in force, not its weekday
    # row (4): leaving Monday (2) is cheaper than leaving Tuesday (3).
    assert evaluation.parts.shift_cover_penalty == 2
    assert shifts_worked(problem, result) == [("C01", TUE, "D8")]


# --- Forbidden successions -----------------------------------------------------------


@pytest.mark.parametrize(("forbidden_next", "shortfall"), [((), 0), (("D8",), 6)])
def test_forbidden_next_with_demand(forbidden_next: tuple[str, ...], shortfall: int) -> None:
    evening = E8.model_copy(update={"forbidden_next": forbidden_next})
    problem = make_problem(
        staff=[person("C01", "clinician"), person("P01", "peer")],
        days=2,
        shifts=(D8, evening),
        demand=[
            demand("adult", "N", "Mon", "14:00", "22:00", 1),
            demand("adult", "N", "Tue", "08:00", "16:00", 1),
        ],
    )
    # E8 Mon then D8 Tue has exactly the 10 h rest. When D8 may not follow E8 the best
    # is one day fully covered and 14:00-16:00 of the other (D8 Mon or E8 Tue): 6 short.
    assert solved(problem)[1].parts.required_shortfall == shortfall


def test_forbidden_next_is_one_way() -> None:
    evening = E8.model_copy(update={"forbidden_next": ("D8",)})
    problem = solo_program(
        [person("C01", "clinician")],
        days=3,
        shifts=(D8, evening),
        shift_cover=[
            cover(MON, units=1, under=1, shift_id="E8"),
            cover(TUE, units=1, under=2, shift_id="D8"),
            cover(WED, units=1, under=1, shift_id="E8"),
        ],
    )
    result, evaluation = solved(problem, deterministic=True)
    # D8 Tue may not follow E8 Mon, so the lighter Monday row (1) is left; E8 Wed may
    # follow D8 Tue (only E8 -> D8 is forbidden).
    assert evaluation.parts.shift_cover_penalty == 1
    assert shifts_worked(problem, result) == [("C01", TUE, "D8"), ("C01", WED, "E8")]


# --- Shift limits --------------------------------------------------------------------


@pytest.mark.parametrize(("max_shifts", "shortfall"), [(1, DAY_SLOTS), (0, 2 * DAY_SLOTS)])
def test_shift_limit(max_shifts: int, shortfall: int) -> None:
    problem = make_problem(
        staff=[person("C01", "clinician"), person("P01", "peer")],
        days=2,
        shifts=(D8,),
        demand=[demand("adult", "N", day, "08:00", "16:00", 1) for day in (MON, TUE)],
        shift_limits=[ShiftLimit(employee_id="C01", shift_id="D8", max_shifts=max_shifts)],
    )
    result, evaluation = solved(problem)
    # The only clinician works D8 on both days unless limited: each D8 it may not work
    # leaves a day's 8 slots uncovered (0 forbids D8 altogether).
    assert evaluation.parts.required_shortfall == shortfall
    assert len(days_worked(problem, result)) == max_shifts


# --- Total hours ---------------------------------------------------------------------


@pytest.mark.parametrize(("cap", "shortfall"), [(24, DAY_SLOTS), (16, 2 * DAY_SLOTS)])
def test_max_hours_total(cap: float, shortfall: int) -> None:
    problem = make_problem(
        staff=[person("C01", "clinician", max_hours_total=cap), person("P01", "peer")],
        days=9,
        shifts=(D8,),
        demand=[demand("adult", "N", day, "08:00", "16:00", 1) for day in (MON, TUE)],
    )
    # Mon and Tue of two weeks are 4 x 8 h; the cap is over the whole horizon (no week
    # reaches it alone), so each 8 h below 32 loses a day.
    assert solved(problem)[1].parts.required_shortfall == shortfall


@pytest.mark.parametrize(("least", "shifts"), [(8, 1), (16, 2)])
def test_min_hours_total(least: float, shifts: int) -> None:
    costly = person("C01", "clinician", hourly_rate=50, overtime_after_hours=0)
    problem = make_problem(
        staff=[
            costly.model_copy(update={"min_hours_total": least}),
            person("C02", "clinician"),
            person("P01", "peer"),
        ],
        days=2,
        shifts=(D8,),
        demand=[demand("adult", "N", day, "08:00", "16:00", 1) for day in (MON, TUE)],
    )
    result, evaluation = solved(problem)
    # C02 could cover both days for free; C01 must still work `least` hours, every
    # minute of it overtime at 7,500 cents/h.
    assert evaluation.parts.overtime_cost_cent_minutes == shifts * 480 * 7_500
    assert len(days_worked(problem, result)) == shifts


def test_min_hours_total_beyond_the_useful_shifts_is_infeasible() -> None:
    problem = make_problem(
        staff=[person("C01", "clinician", min_hours_total=24), person("P01", "peer")],
        days=2,
        shifts=(D8,),
        demand=[demand("adult", "N", day, "08:00", "16:00", 1) for day in (MON, TUE)],
    )
    # Only the two demanded D8 are options (16 h): 24 h cannot be reached.
    assert solve_only(problem).status is SolveStatus.INFEASIBLE


# --- Shortest runs -------------------------------------------------------------------


def test_min_consecutive_days_except_at_the_edges() -> None:
    wanted = (MON, THU, SUN)
    problem = solo_program(
        [person("C01", "clinician", min_consecutive_days=3)],
        shift_cover=[
            cover(day, units=1, under=5) if day in wanted else cover(day, units=0, over=1)
            for day in range(7)
        ],
    )
    result, evaluation = solved(problem)
    # Mon and Sun may be runs of one day (they touch the horizon's edges); Thu needs a
    # 3-day run, 2 days more than wanted (without the exemption: 7, Sun left out).
    assert evaluation.parts.shift_cover_penalty == 2
    assert set(wanted) <= set(days_worked(problem, result))


@pytest.mark.parametrize("edge", [MON, SUN])
def test_min_consecutive_days_off_except_at_the_edges(edge: int) -> None:
    problem = solo_program(
        [
            person(
                "C01",
                "clinician",
                min_consecutive_days_off=2,
                # Six days in a row allowed and not penalised, no weekly days off.
                max_consecutive_days=6,
                preferred_max_consecutive_days=6,
                min_days_off_per_week=0,
            )
        ],
        shift_cover=[
            cover(day, units=0, over=1) if day in (edge, THU) else cover(day, units=1, under=5)
            for day in range(7)
        ],
    )
    result, evaluation = solved(problem, deterministic=True)
    # One day off on the edge is allowed; one alone on Thu is not, so Thu is worked
    # (1 over) rather than taking a 2-day break (5 under).
    assert evaluation.parts.shift_cover_penalty == 1
    assert days_worked(problem, result) == [day for day in range(7) if day != edge]


# --- Weekends ------------------------------------------------------------------------


@pytest.mark.parametrize(("max_weekends", "penalty"), [(1, 2), (0, 4)])
def test_max_weekends(max_weekends: int, penalty: int) -> None:
    problem = solo_program(
        [person("C01", "clinician", max_weekends=max_weekends)],
        days=14,
        shift_cover=[cover(SAT, units=1), cover(SUN, units=1)],
    )
    result, evaluation = solved(problem, deterministic=True)
    # Two weekends of two wanted days each; Sat and Sun of one weekend count once.
    assert evaluation.parts.shift_cover_penalty == penalty
    assert len(days_worked(problem, result)) == 4 - penalty


def test_max_weekends_from_a_sunday() -> None:
    problem = solo_program(
        [person("C01", "clinician", max_weekends=1)],
        start_date=dt.date(2026, 3, 1),  # a Sunday
        shift_cover=[cover(SAT, units=1), cover(SUN, units=1)],
    )
    result, evaluation = solved(problem, deterministic=True)
    # The first Sunday (day 0) ends the weekend before the horizon; Saturday (day 6)
    # starts another: only one of the two can be worked.
    assert evaluation.parts.shift_cover_penalty == 1
    assert len(days_worked(problem, result)) == 1


# --- Units of one person -------------------------------------------------------------


def test_units_of_one_person() -> None:
    problem = solo_program(
        [
            person("C01", "clinician", skills=("trainee",)),
            person("P01", "peer", skills=("trainee",)),
            person("P02", "peer"),
        ],
        demand=[demand("adult", "N", "Mon", "08:00", "16:00", 3)],
    )
    result, evaluation = solved(problem, deterministic=True)
    # Each person is a unit whatever the role (two peers, two trainees): 3 units for 3.
    # In units of 2 only C01 + P02 would make one.
    assert evaluation.parts.required_shortfall == 0
    assert evaluation.unit_count == 3
    unit_ids = [row.unit_id for row in result.roster.assignments]
    assert len(unit_ids) == len(set(unit_ids)) == 3

"""The checker's newer rule families, each binding once on a tiny program and then fixed:
units of one person, forbidden successions, shift limits, total hours, minimum runs,
weekends and `ShiftCover`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from scheduler.evaluate import evaluate
from scheduler.model.objective import STAGE2_WEIGHTS, stage2_total
from scheduler.model.problem import Person, Problem, ShiftCover, ShiftLimit
from scheduler.model.report import Evaluation
from scheduler.model.roster import Assignment
from tests.factories import (
    D8,
    E8,
    N12,
    START,
    assign,
    demand,
    make_problem,
    make_roster,
    person,
    unit,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def date(day: int) -> dt.date:
    return START + dt.timedelta(days=day)


def hard(evaluation: Evaluation) -> list[tuple[str, str | None, float]]:
    return [(v.rule, v.employee_id, v.amount) for v in evaluation.hard_violations]


def soft(evaluation: Evaluation) -> list[tuple[str, str | None, float]]:
    return [(v.rule, v.employee_id, v.amount) for v in evaluation.soft_violations]


def check(problem: Problem, *rows: Assignment | list[Assignment]) -> Evaluation:
    return evaluate(problem, make_roster(*rows))


def solo_staff(**overrides: dict[str, Any]) -> list[Person]:
    """A, B and C, adult clinicians in zone N; `A={"max_weekends": 1}` changes one."""
    return [
        person(employee_id, "clinician", **overrides.get(employee_id, {}))
        for employee_id in ("A", "B", "C")
    ]


def solo_program(**overrides: Any) -> Problem:
    """A program whose units are one person each."""
    return make_problem(**{"people_per_unit": 1, "staff": solo_staff(), **overrides})


def works(
    problem: Problem, employee_id: str, days: list[int], shift_id: str = "D8"
) -> list[Assignment]:
    """One person alone on `shift_id` on each of `days` (default unit ids, all distinct)."""
    return [assign(problem, employee_id, day, shift_id) for day in days]


# --- Units of one person -------------------------------------------------------------


def test_units_of_one_person_each_count_for_coverage() -> None:
    p = solo_program(demand=[demand("adult", "N", "Mon", "08:00", "16:00", 2)])
    evaluation = check(
        p, assign(p, "A", MON, "D8", unit_id="U1"), assign(p, "B", MON, "D8", unit_id="U2")
    )
    assert hard(evaluation) == []
    assert evaluation.unit_count == 2
    assert evaluation.parts.required_shortfall == 0  # two lone units fill both places


def test_units_of_one_person_may_not_share_a_unit_id() -> None:
    p = solo_program(demand=[demand("adult", "N", "Mon", "08:00", "16:00", 2)])
    broken = check(
        p, assign(p, "A", MON, "D8", unit_id="U1"), assign(p, "B", MON, "D8", unit_id="U1")
    )
    assert hard(broken) == [("pairing", None, 1.0)]  # one finding for the unit, about two people
    assert broken.hard_violations[0].detail == (
        "unit U1 has 2 people; units are of 1 person in this program"
    )
    assert broken.unit_count == 0
    assert broken.parts.required_shortfall == 16  # neither row counts: 2 units x 8 slots


def test_units_of_one_person_still_need_the_staff_role() -> None:
    p = solo_program()
    broken = check(p, assign(p, "A", MON, "D8", role="peer"))
    assert hard(broken) == [("pairing", "A", 1.0)]  # A is a clinician in Staff
    assert broken.unit_count == 0
    assert hard(check(p, assign(p, "A", MON, "D8"))) == []


def test_units_of_one_person_have_no_trainee_or_partner_rules() -> None:
    trainee = {"skills": ("trainee",)}
    p = solo_program(
        staff=[
            person("C01", "clinician", **trainee),
            person("P01", "peer", **trainee),
            person("P02", "peer"),
        ]
    )
    # In units of 2 these would be trainees paired, and C01 with 2 partners in a week.
    evaluation = check(
        p,
        assign(p, "C01", MON, "D8", unit_id="U1"),
        assign(p, "P01", MON, "D8", unit_id="U2"),
        assign(p, "C01", TUE, "D8", unit_id="U3"),
        assign(p, "P02", TUE, "D8", unit_id="U4"),
    )
    assert hard(evaluation) == []
    assert soft(evaluation) == []
    assert evaluation.parts.extra_partners == evaluation.parts.pair_preference_penalty == 0
    # A shared unit id is only a `pairing` finding, never a trainee pair.
    shared = check(
        p, assign(p, "C01", MON, "D8", unit_id="U1"), assign(p, "P01", MON, "D8", unit_id="U1")
    )
    assert hard(shared) == [("pairing", None, 1.0)]


def test_gap_reason_with_units_of_one_person_ignores_roles() -> None:
    p = solo_program(demand=[demand("adult", "N", "Mon", "08:00", "16:00", 2)])
    [gap] = check(p, assign(p, "A", MON, "D8")).gaps
    # Everyone is a clinician, yet no peer is missing: B and C could each have been a unit.
    assert gap.reason == "2 people eligible for adult were free but not rostered"
    busy = solo_program(
        staff=solo_staff(C={"teams": ("juvenile",)}),
        demand=[demand("adult", "N", "Mon", "08:00", "16:00", 2)],
    )
    [gap] = check(busy, assign(busy, "A", MON, "D8"), assign(busy, "B", MON, "E8", zone="S")).gaps
    assert gap.reason == "no adult-eligible person free: A working D8 N, B working E8 S"


# --- forbidden_succession -----------------------------------------------------------


def test_forbidden_succession() -> None:
    late_then_early = E8.model_copy(update={"forbidden_next": ("D8",)})
    p = make_problem(
        shifts=[D8, late_then_early, N12],
        staff=[person("C01", "clinician"), person("P01", "peer"), person("P02", "peer")],
    )
    # E8 ends 22:00 and D8 starts 08:00: 10 h of rest is enough, the succession is not.
    broken = check(p, unit(p, "C01", "P01", MON, "E8"), unit(p, "C01", "P02", TUE, "D8"))
    assert hard(broken) == [("forbidden_succession", "C01", 1.0)]
    violation = broken.hard_violations[0]
    assert violation.when == "Tue 2026-03-03 08:00"
    assert violation.detail == (
        "C01 starts D8 on Tue 2026-03-03 after E8 on Mon 2026-03-02;"
        " E8 may not be followed by D8 the next day"
    )
    # The other order, or a day between, is allowed.
    fixed = check(p, unit(p, "C01", "P01", MON, "D8"), unit(p, "C01", "P02", TUE, "E8"))
    assert hard(fixed) == []
    assert hard(check(p, unit(p, "C01", "P01", MON, "E8"), unit(p, "C01", "P02", WED, "D8"))) == []


# --- max_shifts_of_type -------------------------------------------------------------


def test_max_shifts_of_type() -> None:
    p = solo_program(shift_limits=[ShiftLimit(employee_id="A", shift_id="N12", max_shifts=1)])
    broken = check(p, *works(p, "A", [MON, WED], "N12"))
    assert hard(broken) == [("max_shifts_of_type", "A", 1.0)]  # 2 nights, at most 1
    assert broken.hard_violations[0].detail == (
        "A works 2 N12 shifts over Mon 2026-03-02 - Sun 2026-03-08; the most is 1"
    )
    # Other templates do not count, nor does B, who has no limit.
    fixed = check(
        p, *works(p, "A", [MON], "N12"), *works(p, "A", [WED]), *works(p, "B", [MON, WED], "N12")
    )
    assert hard(fixed) == []


def test_a_shift_limit_of_zero_forbids_the_template() -> None:
    p = solo_program(shift_limits=[ShiftLimit(employee_id="B", shift_id="D8", max_shifts=0)])
    assert hard(check(p, *works(p, "B", [FRI]))) == [("max_shifts_of_type", "B", 1.0)]
    assert hard(check(p, *works(p, "B", [FRI], "E8"))) == []


# --- min_hours_total / max_hours_total ----------------------------------------------


def test_min_hours_total() -> None:
    p = solo_program(staff=solo_staff(A={"min_hours_total": 16}))
    broken = check(p, *works(p, "A", [MON]))
    assert hard(broken) == [("min_hours_total", "A", 8.0)]  # 16 h - one D8 of 8 h paid
    assert broken.hard_violations[0].detail == (
        "A is paid 8.0 h over Mon 2026-03-02 - Sun 2026-03-08; the least is 16 h"
    )
    assert hard(check(p, *works(p, "A", [MON, WED]))) == []


def test_min_hours_total_binds_someone_who_never_works() -> None:
    p = solo_program(staff=solo_staff(B={"min_hours_total": 1}))
    assert hard(check(p)) == [("min_hours_total", "B", 1.0)]  # 1 h - 0 h


def test_max_hours_total() -> None:
    p = solo_program(staff=solo_staff(A={"max_hours_total": 24}))
    broken = check(p, *works(p, "A", [MON, TUE, WED, THU]))
    assert hard(broken) == [("max_hours_total", "A", 8.0)]  # 4 x 8 h - 24 h
    assert broken.hard_violations[0].detail == (
        "A is paid 32.0 h over Mon 2026-03-02 - Sun 2026-03-08; the most is 24 h"
    )
    assert hard(check(p, *works(p, "A", [MON, TUE, WED]))) == []


def test_hours_total_compare_whole_minutes() -> None:
    # round(23.995 * 60) = round(24.005 * 60) = 1440 minutes: three D8 (3 x 480 min) fit.
    p = solo_program(staff=solo_staff(A={"max_hours_total": 23.995, "min_hours_total": 24.005}))
    assert hard(check(p, *works(p, "A", [MON, TUE, WED]))) == []


# --- min_consecutive_days / min_consecutive_days_off --------------------------------


def test_min_consecutive_days() -> None:
    p = solo_program(staff=solo_staff(A={"min_consecutive_days": 3}))
    broken = check(p, *works(p, "A", [WED]))
    assert hard(broken) == [("min_consecutive_days", "A", 2.0)]  # 3 - a run of 1
    assert broken.hard_violations[0].when == "Wed 2026-03-04"
    assert broken.hard_violations[0].detail == (
        "A works 1 day in a row (Wed 2026-03-04); the least is 3"
    )
    assert hard(check(p, *works(p, "A", [WED, THU, FRI]))) == []


def test_min_consecutive_days_exempts_runs_at_both_edges() -> None:
    p = solo_program(staff=solo_staff(A={"min_consecutive_days": 3}))
    assert hard(check(p, *works(p, "A", [MON]))) == []  # touches the first day
    assert hard(check(p, *works(p, "A", [SUN]))) == []  # touches the last day
    assert hard(check(p, *works(p, "A", [MON, WED, SUN]))) == [("min_consecutive_days", "A", 2.0)]


def test_min_consecutive_days_off() -> None:
    p = solo_program(staff=solo_staff(A={"min_consecutive_days_off": 2}))
    broken = check(p, *works(p, "A", [MON, TUE, THU, FRI]))
    assert hard(broken) == [
        ("min_consecutive_days_off", "A", 1.0)
    ]  # Wed alone; Sat-Sun is at the edge
    assert broken.hard_violations[0].detail == (
        "A is off 1 day in a row (Wed 2026-03-04); the least is 2"
    )
    assert hard(check(p, *works(p, "A", [MON, TUE, FRI]))) == []  # Wed-Thu off


def test_min_consecutive_days_off_exempts_runs_at_both_edges() -> None:
    # 4 days: a short window needs no day off by `min_days_off`.
    p = solo_program(days=4, staff=solo_staff(A={"min_consecutive_days_off": 2}))
    assert hard(check(p, *works(p, "A", [TUE, WED, THU]))) == []  # off on the first day only
    assert hard(check(p, *works(p, "A", [MON, TUE, WED]))) == []  # off on the last day only
    assert hard(check(p, *works(p, "A", [MON, WED, THU]))) == [
        ("min_consecutive_days_off", "A", 1.0)
    ]


# --- max_weekends -------------------------------------------------------------------


def test_max_weekends_from_a_sunday_start() -> None:
    sunday = dt.date(2026, 3, 1)
    p = solo_program(start_date=sunday, days=8, staff=solo_staff(A={"max_weekends": 1}))
    # Day 0 is the Sunday of the weekend before the horizon; day 6 is the next Saturday.
    broken = check(p, *works(p, "A", [0, 6]))
    assert hard(broken) == [("max_weekends", "A", 1.0)]  # 2 weekends, at most 1
    assert broken.hard_violations[0].detail == (
        "A works on 2 weekends (starting Sat 2026-02-28, Sat 2026-03-07); the most is 1"
    )
    assert hard(check(p, *works(p, "A", [6, 7]))) == []  # Sat and Sun: one weekend


def test_max_weekends_of_zero_forbids_weekend_work() -> None:
    p = solo_program(staff=solo_staff(B={"max_weekends": 0}))
    assert hard(check(p, *works(p, "B", [SAT]))) == [("max_weekends", "B", 1.0)]
    assert hard(check(p, *works(p, "B", [FRI]))) == []


# --- shift_cover (soft) -------------------------------------------------------------


def cover(
    weekday_or_date: int | dt.date, units: int, under: int = 3, over: int = 1, **kw: Any
) -> ShiftCover:
    """D8 adult N on a weekday (0 = Mon) or a date, unless `kw` says otherwise."""
    day = (
        {"date": weekday_or_date}
        if isinstance(weekday_or_date, dt.date)
        else {"weekday": weekday_or_date}
    )
    values = {"shift_id": "D8", "team": "adult", "zone": "N", **kw}
    return ShiftCover(units=units, weight_under=under, weight_over=over, **values, **day)


def test_shift_cover_under() -> None:
    p = solo_program(shift_cover=[cover(MON, 2)])
    broken = check(p, *works(p, "A", [MON]))
    assert soft(broken) == [("shift_cover_under", None, 1.0)]  # 2 wanted, 1 there
    violation = broken.soft_violations[0]
    assert violation.when == "Mon 2026-03-02 08:00"
    assert violation.detail == "D8 adult N has 1 unit, 2 wanted: 1 under at weight 3"
    assert broken.parts.shift_cover_penalty == 3  # weight_under 3 x 1 unit
    assert (
        violation.penalty == stage2_total(broken.parts) == 3 * STAGE2_WEIGHTS["shift_cover_penalty"]
    )
    fixed = check(p, *works(p, "A", [MON]), *works(p, "B", [MON]))
    assert soft(fixed) == []
    assert fixed.parts.shift_cover_penalty == 0


def test_shift_cover_over() -> None:
    p = solo_program(shift_cover=[cover(MON, 1, over=4)])
    broken = check(p, *works(p, "A", [MON]), *works(p, "B", [MON]), *works(p, "C", [MON]))
    assert soft(broken) == [("shift_cover_over", None, 2.0)]  # 3 there, 1 wanted
    assert broken.parts.shift_cover_penalty == 8  # weight_over 4 x 2 units
    assert soft(check(p, *works(p, "A", [MON]))) == []


def test_shift_cover_with_zero_weight_costs_nothing() -> None:
    p = solo_program(shift_cover=[cover(MON, 2, under=0)])
    evaluation = check(p)
    assert soft(evaluation) == []  # 2 under at weight 0
    assert evaluation.parts.shift_cover_penalty == 0


def test_shift_cover_ignores_units_on_other_shifts_teams_and_zones() -> None:
    p = solo_program(
        shift_cover=[cover(MON, 1, over=5)], staff=solo_staff(C={"teams": ("juvenile",)})
    )
    evaluation = check(
        p,
        *works(p, "A", [MON]),  # the wanted unit
        assign(p, "B", MON, "E8"),  # another shift
        assign(p, "C", MON, "D8", team="juvenile"),  # another team
        assign(p, "B", TUE, "D8"),  # another day: Tue has no row
    )
    assert soft(evaluation) == []
    assert (
        check(p, assign(p, "A", MON, "D8", zone="S")).parts.shift_cover_penalty == 3
    )  # N is empty


def test_shift_cover_date_row_replaces_the_weekday_row() -> None:
    first_monday = cover(date(MON), 1, under=5)
    p = solo_program(days=14, shift_cover=[cover(MON, 2), first_monday])
    # Day 0 wants 1 (the date row) and has it; day 7 wants 2 (the weekday row) and has 1.
    evaluation = check(p, *works(p, "A", [0, 7]))
    assert soft(evaluation) == [("shift_cover_under", None, 1.0)]
    assert evaluation.soft_violations[0].when == "Mon 2026-03-09 08:00"
    assert evaluation.parts.shift_cover_penalty == 3  # the weekday row's weight
    # With the first Monday empty, the date row's weight applies there.
    assert check(p, *works(p, "A", [7]), *works(p, "B", [7])).parts.shift_cover_penalty == 5


def test_shift_cover_counts_valid_units_of_two_only() -> None:
    p = make_problem(
        staff=[person("C01", "clinician"), person("C02", "clinician"), person("P01", "peer")],
        shift_cover=[cover(MON, 1)],
    )
    assert soft(check(p, unit(p, "C01", "P01", MON, "D8"))) == []
    broken = check(
        p, assign(p, "C01", MON, "D8", unit_id="U1"), assign(p, "C02", MON, "D8", unit_id="U1")
    )
    assert hard(broken) == [("pairing", None, 1.0)]
    assert soft(broken) == [("shift_cover_under", None, 1.0)]  # two clinicians are no unit

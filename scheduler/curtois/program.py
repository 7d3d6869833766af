"""A Curtois & Qu benchmark instance as a program of the product, and back.

The benchmark is solved by the product's own rule families, so the instance is
translated into a `Problem` (units of one person, one team, one zone) rule by
rule; `benchmarks/curtois/README.md` numbers the constraints:
1. one shift a day: the solver's one-start-a-day restriction;
2. forbidden successions: `ShiftTemplate.forbidden_next`;
3. per-type limits: `ShiftLimit` rows (0 forbids the type);
4. total minutes: `Person.min_hours_total` / `max_hours_total`;
5. longest run worked: `max_consecutive_days` (the horizon edges are days off,
   as in the product, which has no history yet);
6. shortest runs worked and off, edge runs exempt: `min_consecutive_days`,
   `min_consecutive_days_off`;
7. weekends: `max_weekends`;
8. days off: `TimeOff` rows of kind `unavailable`.
On- and off-requests are `prefer_on` / `prefer_off` rows with their weights;
cover is `ShiftCover`. Every shift type starts at 00:00 and lasts its length, so
shifts never overlap and rest plays no part (the benchmark has only successions).
The benchmark's objective is then `request_penalty + shift_cover_penalty`.
"""

from __future__ import annotations

import datetime as dt

from scheduler.curtois.format import CurtoisAssignment, CurtoisInstance, ShiftRequest
from scheduler.model.problem import (
    MINUTES_PER_DAY,
    Person,
    PersonRules,
    Problem,
    Role,
    Rules,
    ShiftCover,
    ShiftLimit,
    ShiftTemplate,
    Team,
    TimeOff,
    TimeOffKind,
    Zone,
)
from scheduler.model.report import ObjectiveParts
from scheduler.model.roster import Roster

#: Day 0 of every instance is a Monday; any Monday will do.
START_DATE = dt.date(2024, 1, 1)
ZONE_ID = "all"
TEAM = Team.ADULT

#: The product's rules switched off where the benchmark has none.
BENCHMARK_RULES = Rules(
    min_rest_hours=0,
    min_days_off_per_week=0,
    overtime_after_hours=0,
    max_shift_hours=24,
)


def as_problem(instance: CurtoisInstance) -> Problem:
    """The instance as a product program (see the module docstring for the mapping)."""
    longest = max((s.length_minutes for s in instance.shift_types), default=1)
    if longest > MINUTES_PER_DAY:
        raise ValueError(f"{instance.name}: a shift longer than a day cannot start at 00:00")
    shifts = tuple(
        ShiftTemplate(
            shift_id=s.id,
            start_minute=0,
            end_minute=s.length_minutes % MINUTES_PER_DAY,
            forbidden_next=s.forbidden_next,
        )
        for s in instance.shift_types
    )
    staff = tuple(
        Person(
            employee_id=e.id,
            name=e.id,
            role=Role.CLINICIAN,
            teams=(TEAM,),
            home_zone=ZONE_ID,
            min_hours_total=e.min_total_minutes / 60,
            max_hours_total=e.max_total_minutes / 60,
            overtime_eligible=False,
            rules=PersonRules.from_rules(
                BENCHMARK_RULES,
                max_consecutive_days=e.max_consecutive_shifts,
                # The benchmark has no soft run length: prefer what is allowed.
                preferred_max_consecutive_days=e.max_consecutive_shifts,
                min_consecutive_days=max(1, e.min_consecutive_shifts),
                min_consecutive_days_off=max(1, e.min_consecutive_days_off),
                max_weekends=e.max_weekends,
            ),
        )
        for e in instance.staff
    )
    limits = tuple(
        ShiftLimit(employee_id=e.id, shift_id=shift_id, max_shifts=most)
        for e in instance.staff
        for shift_id, most in e.max_shifts.items()
    )
    time_off = [
        _whole_day(employee_id, day, TimeOffKind.UNAVAILABLE)
        for employee_id, days in instance.days_off.items()
        for day in sorted(days)
    ]
    time_off += [_request(r, TimeOffKind.PREFER_ON) for r in instance.on_requests if r.weight]
    time_off += [_request(r, TimeOffKind.PREFER_OFF) for r in instance.off_requests if r.weight]
    cover = tuple(
        ShiftCover(
            shift_id=c.shift,
            team=TEAM,
            zone=ZONE_ID,
            date=START_DATE + dt.timedelta(days=c.day),
            units=c.requirement,
            weight_under=c.weight_under,
            weight_over=c.weight_over,
        )
        for c in instance.cover
    )
    return Problem(
        name=instance.name,
        start_date=START_DATE,
        days=instance.days,
        rules=BENCHMARK_RULES,
        staff=staff,
        zones=(Zone(zone_id=ZONE_ID, name="All"),),
        shifts=shifts,
        time_off=tuple(time_off),
        shift_cover=cover,
        shift_limits=limits,
        people_per_unit=1,
    )


def _whole_day(
    employee_id: str, day: int, kind: TimeOffKind, shift_id: str | None = None, weight: int = 1
) -> TimeOff:
    start = dt.datetime.combine(START_DATE + dt.timedelta(days=day), dt.time())
    return TimeOff(
        employee_id=employee_id,
        start=start,
        end=start + dt.timedelta(days=1),
        whole_days=True,
        kind=kind,
        shift_id=shift_id,
        weight=weight,
    )


def _request(request: ShiftRequest, kind: TimeOffKind) -> TimeOff:
    return _whole_day(request.employee, request.day, kind, request.shift, request.weight)


def benchmark_objective(parts: ObjectiveParts) -> int:
    """The benchmark's objective from the product's parts (the rest are 0 here)."""
    return parts.request_penalty + parts.shift_cover_penalty


def solution_rows(roster: Roster) -> list[CurtoisAssignment]:
    """The roster as solution-file rows (employee, day index, shift), sorted."""
    return sorted(
        (row.employee_id, (row.date - START_DATE).days, row.shift_id) for row in roster.assignments
    )

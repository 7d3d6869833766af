"""Check a solution of a Curtois & Qu benchmark instance: hard constraints and objective.

The executable form of `benchmarks/curtois/README.md`, in plain Python and
independent of the solver, so that it can judge what the solver writes. Hard
constraints carry the README's numbers 1 to 8; the objective is split into its
four parts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from scheduler.curtois.format import DAYS_PER_WEEK, CurtoisAssignment, CurtoisInstance, Employee

SATURDAY = 5  # day 0 is a Monday
SUNDAY = 6


@dataclass(frozen=True)
class CurtoisViolation:
    """One break of a hard constraint, and how far past its limit it is.

    `amount` is in the constraint's own unit: extra shifts on the day (1), 1 per
    forbidden succession (2), shifts over the limit of the type (3), minutes over
    or under (4), days over (5), days short of the minimum run (6), weekends over
    (7), shifts on the day off (8). `days` are the days concerned, in order: the
    day, the two days of a succession, the run, the weekend days worked; empty for
    a limit over the whole horizon (3, 4).
    """

    constraint: int
    rule: str  # which limit of the constraint, e.g. `min_consecutive_days_off`
    employee: str
    days: tuple[int, ...]
    amount: int
    shift: str | None = None  # the shift type, for constraint 3
    message: str = field(default="", compare=False)


@dataclass(frozen=True)
class CurtoisCheck:
    violations: tuple[CurtoisViolation, ...]
    on_requests: int  # weight of on-requests not granted
    off_requests: int  # weight of off-requests violated
    under_cover: int  # WeightUnder x persons missing, over every day and shift type
    over_cover: int  # WeightOver x persons in excess

    @property
    def objective(self) -> int:
        return self.on_requests + self.off_requests + self.under_cover + self.over_cover

    @property
    def feasible(self) -> bool:
        return not self.violations


def check_solution(
    instance: CurtoisInstance, assignments: Iterable[CurtoisAssignment]
) -> CurtoisCheck:
    """Every hard-constraint violation of `assignments`, and their objective.

    Each row is one shift worked, as in the solution file, so a repeated row is a
    second shift that day (constraint 1) and counts again for the type limits, the
    minutes and the cover. A day with any shift is a working day for the sequence
    and weekend rules. Raises `ValueError` for an assignment naming an unknown
    employee or shift type or a day outside the horizon (`read_solution` refuses
    those in a file).
    """
    rows = list(assignments)
    _check_known(instance, rows)
    shifts_by_employee: dict[str, dict[int, list[str]]] = {e.id: {} for e in instance.staff}
    for employee_id, day, shift_id in rows:
        shifts_by_employee[employee_id].setdefault(day, []).append(shift_id)
    violations: list[CurtoisViolation] = []
    for employee in instance.staff:
        violations += _employee_violations(instance, employee, shifts_by_employee[employee.id])
    worked = set(rows)
    on_requests = sum(
        request.weight
        for request in instance.on_requests
        if (request.employee, request.day, request.shift) not in worked
    )
    off_requests = sum(
        request.weight
        for request in instance.off_requests
        if (request.employee, request.day, request.shift) in worked
    )
    on_duty = Counter((day, shift_id) for _, day, shift_id in rows)
    under_cover = sum(
        cover.weight_under * max(0, cover.requirement - on_duty[cover.day, cover.shift])
        for cover in instance.cover
    )
    over_cover = sum(
        cover.weight_over * max(0, on_duty[cover.day, cover.shift] - cover.requirement)
        for cover in instance.cover
    )
    return CurtoisCheck(tuple(violations), on_requests, off_requests, under_cover, over_cover)


def _check_known(instance: CurtoisInstance, rows: list[CurtoisAssignment]) -> None:
    staff_ids = set(instance.staff_ids)
    shift_ids = set(instance.shift_ids)
    for employee_id, day, shift_id in rows:
        if (
            employee_id not in staff_ids
            or shift_id not in shift_ids
            or not 0 <= day < instance.days
        ):
            raise ValueError(
                f"assignment ({employee_id!r}, {day}, {shift_id!r}) is not an employee, "
                f"a day 0 to {instance.days - 1} and a shift type of {instance.name}"
            )


def _employee_violations(
    instance: CurtoisInstance, employee: Employee, shifts_on: dict[int, list[str]]
) -> list[CurtoisViolation]:
    """The violations of one employee; `shifts_on` maps each working day to its shift types."""
    found: list[CurtoisViolation] = []

    def add(
        constraint: int,
        rule: str,
        days: Iterable[int],
        amount: int,
        message: str,
        shift: str | None = None,
    ) -> None:
        found.append(
            CurtoisViolation(
                constraint,
                rule,
                employee.id,
                tuple(days),
                amount,
                shift,
                f"{employee.id}: {message}",
            )
        )

    # 1. At most one shift per day.
    for day, shift_ids in sorted(shifts_on.items()):
        if len(shift_ids) > 1:
            add(1, "one_shift_per_day", [day], len(shift_ids) - 1, f"day {day}: {shift_ids}")

    # 2. No shift of ForbiddenNext the day after.
    forbidden_next = {shift.id: set(shift.forbidden_next) for shift in instance.shift_types}
    for day, shift_ids in sorted(shifts_on.items()):
        for shift_id in shift_ids:
            for next_id in shifts_on.get(day + 1, []):
                if next_id in forbidden_next[shift_id]:
                    message = f"{next_id} on day {day + 1} after {shift_id} on day {day}"
                    add(2, "forbidden_succession", [day, day + 1], 1, message)

    # 3. At most MaxShifts of each type (a type not listed has no limit).
    worked_of_type = Counter(shift_id for shift_ids in shifts_on.values() for shift_id in shift_ids)
    for shift in instance.shift_types:
        limit = employee.max_shifts.get(shift.id)
        count = worked_of_type[shift.id]
        if limit is not None and count > limit:
            message = f"{count} shifts of {shift.id}, limit {limit}"
            add(3, "max_shifts_of_type", [], count - limit, message, shift.id)

    # 4. Total minutes between MinTotalMinutes and MaxTotalMinutes.
    length = {shift.id: shift.length_minutes for shift in instance.shift_types}
    minutes = sum(length[shift_id] for shift_ids in shifts_on.values() for shift_id in shift_ids)
    if minutes > employee.max_total_minutes:
        message = f"{minutes} minutes, at most {employee.max_total_minutes}"
        add(4, "max_total_minutes", [], minutes - employee.max_total_minutes, message)
    if minutes < employee.min_total_minutes:
        message = f"{minutes} minutes, at least {employee.min_total_minutes}"
        add(4, "min_total_minutes", [], employee.min_total_minutes - minutes, message)

    # 5. and 6. Runs of working days and of days off. A run ends at the horizon's edge:
    # for 5 the days outside count as off; for 6 a run touching an edge is exempt.
    last_day = instance.days - 1
    for working, first, last in _runs([day in shifts_on for day in range(instance.days)]):
        run = range(first, last + 1)
        size = len(run)
        at_edge = first == 0 or last == last_day
        if working and size > employee.max_consecutive_shifts:
            limit = employee.max_consecutive_shifts
            message = f"works days {first}-{last}, {size} in a row, at most {limit}"
            add(5, "max_consecutive_shifts", run, size - limit, message)
        if working and not at_edge and size < employee.min_consecutive_shifts:
            limit = employee.min_consecutive_shifts
            message = f"works days {first}-{last}, {size} in a row, at least {limit}"
            add(6, "min_consecutive_shifts", run, limit - size, message)
        if not working and not at_edge and size < employee.min_consecutive_days_off:
            limit = employee.min_consecutive_days_off
            message = f"off days {first}-{last}, {size} in a row, at least {limit}"
            add(6, "min_consecutive_days_off", run, limit - size, message)

    # 7. At most MaxWeekends weekends with a Saturday or Sunday worked.
    weekend_days = [
        day
        for week in range(instance.weeks)
        for day in (week * DAYS_PER_WEEK + SATURDAY, week * DAYS_PER_WEEK + SUNDAY)
        if day in shifts_on
    ]
    weekends = len({day // DAYS_PER_WEEK for day in weekend_days})
    if weekends > employee.max_weekends:
        message = f"works {weekends} weekends, at most {employee.max_weekends}"
        add(7, "max_weekends", weekend_days, weekends - employee.max_weekends, message)

    # 8. The days of SECTION_DAYS_OFF are off.
    for day in sorted(instance.days_off[employee.id]):
        if day in shifts_on:
            add(8, "day_off", [day], len(shifts_on[day]), f"works day {day}, a day off")
    return found


def _runs(values: list[bool]) -> list[tuple[bool, int, int]]:
    """Maximal runs of equal values, as (value, first index, last index)."""
    runs: list[tuple[bool, int, int]] = []
    first = 0
    for index in range(1, len(values) + 1):
        if index == len(values) or values[index] != values[first]:
            runs.append((values[first], first, index - 1))
            first = index
    return runs

"""Terse builders for tests: a tiny valid program, people, demand, time off and rosters.

    problem = make_problem(staff=[person("C01", "clinician"), person("P01", "peer")])
    roster = make_roster(unit(problem, "C01", "P01", 0, "D8"))
    evaluate(problem, roster)

Defaults: program "Test" starting Monday 2026-03-02 for 7 days, 60-minute slots,
`Rules()`, zones N and S, templates D8 08:00-16:30, E8 13:30-22:00 and N12
20:00-08:00 (each with a 30-minute unpaid break), no staff and no demand.
A day is given either as a date or as its index from `start_date` (0 = Monday).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from scheduler.model import calendar
from scheduler.model.problem import (
    PERSON_RULE_NAMES,
    WEEKDAYS,
    DemandRow,
    Hire,
    Person,
    PersonRules,
    Problem,
    Role,
    Rules,
    ShiftTemplate,
    Team,
    TimeOff,
    TimeOffKind,
    Zone,
)
from scheduler.model.roster import Assignment, Roster

START = dt.date(2026, 3, 2)  # a Monday

DateOrDay = dt.date | int
Moment = dt.date | dt.datetime | str


def minute_of_day(clock: str) -> int:
    """`"13:30"` -> 810."""
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def template(
    shift_id: str, start: str, end: str, break_minutes: int = 0, teams: Sequence[str] = ()
) -> ShiftTemplate:
    """A shift template from `HH:MM` times; an end at or before the start ends the next day."""
    return ShiftTemplate(
        shift_id=shift_id,
        start_minute=minute_of_day(start),
        end_minute=minute_of_day(end),
        unpaid_break_minutes=break_minutes,
        teams=tuple(Team(t) for t in teams),
    )


D8 = template("D8", "08:00", "16:30", 30)
E8 = template("E8", "13:30", "22:00", 30)
N12 = template("N12", "20:00", "08:00", 30)


def make_problem(**overrides: Any) -> Problem:
    """A tiny valid program; any `Problem` field can be overridden (lists are fine)."""
    values: dict[str, Any] = {
        "name": "Test",
        "start_date": START,
        "days": 7,
        "slot_minutes": 60,
        "rules": Rules(),
        "staff": (),
        "zones": (Zone(zone_id="N", name="North"), Zone(zone_id="S", name="South")),
        "shifts": (D8, E8, N12),
        "demand": (),
    }
    values.update(overrides)
    return Problem(**values)


def hire(
    hire_id: str, role: Role | str, annual_cost: float | None, count: int = 1, **kw: Any
) -> Hire:
    """A Hiring row: up to `count` of this kind, adult team in zone N unless `kw` says."""
    values: dict[str, Any] = {"teams": (Team.ADULT,), "home_zone": "N", **kw}
    return Hire(
        hire_id=hire_id, role=Role(role), annual_cost=annual_cost, max_count=count, **values
    )


def person(
    employee_id: str,
    role: Role | str,
    teams: Sequence[Team | str] = ("adult",),
    home_zone: str = "N",
    rules: Rules | PersonRules | None = None,
    **kw: Any,
) -> Person:
    """A Staff row. Rule names among `kw` (`min_rest_hours=11`) override the rules,
    which come from `rules` (program `Rules`, default `Rules()`, or ready `PersonRules`);
    other `kw` are `Person` fields (`max_hours_per_week=40`, `skills=("trainee",)`)."""
    overrides = {name: kw.pop(name) for name in PERSON_RULE_NAMES if name in kw}
    if isinstance(rules, PersonRules):
        person_rules = rules.model_copy(update=overrides)
    else:
        person_rules = PersonRules.from_rules(rules or Rules(), **overrides)
    return Person(
        employee_id=employee_id,
        name=kw.pop("name", employee_id),
        role=Role(role),
        teams=tuple(Team(t) for t in teams),
        home_zone=home_zone,
        rules=person_rules,
        **kw,
    )


def demand(
    team: Team | str,
    zone: str,
    weekday_or_date: str | int | dt.date,
    start: str,
    end: str,
    required: int,
    target: int | None = None,
) -> DemandRow:
    """A Demand row for a weekday (`"Mon"` or 0-6, repeating weekly) or one date."""
    if isinstance(weekday_or_date, dt.date):
        day: dict[str, Any] = {"date": weekday_or_date}
    elif isinstance(weekday_or_date, str):
        day = {"weekday": WEEKDAYS.index(weekday_or_date)}
    else:
        day = {"weekday": weekday_or_date}
    return DemandRow(
        team=Team(team),
        zone=zone,
        start_minute=minute_of_day(start),
        end_minute=minute_of_day(end),
        required_units=required,
        target_units=target,
        **day,
    )


def _as_date_or_datetime(value: Moment) -> dt.date:
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    return value


def time_off(
    employee_id: str,
    start: Moment,
    end: Moment,
    kind: TimeOffKind | str = "unavailable",
    shift_id: str | None = None,
    weight: int = 1,
) -> TimeOff:
    """A TimeOff row. Dates (or `YYYY-MM-DD`) are whole days, both inclusive, as in the
    workbook; date-times (or `YYYY-MM-DDTHH:MM`) are an exact window, end exclusive."""
    first, last = _as_date_or_datetime(start), _as_date_or_datetime(end)
    whole_days = not (isinstance(first, dt.datetime) and isinstance(last, dt.datetime))
    if isinstance(first, dt.datetime) and isinstance(last, dt.datetime):
        begin, finish = first, last
    else:
        begin = dt.datetime.combine(first, dt.time())
        finish = dt.datetime.combine(last + dt.timedelta(days=1), dt.time())
    return TimeOff(
        employee_id=employee_id,
        start=begin,
        end=finish,
        whole_days=whole_days,
        kind=TimeOffKind(kind),
        shift_id=shift_id,
        weight=weight,
    )


def _day_and_date(problem: Problem, date_or_day: DateOrDay) -> tuple[int, dt.date]:
    if isinstance(date_or_day, dt.date):
        return problem.day_of(date_or_day), date_or_day
    return date_or_day, problem.date_of(date_or_day)


def assign(
    problem: Problem,
    employee_id: str,
    date_or_day: DateOrDay,
    shift_id: str,
    team: Team | str = "adult",
    zone: str = "N",
    unit_id: str | None = None,
    role: Role | str | None = None,
) -> Assignment:
    """One Assignments row with start and end from the template on that date and the
    person's role from Staff (pass `role` for someone who is not in Staff)."""
    day, date = _day_and_date(problem, date_or_day)
    shift = calendar.instance(problem, day, problem.shift(shift_id))
    return Assignment(
        date=date,
        shift_id=shift_id,
        start=problem.moment(shift.start),
        end=problem.moment(shift.end),
        team=Team(team),
        zone=zone,
        unit_id=unit_id or f"{date:%m%d}-{shift_id}-{employee_id}",
        employee_id=employee_id,
        role=Role(role) if role is not None else problem.person(employee_id).role,
    )


def unit(
    problem: Problem,
    clinician_id: str,
    peer_id: str,
    date_or_day: DateOrDay,
    shift_id: str,
    team: Team | str = "adult",
    zone: str = "N",
    unit_id: str | None = None,
) -> list[Assignment]:
    """Both rows of a unit; the default unit id names the date, shift and both people."""
    _, date = _day_and_date(problem, date_or_day)
    unit_id = unit_id or f"{date:%m%d}-{shift_id}-{clinician_id}-{peer_id}"
    return [
        assign(problem, clinician_id, date, shift_id, team, zone, unit_id),
        assign(problem, peer_id, date, shift_id, team, zone, unit_id),
    ]


def make_roster(*rows: Assignment | Iterable[Assignment]) -> Roster:
    """A Roster from rows and lists of rows (`make_roster(unit(...), unit(...), row)`)."""
    flat: list[Assignment] = []
    for item in rows:
        if isinstance(item, Assignment):
            flat.append(item)
        else:
            flat.extend(item)
    return Roster(assignments=tuple(flat))

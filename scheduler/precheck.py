"""Cheap checks before solving: hard rules that certainly conflict, and warnings.

`precheck(problem)` reads the data alone (no solver). Its `errors` are conflicts
that no roster can resolve, each a sentence naming the sheets and rows involved,
e.g. `Pins conflict with TimeOff: clinician C03 is pinned to D8 on Tue 2026-03-03
(Pins row 4) but is unavailable that day (TimeOff row 12)`. Its `warnings` are
things the solver will work around at a cost: a slot needing more units than the
people who can work it make (coverage is soft; trainees alone make no unit, since
a unit never holds two), or contract hours (soft) above what a person can work.

The wording helpers (`scheduler.model.wording`) are shared with the checker, the
text report and `scheduler.solve.explain`, which names the conflicts the pre-check
cannot see, so all of them speak the same way.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass

from scheduler.model.calendar import (
    ShiftInstance,
    Week,
    coverage_requirements,
    date_text,
    day_of_minute,
    day_runs,
    demand_window,
    instance,
    moment_text,
    shift_cover_rules,
    slot_moment,
    slots_covered,
    time_off_applies,
    unavailability,
    weeks,
)
from scheduler.model.problem import (
    Person,
    Pin,
    Problem,
    Role,
    ShiftLimit,
    Team,
    TimeOff,
)
from scheduler.model.wording import (
    and_join,
    conflict,
    count,
    hours_text,
    limit_source,
    pins_clause,
    rows_text,
    rule_source,
    staff_source,
    time_off_span,
    unavailable_clause,
    week_text,
    who,
)


@dataclass(frozen=True)
class Precheck:
    """What the data alone says: certain conflicts (`errors`) and `warnings`."""

    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def precheck(problem: Problem) -> Precheck:
    open_shifts = _OpenShifts(problem)
    availability = [_Availability(problem, person, open_shifts) for person in problem.staff]
    errors = [*_pin_errors(problem), *_horizon_hour_errors(availability)]
    warnings = [*_coverage_warnings(problem), *_contract_warnings(availability)]
    return Precheck(errors=tuple(errors), warnings=tuple(warnings))


# --- Pins ------------------------------------------------------------------------------


def _pin_errors(problem: Problem) -> Iterator[str]:
    pins_of: dict[str, list[Pin]] = defaultdict(list)
    for pin in problem.pins:
        person = problem.people_by_id.get(pin.employee_id)
        if person is None or pin.shift_id not in problem.shifts_by_id:
            missing = pin.employee_id if person is None else pin.shift_id
            yield f"{rows_text('Pins', [pin.row])}: {missing} is not in the program"
            continue
        day = problem.day_of(pin.date)
        if not 0 <= day < problem.days:
            yield f"{rows_text('Pins', [pin.row])}: {date_text(pin.date)} is outside the roster"
            continue
        yield from _one_pin(problem, person, pin)
        pins_of[pin.employee_id].append(pin)
    for employee_id, pins in pins_of.items():
        person = problem.person(employee_id)
        one_a_day = yield from _same_day_pins(problem, person, pins)
        checks: tuple[Callable[[Problem, Person, list[Pin]], Iterator[str]], ...] = (
            _pins_rest,
            _pins_days_off,
            _pins_runs,
            _pins_hours,
            _pins_shift_limits,
        )
        for check in checks:
            yield from check(problem, person, one_a_day)


def _one_pin(problem: Problem, person: Person, pin: Pin) -> Iterator[str]:
    template = problem.shift(pin.shift_id)
    shift = instance(problem, problem.day_of(pin.date), template)
    pinned = pins_clause(problem, [pin])
    teams = ";".join(person.teams)
    if pin.team is not None and pin.team not in person.teams:
        staff = staff_source(person, "teams")
        yield conflict(
            ["Pins", "Staff teams"], f"{who(person)} {pinned}", [f"works only on {teams} ({staff})"]
        )
    elif pin.team is not None and not template.allows(pin.team):
        only = ";".join(template.teams)
        yield conflict(
            ["Pins", "Shifts teams"],
            f"{who(person)} {pinned}",
            [f"{pin.shift_id} is only for {only} (Shifts {pin.shift_id} teams)"],
        )
    elif not any(template.allows(team) for team in person.teams):
        only = ";".join(template.teams)
        yield conflict(
            ["Pins", "Staff teams", "Shifts teams"],
            f"{who(person)} {pinned}",
            [
                f"works only on {teams} ({staff_source(person, 'teams')})",
                f"{pin.shift_id} is only for {only} (Shifts {pin.shift_id} teams)",
            ],
        )
    item = _unavailable_row(problem, person, shift)
    if item is not None:
        yield conflict(
            ["Pins", "TimeOff"], f"{who(person)} {pinned}", [unavailable_clause([item], pin.date)]
        )
    limit = _limit_of(problem, person, pin.shift_id)
    if limit is not None and limit.max_shifts == 0:
        yield conflict(
            ["Pins", "ShiftLimits"],
            f"{who(person)} {pinned}",
            [f"may not work {pin.shift_id} ({limit_source(limit)}: max_shifts 0)"],
        )


def _same_day_pins(
    problem: Problem, person: Person, pins: list[Pin]
) -> Generator[str, None, list[Pin]]:
    """Pins of one day that ask for different shifts, teams or zones; returns one
    pin per day for the checks that follow."""
    by_day: dict[dt.date, list[Pin]] = defaultdict(list)
    for pin in pins:
        by_day[pin.date].append(pin)
    for _, same_day in sorted(by_day.items()):
        if not _compatible(same_day):
            yield conflict(
                ["Pins", "each other"],
                f"{who(person)} {pins_clause(problem, same_day)}",
                ["starts at most one shift a day"],
            )
    return [same_day[0] for _, same_day in sorted(by_day.items())]


def _compatible(pins: list[Pin]) -> bool:
    """Whether one shift can satisfy every pin of a day (same template, and no two
    different teams or zones)."""
    return (
        len({pin.shift_id for pin in pins}) == 1
        and len({pin.team for pin in pins} - {None}) <= 1
        and len({pin.zone for pin in pins} - {None}) <= 1
    )


def _pinned_shift(problem: Problem, pin: Pin) -> ShiftInstance:
    return instance(problem, problem.day_of(pin.date), problem.shift(pin.shift_id))


def _pins_rest(problem: Problem, person: Person, pins: list[Pin]) -> Iterator[str]:
    rest = round(person.rules.min_rest_hours * 60)
    ordered = sorted(pins, key=lambda pin: pin.date)
    for n, earlier in enumerate(ordered):
        first = _pinned_shift(problem, earlier)
        for later in ordered[n + 1 :]:
            second = _pinned_shift(problem, later)
            if second.start < first.end + rest:
                source = rule_source(problem, person, "min_rest_hours")
                hours = f"{person.rules.min_rest_hours:g}"
                yield conflict(
                    ["Pins", "rest"],
                    f"{who(person)} {pins_clause(problem, [earlier, later])}",
                    [f"needs {hours} hours of rest between shifts ({source})"],
                )


def _pins_days_off(problem: Problem, person: Person, pins: list[Pin]) -> Iterator[str]:
    per_week = person.rules.min_days_off_per_week
    for week in weeks(problem):
        in_week = [pin for pin in pins if problem.day_of(pin.date) in week.days]
        days_off = week.min_days_off(per_week)
        if len(in_week) > week.n_days - days_off:
            source = rule_source(problem, person, "min_days_off_per_week")
            yield conflict(
                ["Pins", "days off"],
                f"{who(person)} {pins_clause(problem, in_week)}",
                [f"needs {days_off} days off that week ({source})"],
            )


def _pins_runs(problem: Problem, person: Person, pins: list[Pin]) -> Iterator[str]:
    longest = person.rules.max_consecutive_days
    by_day = {problem.day_of(pin.date): pin for pin in pins}
    for first_day, length in day_runs(by_day):
        if length <= longest:
            continue
        run = [by_day[day] for day in range(first_day, first_day + length)]
        first, last = problem.date_of(first_day), problem.date_of(first_day + length - 1)
        summary = f"on {length} days in a row from {date_text(first)} to {date_text(last)}"
        source = rule_source(problem, person, "max_consecutive_days")
        yield conflict(
            ["Pins", "max_consecutive_days"],
            f"{who(person)} {pins_clause(problem, run, summary)}",
            [f"may work at most {longest} days in a row ({source})"],
        )


def _pins_hours(problem: Problem, person: Person, pins: list[Pin]) -> Iterator[str]:
    def paid(some: list[Pin]) -> int:
        return sum(_pinned_shift(problem, pin).paid_minutes for pin in some)

    if person.max_hours_per_week is not None:
        cap = round(person.max_hours_per_week * 60)
        for week in weeks(problem):
            in_week = [pin for pin in pins if problem.day_of(pin.date) in week.days]
            if paid(in_week) > cap:
                summary = (
                    f"for {hours_text(paid(in_week))} paid hours in {week_text(problem, week)}"
                )
                yield conflict(
                    ["Pins", "max_hours_per_week"],
                    f"{who(person)} {pins_clause(problem, in_week, summary)}",
                    [
                        f"may work at most {hours_text(cap)} paid hours a week "
                        f"({staff_source(person, 'max_hours_per_week')})"
                    ],
                )
    if person.max_hours_total is not None:
        most = round(person.max_hours_total * 60)
        if paid(pins) > most:
            summary = f"for {hours_text(paid(pins))} paid hours"
            yield conflict(
                ["Pins", "max_hours_total"],
                f"{who(person)} {pins_clause(problem, pins, summary)}",
                [
                    f"may work at most {hours_text(most)} paid hours in the roster "
                    f"({staff_source(person, 'max_hours_total')})"
                ],
            )


def _pins_shift_limits(problem: Problem, person: Person, pins: list[Pin]) -> Iterator[str]:
    for limit in problem.shift_limits:
        if limit.employee_id != person.employee_id or limit.max_shifts == 0:
            continue  # a limit of 0 is reported pin by pin
        of_type = [pin for pin in pins if pin.shift_id == limit.shift_id]
        if len(of_type) > limit.max_shifts:
            summary = f"to {limit.shift_id} on {len(of_type)} days"
            yield conflict(
                ["Pins", "ShiftLimits"],
                f"{who(person)} {pins_clause(problem, of_type, summary)}",
                [
                    f"may work at most {limit.max_shifts} {limit.shift_id} shifts "
                    f"({limit_source(limit)})"
                ],
            )


def _unavailable_row(problem: Problem, person: Person, shift: ShiftInstance) -> TimeOff | None:
    for item in unavailability(problem).get(person.employee_id, ()):
        if time_off_applies(problem, item, shift):
            return item
    return None


def _limit_of(problem: Problem, person: Person, shift_id: str) -> ShiftLimit | None:
    for limit in problem.shift_limits:
        if limit.employee_id == person.employee_id and limit.shift_id == shift_id:
            return limit
    return None


# --- Hours a person can work ------------------------------------------------------------


#: The rules that cut what a person can work, with their titles in sentences.
_CUTS = ("TimeOff", "ShiftLimits", "days off", "max_hours_per_week", "max_hours_total")


class _Availability:
    """The most paid minutes a person can work, per week and over the roster.

    A day offers the longest shift open to the person that day: open means some
    Demand, ShiftCover row or pin makes the solver roster it for one of their
    teams, and no pin of theirs asks for another shift. A week then takes its
    best days, leaving the days off it needs, up to the weekly cap; the roster
    sums its weeks, up to the total cap. This is an upper bound of what any
    roster gives them, so falling short of it is certain. `without` lifts some
    of the rules, to tell which of them cut.
    """

    def __init__(self, problem: Problem, person: Person, open_shifts: _OpenShifts) -> None:
        self.problem, self.person = problem, person
        self.days: list[list[tuple[int, TimeOff | None, ShiftLimit | None]]] = []
        unavailable = unavailability(problem).get(person.employee_id, [])
        limits = {
            limit.shift_id: limit
            for limit in problem.shift_limits
            if limit.employee_id == person.employee_id
        }
        pinned = {
            problem.day_of(pin.date): pin.shift_id
            for pin in problem.pins
            if pin.employee_id == person.employee_id
        }
        for day in range(problem.days):
            offers: list[tuple[int, TimeOff | None, ShiftLimit | None]] = []
            for template in problem.shifts:
                if pinned.get(day, template.shift_id) != template.shift_id:
                    continue
                if not any(open_shifts.is_open(day, template.shift_id, t) for t in person.teams):
                    continue
                shift = instance(problem, day, template)
                blocked = next(
                    (i for i in unavailable if time_off_applies(problem, i, shift)), None
                )
                limit = limits.get(template.shift_id)
                zero = limit if limit is not None and limit.max_shifts == 0 else None
                offers.append((shift.paid_minutes, blocked, zero))
            self.days.append(offers)

    def day_best(self, day: int, without: frozenset[str]) -> int:
        return max(
            (
                paid
                for paid, blocked, zero in self.days[day]
                if (blocked is None or "TimeOff" in without)
                and (zero is None or "ShiftLimits" in without)
            ),
            default=0,
        )

    def week(self, week: Week, without: frozenset[str] = frozenset()) -> int:
        best = sorted((self.day_best(day, without) for day in week.days), reverse=True)
        off = (
            0
            if "days off" in without
            else week.min_days_off(self.person.rules.min_days_off_per_week)
        )
        paid = sum(best[: week.n_days - off])
        cap = self.person.max_hours_per_week
        if cap is not None and "max_hours_per_week" not in without:
            paid = min(paid, round(cap * 60))
        return paid

    def total(self, without: frozenset[str] = frozenset()) -> int:
        paid = sum(self.week(week, without) for week in weeks(self.problem))
        most = self.person.max_hours_total
        if most is not None and "max_hours_total" not in without:
            paid = min(paid, round(most * 60))
        return paid

    def cuts(self, measure: Callable[[frozenset[str]], int]) -> list[str]:
        """The rules that lower `measure`: each one that alone makes the
        difference, else every one that lowers it at all."""
        everything = measure(frozenset())
        needed = [cut for cut in _CUTS if measure(frozenset({cut})) > everything]
        if needed:
            return needed
        without_all = frozenset(_CUTS)
        return [cut for cut in _CUTS if measure(without_all - {cut}) < measure(without_all)]

    def cut_clause(self, cut: str) -> str:
        person, problem = self.person, self.problem
        if cut == "TimeOff":
            blocking = {i.row for offers in self.days for _, i, _ in offers if i is not None}
            return f"is unavailable on some days ({rows_text('TimeOff', blocking)})"
        if cut == "ShiftLimits":
            limits = {z for offers in self.days for _, _, z in offers if z is not None}
            names = and_join(sorted(limit.shift_id for limit in limits))
            rows = rows_text("ShiftLimits", [limit.row for limit in limits])
            return f"may not work {names} ({rows})"
        if cut == "days off":
            days_off = person.rules.min_days_off_per_week
            source = rule_source(problem, person, "min_days_off_per_week")
            return f"needs {days_off} days off a week ({source})"
        if cut == "max_hours_per_week":
            cap = round((person.max_hours_per_week or 0) * 60)
            source = staff_source(person, "max_hours_per_week")
            return f"may work at most {hours_text(cap)} paid hours a week ({source})"
        most = round((person.max_hours_total or 0) * 60)
        source = staff_source(person, "max_hours_total")
        return f"may work at most {hours_text(most)} paid hours in the roster ({source})"


class _OpenShifts:
    """Which shift instances the solver rosters for a team: those covering some
    Demand of that team, those with a ShiftCover row, and pinned ones (the same
    rule as `scheduler.solve.variables.useful_options`)."""

    def __init__(self, problem: Problem) -> None:
        demanded = {
            (team, slot)
            for (team, _zone, slot), need in coverage_requirements(problem).items()
            if need.target
        }
        covered = {
            (day, shift_id, team) for day, shift_id, team, _zone in shift_cover_rules(problem)
        }
        pinned = {(problem.day_of(pin.date), pin.shift_id) for pin in problem.pins}
        self.open: set[tuple[int, str, Team]] = set()
        for day in range(problem.days):
            for template in problem.shifts:
                shift = instance(problem, day, template)
                slots = slots_covered(problem, shift.start, shift.end)
                for team in Team:
                    if not template.allows(team):
                        continue
                    if (
                        (day, template.shift_id) in pinned
                        or (day, template.shift_id, team) in covered
                        or any((team, slot) in demanded for slot in slots)
                    ):
                        self.open.add((day, template.shift_id, team))

    def is_open(self, day: int, shift_id: str, team: Team) -> bool:
        return (day, shift_id, team) in self.open


def _horizon_hour_errors(available: list[_Availability]) -> Iterator[str]:
    for availability in available:
        person = availability.person
        least = round(person.min_hours_total * 60)
        if not least:
            continue
        most = availability.total()
        if least <= most:
            continue
        cuts = availability.cuts(availability.total)
        clauses = [availability.cut_clause(cut) for cut in cuts] or [
            "starts at most one shift a day, of the shifts open to them"
        ]
        clauses[-1] += f", which allows at most {hours_text(most)} paid hours in the roster"
        source = staff_source(person, "min_hours_total")
        yield conflict(
            ["min_hours_total", *cuts],
            f"{who(person)} must work at least {hours_text(least)} paid hours in the roster "
            f"({source})",
            clauses,
        )


# --- Warnings ------------------------------------------------------------------------------


def _contract_warnings(available: list[_Availability]) -> Iterator[str]:
    for availability in available:
        person, problem = availability.person, availability.problem
        if not person.min_hours_per_week:
            continue
        for week in weeks(problem):
            contract = round(person.min_hours_per_week * 60 * week.n_days / 7)
            most = availability.week(week)
            if contract > most:
                source = staff_source(person, "min_hours_per_week")
                yield (
                    f"{who(person)} should get {hours_text(contract)} paid hours in "
                    f"{week_text(problem, week)} ({source}) but can work at most "
                    f"{hours_text(most)} that week; the contract will fall short"
                )


@dataclass(frozen=True)
class _Short:
    """A slot of a team and zone needing more units than the people able make."""

    team: Team
    zone: str
    slot: int
    required: int
    clinicians: int
    peers: int
    units: int
    trainees: tuple[str, ...]  # among the able, when they lower the units

    def same_numbers(self, other: _Short) -> bool:
        return (self.required, self.clinicians, self.peers, self.units, self.trainees) == (
            other.required,
            other.clinicians,
            other.peers,
            other.units,
            other.trainees,
        )


def _coverage_warnings(problem: Problem) -> Iterator[str]:
    """Slots that need more units than the people who could work them make."""
    able = _able_people(problem)
    short: list[_Short] = []
    for (team, zone, slot), need in coverage_requirements(problem).items():
        if not need.required:
            continue
        clinicians = able[(team, slot, Role.CLINICIAN)]
        peers = able[(team, slot, Role.PEER)]
        trainees: tuple[str, ...] = ()
        if problem.people_per_unit == 1:
            units = len(clinicians) + len(peers)
        else:
            units = min(len(clinicians), len(peers))
            # A unit never holds two trainees: each needs someone who is not one.
            in_pairs = sorted(i for i in clinicians | peers if problem.person(i).is_trainee)
            others = len(clinicians) + len(peers) - len(in_pairs)
            if others < units:
                units, trainees = others, tuple(in_pairs)
        if need.required > units:
            short.append(
                _Short(
                    team, zone, slot, need.required, len(clinicians), len(peers), units, trainees
                )
            )
    # One warning per run of consecutive slots with the same numbers.
    runs: list[list[_Short]] = []
    for item in short:
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and (last.team, last.zone) == (item.team, item.zone)
            and last.slot + 1 == item.slot
            and last.same_numbers(item)
        ):
            runs[-1].append(item)
        else:
            runs.append([item])
    for run in runs:
        first = run[0]
        start = slot_moment(problem, first.slot)
        end = slot_moment(problem, run[-1].slot + 1)
        rows = rows_text(
            "Demand", _demand_rows(problem, first.team, first.zone, first.slot, first.required)
        )
        needs = (
            f"Demand for {first.team} in {first.zone} from {moment_text(start)} to "
            f"{moment_text(end)} needs {first.required} units"
        )
        yield f"{needs} but {_able_text(problem, first)} ({rows}); coverage will fall short"


def _able_text(problem: Problem, short: _Short) -> str:
    """Who can work the slot, and the trainee rule when it lowers the units."""
    if problem.people_per_unit == 1:
        return f"at most {count(short.clinicians + short.peers, 'person', 'people')} can work then"
    people = f"{count(short.clinicians, 'clinician')} and {count(short.peers, 'peer')}"
    if not short.trainees:
        return f"at most {people} can work then"
    staff = [problem.person(i) for i in short.trainees]
    rule = (
        f"no unit may hold two trainees ({and_join(list(short.trainees))}: skills in "
        f"{rows_text('Staff', [person.row for person in staff])})"
    )
    if len(short.trainees) == short.clinicians + short.peers:
        found = f"the {people} who can work then are all trainees"
    else:
        found = f"of the {people} who can work then {len(short.trainees)} are trainees"
    return f"{found} and {rule}, so at most {count(short.units, 'unit')}"


def _able_people(problem: Problem) -> dict[tuple[Team, int, Role], set[str]]:
    """Per team, slot and role: who could be on duty for the whole slot (their team,
    the shift's teams, TimeOff, ShiftLimits 0 and their own pins allow it)."""
    able: dict[tuple[Team, int, Role], set[str]] = defaultdict(set)
    unavailable = unavailability(problem)
    pinned = {(pin.employee_id, problem.day_of(pin.date)): pin.shift_id for pin in problem.pins}
    for day in range(problem.days):
        for template in problem.shifts:
            shift = instance(problem, day, template)
            slots = slots_covered(problem, shift.start, shift.end)
            for person in problem.staff:
                if pinned.get((person.employee_id, day), template.shift_id) != template.shift_id:
                    continue
                if problem.shift_limit_of.get((person.employee_id, template.shift_id)) == 0:
                    continue
                if any(
                    time_off_applies(problem, item, shift)
                    for item in unavailable.get(person.employee_id, ())
                ):
                    continue
                for team in person.teams:
                    if template.allows(team):
                        for slot in slots:
                            able[(team, slot, person.role)].add(person.employee_id)
    return able


def _demand_rows(
    problem: Problem, team: Team, zone: str, slot: int, required: int
) -> list[int | None]:
    """The Demand rows asking for `required` units of that team and zone in that slot."""
    start = slot * problem.slot_minutes
    found: list[int | None] = []
    for row in problem.demand:
        if row.team != team or row.zone != zone or row.required_units != required:
            continue
        slot_day = day_of_minute(problem, start)
        for day in (slot_day - 1, slot_day):
            date = problem.date_of(day)
            if row.date is not None and row.date != date:
                continue
            if row.date is None and row.weekday != date.weekday():
                continue
            window_start, window_end = demand_window(problem, row, day)
            if window_start < start + problem.slot_minutes and start < window_end:
                found.append(row.row)
    return found


__all__ = [
    "Precheck",
    "and_join",
    "conflict",
    "count",
    "hours_text",
    "limit_source",
    "pins_clause",
    "precheck",
    "rows_text",
    "rule_source",
    "staff_source",
    "time_off_span",
    "unavailable_clause",
    "week_text",
    "who",
]

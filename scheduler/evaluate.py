"""The independent roster checker: the executable form of docs/rules.md.

`evaluate` recomputes every hard rule, the coverage, the gaps, the hours and the
objective parts from the roster rows alone; it never sees solver variables, so
the solver is tested against it. It never raises on a hand-edited roster: a row
the reader could not read (`Roster.rejected_rows`) or one that does not match the
program (unknown employee, shift or zone, wrong shift times, a date outside the
horizon) becomes a hard violation naming its Excel row and is left out of
everything else.

`Problem.history` (shifts worked before `start_date`) is seen as fixed facts by the
rules that cross the join (overlap, rest, runs of days worked and off, forbidden
successions), its units count toward coverage, and it adds to the fairness totals;
only what the roster itself breaks is reported.

Candidate hires (`Person.hire_id`, added by `scheduler.plan`) with rows are hired and
checked like everyone else; those without rows were not hired and are left out
(`hired_only`). `hire_costs` prices the hired ones from `Problem.hires`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import combinations

from scheduler.model import calendar
from scheduler.model.calendar import ShiftInstance, Week, date_text, moment_text
from scheduler.model.clock import Clock
from scheduler.model.objective import STAGE2_WEIGHTS
from scheduler.model.problem import (
    WEEKDAYS,
    PairKind,
    Person,
    Problem,
    Role,
    Team,
    TimeOff,
    TimeOffKind,
)
from scheduler.model.report import (
    CoverageRow,
    Evaluation,
    Gap,
    ObjectiveParts,
    PersonHours,
    Violation,
)
from scheduler.model.roster import Assignment, RejectedRow, Roster
from scheduler.model.wording import count, days_text, horizon_text, number, week_text

#: Longest `Gap.reason`; the list of people who were not free is cut to fit.
MAX_REASON_CHARS = 160


def evaluate(problem: Problem, roster: Roster) -> Evaluation:
    """Check a roster against the program: hard rules, coverage, hours, objective."""
    problem = hired_only(problem, roster)
    shifts, row_findings = _match_rows(problem, roster.assignments)
    data = _Data.build(problem, shifts)
    units, pairing_findings = _pair_units(problem, data.by_unit)
    hard = [
        *_unreadable(roster.rejected_rows),
        *row_findings,
        *pairing_findings,
        *_team_rules(data),
        *_unavailable(data),
        *_overlap_and_rest(data),
        *_weekly_cap(data),
        *_total_hours(data),
        *_day_rules(data),
        *_minimum_runs(data),
        *_weekends(data),
        *_forbidden_successions(data),
        *_shift_limits(data),
        *_pins(data),
        *_pair_rules(data),
    ]
    coverage = _coverage(problem, units, _history_units(data))
    requests = _requests(data)
    soft = [
        *_contract_and_overtime(data),
        *_request_findings(data, requests),
        *_shift_cover(data, units),
        *_consecutive_excess(data),
        *_home_zone(data),
        *_fairness(data),
        *_extra_partners(data, units),
        *_pair_preferences(data, units),
    ]
    return Evaluation(
        hard_violations=_ordered(hard),
        soft_violations=_ordered(soft),
        coverage=tuple(coverage),
        gaps=tuple(_gaps(data, coverage)),
        hours=tuple(_person_hours(data, requests)),
        parts=_parts(coverage, soft),
        unit_count=len(units),
        shortfall_by_team=_shortfall_by_team(coverage),
    )


def hired_only(problem: Problem, roster: Roster) -> Problem:
    """The program without the candidate hires who have no row: they were not hired,
    so no rule (contract hours, fairness shares...) sees them. Unchanged without them."""
    rostered = {row.employee_id for row in roster.assignments}
    idle = [p for p in problem.staff if p.hire_id is not None and p.employee_id not in rostered]
    if not idle:
        return problem
    return problem.replaced(staff=tuple(p for p in problem.staff if p not in idle))


@dataclass(frozen=True)
class HireCost:
    """People hired of one `Hiring` kind and what they cost a year."""

    hire_id: str
    count: int
    annual_cost_cents: int  # all of them together


def hire_costs(problem: Problem, roster: Roster) -> tuple[HireCost, ...]:
    """Per `Hiring` kind: the candidates with a row in the roster, and their annual cost
    (`Hire.annual_cost_cents` each; every kind listed, hired or not)."""
    rostered = {row.employee_id for row in roster.assignments}
    hired: Counter[str] = Counter(
        p.hire_id for p in problem.staff if p.hire_id is not None and p.employee_id in rostered
    )
    return tuple(
        HireCost(hire.hire_id, hired[hire.hire_id], hired[hire.hire_id] * hire.annual_cost_cents)
        for hire in problem.hires
    )


# --- What the checker works on ----------------------------------------------------


@dataclass(frozen=True)
class _Shift:
    """A roster row that matches the program: one known person on one shift instance."""

    row: Assignment
    person: Person
    instance: ShiftInstance

    @property
    def employee_id(self) -> str:
        return self.person.employee_id

    @property
    def start(self) -> int:
        return self.instance.start

    @property
    def end(self) -> int:
        return self.instance.end

    @property
    def in_history(self) -> bool:
        """A `History` row: worked before `start_date`, a fact the rules only look back at."""
        return self.instance.day < 0


def _shift_order(shift: _Shift) -> tuple[int, int, str, str, str, str, str, str]:
    """Start order; ties broken by every row field, so the input order never matters."""
    row = shift.row
    return (
        shift.start,
        shift.end,
        row.shift_id,
        row.unit_id,
        shift.employee_id,
        row.team,
        row.zone,
        row.role,
    )


@dataclass(frozen=True)
class _Unit:
    """A valid unit: one clinician and one peer on the same shift, team and zone (in
    that order), or one person alone when the program's units are of 1."""

    unit_id: str
    members: tuple[_Shift, ...]

    @property
    def clinician(self) -> _Shift:
        """Units of 2 only."""
        return self.members[0]

    @property
    def peer(self) -> _Shift:
        """Units of 2 only."""
        return self.members[1]

    @property
    def instance(self) -> ShiftInstance:
        return self.members[0].instance

    @property
    def team(self) -> Team:
        return self.members[0].row.team

    @property
    def zone(self) -> str:
        return self.members[0].row.zone


@dataclass(frozen=True)
class _Data:
    """The matched rows, indexed once for every rule."""

    problem: Problem
    weeks: list[Week]
    by_person: dict[str, list[_Shift]]  # every Staff id, shifts in start order
    by_unit: dict[str, list[_Shift]]  # unit ids in sorted order
    weekly_minutes: dict[str, list[int]]  # paid minutes per Staff id and week
    unavailable: dict[str, list[TimeOff]]  # `unavailable` rows per employee id
    history: dict[str, list[_Shift]]  # every Staff id, `History` shifts in start order
    history_known: bool  # runs at the horizon's start are then not exempt
    # Per person, built on first use: (History and roster shifts by start, their
    # starts, the longest shift's minutes, the days worked); `near` reads it.
    _timeline: dict[str, tuple[list[_Shift], list[int], int, frozenset[int]]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # (weekend day, evening, night) per shift instance seen so far: a roster pasted
    # together repeats the same few instances thousands of times (`_Burden.of`).
    shift_kinds: dict[ShiftInstance, tuple[bool, bool, bool]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def build(cls, problem: Problem, shifts: list[_Shift]) -> _Data:
        weeks = calendar.weeks(problem)
        ordered = sorted(shifts, key=_shift_order)
        by_person: dict[str, list[_Shift]] = {p.employee_id: [] for p in problem.staff}
        by_unit: dict[str, list[_Shift]] = defaultdict(list)
        weekly_minutes = {p.employee_id: [0] * len(weeks) for p in problem.staff}
        for shift in ordered:
            by_person[shift.employee_id].append(shift)
            by_unit[shift.row.unit_id].append(shift)
            week = calendar.week_of_day(shift.instance.day)
            weekly_minutes[shift.employee_id][week] += shift.instance.paid_minutes
        history: dict[str, list[_Shift]] = {p.employee_id: [] for p in problem.staff}
        # Rows of people outside Staff are the reader's business (a zone group of
        # `solve.decompose` keeps every row of the whole program's history).
        for row in problem.history:
            if row.employee_id in history:
                instance = calendar.history_instance(problem, row)
                history[row.employee_id].append(
                    _Shift(row, problem.person(row.employee_id), instance)
                )
        return cls(
            problem=problem,
            weeks=weeks,
            by_person=by_person,
            by_unit=dict(sorted(by_unit.items())),
            weekly_minutes=weekly_minutes,
            unavailable=calendar.unavailability(problem),
            history={i: sorted(found, key=_shift_order) for i, found in history.items()},
            history_known=calendar.history_known(problem),
        )

    def days_worked(self, employee_id: str) -> list[int]:
        return sorted({s.instance.day for s in self.by_person.get(employee_id, ())})

    def days_worked_before(self, employee_id: str) -> list[int]:
        """Days (negative) with a `History` shift start."""
        return sorted({s.instance.day for s in self.history.get(employee_id, ())})

    def with_history(self, employee_id: str) -> list[_Shift]:
        """`History` shifts, then the roster's, in start order."""
        return [*self.history.get(employee_id, ()), *self.by_person.get(employee_id, ())]

    def _line(self, employee_id: str) -> tuple[list[_Shift], list[int], int, frozenset[int]]:
        if employee_id not in self._timeline:
            # One shift per time span: copies of a row block the same times.
            spans = {(s.start, s.end): s for s in reversed(self.with_history(employee_id))}
            shifts = sorted(spans.values(), key=lambda s: (s.start, s.end))
            longest = max((s.end - s.start for s in shifts), default=0)
            days = frozenset(s.instance.day for s in shifts)
            self._timeline[employee_id] = (shifts, [s.start for s in shifts], longest, days)
        return self._timeline[employee_id]

    def near(self, employee_id: str, start: int, end: int, margin: int) -> list[_Shift]:
        """The person's shifts (History too) that come within `margin` minutes of
        [start, end), found by bisection: the gap reasons look at a few shifts per
        candidate, not all of them (a roster pasted many times stays linear)."""
        shifts, starts, longest, _ = self._line(employee_id)
        first = bisect.bisect_left(starts, start - margin - longest)
        last = bisect.bisect_left(starts, end + margin)
        return [s for s in shifts[first:last] if s.end + margin > start]

    def days_with_history(self, employee_id: str) -> frozenset[int]:
        """Days with a shift start, History (negative days) included."""
        return self._line(employee_id)[3]


@dataclass(slots=True)  # not frozen: tens of thousands are made for a pasted roster
class _Finding:
    """A violation with the minute it is sorted by and, if soft, the part it adds to.

    Rows that could not be read have no time: they come first (`rank` 0), in row order
    (their `minute` is the row number).
    """

    minute: int
    violation: Violation
    part: str = ""
    part_amount: int = 0
    rank: int = 1

    @property
    def key(self) -> tuple[int, int, str, str, str]:
        v = self.violation
        return (self.rank, self.minute, v.employee_id or "", v.rule, v.detail)


def _hard(
    minute: int, rule: str, employee_id: str | None, when: str, detail: str, amount: float
) -> _Finding:
    violation = Violation(rule, employee_id, when, detail, hard=True, amount=float(amount))
    return _Finding(minute, violation)


def _soft(
    minute: int,
    part: str,
    rule: str,
    employee_id: str | None,
    when: str,
    detail: str,
    amount: int,
    part_amount: int | None = None,
) -> _Finding:
    """A soft finding; `part_amount` (default `amount`) is what it adds to its part,
    for rules whose amount is weighted first (`ShiftCover`)."""
    added = amount if part_amount is None else part_amount
    penalty = float(STAGE2_WEIGHTS[part] * added)
    violation = Violation(
        rule, employee_id, when, detail, hard=False, amount=float(amount), penalty=penalty
    )
    return _Finding(minute, violation, part=part, part_amount=added)


def _ordered(findings: list[_Finding]) -> tuple[Violation, ...]:
    return tuple(f.violation for f in sorted(findings, key=lambda f: f.key))


# --- Text ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=65_536)
def _moment(clock: Clock, minute: int) -> dt.datetime:
    """The local time of a real minute (after a clock change the wall clock is an hour
    off the minutes counted). A roster pasted many times names the same moments again
    and again: one datetime per (clock, minute), not one per finding."""
    return clock.moment(minute)


@functools.lru_cache(maxsize=65_536)
def _moment_words(clock: Clock, minute: int) -> str:
    return moment_text(_moment(clock, minute))


@functools.lru_cache(maxsize=65_536)
def _clock_words(clock: Clock, minute: int) -> str:
    moment = _moment(clock, minute)
    return f"{WEEKDAYS[moment.weekday()]} {moment:%H:%M}"


def _moment_text(problem: Problem, minute: int) -> str:
    """`Tue 2026-03-03 20:00`."""
    return _moment_words(problem.clock, minute)


def _clock_text(problem: Problem, minute: int) -> str:
    """`Tue 22:00`, for details where the date is already in `when`."""
    return _clock_words(problem.clock, minute)


def _weekday_text(problem: Problem, day: int) -> str:
    return WEEKDAYS[problem.date_of(day).weekday()]


def _week_span(problem: Problem, week: Week) -> str:
    """The `when` of a weekly finding: the week's days (`Mon 2026-03-02 - Sun 2026-03-08`)."""
    return days_text(problem, week.first_day, week.first_day + week.n_days - 1)


def _shift_text(problem: Problem, shift: _Shift) -> str:
    """`D8 Tue 08:00-16:30`."""
    return _shift_words(problem.clock, shift.row.shift_id, shift.start, shift.end)


@functools.lru_cache(maxsize=65_536)
def _shift_words(clock: Clock, shift_id: str, start: int, end: int) -> str:
    end_moment = _moment(clock, end)
    return f"{shift_id} {_clock_words(clock, start)}-{end_moment:%H:%M}"


def _time_off_text(problem: Problem, item: TimeOff) -> str:
    if item.whole_days:
        last = item.end.date() - dt.timedelta(days=1)
        span = date_text(item.start.date())
        if last != item.start.date():
            span += f" - {date_text(last)}"
    else:
        start, end = calendar.time_off_window(problem, item)
        span = f"{_moment_text(problem, start)} - {_moment_text(problem, end)}"
    return span if item.shift_id is None else f"{span} ({item.shift_id} only)"


def _to_hours(minutes: int) -> float:
    return minutes / 60


def _unit_when(problem: Problem, members: list[_Shift]) -> tuple[int, str]:
    minute = min(m.start for m in members)
    return minute, _moment_text(problem, minute)


def _names(members: Iterable[_Shift]) -> str:
    return ", ".join(m.employee_id for m in members)


def _row_text(row: Assignment) -> str:
    """` (Assignments row 7)` for a row read from a workbook, else nothing."""
    return "" if row.row is None else f" (Assignments row {row.row})"


def _rows_text(members: Iterable[_Shift]) -> str:
    """` (Assignments rows 5, 9)` for rows read from a workbook, else nothing."""
    rows = sorted(m.row.row for m in members if m.row.row is not None)
    if not rows:
        return ""
    noun = "row" if len(rows) == 1 else "rows"
    return f" (Assignments {noun} {', '.join(str(r) for r in rows)})"


def _one_person(members: list[_Shift]) -> str | None:
    """The employee a unit-level finding is about, or None when it concerns several."""
    ids = {m.employee_id for m in members}
    return ids.pop() if len(ids) == 1 else None


# --- Rows that cannot be read or do not match the program ---------------------------


def _unreadable(rejected: Iterable[RejectedRow]) -> Iterator[_Finding]:
    """One hard violation per row the reader could not read, naming the row."""
    for item in rejected:
        violation = Violation(
            "unreadable_row",
            None,
            f"Assignments row {item.row}",
            item.message,
            hard=True,
            amount=1.0,
        )
        yield _Finding(item.row, violation, rank=0)


def _match_rows(
    problem: Problem, rows: Iterable[Assignment]
) -> tuple[list[_Shift], list[_Finding]]:
    shifts: list[_Shift] = []
    findings: list[_Finding] = []
    zones = frozenset(problem.zone_ids)  # once: a property that builds a tuple
    # A roster names a few (day, shift) instances many times: each is built once.
    instances: dict[tuple[int, str], ShiftInstance | None] = {}
    people = problem.people_by_id
    for row in rows:
        day = problem.day_of(row.date)
        key = (day, row.shift_id)
        if key not in instances:
            template = problem.shifts_by_id.get(row.shift_id)
            instances[key] = None if template is None else calendar.instance(problem, day, template)
        expected = instances[key]
        person = people.get(row.employee_id)
        if (
            person is None
            or expected is None
            or row.zone not in zones
            or not 0 <= day < problem.days
            or not _times_match(problem, row, expected)
        ):
            findings.extend(_row_issues(problem, row, zones, expected))
            continue
        shifts.append(_Shift(row, person, expected))
    return shifts, findings


def _row_issues(
    problem: Problem, row: Assignment, zones: Container[str], expected: ShiftInstance | None
) -> Iterator[_Finding]:
    """What is wrong with a row that does not match the program (`expected`: the
    instance of its shift on its date, None for an unknown shift)."""
    day = problem.day_of(row.date)
    template = problem.shifts_by_id.get(row.shift_id)
    minute = calendar.wall_minute(problem, day, template.start_minute if template else 0)
    when = _moment_text(problem, minute)
    who = row.employee_id
    what = f"{row.shift_id} on {date_text(row.date)} (unit {row.unit_id})"
    where = _row_text(row)
    if row.employee_id not in problem.people_by_id:
        detail = f"{who} is not in Staff: {what}{where}"
        yield _hard(minute, "unknown_employee", who, when, detail, 1)
    if template is None:
        detail = f"shift {row.shift_id} of {who} is not in Shifts (unit {row.unit_id}){where}"
        yield _hard(minute, "unknown_shift", who, when, detail, 1)
    elif expected is not None and not _times_match(problem, row, expected):
        detail = (
            f"{who}'s {what} runs {row.start:%Y-%m-%d %H:%M} to {row.end:%Y-%m-%d %H:%M};"
            f" the template runs {_clock(template.start_minute)}-{_clock(template.end_minute)}"
            f"{where}"
        )
        yield _hard(minute, "shift_times", who, when, detail, 1)
    if row.zone not in zones:
        detail = f"zone {row.zone} of {who}'s {what} is not in Zones{where}"
        yield _hard(minute, "unknown_zone", who, when, detail, 1)
    if not 0 <= day < problem.days:
        horizon = horizon_text(problem)
        detail = f"{who}'s {what} starts outside the horizon {horizon}{where}"
        yield _hard(minute, "outside_horizon", who, when, detail, 1)


def _times_match(problem: Problem, row: Assignment, expected: ShiftInstance) -> bool:
    """Whether a row's start and end are exactly the template's on its date."""
    if row.start.tzinfo is not None or row.end.tzinfo is not None:
        return False
    if row.start.second or row.start.microsecond or row.end.second or row.end.microsecond:
        return False
    # In real time: a start written in the skipped hour is the instant it stands for.
    return (problem.minute_of(row.start), problem.minute_of(row.end)) == (
        expected.start,
        expected.end,
    )


def _clock(minute_of_day: int) -> str:
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


# --- Hard rules ---------------------------------------------------------------------


# Row fields the two people of a unit share (start and end follow from date and shift).
_UNIT_FIELDS: dict[str, Callable[[Assignment], str]] = {
    "date": lambda row: str(row.date),
    "shift": lambda row: row.shift_id,
    "team": lambda row: str(row.team),
    "zone": lambda row: row.zone,
}


def _pair_units(
    problem: Problem, by_unit: dict[str, list[_Shift]]
) -> tuple[list[_Unit], list[_Finding]]:
    """Valid units, and `pairing` findings for the others and for wrong role columns.

    With `people_per_unit` 1 every row is a unit alone, so a unit id may name one row only.
    """
    units: list[_Unit] = []
    findings: list[_Finding] = []
    for unit_id, members in by_unit.items():
        minute, when = _unit_when(problem, members)
        wrong_roles = [m for m in members if m.row.role is not m.person.role]
        for m in wrong_roles:
            detail = (
                f"{m.employee_id} is a {m.person.role} in Staff"
                f" but listed as {m.row.role} in unit {unit_id}{_row_text(m.row)}"
            )
            row_when = _moment_text(problem, m.start)
            findings.append(_hard(m.start, "pairing", m.employee_id, row_when, detail, 1))
        if problem.people_per_unit == 1:
            if len(members) > 1:
                detail = (
                    f"unit {unit_id} has {len(members)} people; units are of 1 person"
                    f" in this program{_rows_text(members)}"
                )
                findings.append(_hard(minute, "pairing", _one_person(members), when, detail, 1))
            elif not wrong_roles:
                units.append(_Unit(unit_id, (members[0],)))
            continue
        clinicians = [m for m in members if m.person.role is Role.CLINICIAN]
        peers = [m for m in members if m.person.role is Role.PEER]
        problems: list[str] = []
        if len(clinicians) != 1 or len(peers) != 1:
            problems.append(
                f"has {count(len(clinicians), 'clinician')} ({_names(clinicians) or '-'}) and"
                f" {count(len(peers), 'peer')} ({_names(peers) or '-'}); it needs one of each"
            )
        differing = [
            name for name, value in _UNIT_FIELDS.items() if len({value(m.row) for m in members}) > 1
        ]
        if differing:
            rows = ", ".join(
                f"{m.employee_id} {m.row.shift_id} {m.row.date} {m.row.team} {m.row.zone}"
                for m in members
            )
            problems.append(f"rows differ in {' and '.join(differing)} ({rows})")
        if problems:
            detail = f"unit {unit_id} {'; '.join(problems)}{_rows_text(members)}"
            findings.append(_hard(minute, "pairing", _one_person(members), when, detail, 1))
        elif not wrong_roles:
            units.append(_Unit(unit_id, (clinicians[0], peers[0])))
    return units, findings


def _history_units(data: _Data) -> list[_Unit]:
    """Valid units of `History`, paired as the roster's are; its rows keep their own
    times, so both people must also share the start and end. What is wrong in the
    history is not this roster's to report."""
    by_unit: dict[str, list[_Shift]] = defaultdict(list)
    for shifts in data.history.values():
        for shift in shifts:
            by_unit[shift.row.unit_id].append(shift)
    units, _ = _pair_units(data.problem, dict(sorted(by_unit.items())))
    return [u for u in units if len({(m.start, m.end) for m in u.members}) == 1]


def _team_rules(data: _Data) -> Iterator[_Finding]:
    """`team_eligibility` per person and shift, `shift_team` per unit."""
    problem = data.problem
    for shifts in data.by_person.values():
        for s in shifts:
            if s.row.team not in s.person.teams:
                teams = ", ".join(s.person.teams)
                detail = (
                    f"{s.employee_id} works {s.row.team} in unit {s.row.unit_id}"
                    f" but may only work {teams}"
                )
                when = _moment_text(problem, s.start)
                yield _hard(s.start, "team_eligibility", s.employee_id, when, detail, 1)
    for unit_id, members in data.by_unit.items():
        for shift_id, team in sorted({(m.row.shift_id, m.row.team) for m in members}):
            template = problem.shift(shift_id)
            if template.allows(team):
                continue
            involved = [m for m in members if (m.row.shift_id, m.row.team) == (shift_id, team)]
            minute, when = _unit_when(problem, involved)
            detail = (
                f"unit {unit_id} ({_names(involved)}) works {team} on {shift_id},"
                f" which only allows {', '.join(template.teams)}"
            )
            yield _hard(minute, "shift_team", _one_person(involved), when, detail, 1)


def _unavailable(data: _Data) -> Iterator[_Finding]:
    problem = data.problem
    for employee_id, shifts in data.by_person.items():
        items = data.unavailable.get(employee_id, [])
        for s in shifts:
            item = next(
                (i for i in items if calendar.time_off_applies(problem, i, s.instance)), None
            )
            if item is None:
                continue
            detail = (
                f"{employee_id} works {_shift_text(problem, s)}"
                f" but is unavailable {_time_off_text(problem, item)}"
            )
            when = _moment_text(problem, s.start)
            yield _hard(s.start, "unavailable", employee_id, when, detail, 1)


def _overlap_and_rest(data: _Data) -> Iterator[_Finding]:
    """Each shift that starts before an earlier one ends overlaps it: reported once,
    against the earlier shift that ends last (the largest overlap); rest from the
    latest end so far to each next start. One pass over each person's shifts by
    start, so a roster with a row pasted many times costs linear time, not one
    finding per pair.

    `History` shifts count as earlier shifts; only a roster shift is reported."""
    problem = data.problem
    for employee_id in data.by_person:
        shifts = data.with_history(employee_id)
        if not shifts:
            continue
        needed = round(shifts[0].person.rules.min_rest_hours * 60)
        latest: _Shift | None = None  # the earlier shift that ends last
        for s in shifts:
            if latest is not None and s.start < latest.end and not s.in_history:
                overlap = min(latest.end, s.end) - s.start
                detail = (
                    f"{_shift_text(problem, latest)} (unit {latest.row.unit_id}) and"
                    f" {_shift_text(problem, s)} (unit {s.row.unit_id})"
                    f" overlap by {_to_hours(overlap):.1f} h"
                )
                when = _moment_text(problem, s.start)
                yield _hard(s.start, "overlap", employee_id, when, detail, _to_hours(overlap))
            if (
                latest is not None
                and not s.in_history
                and latest.end <= s.start < latest.end + needed
            ):
                rest = s.start - latest.end
                detail = (
                    f"rest {_to_hours(rest):.1f} h between {latest.row.shift_id} ending"
                    f" {_clock_text(problem, latest.end)} and {s.row.shift_id} starting"
                    f" {_clock_text(problem, s.start)}; needs"
                    f" {number(s.person.rules.min_rest_hours)} h"
                )
                when = _moment_text(problem, s.start)
                yield _hard(s.start, "rest", employee_id, when, detail, _to_hours(needed - rest))
            if latest is None or s.end > latest.end:
                latest = s


def _weekly_cap(data: _Data) -> Iterator[_Finding]:
    problem = data.problem
    for person in problem.staff:
        cap = person.max_hours_per_week
        if cap is None:
            continue
        cap_minutes = round(cap * 60)
        for week, paid in zip(data.weeks, data.weekly_minutes[person.employee_id], strict=True):
            if paid <= cap_minutes:
                continue
            detail = (
                f"{person.employee_id} is paid {_to_hours(paid):.1f} h in"
                f" {week_text(problem, week)}; the cap is {number(cap)} h"
            )
            minute = calendar.day_start(problem, week.first_day)
            when = _week_span(problem, week)
            yield _hard(
                minute,
                "max_hours_per_week",
                person.employee_id,
                when,
                detail,
                _to_hours(paid - cap_minutes),
            )


def _in_history_text(first_day: int) -> str:
    """`, 2 of them in History` for a run that starts before `start_date`."""
    return f", {-first_day} of them in History" if first_day < 0 else ""


def _day_rules(data: _Data) -> Iterator[_Finding]:
    """`max_consecutive_days` per run of days worked that reaches the roster (`History`
    days count toward its length), `min_days_off` per week window."""
    problem = data.problem
    for person in problem.staff:
        rules = person.rules
        days = data.days_worked(person.employee_id)
        before = data.days_worked_before(person.employee_id)
        for first, length in calendar.day_runs([*before, *days]):
            last = first + length - 1
            if length <= rules.max_consecutive_days or last < 0:
                continue
            when = days_text(problem, first, last)
            detail = (
                f"{person.employee_id} works {length} days in a row ({when}"
                f"{_in_history_text(first)}); the most is {rules.max_consecutive_days}"
            )
            yield _hard(
                calendar.day_start(problem, first),
                "max_consecutive_days",
                person.employee_id,
                when,
                detail,
                length - rules.max_consecutive_days,
            )
        worked = set(days)
        for week in data.weeks:
            days_off = sum(1 for day in week.days if day not in worked)
            needed = week.min_days_off(rules.min_days_off_per_week)
            if days_off >= needed:
                continue
            when = _week_span(problem, week)
            detail = (
                f"{person.employee_id} has {count(days_off, 'day')} off in"
                f" {week_text(problem, week)}; needs {needed}"
            )
            yield _hard(
                calendar.day_start(problem, week.first_day),
                "min_days_off",
                person.employee_id,
                when,
                detail,
                needed - days_off,
            )


def _total_hours(data: _Data) -> Iterator[_Finding]:
    """`min_hours_total` and `max_hours_total`: paid hours of every shift in the horizon."""
    problem = data.problem
    when = horizon_text(problem)
    for person in problem.staff:
        employee_id = person.employee_id
        paid = sum(data.weekly_minutes[employee_id])
        least = round(person.min_hours_total * 60)
        if paid < least:
            detail = (
                f"{employee_id} is paid {_to_hours(paid):.1f} h over {when};"
                f" the least is {number(person.min_hours_total)} h"
            )
            yield _hard(0, "min_hours_total", employee_id, when, detail, _to_hours(least - paid))
        if person.max_hours_total is None:
            continue
        most = round(person.max_hours_total * 60)
        if paid > most:
            detail = (
                f"{employee_id} is paid {_to_hours(paid):.1f} h over {when};"
                f" the most is {number(person.max_hours_total)} h"
            )
            yield _hard(0, "max_hours_total", employee_id, when, detail, _to_hours(paid - most))


def _minimum_runs(data: _Data) -> Iterator[_Finding]:
    """`min_consecutive_days` per run of days worked, `min_consecutive_days_off` per run of
    days off; a run touching the last day is exempt (the roster goes on there).

    Without `History` a run touching the first day is exempt too. With it, a run is
    counted from where it truly starts (`History` days included), and a run that ends
    on the day before `start_date` is checked as well: the roster's first day ended
    it. Days off before a person's first `History` shift are not known, so an off run
    reaching back to them is exempt."""
    problem = data.problem
    last_day = problem.days - 1
    for person in problem.staff:
        employee_id = person.employee_id
        before = data.days_worked_before(employee_id)
        worked = [*before, *data.days_worked(employee_id)]
        off = sorted(set(range(before[0] if before else 0, problem.days)) - set(worked))
        for rule, days, least, noun, open_start in (
            (
                "min_consecutive_days",
                worked,
                person.rules.min_consecutive_days,
                "works",
                not data.history_known,
            ),
            (
                "min_consecutive_days_off",
                off,
                person.rules.min_consecutive_days_off,
                "is off",
                not before,
            ),
        ):
            for first, length in calendar.day_runs(days):
                last = first + length - 1
                exempt = last == last_day or (open_start and first == 0)
                if length >= least or last < -1 or exempt:
                    continue
                when = days_text(problem, first, last)
                detail = (
                    f"{employee_id} {noun} {count(length, 'day')} in a row ({when}"
                    f"{_in_history_text(first)}); the least is {least}"
                )
                yield _hard(
                    calendar.day_start(problem, first),
                    rule,
                    employee_id,
                    when,
                    detail,
                    least - length,
                )


def _weekends(data: _Data) -> Iterator[_Finding]:
    """`max_weekends`: weekends (by `calendar.weekend_of`) with a shift starting on them."""
    problem = data.problem
    when = horizon_text(problem)
    for person in problem.staff:
        most = person.rules.max_weekends
        if most is None:
            continue
        saturdays = sorted(
            {
                weekend
                for day in data.days_worked(person.employee_id)
                if (weekend := calendar.weekend_of(problem, day)) is not None
            }
        )
        if len(saturdays) <= most:
            continue
        listed = ", ".join(date_text(problem.date_of(day)) for day in saturdays)
        detail = (
            f"{person.employee_id} works on {count(len(saturdays), 'weekend')}"
            f" (starting {listed}); the most is {most}"
        )
        yield _hard(0, "max_weekends", person.employee_id, when, detail, len(saturdays) - most)


def _forbidden_successions(data: _Data) -> Iterator[_Finding]:
    """A shift started the day after a template whose `forbidden_next` names it (after a
    `History` shift on the day before `start_date` too)."""
    problem = data.problem
    for employee_id in data.by_person:
        shifts = data.with_history(employee_id)
        starts = sorted({(s.instance.day, s.row.shift_id) for s in shifts})
        started = set(starts)
        for day, first_id in starts:
            template = problem.shifts_by_id.get(first_id)
            if template is None or day + 1 < 0:
                continue
            for next_id in template.forbidden_next:
                if (day + 1, next_id) not in started:
                    continue
                minute = calendar.instance(problem, day + 1, problem.shift(next_id)).start
                detail = (
                    f"{employee_id} starts {next_id} on {date_text(problem.date_of(day + 1))}"
                    f" after {first_id} on {date_text(problem.date_of(day))};"
                    f" {first_id} may not be followed by {next_id} the next day"
                )
                when = _moment_text(problem, minute)
                yield _hard(minute, "forbidden_succession", employee_id, when, detail, 1)


def _shift_limits(data: _Data) -> Iterator[_Finding]:
    """`max_shifts_of_type`: per `ShiftLimits` row, shifts of that template in the horizon."""
    problem = data.problem
    when = horizon_text(problem)
    for limit in problem.shift_limits:
        worked = sum(
            1 for s in data.by_person.get(limit.employee_id, ()) if s.row.shift_id == limit.shift_id
        )
        if worked <= limit.max_shifts:
            continue
        detail = (
            f"{limit.employee_id} works {count(worked, f'{limit.shift_id} shift')} over {when};"
            f" the most is {limit.max_shifts}"
        )
        yield _hard(
            0, "max_shifts_of_type", limit.employee_id, when, detail, worked - limit.max_shifts
        )


def _pins(data: _Data) -> Iterator[_Finding]:
    problem = data.problem
    for pin in problem.pins:
        honoured = any(
            s.row.date == pin.date
            and s.row.shift_id == pin.shift_id
            and (pin.team is None or s.row.team is pin.team)
            and (pin.zone is None or s.row.zone == pin.zone)
            for s in data.by_person.get(pin.employee_id, ())
        )
        if honoured:
            continue
        template = problem.shifts_by_id.get(pin.shift_id)
        minute = calendar.wall_minute(
            problem, problem.day_of(pin.date), template.start_minute if template else 0
        )
        where = "".join(f" {value}" for value in (pin.team, pin.zone) if value is not None)
        detail = (
            f"{pin.employee_id} is pinned to {pin.shift_id}{where}"
            f" on {date_text(pin.date)} but does not work it"
        )
        when = _moment_text(problem, minute)
        yield _hard(minute, "pin", pin.employee_id, when, detail, 1)


def _pair_rules(data: _Data) -> Iterator[_Finding]:
    """`forbidden_pair` and `trainee_pair`, over everyone listed in a unit."""
    problem = data.problem
    forbidden = {
        frozenset((p.clinician_id, p.peer_id)) for p in problem.pairs if p.kind is PairKind.FORBID
    }
    for unit_id, members in data.by_unit.items():
        minute, when = _unit_when(problem, members)
        ids = sorted({m.employee_id for m in members})
        for first, second in combinations(ids, 2):
            if frozenset((first, second)) in forbidden:
                detail = f"unit {unit_id} pairs {first} and {second}, a forbidden pair"
                yield _hard(minute, "forbidden_pair", None, when, detail, 1)
        trainees = [i for i in ids if problem.person(i).is_trainee]
        if len(trainees) > 1 and problem.people_per_unit == 2:
            detail = f"unit {unit_id} pairs trainees {' and '.join(trainees)}"
            yield _hard(minute, "trainee_pair", None, when, detail, 1)


# --- Coverage and gaps --------------------------------------------------------------


def _coverage(
    problem: Problem, units: list[_Unit], history_units: list[_Unit]
) -> list[CoverageRow]:
    """Units on duty per slot: the roster's, and `History`'s still on duty after
    `start_date` (a night shift from the day before)."""
    scheduled: Counter[calendar.CoverKey] = Counter()
    for unit in [*history_units, *units]:
        for slot in calendar.slots_covered(problem, unit.instance.start, unit.instance.end):
            scheduled[(unit.team, unit.zone, slot)] += 1
    requirements = calendar.coverage_requirements(problem)
    keys = sorted(set(requirements) | set(scheduled), key=lambda k: (k[2], k[0], k[1]))
    rows: list[CoverageRow] = []
    for key in keys:
        team, zone, slot = key
        need = requirements.get(key)
        rows.append(
            CoverageRow(
                slot_start=calendar.slot_moment(problem, slot),
                team=team,
                zone=zone,
                required=need.required if need else 0,
                target=need.target if need else 0,
                scheduled=scheduled[key],
                utc_offset=calendar.utc_offset_text(
                    problem.clock.utc_offset(slot * problem.slot_minutes)
                ),
            )
        )
    return rows


def _gaps(data: _Data, coverage: list[CoverageRow]) -> list[Gap]:
    """Runs of consecutive short slots per team and zone, each with a reason."""
    problem = data.problem
    size = problem.slot_minutes
    short: dict[tuple[Team, str], list[tuple[int, CoverageRow]]] = defaultdict(list)
    for row in coverage:
        if row.shortfall > 0:
            short[(row.team, row.zone)].append((problem.minute_of(row.slot_start) // size, row))
    gaps: list[Gap] = []
    for (team, zone), rows in short.items():
        runs: list[list[CoverageRow]] = []
        previous_slot = None
        for slot, row in rows:
            if previous_slot is None or slot != previous_slot + 1:
                runs.append([])
            runs[-1].append(row)
            previous_slot = slot
        for run in runs:
            start = problem.minute_of(run[0].slot_start)
            end = problem.minute_of(run[-1].slot_start) + size
            gaps.append(
                Gap(
                    team=team,
                    zone=zone,
                    start=problem.moment(start),
                    end=problem.moment(end),
                    required=max(r.required for r in run),
                    scheduled=min(r.scheduled for r in run),
                    unit_slots_short=sum(r.shortfall for r in run),
                    reason=_gap_reason(data, team, start, end),
                )
            )
    return sorted(gaps, key=lambda g: (g.start, g.team, g.zone))


def _gap_reason(data: _Data, team: Team, start: int, end: int) -> str:
    """Why a span is short: per role, whether anyone eligible for the team was free
    (with units of 1 person, roles play no part: anyone eligible).

    The candidates are the shift instances starting in the roster, of templates the
    team may work, that fill at least one slot of the span. A person is free when one
    candidate breaks none of their own rules. Otherwise their reason is the first kind
    that blocks some candidate: on leave, working an overlapping shift, at the weekly
    cap, rest, day limits (consecutive days, days off).
    """
    problem = data.problem
    candidates = _covering_instances(problem, team, start, end)
    if not candidates:
        return f"no {team} shift starting in the roster covers any of this span"
    alone = problem.people_per_unit == 1
    kinds = ("person",) if alone else (str(Role.CLINICIAN), str(Role.PEER))
    free: Counter[str] = Counter()
    free_trainees: list[str] = []
    blocked: dict[str, list[tuple[str, str]]] = {kind: [] for kind in kinds}
    eligible: Counter[str] = Counter()
    for person in problem.staff:
        if team not in person.teams:
            continue
        kind = "person" if alone else str(person.role)
        eligible[kind] += 1
        reason = _not_free_reason(data, person, candidates)
        if reason is None:
            free[kind] += 1
            if person.is_trainee:
                free_trainees.append(person.employee_id)
        else:
            blocked[kind].append((person.employee_id, reason))
    missing = [kind for kind in kinds if free[kind] == 0]
    if not missing:
        if alone:
            n = free["person"]
            people, verb = ("1 person", "was") if n == 1 else (f"{n} people", "were")
            return f"{people} eligible for {team} {verb} free but not rostered"
        people = f"{count(free[Role.CLINICIAN], 'clinician')} and {count(free[Role.PEER], 'peer')}"
        if len(free_trainees) == free.total():
            # Free trainees alone make no unit (`trainee_pair`).
            head = f"{people} eligible for {team} were free but no unit may hold two trainees"
            return _fit([(head, [(free_trainees, "are trainees")])])
        return f"{people} eligible for {team} were free but not rostered"
    clauses: list[tuple[str, list[tuple[list[str], str]]]] = []
    for kind in missing:
        if eligible[kind] == 0:
            clauses.append((f"no {team}-eligible {kind} on staff", []))
        else:
            clauses.append((f"no {team}-eligible {kind} free", _grouped(blocked[kind])))
    return _fit(clauses)


def _covering_instances(problem: Problem, team: Team, start: int, end: int) -> list[ShiftInstance]:
    """Shift instances of the roster allowed for `team` that fill a slot of `[start, end)`."""
    size = problem.slot_minutes
    first, last = start // size, end // size
    found: list[ShiftInstance] = []
    for shift in calendar.shift_instances(problem):
        covered = calendar.slots_covered(problem, shift.start, shift.end)
        allowed = problem.shift(shift.shift_id).allows(team)
        if allowed and covered and covered.start < last and first < covered.stop:
            found.append(shift)
    return found


def _not_free_reason(data: _Data, person: Person, candidates: list[ShiftInstance]) -> str | None:
    """None when the person could work one of the candidates; else the first reason by kind."""
    reasons = []
    for candidate in candidates:
        reason = _blocked_by(data, person, candidate)
        if reason is None:
            return None
        reasons.append(reason)
    return min(reasons, key=lambda r: r[0])[1]


def _blocked_by(data: _Data, person: Person, candidate: ShiftInstance) -> tuple[int, str] | None:
    """What stops the person working `candidate`, ranked: leave, working, cap, rest, days."""
    problem = data.problem
    employee_id = person.employee_id
    rest = round(person.rules.min_rest_hours * 60)
    # Rest and runs reach back into History; only shifts within the rest matter here.
    shifts = data.near(employee_id, candidate.start, candidate.end, rest)
    if any(
        calendar.time_off_applies(problem, item, candidate)
        for item in data.unavailable.get(employee_id, ())
    ):
        return 0, "on leave"
    for s in shifts:
        if s.instance.overlaps(candidate.start, candidate.end):
            return 1, f"working {s.row.shift_id} {s.row.zone}"
    paid = data.weekly_minutes[employee_id][calendar.week_of_day(candidate.day)]
    cap = person.max_hours_per_week
    if cap is not None and paid + candidate.paid_minutes > round(cap * 60):
        return 2, f"at {number(round(_to_hours(paid), 1))} h"
    for s in shifts:
        if s.end <= candidate.start < s.end + rest:
            return 3, f"resting after {s.row.shift_id} {_weekday_text(problem, s.instance.day)}"
        if candidate.end <= s.start < candidate.end + rest:
            return 3, f"resting before {s.row.shift_id} {_weekday_text(problem, s.instance.day)}"
    worked = data.days_with_history(employee_id)
    if candidate.day in worked:
        return None
    days = {*worked, candidate.day}
    run = next(
        length
        for first, length in calendar.day_runs(days)
        if first <= candidate.day < first + length
    )
    if run > person.rules.max_consecutive_days:
        return 4, f"would work {run} days in a row"
    week = data.weeks[calendar.week_of_day(candidate.day)]
    needed = week.min_days_off(person.rules.min_days_off_per_week)
    if sum(1 for day in week.days if day not in days) < needed:
        return 4, f"needs {count(needed, 'day')} off"
    return None


def _grouped(blocked: list[tuple[str, str]]) -> list[tuple[list[str], str]]:
    """People with the same reason together, in order of first appearance."""
    groups: dict[str, list[str]] = {}
    for employee_id, reason in blocked:
        groups.setdefault(reason, []).append(employee_id)
    return [(ids, reason) for reason, ids in groups.items()]


def _group_text(ids: list[str], reason: str, hidden: int = 0) -> str:
    """`P04 on leave`, `P04 and P06 on leave`, `P04, P05 and 3 more on leave`."""
    names = [*ids, f"{hidden} more"] if hidden else ids
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"{listed} {reason}"


def _clause_text(head: str, groups: list[tuple[list[str], str]], shown: int) -> str:
    """`head: group, group, +3 more` naming the first `shown` people of the groups."""
    listed: list[str] = []
    left = shown
    hidden = 0  # people of the groups not reached
    for ids, reason in groups:
        if left <= 0:
            hidden += len(ids)
            continue
        listed.append(_group_text(ids[:left], reason, hidden=max(0, len(ids) - left)))
        left -= len(ids)
    if hidden:
        listed.append(f"+{hidden} more")
    return f"{head}: {', '.join(listed)}" if listed else head


def _fit(clauses: list[tuple[str, list[tuple[list[str], str]]]]) -> str:
    """The clauses joined by `; `, naming as many people as fit in MAX_REASON_CHARS
    (the longest list is cut first)."""
    shown = [sum(len(ids) for ids, _ in groups) for _, groups in clauses]

    def text() -> str:
        return "; ".join(
            _clause_text(head, groups, count)
            for (head, groups), count in zip(clauses, shown, strict=True)
        )

    while len(text()) > MAX_REASON_CHARS and any(shown):
        shown[max(range(len(shown)), key=lambda i: shown[i])] -= 1
    return text()


def _shortfall_by_team(coverage: list[CoverageRow]) -> dict[str, int]:
    """Required unit-slots short per team that has a coverage row, in Team order."""
    totals: dict[str, int] = {}
    for team in Team:
        rows = [row for row in coverage if row.team is team]
        if rows:
            totals[team.value] = sum(row.shortfall for row in rows)
    return totals


# --- Requests and hours -------------------------------------------------------------


@dataclass(frozen=True)
class _Request:
    """One request item (a day of a whole-date row, or a date-time row) and its outcome."""

    item: TimeOff
    spoken_about: list[_Shift]  # the worked shifts the request speaks about
    met: bool


def _requests(data: _Data) -> list[_Request]:
    """Request items of Staff people that touch the horizon, in `calendar.requests` order."""
    problem = data.problem
    outcomes: list[_Request] = []
    for item in calendar.requests(problem):
        if item.employee_id not in data.by_person or not calendar.request_in_horizon(problem, item):
            continue
        spoken = [
            s
            for s in data.by_person[item.employee_id]
            if calendar.time_off_applies(problem, item, s.instance)
        ]
        met = not spoken if item.kind is TimeOffKind.PREFER_OFF else bool(spoken)
        outcomes.append(_Request(item, spoken, met))
    return outcomes


def _overtime_minutes(person: Person, paid: int) -> int:
    """Overtime in one week; none for people who are not overtime-eligible."""
    if not person.overtime_eligible:
        return 0
    return max(0, paid - round(person.rules.overtime_after_hours * 60))


def _contract_minutes(person: Person, week: Week) -> int:
    return round(person.min_hours_per_week * 60 * week.n_days / 7)


@dataclass(frozen=True)
class _Burden:
    """What fairness balances, over some shifts: weekend days, evening and night shifts."""

    weekend_days: int
    evening_shifts: int
    night_shifts: int

    @classmethod
    def of(cls, data: _Data, shifts: Iterable[_Shift]) -> _Burden:
        problem, kinds = data.problem, data.shift_kinds
        weekend_days: set[int] = set()
        evenings = nights = 0
        for s in shifts:
            instance = s.instance
            kind = kinds.get(instance)
            if kind is None:
                kind = kinds[instance] = (
                    calendar.is_weekend_day(problem, instance.day),
                    calendar.is_evening(problem, instance),
                    calendar.is_night(problem, instance),
                )
            if kind[0]:
                weekend_days.add(instance.day)
            evenings += kind[1]
            nights += kind[2]
        return cls(weekend_days=len(weekend_days), evening_shifts=evenings, night_shifts=nights)


def _person_hours(data: _Data, requests: list[_Request]) -> Iterator[PersonHours]:
    problem = data.problem
    asked: Counter[str] = Counter(r.item.employee_id for r in requests)
    met: Counter[str] = Counter(r.item.employee_id for r in requests if r.met)
    for person in problem.staff:
        employee_id = person.employee_id
        shifts = data.by_person[employee_id]
        weekly = data.weekly_minutes[employee_id]
        overtime = sum(_overtime_minutes(person, paid) for paid in weekly)
        burden = _Burden.of(data, shifts)
        overall = _Burden.of(data, data.with_history(employee_id))
        yield PersonHours(
            employee_id=employee_id,
            name=person.name,
            role=person.role,
            shifts=len(shifts),
            paid_hours=_to_hours(sum(weekly)),
            contract_hours=sum(person.min_hours_per_week * w.n_days / 7 for w in data.weeks),
            max_hours_per_week=person.max_hours_per_week,
            overtime_hours=_to_hours(overtime),
            overtime_cost=overtime * person.overtime_rate_cents_per_hour / 6000,
            weekly_paid_hours=tuple(_to_hours(paid) for paid in weekly),
            nights=burden.night_shifts,
            evenings=burden.evening_shifts,
            weekend_days=burden.weekend_days,
            requests=asked[employee_id],
            requests_met=met[employee_id],
            weekend_days_total=overall.weekend_days,
            evening_shifts_total=overall.evening_shifts,
            night_shifts_total=overall.night_shifts,
        )


# --- Soft rules (stage 2 of the objective) -----------------------------------------


def _contract_and_overtime(data: _Data) -> Iterator[_Finding]:
    """Per person and week: minutes below contract, and overtime cost."""
    problem = data.problem
    for person in problem.staff:
        employee_id = person.employee_id
        for week, paid in zip(data.weeks, data.weekly_minutes[employee_id], strict=True):
            minute = calendar.day_start(problem, week.first_day)
            when = _week_span(problem, week)
            contract = _contract_minutes(person, week)
            if paid < contract:
                detail = (
                    f"{employee_id} is paid {_to_hours(paid):.1f} h, {contract - paid} min below"
                    f" the contract's {_to_hours(contract):.1f} h for {week_text(problem, week)}"
                )
                yield _soft(
                    minute,
                    "contract_shortfall_minutes",
                    "contract_hours",
                    employee_id,
                    when,
                    detail,
                    contract - paid,
                )
            overtime = _overtime_minutes(person, paid)
            cost = overtime * person.overtime_rate_cents_per_hour
            if cost > 0:
                detail = (
                    f"{employee_id} works {_to_hours(overtime):.1f} h overtime in"
                    f" {week_text(problem, week)},"
                    f" costing {cost / 6000:.2f}"
                )
                yield _soft(
                    minute,
                    "overtime_cost_cent_minutes",
                    "overtime",
                    employee_id,
                    when,
                    detail,
                    cost,
                )


def _request_findings(data: _Data, requests: list[_Request]) -> Iterator[_Finding]:
    """Each request item not honoured costs its weight."""
    problem = data.problem
    for request in requests:
        item = request.item
        if request.met or item.weight == 0:
            continue
        minute = calendar.time_off_window(problem, item)[0]
        when = _time_off_text(problem, item)
        if item.kind is TimeOffKind.PREFER_OFF:
            worked = ", ".join(_shift_text(problem, s) for s in request.spoken_about)
            detail = f"{item.employee_id} asked to be off but works {worked}"
        else:
            detail = f"{item.employee_id} asked to work but has no such shift"
        detail += f" (weight {item.weight})"
        yield _soft(
            minute, "request_penalty", str(item.kind), item.employee_id, when, detail, item.weight
        )


def _shift_cover(data: _Data, units: list[_Unit]) -> Iterator[_Finding]:
    """Per `ShiftCover` key in force: valid units on that shift instance, team and zone
    against the units wanted; each unit under or over costs its row's weight."""
    problem = data.problem
    on_shift: Counter[calendar.ShiftCoverKey] = Counter(
        (unit.instance.day, unit.instance.shift_id, unit.team, unit.zone) for unit in units
    )
    for key, row in calendar.shift_cover_rules(problem).items():
        day, shift_id, team, zone = key
        scheduled = on_shift[key]
        under = max(0, row.units - scheduled)
        over = max(0, scheduled - row.units)
        penalty = row.weight_under * under + row.weight_over * over
        if penalty == 0:
            continue
        rule, amount, weight, side = (
            ("shift_cover_under", under, row.weight_under, "under")
            if under
            else ("shift_cover_over", over, row.weight_over, "over")
        )
        template = problem.shifts_by_id.get(shift_id)
        minute = calendar.wall_minute(problem, day, template.start_minute if template else 0)
        when = _moment_text(problem, minute)
        detail = (
            f"{shift_id} {team} {zone} has {count(scheduled, 'unit')}, {row.units} wanted:"
            f" {amount} {side} at weight {weight}"
        )
        yield _soft(minute, "shift_cover_penalty", rule, None, when, detail, amount, penalty)


def _consecutive_excess(data: _Data) -> Iterator[_Finding]:
    """Per run of days worked: the days beyond the preferred length. A run carried over
    from `History` counts only its roster days beyond it (the earlier roster counted
    the rest), so rosters made week by week add up to the whole run's excess."""
    problem = data.problem
    for person in problem.staff:
        employee_id = person.employee_id
        preferred = person.rules.preferred_max_consecutive_days
        days = [*data.days_worked_before(employee_id), *data.days_worked(employee_id)]
        for first, length in calendar.day_runs(days):
            last = first + length - 1
            excess = length - max(preferred, -first)
            if excess <= 0 or last < 0:
                continue
            when = days_text(problem, first, last)
            detail = (
                f"{employee_id} works {length} days in a row{_in_history_text(first)};"
                f" prefers at most {preferred}"
            )
            yield _soft(
                calendar.day_start(problem, first),
                "consecutive_excess_days",
                "preferred_consecutive_days",
                employee_id,
                when,
                detail,
                excess,
            )


#: What fairness balances: a `_Burden` field and how one of it is called.
_FAIRNESS_KINDS = (
    ("weekend_days", "weekend day"),
    ("evening_shifts", "evening shift"),
    ("night_shifts", "night shift"),
)


def _fairness_groups(problem: Problem) -> list[tuple[str, list[Person]]]:
    """Who is compared with whom: each role (everyone, with units of 1 person)."""
    if problem.people_per_unit == 1:
        return [("people", list(problem.staff))]
    return [
        (f"{role}s", [p for p in problem.staff if p.role is role])
        for role in Role
        if any(p.role is role for p in problem.staff)
    ]


def _fairness(data: _Data) -> Iterator[_Finding]:
    """With `History`: per group and kind, each person's count over `History` and the
    roster above the group's fair share, the average rounded up."""
    if not data.history_known:
        return
    problem = data.problem
    when = f"History and {horizon_text(problem)}"
    for group, people in _fairness_groups(problem):
        burdens = {
            p.employee_id: _Burden.of(data, data.with_history(p.employee_id)) for p in people
        }
        for kind, noun in _FAIRNESS_KINDS:
            counts = {employee_id: getattr(b, kind) for employee_id, b in burdens.items()}
            share = -(-sum(counts.values()) // len(counts))
            for employee_id, burden in counts.items():
                if burden <= share:
                    continue
                total = sum(counts.values())
                detail = (
                    f"{employee_id} has {count(burden, noun)} over History and this roster;"
                    f" the fair share among {group} is {share} ({total}/{len(counts)} rounded up)"
                )
                yield _soft(
                    0, "fairness_excess", "fairness", employee_id, when, detail, burden - share
                )


def _home_zone(data: _Data) -> Iterator[_Finding]:
    problem = data.problem
    for employee_id, shifts in data.by_person.items():
        for s in shifts:
            if s.person.role is not Role.PEER or s.row.zone == s.person.home_zone:
                continue
            detail = (
                f"peer {employee_id} works {_shift_text(problem, s)} in zone {s.row.zone},"
                f" not in home zone {s.person.home_zone}"
            )
            when = _moment_text(problem, s.start)
            yield _soft(
                s.start, "peer_shifts_away_from_home", "home_zone", employee_id, when, detail, 1
            )


def _extra_partners(data: _Data, units: list[_Unit]) -> Iterator[_Finding]:
    """Per clinician and week: distinct peers in valid units beyond the first."""
    problem = data.problem
    if problem.people_per_unit == 1:
        return
    partners: dict[tuple[str, int], set[str]] = defaultdict(set)
    for unit in units:
        week_index = calendar.week_of_day(unit.instance.day)
        partners[(unit.clinician.employee_id, week_index)].add(unit.peer.employee_id)
    for (employee_id, week_index), peers in sorted(partners.items()):
        if len(peers) < 2:
            continue
        week = data.weeks[week_index]
        when = _week_span(problem, week)
        detail = f"{employee_id} works with {len(peers)} peers ({', '.join(sorted(peers))})"
        yield _soft(
            calendar.day_start(problem, week.first_day),
            "extra_partners",
            "extra_partners",
            employee_id,
            when,
            detail,
            len(peers) - 1,
        )


def _pair_preferences(data: _Data, units: list[_Unit]) -> Iterator[_Finding]:
    """`avoid`: each valid unit the pair shares; `prefer`: per day, works + works - 2 x shares."""
    problem = data.problem
    if problem.people_per_unit == 1:
        return
    shared: dict[frozenset[str], list[_Unit]] = defaultdict(list)
    for unit in units:
        shared[frozenset((unit.clinician.employee_id, unit.peer.employee_id))].append(unit)
    for pair in problem.pairs:
        together = shared.get(frozenset((pair.clinician_id, pair.peer_id)), [])
        names = f"{pair.clinician_id} and {pair.peer_id}"
        if pair.kind is PairKind.AVOID:
            for unit in together:
                minute = unit.instance.start
                detail = f"{names} should not be paired but share unit {unit.unit_id}"
                when = _moment_text(problem, minute)
                yield _soft(minute, "pair_preference_penalty", "pair_avoid", None, when, detail, 1)
        elif pair.kind is PairKind.PREFER:
            clinician_days = set(data.days_worked(pair.clinician_id))
            peer_days = set(data.days_worked(pair.peer_id))
            shared_days = {unit.instance.day for unit in together}
            for day in range(problem.days):
                apart = (day in clinician_days) + (day in peer_days) - 2 * (day in shared_days)
                if apart <= 0:
                    continue
                if apart == 2:
                    detail = f"{names} prefer to work together but work in different units"
                else:
                    worker = pair.clinician_id if day in clinician_days else pair.peer_id
                    detail = f"{names} prefer to work together but only {worker} works"
                minute = calendar.day_start(problem, day)
                when = date_text(problem.date_of(day))
                yield _soft(
                    minute, "pair_preference_penalty", "pair_prefer", None, when, detail, apart
                )


def _parts(coverage: list[CoverageRow], soft: list[_Finding]) -> ObjectiveParts:
    """Coverage shortfalls plus the soft findings summed per part."""
    totals: Counter[str] = Counter()
    for finding in soft:
        totals[finding.part] += finding.part_amount
    return ObjectiveParts(
        required_shortfall=sum(row.shortfall for row in coverage),
        target_shortfall=sum(row.target_shortfall for row in coverage),
        **{part: totals[part] for part in STAGE2_WEIGHTS},
    )

"""Absolute time for the rules: shift instances, weeks, slots, demand and time off.

Everything here is a pure function of the problem. Both the solver and the
checker read the data through it, so they agree on what the data *means*; the
checker still recomputes every rule from a roster on its own.

Every time in the input is a local wall-clock time of the program's zone
(`Program.time_zone`). `Clock` is the one conversion between those local times and
*real* minutes, counted from the instant the horizon starts (`start_date` 00:00 in
that zone), so every length (shifts, paid hours, rest, overlaps, weekly hours) is
elapsed time, while days, weeks and weekends stay local calendar days. A slot `i` is
the real interval `[i * slot_minutes, (i + 1) * slot_minutes)`: on the night the
clocks go forward the local hour that does not exist has no slot, and on the night
they go back the repeated hour is two slots (told apart by their UTC offset).

Local times that do not exist or occur twice follow `zoneinfo`'s `fold=0` (RFC 5545
reads them the same way): a time in the skipped hour is read with the offset before
the change (02:30 becomes 03:30 summer time), and a repeated time is its first
occurrence (01:30 summer time). Without a time zone, real minutes are wall-clock
minutes, as if every day had 24 hours (daylight saving is not applied).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scheduler.model.clock import Clock as Clock
from scheduler.model.clock import time_zone_of as time_zone_of
from scheduler.model.problem import (
    WEEKDAYS,
    DemandRow,
    Problem,
    Role,
    ShiftCover,
    ShiftTemplate,
    Team,
    TimeOff,
    TimeOffKind,
)
from scheduler.model.roster import Assignment


def utc_offset_text(offset: dt.timedelta | None) -> str | None:
    """`-05:00`, `+05:30`, `+00:00` (None for None)."""
    if offset is None:
        return None
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def day_start(problem: Problem, day: int) -> int:
    """Real minute of a day's local midnight (day may be outside the horizon)."""
    return problem.clock.day_minute(day, 0)


def wall_minute(problem: Problem, day: int, minute_of_day: int) -> int:
    """Real minute of a local time of day on a day of the horizon."""
    return problem.clock.day_minute(day, minute_of_day)


def day_of_minute(problem: Problem, minute: float) -> int:
    """The local calendar day (index) a real minute falls on."""
    return problem.day_of(problem.moment(minute).date())


def wall_window(problem: Problem, day: int, start_minute: int, end_minute: int) -> tuple[int, int]:
    """Real start and end of a local window that starts on `day` at `start_minute` and
    ends at `end_minute`, the next day when that is at or before the start. A window
    wholly in the skipped hour is empty (its end is never before its start)."""
    start = wall_minute(problem, day, start_minute)
    end_day = day + 1 if end_minute <= start_minute else day
    return start, max(start, wall_minute(problem, end_day, end_minute))


@dataclass(frozen=True)
class ClockChange:
    """The zone's clocks changing inside the horizon (daylight saving on or off)."""

    minute: int  # real minute of the change
    before: dt.timedelta  # UTC offset before it
    after: dt.timedelta  # and after it
    local_before: dt.datetime  # the wall clock just before (e.g. 02:00 going to 03:00)
    local_after: dt.datetime

    @property
    def text(self) -> str:
        """`Sun 2026-03-08 02:00 -> 03:00 (UTC-05:00 -> UTC-04:00): the day has 23 hours`."""
        hours = 24 - (self.after - self.before).total_seconds() / 3600
        return (
            f"{moment_text(self.local_before)} -> {self.local_after:%H:%M}"
            f" (UTC{utc_offset_text(self.before)} -> UTC{utc_offset_text(self.after)}):"
            f" the day has {hours:g} hours"
        )


def clock_changes(problem: Problem) -> list[ClockChange]:
    """Each change of the zone's UTC offset inside the horizon, in order (none without
    a zone). Found hour by hour, then to the minute: zones change on whole minutes."""
    clock = problem.clock
    if clock.zone is None:
        return []
    changes: list[ClockChange] = []
    end = problem.horizon_minutes
    step = 60
    previous = clock.utc_offset(0)
    for upper in range(step, end + step, step):
        offset = clock.utc_offset(min(upper, end))
        if offset == previous:
            continue
        low, high = upper - step, min(upper, end)  # offset(low) == previous != offset(high)
        while high - low > 1:
            middle = (low + high) // 2
            if clock.utc_offset(middle) == previous:
                low = middle
            else:
                high = middle
        assert previous is not None and offset is not None
        changes.append(
            ClockChange(
                minute=high,
                before=previous,
                after=offset,
                local_before=clock.instant(high).replace(tzinfo=None) - (offset - previous),
                local_after=clock.moment(high),
            )
        )
        previous = offset
    return changes


def clock_warnings(problem: Problem) -> list[str]:
    """What the terminal and `Summary` say about the program's clock: daylight saving
    not applied without a zone; a zone whose change is not a whole number of slots."""
    if problem.clock.zone is None:
        return [
            "Program has no time_zone: times are taken as wall-clock times and daylight "
            "saving is not applied (a night across a clock change is paid and rested as "
            "if the day had 24 hours); add time_zone (e.g. America/New_York) to Program"
        ]
    return [
        f"the clocks change by {abs(change.after - change.before).total_seconds() / 60:g} "
        f"minutes on {moment_text(change.local_before)}, not a whole number of "
        f"{problem.slot_minutes}-minute slots: slots after it start at other local times"
        for change in clock_changes(problem)
        if (change.after - change.before).total_seconds() / 60 % problem.slot_minutes
    ]


def clock_summary(problem: Problem) -> list[tuple[str, str]]:
    """`Summary` rows: the time zone and each clock change inside the horizon."""
    zone = problem.time_zone
    rows = [("time zone", zone if zone is not None else "none (daylight saving not applied)")]
    rows += [("clock change", change.text) for change in clock_changes(problem)]
    return rows


@dataclass(frozen=True, order=True)
class ShiftInstance:
    """A template started on one day of the horizon (day may be negative in history)."""

    day: int
    shift_id: str
    start: int  # absolute minutes
    end: int  # absolute minutes, exclusive
    paid_minutes: int

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


def instance(problem: Problem, day: int, template: ShiftTemplate) -> ShiftInstance:
    """A template started on a day, in real time: across a clock change a night
    shift is an hour shorter or longer, and so is its pay."""
    start, end = wall_window(problem, day, template.start_minute, template.end_minute)
    return ShiftInstance(
        day=day,
        shift_id=template.shift_id,
        start=start,
        end=end,
        paid_minutes=max(0, end - start - template.unpaid_break_minutes),
    )


def shift_instances(problem: Problem) -> list[ShiftInstance]:
    """Every template on every day of the horizon, in (day, start, id) order."""
    found = [instance(problem, day, t) for day in range(problem.days) for t in problem.shifts]
    return sorted(found, key=lambda s: (s.day, s.start, s.shift_id))


@dataclass(frozen=True)
class Week:
    """A 7-day window starting on `start_date` (the last may be shorter)."""

    index: int
    first_day: int
    n_days: int

    @property
    def days(self) -> range:
        return range(self.first_day, self.first_day + self.n_days)

    def min_days_off(self, per_full_week: int) -> int:
        """Days off a window needs: a shorter last window needs fewer."""
        return max(0, per_full_week - (7 - self.n_days))


def weeks(problem: Problem) -> list[Week]:
    return [
        Week(index=i, first_day=first, n_days=min(7, problem.days - first))
        for i, first in enumerate(range(0, problem.days, 7))
    ]


def week_of_day(day: int) -> int:
    return day // 7


def slot_count(problem: Problem) -> int:
    return problem.horizon_minutes // problem.slot_minutes


def slots_covered(problem: Problem, start: int, end: int) -> range:
    """Slots of the horizon that lie entirely inside `[start, end)`."""
    size = problem.slot_minutes
    first = max(0, -(-start // size))
    last = min(slot_count(problem), end // size)
    return range(first, max(first, last))


def slots_touched(problem: Problem, start: int, end: int) -> range:
    """Slots of the horizon that any part of `[start, end)` falls in."""
    size = problem.slot_minutes
    first = max(0, start // size)
    last = min(slot_count(problem), -(-end // size))
    return range(first, max(first, last))


CoverKey = tuple[Team, str, int]  # team, zone, slot


@dataclass(frozen=True)
class Requirement:
    required: int
    target: int


def coverage_requirements(problem: Problem) -> dict[CoverKey, Requirement]:
    """Units needed per team, zone and slot, with weekday/date rules applied.

    Weekday rows repeat every week, including the day before `start_date` (a
    window that runs past midnight into the horizon). A `date` row replaces that
    day's weekday rows for its team and zone. Overlapping windows take the
    largest value; a slot is in a window if any part of it is.
    """
    dated: set[tuple[Team, str, dt.date]] = {
        (row.team, row.zone, row.date) for row in problem.demand if row.date is not None
    }
    need: dict[CoverKey, list[int]] = defaultdict(lambda: [0, 0])
    for day in range(-1, problem.days):
        date = problem.date_of(day)
        for row in problem.demand:
            if row.date is not None:
                if row.date != date:
                    continue
            elif row.weekday != date.weekday() or (row.team, row.zone, date) in dated:
                continue
            for slot in slots_touched(problem, *demand_window(problem, row, day)):
                values = need[(row.team, row.zone, slot)]
                values[0] = max(values[0], row.required_units)
                values[1] = max(values[1], row.target)
    return {
        key: Requirement(required=req, target=max(req, tgt))
        for key, (req, tgt) in sorted(need.items())
        if req > 0 or tgt > 0
    }


def demand_window(problem: Problem, row: DemandRow, day: int) -> tuple[int, int]:
    """Real start and end of a `Demand` row's window on a day (it may run past midnight)."""
    return wall_window(problem, day, row.start_minute, row.end_minute)


def slot_moment(problem: Problem, slot: int) -> dt.datetime:
    """A slot's local start (naive; `fold` 1 for the second of a repeated hour)."""
    return problem.moment(slot * problem.slot_minutes)


ShiftCoverKey = tuple[int, str, Team, str]  # day, shift_id, team, zone


def shift_cover_rules(problem: Problem) -> dict[ShiftCoverKey, ShiftCover]:
    """The `ShiftCover` row in force per day, shift, team and zone of the horizon.

    Weekday rows repeat every week; a `date` row replaces that day's weekday
    row for the same shift, team and zone. When rows repeat a key, the last wins
    (the readers reject such duplicates).
    """
    found: dict[ShiftCoverKey, ShiftCover] = {}
    dated: dict[ShiftCoverKey, ShiftCover] = {}
    for day in range(problem.days):
        date = problem.date_of(day)
        for row in problem.shift_cover:
            key = (day, row.shift_id, row.team, row.zone)
            if row.date == date:
                dated[key] = row
            elif row.date is None and row.weekday == date.weekday():
                found[key] = row
    found.update(dated)
    return dict(sorted(found.items()))


def weekend_of(problem: Problem, day: int) -> int | None:
    """The weekend a day belongs to, as the day index of its Saturday (None on weekdays).

    A horizon that starts on a Sunday puts that Sunday in the weekend of day -1.
    """
    weekday = problem.date_of(day).weekday()
    if weekday < 5:
        return None
    return day - (weekday - 5)


def time_off_window(problem: Problem, item: TimeOff) -> tuple[int, int]:
    return problem.minute_of(item.start), problem.minute_of(item.end)


def time_off_applies(problem: Problem, item: TimeOff, shift: ShiftInstance) -> bool:
    """Whether a time-off row speaks about this shift.

    Whole dates: without `shift_id`, any shift that overlaps those days (a night
    shift ending that morning included), except that `prefer_on` means "a shift
    starting on those days"; with `shift_id`, that template starting on those
    dates. Date-times: a shift (of that template, if given) that overlaps them.
    """
    if item.shift_id is not None and item.shift_id != shift.shift_id:
        return False
    start, end = time_off_window(problem, item)
    if item.whole_days and (item.shift_id is not None or item.kind is TimeOffKind.PREFER_ON):
        return start <= day_start(problem, shift.day) < end
    return shift.overlaps(start, end)


def requests(problem: Problem) -> list[TimeOff]:
    """Soft requests, one item per calendar day for whole-date rows.

    Each item is honoured or not as a whole, so a 3-day `prefer_off` counts as
    three requests of its weight.
    """
    items: list[TimeOff] = []
    for row in problem.time_off:
        if row.kind is TimeOffKind.UNAVAILABLE:
            continue
        if not row.whole_days:
            items.append(row)
            continue
        day = row.start
        while day < row.end:
            following = day + dt.timedelta(days=1)
            items.append(row.model_copy(update={"start": day, "end": following}))
            day = following
    return items


def request_in_horizon(problem: Problem, item: TimeOff) -> bool:
    start, end = time_off_window(problem, item)
    return start < problem.horizon_minutes and end > 0


def is_unavailable(problem: Problem, employee_id: str, shift: ShiftInstance) -> TimeOff | None:
    """The `unavailable` row that forbids this shift for this person, if any."""
    for item in unavailability(problem).get(employee_id, ()):
        if time_off_applies(problem, item, shift):
            return item
    return None


def unavailability(problem: Problem) -> dict[str, list[TimeOff]]:
    found: dict[str, list[TimeOff]] = defaultdict(list)
    for item in problem.time_off:
        if item.kind is TimeOffKind.UNAVAILABLE:
            found[item.employee_id].append(item)
    return found


def is_night(problem: Problem, shift: ShiftInstance) -> bool:
    """A night shift: any part of it falls between 00:00 and 06:00 local time."""
    day = day_of_minute(problem, shift.start)
    while (midnight := day_start(problem, day)) < shift.end:
        if shift.overlaps(midnight, wall_minute(problem, day, 6 * 60)):
            return True
        day += 1
    return False


def is_evening(problem: Problem, shift: ShiftInstance) -> bool:
    """An evening shift: it runs past 20:00 local time on its start day."""
    return shift.end > wall_minute(problem, shift.day, 20 * 60)


def is_weekend_day(problem: Problem, day: int) -> bool:
    return problem.date_of(day).weekday() >= 5


def day_runs(days_worked: Iterable[int]) -> list[tuple[int, int]]:
    """Maximal runs of consecutive days as (first_day, length)."""
    runs: list[tuple[int, int]] = []
    for day in sorted(set(days_worked)):
        if runs and runs[-1][0] + runs[-1][1] == day:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((day, 1))
    return runs


# --- History: shifts worked before start_date -----------------------------------------


def history_instance(problem: Problem, row: Assignment) -> ShiftInstance:
    """A `History` row as a shift instance on its (negative) day, with the row's own
    start and end: what was worked is a fact, even if the template changed since."""
    template = problem.shifts_by_id.get(row.shift_id)
    start, end = problem.minute_of(row.start), problem.minute_of(row.end)
    unpaid = template.unpaid_break_minutes if template is not None else 0
    return ShiftInstance(
        day=problem.day_of(row.date),
        shift_id=row.shift_id,
        start=start,
        end=end,
        paid_minutes=max(0, end - start - unpaid),
    )


def history_instances(problem: Problem) -> dict[str, list[ShiftInstance]]:
    """Each person's `History` shifts in start order."""
    found: dict[str, list[ShiftInstance]] = defaultdict(list)
    for row in problem.history:
        found[row.employee_id].append(history_instance(problem, row))
    return {employee_id: sorted(shifts) for employee_id, shifts in found.items()}


def history_known(problem: Problem) -> bool:
    """Whether what was worked before `start_date` is known: then runs at the
    horizon's start are no longer exempt, and the fairness totals apply."""
    return bool(problem.history)


def run_before(days_worked: Iterable[int]) -> int:
    """Length of the run of days in `days_worked` that ends on day -1 (0 if none)."""
    days = set(days_worked)
    length = 0
    while -1 - length in days:
        length += 1
    return length


def history_units_on_duty(problem: Problem) -> Counter[CoverKey]:
    """`History` units on duty per team, zone and horizon slot (a night shift
    from the day before `start_date`), counted as the checker counts units.

    A unit is the rows sharing a `unit_id`: one clinician and one peer with the same
    date, shift, start, end, team and zone (one row alone with `people_per_unit` 1),
    each row's role matching `Staff` for the people in it.
    """
    rows_of: dict[str, list[Assignment]] = defaultdict(list)
    for row in problem.history:
        rows_of[row.unit_id].append(row)
    on_duty: Counter[CoverKey] = Counter()
    for rows in rows_of.values():
        if not _is_history_unit(problem, rows):
            continue
        first = rows[0]
        start, end = problem.minute_of(first.start), problem.minute_of(first.end)
        for slot in slots_covered(problem, start, end):
            on_duty[(first.team, first.zone, slot)] += 1
    return on_duty


def _is_history_unit(problem: Problem, rows: Sequence[Assignment]) -> bool:
    for row in rows:
        person = problem.people_by_id.get(row.employee_id)
        if person is not None and person.role is not row.role:
            return False
    if problem.people_per_unit == 1:
        return len(rows) == 1
    if len(rows) != 2 or {row.role for row in rows} != {Role.CLINICIAN, Role.PEER}:
        return False
    shared = {(r.date, r.shift_id, r.start, r.end, r.team, r.zone) for r in rows}
    return len(shared) == 1


def date_text(date: dt.date) -> str:
    """`Tue 2026-03-03`: how messages and sheets name a day."""
    return f"{WEEKDAYS[date.weekday()]} {date.isoformat()}"


def moment_text(moment: dt.datetime) -> str:
    """`Tue 2026-03-03 20:00`."""
    return f"{date_text(moment.date())} {moment:%H:%M}"

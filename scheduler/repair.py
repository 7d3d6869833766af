"""Repair a roster after a call-out: who is out, what is frozen, and what changed.

`prepare_repair` turns the command's arguments into a problem: each
`EMPLOYEE:DATE[:SHIFT]` becomes an `unavailable` `TimeOff` row (the whole day,
or only that shift instance), and every baseline shift that started before
`--now` becomes a `Pin` with its team and zone. The engine then keeps as much of
the baseline as it can (`scheduler.solve.rules.changes`) and forbids new shifts
starting before `--now`.

`change_log` compares two rosters on its own, without the solver: per person
and date, what they worked before (shift, team, zone, partners) and after, one
row per change. It is what the `Changes` sheet and the printed table show.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scheduler.errors import InputError, InputIssue
from scheduler.io.read_cells import FIRST_DATE, LAST_DATE
from scheduler.io.read_workbook import rows_not_of_program
from scheduler.model.calendar import ShiftInstance, date_text, instance, time_off_applies

# The change log is model data, so the writer (`io.changes_sheet`) need not import this module.
from scheduler.model.changes import (
    Change as Change,
)
from scheduler.model.changes import (
    ChangeKind as ChangeKind,
)
from scheduler.model.changes import (
    Post as Post,
)
from scheduler.model.problem import Pin, Problem, TimeOff, TimeOffKind
from scheduler.model.result import SolveParams, SolveResult
from scheduler.model.roster import Assignment, Roster
from scheduler.model.stop import StopToken

if TYPE_CHECKING:
    from scheduler.solve.engine import ProgressHandler


@dataclass(frozen=True)
class CallOut:
    """One `--unavailable EMPLOYEE:DATE[:SHIFT]` argument."""

    argument: str  # as typed, for messages
    employee_id: str
    date: dt.date
    shift_id: str | None = None  # None: the whole day


@dataclass(frozen=True)
class RepairRequest:
    problem: Problem  # the input plus the call-outs (TimeOff) and the frozen shifts (Pins)
    baseline: Roster
    frozen_before: dt.datetime | None
    notes: tuple[str, ...] = ()  # what the request changed in what was asked, for people


def parse_call_out(text: str) -> CallOut:
    """`C03:2026-03-04` or `C03:2026-03-04:D8`; raises `InputError` naming the argument."""
    where = f"--unavailable {text}"
    fields = text.strip().split(":")
    if len(fields) not in (2, 3) or not all(f.strip() for f in fields):
        raise _argument_error(where, "expected EMPLOYEE:DATE or EMPLOYEE:DATE:SHIFT")
    employee_id, date_text = fields[0].strip(), fields[1].strip()
    try:
        date = dt.date.fromisoformat(date_text)
    except ValueError:
        raise _argument_error(where, f"'{date_text}' is not a date (YYYY-MM-DD)") from None
    shift_id = fields[2].strip() if len(fields) == 3 else None
    return CallOut(text, employee_id, date, shift_id)


def parse_now(text: str, problem: Problem | None = None) -> dt.datetime:
    """`--now` as a local date-time (`2026-03-04T10:00`; a date alone is its 00:00).

    With an offset or `Z` (`2026-03-04T15:00Z`) it is converted to the program's time
    zone, as a call log's timestamps are; a program without one refuses it."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise _argument_error(
            f"--now {text}", "expected a date-time YYYY-MM-DDTHH:MM (or a date)"
        ) from None
    if not FIRST_DATE <= moment.date() <= LAST_DATE:  # no clock counts to year 9999
        raise _argument_error(
            f"--now {text}", f"out of range; expected a date from {FIRST_DATE} to {LAST_DATE}"
        )
    if moment.tzinfo is None:
        return moment
    if problem is None or problem.time_zone is None:
        raise _argument_error(
            f"--now {text}",
            "the program has no time_zone (Program), so an offset cannot be converted; "
            "give the program's local time, without an offset",
        )
    try:
        return problem.clock.local(moment)
    except OverflowError:
        raise _argument_error(f"--now {text}", "the date-time is out of range") from None


def prepare_repair(
    problem: Problem, baseline: Roster, call_outs: Sequence[str], now: str | None = None
) -> RepairRequest:
    """The problem to re-solve. Every issue with the arguments or the roster is collected
    into one `InputError` (sheet `Assignments` with its row, or the argument)."""
    issues = rows_not_of_program(problem, baseline, zones=False)
    parsed: list[CallOut] = []
    frozen_before: dt.datetime | None = None
    for text in call_outs:
        try:
            parsed.append(parse_call_out(text))
        except InputError as error:
            issues.extend(error.issues)
    if now is not None:
        try:
            frozen_before = parse_now(now, problem)
        except InputError as error:
            issues.extend(error.issues)
    for call_out in parsed:
        issues.extend(_call_out_issues(problem, call_out))
    if not parsed and not issues:
        issues.append(InputIssue(sheet="--unavailable", message="give at least one call-out"))
    if issues:
        raise InputError(issues)

    frozen = _frozen(problem, baseline, frozen_before)
    notes: list[str] = []
    rows: list[tuple[TimeOff, CallOut]] = []
    for call_out in dict.fromkeys(parsed):  # the same argument twice is one call-out
        unmatched = _nothing_to_move(problem, baseline, call_out)
        if unmatched:
            notes.append(unmatched)
        row, note = _call_out_row(problem, call_out, frozen)
        if note:
            notes.append(note)
        if row is not None:
            rows.append((row, call_out))
    pin_issues = _pins_against_call_outs(problem, rows)
    if pin_issues:
        raise InputError(pin_issues)
    known = {(p.employee_id, p.date, p.shift_id, p.team, p.zone) for p in problem.pins}
    pins = [
        Pin(employee_id=a.employee_id, date=a.date, shift_id=a.shift_id, team=a.team, zone=a.zone)
        for a in frozen
        if (a.employee_id, a.date, a.shift_id, a.team, a.zone) not in known
    ]
    repaired = problem.model_copy(
        update={
            "time_off": (*problem.time_off, *(row for row, _ in rows)),
            "pins": (*problem.pins, *pins),
        }
    )
    return RepairRequest(repaired, baseline, frozen_before, tuple(notes))


def repair(
    request: RepairRequest,
    params: SolveParams | None = None,
    on_progress: ProgressHandler | None = None,
    *,
    stop: StopToken | None = None,
) -> SolveResult:
    """Re-solve the requested problem, changing as little of the baseline as it can."""
    from scheduler.solve import solve  # the solver only when solving: the log needs none

    return solve(
        request.problem,
        params,
        on_progress,
        baseline=request.baseline,
        frozen_before=request.frozen_before,
        stop=stop,
    )


def _argument_error(argument: str, message: str) -> InputError:
    return InputError(InputIssue(sheet=argument, message=message))


def _call_out_issues(problem: Problem, call_out: CallOut) -> list[InputIssue]:
    where = f"--unavailable {call_out.argument}"
    issues: list[InputIssue] = []
    if call_out.employee_id not in problem.people_by_id:
        message = f"employee '{call_out.employee_id}' is not in Staff"
        issues.append(InputIssue(sheet=where, message=message))
    last_day = problem.date_of(problem.days - 1)
    if not problem.start_date <= call_out.date <= last_day:
        message = f"{call_out.date} is outside the horizon {problem.start_date} - {last_day}"
        issues.append(InputIssue(sheet=where, message=message))
    if call_out.shift_id is not None and call_out.shift_id not in problem.shifts_by_id:
        known = ", ".join(problem.shifts_by_id)
        message = f"shift '{call_out.shift_id}' is not in Shifts ({known})"
        issues.append(InputIssue(sheet=where, message=message))
    return issues


def _shift_of(problem: Problem, a: Assignment) -> ShiftInstance:
    return instance(problem, problem.day_of(a.date), problem.shift(a.shift_id))


def _frozen(problem: Problem, baseline: Roster, before: dt.datetime | None) -> list[Assignment]:
    """Baseline assignments whose shift started before `before` (they cannot change)."""
    if before is None:
        return []
    cutoff = problem.minute_of(before)
    return [a for a in baseline.assignments if _shift_of(problem, a).start < cutoff]


def _unavailable_day(call_out: CallOut) -> TimeOff:
    """The call-out as a whole-day `unavailable` row (of one shift when it names one)."""
    first = dt.datetime.combine(call_out.date, dt.time())
    return TimeOff(
        employee_id=call_out.employee_id,
        start=first,
        end=first + dt.timedelta(days=1),
        whole_days=True,
        kind=TimeOffKind.UNAVAILABLE,
        shift_id=call_out.shift_id,
    )


def _nothing_to_move(problem: Problem, baseline: Roster, call_out: CallOut) -> str:
    """A note when the roster has no shift the call-out takes away (a wrong shift typed,
    a day off): nothing moves for it, which the change log alone would not explain."""
    row = _unavailable_day(call_out)
    theirs = [a for a in baseline.assignments if a.employee_id == call_out.employee_id]
    if any(time_off_applies(problem, row, _shift_of(problem, a)) for a in theirs):
        return ""
    worked = [a.shift_id for a in theirs if a.date == call_out.date]
    day = date_text(call_out.date)
    if call_out.shift_id is None:
        return (
            f"--unavailable {call_out.argument}: {call_out.employee_id} has no shift on "
            f"{day} in the roster; nothing moves for it (they are only not called in)"
        )
    works = f"they work {', '.join(worked)} that day" if worked else "no shift that day"
    return (
        f"--unavailable {call_out.argument}: {call_out.employee_id} is not on "
        f"{call_out.shift_id} on {day} in the roster ({works}); nothing moves for it"
    )


def _call_out_row(
    problem: Problem, call_out: CallOut, frozen: Sequence[Assignment]
) -> tuple[TimeOff | None, str]:
    """The `unavailable` row for a call-out, and a note when frozen shifts cut it short.

    A frozen shift of the person that the row speaks about has already started and
    stays: the row then starts when the last such shift ends (none is left when that
    is after the row's end)."""
    row = _unavailable_day(call_out)
    started = [
        (a, shift)
        for a in frozen
        if a.employee_id == call_out.employee_id
        and time_off_applies(problem, row, shift := _shift_of(problem, a))
    ]
    if not started:
        return row, ""
    ends = max(problem.moment(shift.end) for _, shift in started)
    kept = ", ".join(f"{a.shift_id} on {date_text(a.date)}" for a, _ in started)
    note = f"--unavailable {call_out.argument}: {kept} started before --now and stays (frozen)"
    if call_out.shift_id is not None or ends >= row.end:
        return None, note
    note += f"; unavailable from {ends:%Y-%m-%d %H:%M}"
    return row.model_copy(update={"start": ends, "whole_days": False}), note


def _pins_against_call_outs(
    problem: Problem, rows: Sequence[tuple[TimeOff, CallOut]]
) -> list[InputIssue]:
    """An input pin the call-out makes impossible: say so rather than fail to solve."""
    issues: list[InputIssue] = []
    for row, call_out in rows:
        for pin in problem.pins:
            if pin.employee_id != row.employee_id:
                continue
            shift = instance(problem, problem.day_of(pin.date), problem.shift(pin.shift_id))
            if time_off_applies(problem, row, shift):
                message = (
                    f"{pin.employee_id} is pinned to {pin.shift_id} on {pin.date} "
                    f"(Pins row {pin.row}); remove the pin from the input first"
                )
                where = f"--unavailable {call_out.argument}"
                issues.append(InputIssue(sheet=where, message=message))
    return issues


# --- The change log -------------------------------------------------------------------


def posts(roster: Roster) -> dict[tuple[str, dt.date], list[Post]]:
    """Per (employee, date): the posts worked, partners read from the unit ids."""
    members: dict[str, set[str]] = defaultdict(set)
    for a in roster.assignments:
        members[a.unit_id].add(a.employee_id)
    found: dict[tuple[str, dt.date], list[Post]] = defaultdict(list)
    for a in roster.assignments:
        partners = tuple(sorted(members[a.unit_id] - {a.employee_id}))
        found[(a.employee_id, a.date)].append(Post(a.shift_id, a.team, a.zone, partners))
    return {key: sorted(value) for key, value in found.items()}


def change_log(before: Roster, after: Roster) -> list[Change]:
    """Every change from `before` to `after`, by date then employee.

    Per person and date, posts equal in both are unchanged; the rest are paired up,
    same shift first, and each pair is one change (`shift`, `team/zone` or `partner`,
    the first that differs); a post left over is `removed` or `added`. Unit ids are
    labels, so a unit renamed but with the same people is no change.
    """
    old_posts, new_posts = posts(before), posts(after)
    changes: list[Change] = []
    for key in sorted(old_posts.keys() | new_posts.keys(), key=lambda k: (k[1], k[0])):
        old = Counter(old_posts.get(key, []))
        new = Counter(new_posts.get(key, []))
        common = old & new
        old_left = sorted((old - common).elements())
        new_left = sorted((new - common).elements())
        employee_id, date = key
        for was in list(old_left):
            same_shift = next((now for now in new_left if now.shift_id == was.shift_id), None)
            if same_shift is not None:
                old_left.remove(was)
                new_left.remove(same_shift)
                changes.append(Change(employee_id, date, was, same_shift, _kind(was, same_shift)))
        for was, now in zip(old_left, new_left, strict=False):
            changes.append(Change(employee_id, date, was, now, _kind(was, now)))
        for was in old_left[len(new_left) :]:
            changes.append(Change(employee_id, date, was, None, ChangeKind.REMOVED))
        for now in new_left[len(old_left) :]:
            changes.append(Change(employee_id, date, None, now, ChangeKind.ADDED))
    return changes


def _kind(was: Post, now: Post) -> ChangeKind:
    if was.shift_id != now.shift_id:
        return ChangeKind.SHIFT
    if (was.team, was.zone) != (now.team, now.zone):
        return ChangeKind.TEAM_ZONE
    return ChangeKind.PARTNER


def changes_by_kind(changes: Sequence[Change]) -> dict[ChangeKind, int]:
    counts = Counter(change.kind for change in changes)
    return {kind: counts[kind] for kind in ChangeKind if counts[kind]}


def render_changes(problem: Problem, changes: Sequence[Change]) -> str:
    """The change log as a short text table, for the terminal."""
    counts = ", ".join(f"{n} {kind.value}" for kind, n in changes_by_kind(changes).items())
    lines = [f"Changes ({len(changes)}{': ' + counts if counts else ''})"]
    if not changes:
        return "\n".join([*lines, "  none"])
    rows = [("id", "name", "date", "before", "after", "change")]
    for change in changes:
        person = problem.people_by_id.get(change.employee_id)
        rows.append(
            (
                change.employee_id,
                person.name if person is not None else "",
                date_text(change.date),
                change.before.text() if change.before else "-",
                change.after.text() if change.after else "-",
                change.kind.value,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        lines.append(("  " + "  ".join(cells)).rstrip())
    return "\n".join(lines)


__all__ = [
    "CallOut",
    "Change",
    "ChangeKind",
    "Post",
    "RepairRequest",
    "change_log",
    "changes_by_kind",
    "parse_call_out",
    "parse_now",
    "posts",
    "prepare_repair",
    "render_changes",
    "repair",
]

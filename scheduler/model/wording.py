"""How every message of the product words things: people, counts, hours, rows, weeks,
dates, rule sources and conflicts. The checker (`scheduler.evaluate`), the
pre-check, the text report and the explanation of infeasibility all use these, so
one thing is said one way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from scheduler.model.calendar import Week, date_text, moment_text, weeks
from scheduler.model.problem import Person, Pin, Problem, ShiftLimit, TimeOff


def who(person: Person) -> str:
    """`clinician C03`."""
    return f"{person.role} {person.employee_id}"


def week_text(problem: Problem, week: Week) -> str:
    """`the week of Mon 2026-03-02`: how every sentence names a week (a finding's
    `when` column gives its days, `days_text`)."""
    return f"the week of {date_text(problem.date_of(week.first_day))}"


def hours_text(minutes: int) -> str:
    """Paid minutes as hours, as a person writes them: 40, 37.5."""
    return f"{minutes / 60:g}"


def number(value: float) -> str:
    """A rule value as written: 10, 10.5."""
    return f"{value:g}"


def days_text(problem: Problem, first_day: int, last_day: int) -> str:
    """`Mon 2026-03-02 - Sun 2026-03-08` (one date when first and last agree)."""
    first = date_text(problem.date_of(first_day))
    if last_day == first_day:
        return first
    return f"{first} - {date_text(problem.date_of(last_day))}"


def horizon_text(problem: Problem) -> str:
    """The roster's days: `Mon 2026-03-02 - Sun 2026-03-08`."""
    return days_text(problem, 0, problem.days - 1)


def count(n: int, noun: str, plural: str | None = None) -> str:
    """`1 peer`, `2 peers`."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def and_join(parts: Sequence[str], comma: str = ", ") -> str:
    """`a`, `a and b`, `a, b and c` (`comma` separates all but the last two)."""
    if len(parts) <= 1:
        return "".join(parts)
    return f"{comma.join(parts[:-1])} and {parts[-1]}"


def rows_text(sheet: str, rows: Iterable[int | None]) -> str:
    """`Pins row 4`, `Pins rows 4-9`, `TimeOff rows 5, 7`; just the sheet when rows are unknown."""
    known = sorted({row for row in rows if row is not None})
    if not known:
        return sheet
    spans: list[list[int]] = []
    for row in known:
        if spans and spans[-1][1] + 1 == row:
            spans[-1][1] = row
        else:
            spans.append([row, row])
    parts: list[str] = []
    for a, b in spans:
        if b - a >= 2:  # a range from 3 rows on: `4-9`, but `2, 3`
            parts.append(f"{a}-{b}")
        else:
            parts += [str(row) for row in range(a, b + 1)]
    noun = "row" if len(known) == 1 else "rows"
    return f"{sheet} {noun} {', '.join(parts)}"


def staff_source(person: Person, column: str) -> str:
    """`Staff row 3 max_hours_per_week`."""
    where = "Staff" if person.row is None else f"Staff row {person.row}"
    return f"{where} {column}"


def rule_source(problem: Problem, person: Person, name: str) -> str:
    """Where a person's labor rule comes from: their Staff row when it overrides
    `Rules`, else `Rules <name>`."""
    if getattr(person.rules, name) != getattr(problem.rules, name):
        return staff_source(person, name)
    return f"Rules {name}"


def limit_source(limit: ShiftLimit) -> str:
    """`ShiftLimits row 6`."""
    return rows_text("ShiftLimits", [limit.row])


def time_off_span(item: TimeOff, on_date: dt.date | None = None) -> str:
    """When a TimeOff row speaks about: `that day` (when it is exactly `on_date`),
    `on Tue 2026-03-03`, `from Mon ... to Wed ...`, or date-times; `for N12` when it
    names a shift."""
    if item.whole_days:
        first, last = item.start.date(), (item.end - dt.timedelta(days=1)).date()
        if first == last:
            span = "that day" if first == on_date else f"on {date_text(first)}"
        else:
            span = f"from {date_text(first)} to {date_text(last)}"
    else:
        span = f"from {moment_text(item.start)} to {moment_text(item.end)}"
    return span if item.shift_id is None else f"for {item.shift_id} {span}"


def unavailable_clause(items: Sequence[TimeOff], on_date: dt.date | None = None) -> str:
    """`is unavailable that day (TimeOff row 12)`."""
    parts = [
        f"{time_off_span(item, on_date)} ({rows_text('TimeOff', [item.row])})" for item in items
    ]
    return f"is unavailable {and_join(parts)}"


def pins_clause(problem: Problem, pins: Sequence[Pin], summary: str | None = None) -> str:
    """`is pinned to D8 on Tue 2026-03-03 (Pins row 4)`; many pins are summarised
    (`is pinned on 6 days of the week of Mon 2026-03-02 (Pins rows 4-9)`)."""
    ordered = sorted(pins, key=lambda pin: (pin.date, pin.shift_id))
    rows = rows_text("Pins", [pin.row for pin in ordered])
    if summary is not None:
        return f"is pinned {summary} ({rows})"
    if len(ordered) <= 3:
        parts = [f"{pin.shift_id}{_pin_place(pin)} on {date_text(pin.date)}" for pin in ordered]
        return f"is pinned to {and_join(parts)} ({rows})"
    dates = sorted({pin.date for pin in ordered})
    first_week = problem.day_of(dates[0]) // 7
    if all(problem.day_of(date) // 7 == first_week for date in dates):
        week = weeks(problem)[first_week]
        return f"is pinned on {len(dates)} days of {week_text(problem, week)} ({rows})"
    return (
        f"is pinned on {len(dates)} days from {date_text(dates[0])} "
        f"to {date_text(dates[-1])} ({rows})"
    )


def _pin_place(pin: Pin) -> str:
    """` for juvenile in N` when the pin names a team or zone."""
    place = "" if pin.team is None else f" for {pin.team}"
    return place if pin.zone is None else f"{place} in {pin.zone}"


def conflict(titles: Sequence[str], subject: str, clauses: Sequence[str]) -> str:
    """`Pins conflict with TimeOff: <subject> but <clauses>`.

    `titles` name the rules in conflict, the demanding one first; `subject` says
    who and what that first rule asks; `clauses` what the others forbid.
    """
    first, others = titles[0], list(dict.fromkeys(t for t in titles[1:] if t != titles[0]))
    verb = "conflict with" if first in PLURAL_TITLES else "conflicts with"
    title = f"{first} {verb} {and_join(others)}" if others else f"{first} cannot hold"
    body = subject if not clauses else f"{subject} but {and_join(clauses)}"
    return f"{title}: {body}"


#: Titles that read as plurals ("Pins conflict with ...").
PLURAL_TITLES = frozenset({"Pins", "ShiftLimits"})

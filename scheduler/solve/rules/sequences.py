"""Runs of days: longest and shortest runs worked, shortest runs off, days off per
week, weekends worked, and days beyond the preferred run (soft).

`History` days before `start_date` are fixed: a run that ends on the day before
continues into the horizon (`_RunsBefore`), and once History is known the first
day is no longer an edge exempt from the shortest runs. Weeks start on
`start_date`, so days off per week never reach back into History.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.model.calendar import history_instances, history_known, run_before, weekend_of, weeks
from scheduler.solve.rules import Parts, total
from scheduler.solve.variables import Group, RosterVariables


@dataclass(frozen=True)
class _RunsBefore:
    """One person's runs that end on the day before `start_date`, from History.

    `worked` is the run of days worked ending there (0 if that day is off); `off` the
    run of days off (0 if worked), None when unbounded: no History shift at all.
    Both None when History is not known: the first day is then an edge, exempt.
    """

    worked: int | None
    off: int | None

    @classmethod
    def of(cls, known: bool, days: set[int]) -> _RunsBefore:
        """From whether History is known and the person's days in it."""
        if not known:
            return cls(None, None)
        worked = run_before(days)
        if worked or not days:
            return cls(worked, 0 if worked else None)
        return cls(0, -1 - max(days))


def add(v: RosterVariables) -> Parts:
    model, problem = v.model, v.problem
    excess: list[cp_model.IntVar] = []
    known = history_known(problem)
    history_days = {
        employee_id: {s.day for s in shifts}
        for employee_id, shifts in history_instances(problem).items()
    }
    for p, person in enumerate(problem.staff):
        works = v.works[p]
        before = _RunsBefore.of(known, history_days.get(person.employee_id, set()))
        carried = before.worked or 0  # days of a History run that day 0 would extend
        longest = person.rules.max_consecutive_days
        run_cap = Group("max_consecutive_days", p)
        for first in range(problem.days - longest):
            v.hard(model.add(total(works[first : first + longest + 1]) <= longest), run_cap)
        # A window of longest + 1 days that starts `back` days before start_date.
        for back in range(1, min(carried, longest) + 1):
            if longest - back < problem.days:
                v.hard(model.add(total(works[: longest + 1 - back]) <= longest - back), run_cap)
        for week in weeks(problem):
            days_off = week.min_days_off(person.rules.min_days_off_per_week)
            v.hard(
                model.add(total(works[day] for day in week.days) <= week.n_days - days_off),
                Group("min_days_off", p, week.index),
            )
        shortest_worked = Group("min_consecutive_days", p)
        _shortest_runs(v, shortest_worked, works, person.rules.min_consecutive_days, before.worked)
        v.problems_found.extend(_runs_that_cannot_go_on(v, p, before))
        shortest_off = Group("min_consecutive_days_off", p)
        off = [~w for w in works]
        _shortest_runs(v, shortest_off, off, person.rules.min_consecutive_days_off, before.off)
        if person.rules.max_weekends is not None:
            _weekends(v, p, person.rules.max_weekends)
        # Each window of preferred+1 worked days is one day over the preference, so
        # a run of length L costs L - preferred, as the checker counts it; a window
        # reaching back into History counts when its horizon days are all worked.
        preferred = person.rules.preferred_max_consecutive_days
        if preferred >= longest:
            continue  # the hard limit already keeps every run within the preference
        for first in range(-min(carried, preferred), problem.days - preferred):
            window = works[max(0, first) : first + preferred + 1]
            from_history = max(0, -first)
            over = model.new_bool_var(f"run_p{p}_d{first}")
            model.add(total(window) + from_history - preferred <= over)
            excess.append(over)
    # Fairness is posted from here until `engine.RULE_FAMILIES` lists it itself.
    return {"consecutive_excess_days": total(excess)}


def _runs_that_cannot_go_on(v: RosterVariables, p: int, before: _RunsBefore) -> list[str]:
    """Why the model has no roster, said plainly, when a History run shorter than
    `min_consecutive_days` must go on into a day with no shift open to the person."""
    problem, person = v.problem, v.people[p]
    shortest = person.rules.min_consecutive_days
    if not before.worked or before.worked >= shortest:
        return []
    needed = range(min(shortest - before.worked, problem.days))
    closed = [day for day in needed if not v.x[p][day]]
    if not closed:
        return []
    return [
        f"{person.employee_id} worked {before.worked} day(s) in a row up to "
        f"{problem.date_of(-1)} (History); min_consecutive_days {shortest} needs them on "
        f"{problem.date_of(closed[0])} too, but no shift that day is open to them "
        "(unavailable, rest, not needed, or ShiftLimits)"
    ]


def _shortest_runs(
    v: RosterVariables,
    group: Group,
    on: Sequence[cp_model.LiteralT],
    shortest: int,
    before: int | None,
) -> None:
    """No run of `on` shorter than `shortest`, except runs touching the last day and,
    when `before` is None (History not known), runs touching the first day.

    A run starting on day d > 0 (on[d-1] off, on[d] on) must continue through
    day d + j for each j < shortest that is inside the horizon; a run cut by
    the last day is therefore never constrained. `before` is the length of the
    run of `on` that ends on the day before the horizon (None: unbounded or not
    known): it must reach `shortest` in the horizon, and when it is 0 a run
    starting on day 0 is bound like any other.
    """
    model = v.model
    if before == 0:
        for ahead in range(1, min(shortest, len(on))):
            v.hard(model.add_bool_or([~on[0], on[ahead]]), group)
    elif before is not None:
        for day in range(min(max(0, shortest - before), len(on))):
            v.hard(model.add_bool_or([on[day]]), group)
    for start in range(1, len(on)):
        for ahead in range(1, shortest):
            if start + ahead >= len(on):
                break
            v.hard(model.add_bool_or([on[start - 1], ~on[start], on[start + ahead]]), group)


def _weekends(v: RosterVariables, p: int, most: int) -> None:
    days_of: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for day, worked in enumerate(v.works[p]):
        weekend = weekend_of(v.problem, day)
        if weekend is not None:
            days_of[weekend].append(worked)
    if len(days_of) <= most:
        return
    worked_weekends: list[cp_model.IntVar] = []
    for weekend, days in days_of.items():
        any_day = v.model.new_bool_var(f"weekend_p{p}_d{weekend}")
        v.model.add_max_equality(any_day, days)
        worked_weekends.append(any_day)
    v.hard(v.model.add(total(worked_weekends) <= most), Group("max_weekends", p))

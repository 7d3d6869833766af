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
    cuts = _posts_run_start_cuts(v)
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
        _shortest_runs(
            v, shortest_worked, works, person.rules.min_consecutive_days, before.worked, cuts
        )
        v.problems_found.extend(_runs_that_cannot_go_on(v, p, before))
        shortest_off = Group("min_consecutive_days_off", p)
        off = [~w for w in works]
        _shortest_runs(
            v, shortest_off, off, person.rules.min_consecutive_days_off, before.off, cuts
        )
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
    cuts: bool = False,
) -> None:
    """No run of `on` shorter than `shortest`, except runs touching the last day and,
    when `before` is None (History not known), runs touching the first day; with
    `cuts`, also the redundant run-start inequalities (`_run_start_cuts`).

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
    if shortest > 1 and before in (None, 0) and cuts:
        _run_start_cuts(v, group, on, shortest, first=0 if before == 0 else 1)


#: Post the run-start inequalities of `_run_start_cuts` (a switch, to measure) in
#: models of at most this many choice variables (`x`). Off: measured on Curtois at
#: 60 s, 2 workers, with one other CPU-bound process (docs/benchmarks.md), they helped
#: instance 8 (1635 -> 1510 and 1615 -> 1424 with `engine.EAGER_LP`; 1717 -> 1613
#: without) but on instance 12 (10,452 choices) they made the root LP too large to
#: finish in the minute (bound 2 and 230 instead of 3630-3840), hence the size limit,
#: and below it they made 10 and all of 14-18 worse (e.g. 15: 6662 -> 9227, 18: 6806
#: -> 8173): the LP's bound barely moved, the larger model searched slower.
RUN_START_CUTS = False
RUN_START_CUTS_MAX_CHOICES = 8_000


def _posts_run_start_cuts(v: RosterVariables) -> bool:
    if not RUN_START_CUTS:
        return False
    return sum(len(day_x) for person_x in v.x for day_x in person_x) <= RUN_START_CUTS_MAX_CHOICES


def _run_start_cuts(
    v: RosterVariables,
    group: Group,
    on: Sequence[cp_model.LiteralT],
    shortest: int,
    first: int,
) -> None:
    """Redundant, for the LP: with `starts[t]` = a run of `on` starts on day t (t >= `first`),
    at most one run starts in any `shortest` days ending on day s, and only if `on[s]`.

    Two starts t1 < t2 in those days cannot both be: the run from t1 lasts through
    s >= t2 (or to the last day), so day t2 - 1 is on. The clauses above say the
    same start by start (starts[t] <= on[s]); the sum is the minimum up-time
    inequality of Rajan and Takriti (2005), which with the starts describes the
    convex hull of the runs, so the LP no longer counts two half runs as one.
    `starts[t]` is only bounded below by the start (on[t] and not on[t-1]): any
    roster meets the sums with its exact starts, and a larger value only makes
    them harder to meet, so no roster is gained or lost."""
    model = v.model
    starts: list[cp_model.LinearExprT] = []
    for t in range(len(on)):
        if t < first:
            starts.append(0)
            continue
        if t == 0:  # History known, day before off: a run on day 0 starts there
            starts.append(on[0])
            continue
        # At least the start; more only makes the sums below harder to meet, so
        # a roster always has the exact starts as a solution.
        start = model.new_bool_var(f"run_start_{group.rule}_p{group.person}_d{t}")
        model.add_bool_or([start, on[t - 1], ~on[t]])  # start >= on[t] - on[t-1]
        starts.append(start)
    for s in range(first + 1, len(on)):
        window = starts[max(first, s - shortest + 1) : s + 1]
        if len(window) > 1:
            v.hard(model.add(total(window) <= on[s]), group)


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

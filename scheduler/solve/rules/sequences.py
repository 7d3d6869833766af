"""Runs of days: longest and shortest runs worked, shortest runs off, days off per
week, weekends worked, and days beyond the preferred run (soft)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ortools.sat.python import cp_model

from scheduler.model.calendar import weekend_of, weeks
from scheduler.solve.rules import Parts, total
from scheduler.solve.variables import RosterVariables


def add(v: RosterVariables) -> Parts:
    model, problem = v.model, v.problem
    excess: list[cp_model.IntVar] = []
    for p, person in enumerate(problem.staff):
        works = v.works[p]
        longest = person.rules.max_consecutive_days
        for first in range(problem.days - longest):
            model.add(total(works[first : first + longest + 1]) <= longest)
        for week in weeks(problem):
            days_off = week.min_days_off(person.rules.min_days_off_per_week)
            model.add(total(works[day] for day in week.days) <= week.n_days - days_off)
        _shortest_runs(model, works, person.rules.min_consecutive_days)
        _shortest_runs(model, [~w for w in works], person.rules.min_consecutive_days_off)
        if person.rules.max_weekends is not None:
            _weekends(v, p, person.rules.max_weekends)
        # Each window of preferred+1 worked days is one day over the preference, so
        # a run of length L costs L - preferred, as the checker counts it.
        preferred = person.rules.preferred_max_consecutive_days
        if preferred >= longest:
            continue  # the hard limit already keeps every run within the preference
        for first in range(problem.days - preferred):
            window = works[first : first + preferred + 1]
            over = model.new_bool_var(f"run_p{p}_d{first}")
            model.add(total(window) - preferred <= over)
            excess.append(over)
    return {"consecutive_excess_days": total(excess)}


def _shortest_runs(model: cp_model.CpModel, on: Sequence[cp_model.LiteralT], shortest: int) -> None:
    """No run of `on` shorter than `shortest`, except runs touching either horizon edge.

    A run starting on day d > 0 (on[d-1] off, on[d] on) must continue through
    day d + j for each j < shortest that is inside the horizon; a run cut by
    the last day is therefore never constrained.
    """
    for start in range(1, len(on)):
        for ahead in range(1, shortest):
            if start + ahead >= len(on):
                break
            model.add_bool_or([on[start - 1], ~on[start], on[start + ahead]])


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
    v.model.add(total(worked_weekends) <= most)

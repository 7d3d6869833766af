"""Days worked in a row (hard and preferred) and days off per week."""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler.model.calendar import weeks
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
        # Each window of preferred+1 worked days is one day over the preference, so
        # a run of length L costs L - preferred, as the checker counts it.
        preferred = person.rules.preferred_max_consecutive_days
        for first in range(problem.days - preferred):
            window = works[first : first + preferred + 1]
            over = model.new_bool_var(f"run_p{p}_d{first}")
            model.add(total(window) - preferred <= over)
            excess.append(over)
    return {"consecutive_excess_days": total(excess)}

"""No overlapping shifts and `min_rest_hours` between shifts, in absolute time.

Two shift instances conflict when the later starts before the earlier ends plus
the person's rest. Since a person starts at most one shift a day, all the
conflicting shifts of one later day can share one constraint.

`History` shifts are facts, not variables: the options they rule out (starting
before a history shift's end plus rest) are never made (`variables.HistoryLimits`).
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.model.calendar import day_start
from scheduler.solve.rules import Parts, total
from scheduler.solve.variables import Group, RosterVariables


def add(v: RosterVariables) -> Parts:
    problem = v.problem
    for p, person in enumerate(problem.staff):
        rest = round(person.rules.min_rest_hours * 60)
        shifts = sorted(
            {v.option(k).shift for day_x in v.x[p] for k in day_x},
            key=lambda s: (s.day, s.start),
        )
        for earlier in shifts:
            later_by_day: dict[int, list[cp_model.LinearExprT]] = defaultdict(list)
            for later in shifts:
                if later.day <= earlier.day:
                    continue
                if day_start(problem, later.day) > earlier.end + rest:
                    break
                if later.start < earlier.end + rest:
                    later_by_day[later.day].append(v.on[p][(later.day, later.shift_id)])
            for conflicting in later_by_day.values():
                v.hard(
                    v.model.add(v.on[p][(earlier.day, earlier.shift_id)] + total(conflicting) <= 1),
                    Group("rest", p),
                )
    return {}

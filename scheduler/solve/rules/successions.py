"""`Shifts.forbidden_next`: shifts a person may not start the day after another."""

from __future__ import annotations

from scheduler.solve.rules import Parts, total
from scheduler.solve.variables import Group, RosterVariables


def add(v: RosterVariables) -> Parts:
    problem = v.problem
    for p, person_on in enumerate(v.on):
        for (day, shift_id), worked in person_on.items():
            banned = problem.shift(shift_id).forbidden_next
            following = [person_on[(day + 1, b)] for b in banned if (day + 1, b) in person_on]
            if following:
                # One shift start a day, so one constraint covers every banned successor.
                v.hard(
                    v.model.add(worked + total(following) <= 1),
                    Group("forbidden_next", p, shift_id),
                )
    return {}

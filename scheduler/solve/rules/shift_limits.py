"""`ShiftLimits`: at most so many shifts of one template per person over the horizon.

A limit of 0 is applied when the variables are made (no such option exists).
"""

from __future__ import annotations

from scheduler.solve.rules import Parts, total
from scheduler.solve.variables import Group, RosterVariables


def add(v: RosterVariables) -> Parts:
    index = v.problem.staff_index
    for row, limit in enumerate(v.problem.shift_limits):
        p = index[limit.employee_id]
        of_type = [w for (_, shift_id), w in v.on[p].items() if shift_id == limit.shift_id]
        if limit.max_shifts and len(of_type) > limit.max_shifts:
            v.hard(v.model.add(total(of_type) <= limit.max_shifts), Group("shift_limit", p, row))
    return {}

"""Pins: assignments that must stay. Options that contradict a pin were never
created (see `variables.pin_allows`); here each pin must be worked."""

from __future__ import annotations

from scheduler.solve.rules import Parts, total
from scheduler.solve.variables import RosterVariables


def add(v: RosterVariables) -> Parts:
    problem = v.problem
    index = problem.staff_index
    for pin in problem.pins:
        p, day = index[pin.employee_id], problem.day_of(pin.date)
        matching = [
            var for k, var in v.x[p][day].items() if v.option(k).shift.shift_id == pin.shift_id
        ]
        if not matching:
            v.problems_found.append(
                f"Pins row {pin.row}: {pin.employee_id} cannot work {pin.shift_id} on "
                f"{pin.date.isoformat()} (unavailable, not eligible for the team, or the "
                "shift is not allowed for it)"
            )
        v.model.add(total(matching) == 1)
    return {}

"""Pins: assignments that must stay. Options that contradict a pin were never
created (see `variables.pin_allows`); here each pin must be worked."""

from __future__ import annotations

from scheduler.model.problem import Pin
from scheduler.solve.rules import Parts, total
from scheduler.solve.variables import Group, RosterVariables


def add(v: RosterVariables) -> Parts:
    for row, pin in enumerate(v.problem.pins):
        post(v, row, pin)
    return {}


def post(v: RosterVariables, row: int, pin: Pin) -> None:
    """Pin `row` (its index in `Problem.pins`) must be worked."""
    problem = v.problem
    p, day = problem.staff_index[pin.employee_id], problem.day_of(pin.date)
    matching = [var for k, var in v.x[p][day].items() if v.option(k).shift.shift_id == pin.shift_id]
    if not matching:
        v.problems_found.append(
            f"Pins row {pin.row}: {pin.employee_id} cannot work {pin.shift_id} on "
            f"{pin.date.isoformat()} (unavailable, not eligible for the team, or the "
            "shift is not allowed for it)"
        )
    v.hard(v.model.add(total(matching) == 1), Group("pin", p, row))

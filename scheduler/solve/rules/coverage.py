"""Coverage: units on duty per team, zone and slot against required and target.

`History` units still on duty after `start_date` (a night shift from the day
before) are a fixed number per slot that lowers what the roster must add.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.model.calendar import history_units_on_duty, slots_covered
from scheduler.solve.rules import Parts, total
from scheduler.solve.variables import RosterVariables


def add(v: RosterVariables) -> Parts:
    model, problem = v.model, v.problem
    on_duty: dict[tuple[object, str, int], list[cp_model.IntVar]] = defaultdict(list)
    for option in v.options:
        for slot in slots_covered(problem, option.shift.start, option.shift.end):
            on_duty[(option.team, option.zone, slot)].append(v.units[option.index])
    from_history = history_units_on_duty(problem)

    required_short: list[cp_model.IntVar] = []
    target_short: list[cp_model.IntVar] = []
    for key, need in v.requirements.items():
        team, zone, slot = key
        scheduled = total(on_duty.get(key, [])) + from_history[key]
        if need.required:
            short = model.new_int_var(0, need.required, f"short_{team}_{zone}_{slot}")
            model.add(short >= need.required - scheduled)
            required_short.append(short)
        if need.target:
            short_t = model.new_int_var(0, need.target, f"tshort_{team}_{zone}_{slot}")
            model.add(short_t >= need.target - scheduled)
            target_short.append(short_t)
    return {
        "required_shortfall": total(required_short),
        "target_shortfall": total(target_short),
    }


def most_target_shortfall(v: RosterVariables) -> int:
    return sum(need.target for need in v.requirements.values())

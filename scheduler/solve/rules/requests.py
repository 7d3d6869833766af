"""`prefer_off` and `prefer_on` requests (soft), one item per requested day."""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler.model.calendar import request_in_horizon, requests, time_off_applies
from scheduler.model.problem import TimeOffKind
from scheduler.solve.rules import Parts, total
from scheduler.solve.variables import RosterVariables


def add(v: RosterVariables) -> Parts:
    model, problem = v.model, v.problem
    index = problem.staff_index
    terms: list[cp_model.LinearExprT] = []
    for n, item in enumerate(requests(problem)):
        if not request_in_horizon(problem, item) or not item.weight:
            continue
        p = index[item.employee_id]
        spoken_of = [
            worked
            for (day, shift_id), worked in v.on[p].items()
            if time_off_applies(problem, item, v.instances[(day, shift_id)])
        ]
        missed = model.new_bool_var(f"request_{n}")
        if item.kind is TimeOffKind.PREFER_OFF:
            for worked in spoken_of:
                model.add(worked <= missed)
        else:
            model.add(total(spoken_of) + missed >= 1)
        terms.append(item.weight * missed)
    return {"request_penalty": total(terms)}

"""Paid hours: weekly cap, horizon min and max (hard); contract hours and overtime (soft)."""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler.model.calendar import weeks
from scheduler.solve.rules import Parts, total
from scheduler.solve.variables import RosterVariables


def add(v: RosterVariables) -> Parts:
    model, problem = v.model, v.problem
    contract_terms: list[cp_model.IntVar] = []
    overtime_terms: list[cp_model.LinearExprT] = []
    for p, person in enumerate(problem.staff):
        horizon = v.paid_minutes(p, range(problem.days))
        if person.min_hours_total:
            model.add(horizon >= round(person.min_hours_total * 60))
        if person.max_hours_total is not None:
            model.add(horizon <= round(person.max_hours_total * 60))
        for week in weeks(problem):
            paid = v.paid_minutes(p, week.days)
            most_paid = sum(
                max((v.option(k).shift.paid_minutes for k in v.x[p][day]), default=0)
                for day in week.days
            )
            if person.max_hours_per_week is not None:
                model.add(paid <= round(person.max_hours_per_week * 60))
            contract = round(person.min_hours_per_week * 60 * week.n_days / 7)
            if contract:
                short = model.new_int_var(0, contract, f"contract_p{p}_w{week.index}")
                model.add(short >= contract - paid)
                contract_terms.append(short)
            threshold = round(person.rules.overtime_after_hours * 60)
            rate = person.overtime_rate_cents_per_hour
            if rate and most_paid > threshold:
                overtime = model.new_int_var(0, most_paid - threshold, f"ot_p{p}_w{week.index}")
                model.add(overtime >= paid - threshold)
                overtime_terms.append(rate * overtime)
    return {
        "contract_shortfall_minutes": total(contract_terms),
        "overtime_cost_cent_minutes": total(overtime_terms),
    }

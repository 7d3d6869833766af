"""Paid hours: weekly cap, horizon min and max (hard); contract hours and overtime (soft).

Weeks are the 7-day windows from `start_date`, so `History` adds to no week's hours.
"""

from __future__ import annotations

import math

from ortools.sat.python import cp_model

from scheduler.model.calendar import weeks
from scheduler.solve.bounds import OVERTIME_WEIGHT, SHORT_WEIGHT, add_week_cuts, week_cost
from scheduler.solve.rules import Parts, hiring, total
from scheduler.solve.rules.hiring import hired_literal
from scheduler.solve.variables import Group, RosterVariables


def add(v: RosterVariables) -> Parts:
    model, problem = v.model, v.problem
    contract_terms: list[cp_model.IntVar] = []
    overtime_terms: list[cp_model.LinearExprT] = []
    for p, person in enumerate(problem.staff):
        _horizon_hours(v, p)
        for week in weeks(problem):
            paid = v.paid_minutes(p, week.days)
            most_paid = sum(
                max((v.option(k).shift.paid_minutes for k in v.x[p][day]), default=0)
                for day in week.days
            )
            if person.max_hours_per_week is not None:
                cap = round(person.max_hours_per_week * 60)
                v.hard(model.add(paid <= cap), Group("max_hours_per_week", p, week.index))
            cost: list[cp_model.LinearExprT] = []
            contract = round(person.min_hours_per_week * 60 * week.n_days / 7)
            hired = hired_literal(v, p)
            if contract:
                short = model.new_int_var(0, contract, f"contract_p{p}_w{week.index}")
                # A candidate hire's contract counts only once hired (hiring.py).
                owed = contract if hired is None else contract * hired
                model.add(short >= owed - paid)
                contract_terms.append(short)
                cost.append(SHORT_WEIGHT * short)
            threshold = round(person.rules.overtime_after_hours * 60)
            rate = person.overtime_rate_cents_per_hour
            if rate and most_paid > threshold:
                overtime = model.new_int_var(0, most_paid - threshold, f"ot_p{p}_w{week.index}")
                # A candidate's threshold counts only once hired: the same for integer
                # values (not hired: nothing paid), tighter in the LP (`hiring.py`).
                counted = hired if hiring.PERSPECTIVE else None
                model.add(overtime >= paid - threshold * (1 if counted is None else counted))
                overtime_terms.append(rate * overtime)
                cost.append(OVERTIME_WEIGHT * rate * overtime)
            if cost and hired is None:
                # Redundant: what whole shifts make this week cost at least (bounds.py).
                add_week_cuts(
                    model,
                    total(cost),
                    _by_length(v, p, week.days),
                    week_cost(v.people[p], week.n_days),
                    roster=True,
                )
    return {
        "contract_shortfall_minutes": total(contract_terms),
        "overtime_cost_cent_minutes": total(overtime_terms),
    }


def _by_length(v: RosterVariables, p: int, days: range) -> list[dict[int, list[cp_model.IntVar]]]:
    """Per day, the person's shift Booleans by paid minutes."""
    found: list[dict[int, list[cp_model.IntVar]]] = []
    for day in days:
        by_length: dict[int, list[cp_model.IntVar]] = {}
        for k, var in v.x[p][day].items():
            by_length.setdefault(v.option(k).shift.paid_minutes, []).append(var)
        found.append(by_length)
    return found


#: Post the days-worked bounds implied by whole-horizon hours (a switch, to measure).
DAYS_WORKED_BOUNDS = True


def _horizon_hours(v: RosterVariables, p: int) -> None:
    """Paid minutes over the horizon within the person's min and max, and the days
    worked that this implies: each day worked pays between the shortest and the
    longest of the person's shifts. Redundant, but the LP alone only sees their
    fractional versions (e.g. 15.75 days where 16 are needed)."""
    person, model = v.people[p], v.model
    least = round(person.min_hours_total * 60)
    most = None if person.max_hours_total is None else round(person.max_hours_total * 60)
    if not least and most is None:
        return
    paid = v.paid_minutes(p, range(v.problem.days))
    # A candidate hire's lower bounds hold only once hired (hiring.py).
    hired = hired_literal(v, p)
    enforce = [] if hired is None else [hired]
    at_least, at_most = Group("min_hours_total", p), Group("max_hours_total", p)
    if least:
        v.hard(model.add(paid >= least), at_least).only_enforce_if(enforce)
    if most is not None:
        v.hard(model.add(paid <= most), at_most)
    lengths = {v.option(k).shift.paid_minutes for day_x in v.x[p] for k in day_x}
    if not DAYS_WORKED_BOUNDS or not lengths:
        return
    days_worked = total(v.works[p])
    if least:
        fewest = math.ceil(least / max(lengths))
        v.hard(model.add(days_worked >= fewest), at_least).only_enforce_if(enforce)
    if most is not None and min(lengths) > 0:
        v.hard(model.add(days_worked <= most // min(lengths)), at_most)

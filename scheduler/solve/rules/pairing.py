"""Units: one clinician and one peer on the same option (shift, team and zone).

The roster model only counts: per option, clinicians = peers = units. Who pairs
with whom is decided afterwards (`scheduler.solve.matching`), and that is always
possible because the counts here already guarantee a perfect matching:
- at most `units` trainees (of both roles) per option, so every trainee can get
  a partner who is not a trainee;
- the two people of a `forbid` pair never work the same option.
(With both rules, the bipartite graph of allowed pairs in an option has a
perfect matching: trainees take non-trainees, everyone else pairs freely.)
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.model.problem import PairKind, Role
from scheduler.solve.rules import Parts, total
from scheduler.solve.variables import RosterVariables


def add(v: RosterVariables) -> Parts:
    model, problem = v.model, v.problem
    clinicians_on: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    peers_on: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    trainees_on: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for person, person_x in zip(problem.staff, v.x, strict=True):
        side = clinicians_on if person.role is Role.CLINICIAN else peers_on
        for day_x in person_x:
            for k, var in day_x.items():
                side[k].append(var)
                if person.is_trainee:
                    trainees_on[k].append(var)
    for option in v.options:
        k = option.index
        most = min(len(clinicians_on[k]), len(peers_on[k]))
        units = model.new_int_var(0, most, f"units_o{k}")
        model.add(total(clinicians_on[k]) == units)
        model.add(total(peers_on[k]) == units)
        if trainees_on[k]:
            model.add(total(trainees_on[k]) <= units)
        v.units[k] = units

    index = {person.employee_id: i for i, person in enumerate(problem.staff)}
    for rule in problem.pairs:
        if rule.kind is not PairKind.FORBID:
            continue
        c, p = index[rule.clinician_id], index[rule.peer_id]
        for day in range(problem.days):
            for k in set(v.x[c][day]) & set(v.x[p][day]):
                model.add_at_most_one(v.x[c][day][k], v.x[p][day][k])
    return {}

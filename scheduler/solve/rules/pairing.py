"""Units: one clinician and one peer on the same option (shift, team and zone).

The roster model mostly counts: per option, clinicians = peers = units. Who
pairs with whom is decided afterwards (`scheduler.solve.matching`), and the
constraints here guarantee that a perfect matching exists:
- at most `units` trainees (of both roles) per option, so every trainee can get
  a partner who is not a trainee (everyone else pairs freely);
- the people of a `forbid` pair share an option only when another partner is
  surely there for each of them (see `_forbidden_pairs`).

Stage 2 also sees `Pairs` prefer rules through `preferred_pairs_apart`: the
checker's prefer penalty, assuming stage 3 pairs two people it finds on the
same option (its weights make it do so whenever it can).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from ortools.sat.python import cp_model

from scheduler.model.problem import PairKind, Role
from scheduler.solve.rules import Expr, Parts, total
from scheduler.solve.variables import Group, RosterVariables


def add(v: RosterVariables) -> Parts:
    if v.problem.people_per_unit == 1:
        return _single_person_units(v)
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
        v.hard(model.add(total(clinicians_on[k]) == units), Group("pairing"))
        v.hard(model.add(total(peers_on[k]) == units), Group("pairing"))
        if trainees_on[k]:
            v.hard(model.add(total(trainees_on[k]) <= units), Group("trainee_pair"))
        v.units[k] = units

    _forbidden_pairs(v)
    return {"preferred_pairs_apart": _preferred_pairs_apart(v)}


def _single_person_units(v: RosterVariables) -> Parts:
    """Every person is a unit alone: units = people on the option."""
    people_on: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for person_x in v.x:
        for day_x in person_x:
            for k, var in day_x.items():
                people_on[k].append(var)
    for option in v.options:
        k = option.index
        units = v.model.new_int_var(0, len(people_on[k]), f"units_o{k}")
        v.model.add(total(people_on[k]) == units)
        v.units[k] = units
    return {"preferred_pairs_apart": total([])}


def _forbidden_pairs(v: RosterVariables) -> None:
    """Keep a perfect matching possible on every option despite `forbid` pairs.

    For a forbid pair of two non-trainees who are in no other forbid pair, it is
    enough that their option has at least 2 units when both work it: after the
    trainees take non-trainee partners, the non-trainees left form a complete
    bipartite graph minus disjoint forbidden edges, which has a perfect matching
    unless one forbidden pair is alone (and with trainees present, one of the
    two can swap with a non-trainee who partners a trainee). Any other forbid
    pair (a trainee, or someone in several forbid pairs) never works the same
    option at all: stricter than the rule, and rare.
    """
    model, problem = v.model, v.problem
    index = problem.staff_index
    forbidden = [
        (index[rule.clinician_id], index[rule.peer_id])
        for rule in problem.pairs
        if rule.kind is PairKind.FORBID
    ]
    appearances = Counter(person for pair in forbidden for person in pair)
    for c, p in forbidden:
        simple = appearances[c] == appearances[p] == 1 and not (
            problem.staff[c].is_trainee or problem.staff[p].is_trainee
        )
        for day in range(problem.days):
            for k in sorted(set(v.x[c][day]) & set(v.x[p][day])):
                both_on = [v.x[c][day][k], v.x[p][day][k]]
                if simple:
                    at_least_two = model.add(v.units[k] >= 2)
                    v.hard(at_least_two, Group("forbidden_pair")).only_enforce_if(both_on)
                else:
                    model.add_at_most_one(both_on)


def _preferred_pairs_apart(v: RosterVariables) -> Expr:
    """Per prefer pair and day: (c works) + (p works) - 2 x (both on one option)."""
    model, problem = v.model, v.problem
    index = problem.staff_index
    terms: list[cp_model.LinearExprT] = []
    for rule in problem.pairs:
        if rule.kind is not PairKind.PREFER:
            continue
        c, p = index[rule.clinician_id], index[rule.peer_id]
        can_pair = not (problem.staff[c].is_trainee and problem.staff[p].is_trainee)
        for day in range(problem.days):
            met: list[cp_model.IntVar] = []
            for k in sorted(set(v.x[c][day]) & set(v.x[p][day])) if can_pair else []:
                both = model.new_bool_var(f"met_c{c}_p{p}_o{k}")
                model.add_implication(both, v.x[c][day][k])
                model.add_implication(both, v.x[p][day][k])
                met.append(both)
            terms.append(v.works[c][day] + v.works[p][day] - 2 * total(met))
    return total(terms)

"""Units: one clinician and one peer on the same option, paired explicitly.

Hard: per option, clinicians = peers = units; each working person is in exactly
one pair; a pair shares its option; forbidden pairs and trainee-with-trainee are
never candidates. Soft: extra partners per clinician and week, `Pairs` prefer/avoid.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.model.calendar import weeks
from scheduler.model.problem import PairKind, Role
from scheduler.solve.rules import Expr, Parts, total
from scheduler.solve.variables import RosterVariables, pair_candidates

#: Up to this many (clinician, peer, option) triples, pairs are chosen per option,
#: which gives a much tighter relaxation; above it, one pair variable per day and
#: an equality of the chosen options keeps big programs small.
EXPLICIT_PAIRING_LIMIT = 400_000


def add(v: RosterVariables) -> Parts:
    _units_per_option(v)
    candidates = pair_candidates(v.problem)
    if _explicit_size(v, candidates) <= EXPLICIT_PAIRING_LIMIT:
        _pair_per_option(v, candidates)
    else:
        _pair_per_day(v, candidates)
    partners: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for (c, p, day), paired in v.pair.items():
        partners[(c, day)].append(paired)
        partners[(p, day)].append(paired)
    for person in range(len(v.problem.staff)):
        for day in range(v.problem.days):
            v.model.add(total(partners[(person, day)]) == v.works[person][day])
    return {
        "extra_partners": _extra_partners(v),
        "pair_preference_penalty": _pair_preferences(v),
    }


def _units_per_option(v: RosterVariables) -> None:
    clinicians_on: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    peers_on: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for person, person_x in zip(v.problem.staff, v.x, strict=True):
        side = clinicians_on if person.role is Role.CLINICIAN else peers_on
        for day_x in person_x:
            for k, var in day_x.items():
                side[k].append(var)
    for option in v.options:
        k = option.index
        most = min(len(clinicians_on[k]), len(peers_on[k]))
        units = v.model.new_int_var(0, most, f"units_o{k}")
        v.model.add(total(clinicians_on[k]) == units)
        v.model.add(total(peers_on[k]) == units)
        v.units[k] = units


def _shared_options(v: RosterVariables, c: int, p: int, day: int) -> list[int]:
    return sorted(set(v.x[c][day]) & set(v.x[p][day]))


def _explicit_size(v: RosterVariables, candidates: list[tuple[int, int]]) -> int:
    return sum(
        len(_shared_options(v, c, p, day)) for c, p in candidates for day in range(v.problem.days)
    )


def _pair_per_option(v: RosterVariables, candidates: list[tuple[int, int]]) -> None:
    """`pair_on[c, p, option]`: each person on an option is in one pair on that option."""
    model = v.model
    on_option: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for c, p in candidates:
        for day in range(v.problem.days):
            shared = _shared_options(v, c, p, day)
            if not shared:
                continue
            paired = model.new_bool_var(f"pair_c{c}_p{p}_d{day}")
            together = [model.new_bool_var(f"y_c{c}_p{p}_o{k}") for k in shared]
            model.add(total(together) == paired)
            for k, var in zip(shared, together, strict=True):
                v.pair_on[(c, p, k)] = var
                on_option[(c, k)].append(var)
                on_option[(p, k)].append(var)
            v.pair[(c, p, day)] = paired
    for person, person_x in enumerate(v.x):
        for day_x in person_x:
            for k, var in day_x.items():
                model.add(total(on_option[(person, k)]) == var)


def _pair_per_day(v: RosterVariables, candidates: list[tuple[int, int]]) -> None:
    """`pair[c, p, day]` with the chosen options equal: one constraint per pair and day."""
    model = v.model
    # The option a person takes on a day, as one integer (0 = off).
    chosen = [
        [cp_model.LinearExpr.weighted_sum(list(d.values()), list(d)) for d in person_x]
        for person_x in v.x
    ]
    for c, p in candidates:
        for day in range(v.problem.days):
            if not _shared_options(v, c, p, day):
                continue
            paired = model.new_bool_var(f"pair_c{c}_p{p}_d{day}")
            model.add(chosen[c][day] == chosen[p][day]).only_enforce_if(paired)
            v.pair[(c, p, day)] = paired


def _extra_partners(v: RosterVariables) -> Expr:
    model, problem = v.model, v.problem
    used_by_key: dict[tuple[int, int, int], list[cp_model.IntVar]] = defaultdict(list)
    for (c, p, day), paired in v.pair.items():
        used_by_key[(c, p, day // 7)].append(paired)
    by_clinician_week: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for (c, p, week_index), paired_days in sorted(used_by_key.items()):
        used = model.new_bool_var(f"used_c{c}_p{p}_w{week_index}")
        for paired in paired_days:
            model.add_implication(paired, used)
        by_clinician_week[(c, week_index)].append(used)
    all_weeks = weeks(problem)
    terms: list[Expr] = []
    for (c, week_index), used_pairs in sorted(by_clinician_week.items()):
        worked_any = model.new_bool_var(f"worked_c{c}_w{week_index}")
        model.add_max_equality(worked_any, [v.works[c][day] for day in all_weeks[week_index].days])
        # Implied (a working clinician has a partner) but it keeps the bound >= 0.
        model.add(total(used_pairs) >= worked_any)
        terms.append(total(used_pairs) - worked_any)
    return total(terms)


def _pair_preferences(v: RosterVariables) -> Expr:
    problem = v.problem
    index = {person.employee_id: i for i, person in enumerate(problem.staff)}
    terms: list[cp_model.LinearExprT] = []
    for rule in problem.pairs:
        c, p = index[rule.clinician_id], index[rule.peer_id]
        for day in range(problem.days):
            paired = v.pair.get((c, p, day))
            together = [] if paired is None else [paired]
            if rule.kind is PairKind.AVOID:
                terms.extend(together)
            elif rule.kind is PairKind.PREFER:
                terms.append(v.works[c][day] + v.works[p][day] - 2 * total(together))
    return total(terms)

"""Stage 3: who pairs with whom, once everyone's shift, team and zone are fixed.

Within each option the clinicians and peers are matched one to one, never a
`forbid` pair and never two trainees, minimising (in objective points) partner
changes within a week and `Pairs` prefer/avoid breaches. The counting rules of
the roster model guarantee a perfect matching exists (see `rules.pairing`).

When repairing a roster, the pairs of the baseline still on one option are kept
first: each one split outweighs every other pairing term together.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.model.calendar import week_of_day
from scheduler.model.objective import STAGE2_WEIGHTS
from scheduler.model.problem import PairKind, Problem, Role
from scheduler.model.stop import StopToken, never_stopped
from scheduler.solve.rules import total
from scheduler.solve.stoppable import search_stoppably
from scheduler.solve.variables import Option

#: The people of each unit per option index: (clinician, peer), or (person,) alone.
Pairs = dict[int, list[tuple[int, ...]]]
#: (clinician, peer, option index) of units to keep together when they can be.
PreviousPairs = set[tuple[int, int, int]] | frozenset[tuple[int, int, int]]


@dataclass(frozen=True)
class MatchingResult:
    pairs: Pairs
    optimal: bool
    partners_used: int  # distinct (clinician, peer, week) pairings
    avoided_together: int  # units of an `avoid` pair
    preferred_together: int  # units of a `prefer` pair


def match_units(
    problem: Problem,
    options: list[Option],
    people_on: dict[int, list[int]],
    params_seconds: float,
    workers: int,
    seed: int,
    deterministic: bool,
    previous_pairs: PreviousPairs = frozenset(),
    *,
    stop: StopToken | None = None,
) -> MatchingResult:
    """Pair the people on each option; `people_on[option index]` lists person indexes.

    `previous_pairs` (a repair's baseline units) are kept together before anything else."""
    model = cp_model.CpModel()
    forbidden, preferred, avoided = _pair_kinds(problem)
    # Any valid pairing, found in plain Python: the search's first solution, and
    # the answer when the search gets no time (very large programs).
    fallback = _any_pairing(problem, people_on, forbidden, previous_pairs)
    together: dict[tuple[int, int, int], cp_model.IntVar] = {}
    for k, people in sorted(people_on.items()):
        partners_of: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        clinicians = [i for i in people if problem.staff[i].role is Role.CLINICIAN]
        peers = [i for i in people if problem.staff[i].role is Role.PEER]
        for c in clinicians:
            for p in peers:
                both_trainees = problem.staff[c].is_trainee and problem.staff[p].is_trainee
                if (c, p) in forbidden or both_trainees:
                    continue
                var = model.new_bool_var(f"y_c{c}_p{p}_o{k}")
                together[(c, p, k)] = var
                partners_of[c].append(var)
                partners_of[p].append(var)
        for person in people:
            model.add_exactly_one(partners_of[person])

    # Partners used per clinician and week: fewer is a steadier pair.
    used: dict[tuple[int, int, int], cp_model.IntVar] = {}
    for (c, p, k), var in together.items():
        key = (c, p, week_of_day(options[k - 1].shift.day))
        if key not in used:
            used[key] = model.new_bool_var(f"used_c{c}_p{p}_w{key[2]}")
        model.add_implication(var, used[key])
    prefer_terms = [var for (c, p, _), var in together.items() if (c, p) in preferred]
    avoid_terms = [var for (c, p, _), var in together.items() if (c, p) in avoided]
    partners_weight = STAGE2_WEIGHTS["extra_partners"]
    preference_weight = STAGE2_WEIGHTS["pair_preference_penalty"]
    kept_terms = [var for key, var in together.items() if key in previous_pairs]
    # One baseline pair kept is worth more than the widest swing of the other terms.
    keep_weight = (
        1
        + partners_weight * len(used)
        + preference_weight * (len(avoid_terms) + 2 * len(prefer_terms))
    )
    model.minimize(
        partners_weight * total(used.values())
        + preference_weight * (total(avoid_terms) - 2 * total(prefer_terms))
        - keep_weight * total(kept_terms)
    )
    chosen = {(c, p, k) for k, units in fallback.items() for c, p in units}
    for key, var in together.items():
        model.add_hint(var, key in chosen)
    used_by_fallback = {(c, p, week_of_day(options[k - 1].shift.day)) for c, p, k in chosen}
    for key, var in used.items():
        model.add_hint(var, key in used_by_fallback)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    # CP-SAT's own Ctrl-C handler would replace the command line's (scheduler.interrupt).
    solver.parameters.catch_sigint_signal = False
    if deterministic:
        solver.parameters.interleave_search = True
        solver.parameters.max_deterministic_time = max(0.1, params_seconds)
    else:
        solver.parameters.max_time_in_seconds = max(0.1, params_seconds)
    # Pairs the roster even after a stop (a short search: the engine gives it 0.25 s).
    status = search_stoppably(solver, model, start_if_stopped=True, stop=never_stopped(stop))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # no time to search
        return MatchingResult(
            pairs=fallback,
            optimal=False,
            partners_used=len(used_by_fallback),
            avoided_together=sum(1 for c, p, _ in chosen if (c, p) in avoided),
            preferred_together=sum(1 for c, p, _ in chosen if (c, p) in preferred),
        )
    pairs: Pairs = defaultdict(list)
    for (c, p, k), var in sorted(together.items()):
        if solver.boolean_value(var):
            pairs[k].append((c, p))
    return MatchingResult(
        pairs=dict(pairs),
        optimal=status == cp_model.OPTIMAL,
        partners_used=sum(solver.boolean_value(var) for var in used.values()),
        avoided_together=sum(solver.boolean_value(var) for var in avoid_terms),
        preferred_together=sum(solver.boolean_value(var) for var in prefer_terms),
    )


def _any_pairing(
    problem: Problem,
    people_on: dict[int, list[int]],
    forbidden: set[tuple[int, int]],
    previous_pairs: PreviousPairs = frozenset(),
) -> Pairs:
    """A perfect matching per option, never a forbid pair or two trainees. The roster
    model's counting rules guarantee one exists. Each clinician tries their previous
    partner first, so most previous pairs stay."""
    pairs: Pairs = {}
    for k, people in sorted(people_on.items()):
        clinicians = [i for i in people if problem.staff[i].role is Role.CLINICIAN]
        peers = [i for i in people if problem.staff[i].role is Role.PEER]
        allowed: dict[int, list[int]] = {}
        for c in clinicians:
            candidates = [
                p
                for p in peers
                if (c, p) not in forbidden
                and not (problem.staff[c].is_trainee and problem.staff[p].is_trainee)
            ]
            previous = [p for p in candidates if (c, p, k) in previous_pairs]
            allowed[c] = previous + [p for p in candidates if p not in previous]
        clinician_of: dict[int, int] = {}  # peer -> clinician
        if len(clinicians) != len(peers) or not all(
            _augment(c, allowed, clinician_of, set()) for c in clinicians
        ):
            # Cannot happen when the roster model's counting rules hold.
            raise RuntimeError(f"no valid pairing on option {k}")
        pairs[k] = sorted((c, p) for p, c in clinician_of.items())
    return pairs


def _augment(
    c: int, allowed: dict[int, list[int]], clinician_of: dict[int, int], seen: set[int]
) -> bool:
    """Kuhn's augmenting path from clinician c; updates `clinician_of` when found."""
    for p in allowed[c]:
        if p in seen:
            continue
        seen.add(p)
        if p not in clinician_of or _augment(clinician_of[p], allowed, clinician_of, seen):
            clinician_of[p] = c
            return True
    return False


def _pair_kinds(
    problem: Problem,
) -> tuple[set[tuple[int, int]], set[tuple[int, int]], set[tuple[int, int]]]:
    index = problem.staff_index
    kinds: dict[PairKind, set[tuple[int, int]]] = defaultdict(set)
    for rule in problem.pairs:
        kinds[rule.kind].add((index[rule.clinician_id], index[rule.peer_id]))
    return kinds[PairKind.FORBID], kinds[PairKind.PREFER], kinds[PairKind.AVOID]

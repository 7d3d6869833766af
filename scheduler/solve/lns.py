"""Large-neighbourhood search around CP-SAT with rostering neighbourhoods.

Each move frees the roster cells of one neighbourhood (a few people's whole
horizon, a window of days for everyone, a block of people x days, two shift
types over a window, the weekends of some people), fixes every other person-day
choice at the current roster's value, and lets CP-SAT solve the rest of the
already-built model exactly as posted (a copy of its proto with those
variables' domains fixed). Only the choice variables are fixed: counts,
shortfalls and penalties follow from them, so every roster a move returns is a
roster of the whole model, with every hard rule. A move is accepted when it
lowers the objective; the neighbourhood size adapts per kind (larger after a
move that was searched to the end, smaller after one that ran out of time).

Several moves run at once on threads (CP-SAT releases the GIL while it solves),
each one worker; a move that improves on the best at its end replaces it
whole, so rosters never mix.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler.model.stop import StopToken, never_stopped
from scheduler.solve.variables import RosterVariables

#: Neighbourhood kinds, drawn uniformly.
KINDS = ("people", "days", "block", "shifts", "weekends")

#: Share of all choice variables a move starts by freeing, and its limits.
START_SHARE = 0.06
MIN_SHARE = 0.005
MAX_SHARE = 0.5
GROW, SHRINK = 1.25, 0.7

#: Seconds one move may take (a move rarely needs more: it is a small problem).
MOVE_SECONDS = 3.0


@dataclass
class LnsOutcome:
    values: list[int]  # every model variable, in proto order
    objective: int
    moves: int = 0
    improvements: int = 0
    seconds_to_best: float | None = None
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [moves, improved]


class _Cells:
    """The choice variables of the model, indexed by person, day and shift."""

    def __init__(self, v: RosterVariables) -> None:
        problem = v.problem
        self.people = len(v.x)
        self.days = problem.days
        # (person, day) -> [(proto index, shift_id)]
        self.cell: dict[tuple[int, int], list[tuple[int, str]]] = {}
        for person, person_x in enumerate(v.x):
            for day, day_x in enumerate(person_x):
                if day_x:
                    self.cell[(person, day)] = [
                        (var.index, v.option(k).shift.shift_id) for k, var in day_x.items()
                    ]
        self.indices = [i for choices in self.cell.values() for i, _ in choices]
        self.shift_ids = sorted({s for choices in self.cell.values() for _, s in choices})
        self.weekend_days = [
            day for day in range(problem.days) if problem.date_of(day).weekday() >= 5
        ]

    def free(self, kind: str, share: float, rng: random.Random) -> set[int]:
        """Proto indices of the choice variables a `kind` move of about `share` frees."""
        wanted = max(1, int(share * len(self.indices)))
        people, days = self.people, self.days
        if kind == "people":
            count = max(1, round(wanted * people / max(1, len(self.indices))))
            chosen = rng.sample(range(people), min(people, count))
            return self._cells(chosen, range(days))
        if kind == "days":
            length = max(1, min(days, round(wanted * days / max(1, len(self.indices)))))
            first = rng.randrange(days - length + 1)
            return self._cells(range(people), range(first, first + length))
        if kind == "block":
            length = min(days, rng.choice((7, 14)))
            first = rng.randrange(days - length + 1)
            per_person = max(1, len(self.indices) * length // (days * max(1, people)))
            count = max(1, min(people, wanted // per_person))
            return self._cells(rng.sample(range(people), count), range(first, first + length))
        if kind == "shifts":
            shifts = set(rng.sample(self.shift_ids, min(2, len(self.shift_ids))))
            share_of_shifts = len(shifts) / max(1, len(self.shift_ids))
            length = max(1, min(days, round(days * min(1.0, share / share_of_shifts))))
            first = rng.randrange(days - length + 1)
            return {
                index
                for (_, day), choices in self.cell.items()
                if first <= day < first + length
                for index, shift_id in choices
                if shift_id in shifts
            }
        # weekends: every weekend day of some people
        weekend = self.weekend_days or list(range(days))
        per_person = max(1, len(self.indices) * len(weekend) // (days * max(1, people)))
        count = max(1, min(people, wanted // per_person))
        return self._cells(rng.sample(range(people), count), weekend)

    def _cells(self, people: object, days: range | list[int]) -> set[int]:
        free: set[int] = set()
        for person in people:  # type: ignore[attr-defined]
            for day in days:
                for index, _ in self.cell.get((person, day), ()):
                    free.add(index)
        return free


def improve(
    v: RosterVariables,
    values: list[int],
    objective: int,
    deadline: float,
    seed: int = 0,
    threads: int = 2,
    on_improve: Callable[[int, cp_model.CpSolver], None] | None = None,
    *,
    stop: StopToken | None = None,
) -> LnsOutcome:
    """Improve the roster `values` (a solution of `v.model`, whose objective is set and
    equals `objective` there) by moves until `deadline` (`time.monotonic()`).

    `on_improve(objective, solver)` is called under a lock with each new best; the
    solver holds that roster (its expressions read it by the model's own indices).
    """
    stop = never_stopped(stop)
    cells = _Cells(v)
    base = v.model.proto
    best = LnsOutcome(values=list(values), objective=objective)
    if not cells.indices:
        return best
    lock = threading.Lock()
    shares = dict.fromkeys(KINDS, START_SHARE)
    best.by_kind = {kind: [0, 0] for kind in KINDS}
    started = time.monotonic()

    def worker(number: int) -> None:
        rng = random.Random(seed * 1009 + number)
        while True:
            left = deadline - time.monotonic()
            if left < 0.2 or stop.requested:
                return
            with lock:
                current = best.values
            kind = rng.choice(KINDS)
            free = cells.free(kind, shares[kind], rng)
            sub = cp_model.CpModel()
            sub.proto.copy_from(base)
            variables = sub.proto.variables
            for index in cells.indices:
                if index not in free:
                    domain = variables[index].domain
                    domain.clear()
                    domain.extend((current[index], current[index]))
            sub.proto.clear_solution_hint()
            sub.proto.solution_hint.vars.extend(range(len(current)))
            sub.proto.solution_hint.values.extend(current)
            solver = cp_model.CpSolver()
            solver.parameters.num_workers = 1
            solver.parameters.catch_sigint_signal = False
            solver.parameters.random_seed = rng.randrange(1 << 30)
            solver.parameters.max_time_in_seconds = min(MOVE_SECONDS, left)
            status = solver.solve(sub)
            found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
            with lock:
                best.moves += 1
                best.by_kind[kind][0] += 1
                if status == cp_model.OPTIMAL:
                    shares[kind] = min(MAX_SHARE, shares[kind] * GROW)
                elif status != cp_model.INFEASIBLE:
                    shares[kind] = max(MIN_SHARE, shares[kind] * SHRINK)
                if found and round(solver.objective_value) < best.objective:
                    best.values = list(solver.response_proto.solution)
                    best.objective = round(solver.objective_value)
                    best.improvements += 1
                    best.by_kind[kind][1] += 1
                    best.seconds_to_best = time.monotonic() - started
                    if on_improve is not None:
                        on_improve(best.objective, solver)

    workers = [threading.Thread(target=worker, args=(n,)) for n in range(max(1, threads))]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return best


__all__ = ["KINDS", "LnsOutcome", "improve"]

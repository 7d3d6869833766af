"""Build the model from the rule families, solve in three stages, read the roster back.

Stage 1 minimises coverage shortfall (required strictly before target). Stage 2
keeps that coverage and minimises the weighted cost parts, warm-started from
stage 1. Stage 3 pairs the people on each shift, team and zone into units.

Repair (a `baseline` roster): stage 1 becomes required shortfall, then the
number of changes against the baseline, then target shortfall; the baseline's
units that can stay are the hint, and stage 3 keeps baseline pairs first.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.model.objective import COST_PARTS, STAGE1_PARTS, STAGE2_WEIGHTS, stage2_total
from scheduler.model.problem import PairKind, Problem, Role
from scheduler.model.report import ObjectiveParts
from scheduler.model.result import HireLimits, ProgressEvent, SolveParams, SolveResult, SolveStatus
from scheduler.model.roster import Assignment, Roster
from scheduler.model.stop import StopToken, never_stopped
from scheduler.solve.bounds import build_relaxation, relaxation_applies
from scheduler.solve.construct import (
    Chosen,
    add_hint,
    construct,
    planned_construct,
    rebalance,
    roster_choices,
    shortfall,
)
from scheduler.solve.lp import lp_bound
from scheduler.solve.matching import MatchingResult, Pairs, match_units
from scheduler.solve.rules import (
    Expr,
    changes,
    coverage,
    fairness,
    hiring,
    hours,
    pairing,
    pins,
    requests,
    rest,
    sequences,
    shift_cover,
    shift_limits,
    successions,
    total,
    zones,
)
from scheduler.solve.stoppable import search_stoppably
from scheduler.solve.tiling import tiling
from scheduler.solve.variables import RosterVariables, build_variables

ProgressHandler = Callable[[ProgressEvent], None]

#: Rule families in the order they are posted (pairing first: it creates units).
#: `changes` follows them when repairing: it needs the baseline roster and cutoff.
RULE_FAMILIES = (
    pairing,
    coverage,
    shift_cover,
    pins,
    rest,
    successions,
    shift_limits,
    hours,
    sequences,
    fairness,
    requests,
    zones,
    hiring,  # adds nothing without candidate hires (`plan`)
)


@dataclass
class BuiltModel:
    variables: RosterVariables
    parts: dict[str, Expr]
    stage1: Expr  # required shortfall strictly before (changes, then) target shortfall
    stage2: Expr  # the weighted cost parts plus the prefer-pair estimate
    # Coverage alone, required strictly before target: what `stage1_objective` reports.
    coverage: Expr
    target_base: int  # what one required unit-slot weighs in `coverage`
    required_weight: int  # ... and in `stage1` (more than everything after it)
    # `plan` only: annual hire cost plus annualised overtime, strictly before target
    # shortfall; minimised between stage 1 (then required shortfall alone) and stage 2.
    plan_objective: Expr | None = None


def build_model(
    problem: Problem,
    baseline: Roster | None = None,
    frozen_before: dt.datetime | None = None,
    hire_limits: HireLimits | None = None,
) -> BuiltModel:
    """The roster model; with a `baseline`, also the change count (stage 1, after required
    coverage); with `frozen_before`, no shift starting before it but pinned ones; with
    `hire_limits` (`plan`), the plan stage and the limits on candidate hires."""
    model = cp_model.CpModel()
    variables = build_variables(problem, model)
    parts: dict[str, Expr] = {}
    for family in RULE_FAMILIES:
        parts.update(family.add(variables))
    if baseline is not None or frozen_before is not None:
        cutoff = None if frozen_before is None else problem.minute_of(frozen_before)
        parts.update(changes.add(variables, baseline, cutoff))
    target_base = coverage.most_target_shortfall(variables) + 1
    covered = parts["required_shortfall"] * target_base + parts["target_shortfall"]
    stage1, required_weight = covered, target_base
    if baseline is not None:
        # Lexicographic by weights from bounds: every change outweighs all target
        # unit-slots, every required unit-slot outweighs all changes and targets.
        required_weight = target_base * (changes.most_changes(variables, baseline) + 1)
        stage1 = (
            parts["required_shortfall"] * required_weight
            + parts["changes"] * target_base
            + parts["target_shortfall"]
        )
    plan_objective: Expr | None = None
    if hire_limits is not None:
        hiring.limit(variables, parts, hire_limits)
        # Hires are bought for required coverage only; targets break cost ties.
        stage1, required_weight = parts["required_shortfall"], 1
        plan_objective = plan_cost(problem, parts) * target_base + parts["target_shortfall"]
    cost = total(STAGE2_WEIGHTS[name] * parts[name] for name in COST_PARTS)
    preference = STAGE2_WEIGHTS["pair_preference_penalty"] * parts["preferred_pairs_apart"]
    return BuiltModel(
        variables,
        parts,
        stage1,
        cost + preference,
        covered,
        target_base,
        required_weight,
        plan_objective,
    )


#: `plan_cost` is in cents x 60 x days: a year's currency unit is this x days of it.
PLAN_COST_CENTS_PER_UNIT = 100 * 60


def plan_cost(problem: Problem, parts: dict[str, Expr]) -> Expr:
    """Annual hire cost plus overtime annualised from the horizon, in cents x 60 x days:
    hire cents x 60 x days + overtime cent-minutes x 365 (integers, exactly)."""
    hire_cents = parts.get("hire_cost_cents", total([]))
    return hire_cents * (60 * problem.days) + parts["overtime_cost_cent_minutes"] * 365


class _Progress(cp_model.CpSolverSolutionCallback):
    """Reports each improving solution; counts time from the overall start."""

    def __init__(
        self, stage: int, started: float, handler: ProgressHandler | None, built: BuiltModel
    ) -> None:
        super().__init__()
        self.stage = stage
        self.started = started
        self.handler = handler
        self.built = built
        self.first_at: float | None = None
        self.floor = 0.0  # a bound proven otherwise (the relaxation, bounds.py)

    def on_solution_callback(self) -> None:
        now = time.monotonic() - self.started
        if self.first_at is None:
            self.first_at = now
        if self.handler is not None:
            parts = self.built.parts
            self.handler(
                ProgressEvent(
                    self.stage,
                    now,
                    self.objective_value,
                    max(self.floor, self.best_objective_bound),
                    required_shortfall=int(self.value(parts["required_shortfall"])),
                    target_shortfall=int(self.value(parts["target_shortfall"])),
                )
            )


#: Full-search workers, best first. With 2 workers one thread runs the first (the
#: LP-heavy worker: it proves the bounds and, guided by the LP, finds good rosters)
#: and the other CP-SAT's own large-neighbourhood search and feasibility jump,
#: which share rosters with it. Measured on the Curtois instances at 60 s against
#: two full workers and against our own LNS thread (docs/benchmarks.md).
FULL_SEARCH = ("max_lp", "no_lp", "max_lp_sym", "quick_restart", "reduced_costs", "core")


#: Simplex iterations the root LP may take in one go (CP-SAT's default is 2,000).
ROOT_LP_ITERATIONS = 1_000_000

#: Give the LP every linear constraint from the start (CP-SAT's default adds them
#: lazily, in batches, as the LP solution violates them). Off: with one worker,
#: instance 12's root LP took 20-25 s where the default had not finished in 70 s,
#: but at 60 s (2 workers, seeds 0 and 1) it was better on five runs of Curtois 5,
#: 8, 10 and 12 and worse on three, and on 14-18 better on four and worse on six
#: (docs/benchmarks.md), so it stays a switch to measure with.
EAGER_LP = False


def _solver(
    params: SolveParams, seconds: float, full_search: tuple[str, ...] = FULL_SEARCH
) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = params.workers
    # CP-SAT's own Ctrl-C handler would stop a search without telling us, and
    # leaves SIGINT at its default (process killed) afterwards: see `search_stoppably`.
    solver.parameters.catch_sigint_signal = False
    solver.parameters.random_seed = params.seed
    solver.parameters.log_search_progress = params.log
    # Solve the root LP to the end before searching: in chunks of the default
    # 2,000 iterations, the LP of Curtois instance 12 was never optimal in 60 s
    # (bound 4, 39% above the optimum); solved whole, it gives a bound within 2%
    # of the optimum by 30 s and guides the search (docs/benchmarks.md).
    solver.parameters.root_lp_iterations = ROOT_LP_ITERATIONS
    if EAGER_LP:
        solver.parameters.add_lp_constraints_lazily = False
    if params.workers == 1:
        solver.parameters.linearization_level = 2
    else:
        # Half the threads search the whole problem, the rest improve rosters (LNS).
        full = max(1, params.workers // 2)
        solver.parameters.num_full_subsolvers = full
        solver.parameters.subsolvers.extend(full_search[:full])
    if params.deterministic:
        # Wall-clock limits make parallel search depend on timing; deterministic
        # time and interleaved workers make the same input give the same roster.
        solver.parameters.interleave_search = True
        solver.parameters.max_deterministic_time = max(0.1, seconds)
    else:
        solver.parameters.max_time_in_seconds = max(0.1, seconds)
    return solver


def _people_on(v: RosterVariables, solver: cp_model.CpSolver) -> dict[int, list[int]]:
    people_on: dict[int, list[int]] = defaultdict(list)
    for person, person_x in enumerate(v.x):
        for day_x in person_x:
            for k, var in day_x.items():
                if solver.boolean_value(var):
                    people_on[k].append(person)
    return dict(people_on)


def _alone(people_on: dict[int, list[int]]) -> MatchingResult:
    """Units of one person: each person on an option is a unit."""
    units: Pairs = {k: [(p,) for p in people] for k, people in people_on.items()}
    return MatchingResult(
        pairs=units, optimal=True, partners_used=0, avoided_together=0, preferred_together=0
    )


def _roster(problem: Problem, v: RosterVariables, pairs: Pairs) -> Roster:
    rows: list[Assignment] = []
    for k in sorted(pairs):
        option = v.option(k)
        shift = option.shift
        date = problem.date_of(shift.day)
        ordered = sorted(pairs[k], key=lambda unit: problem.staff[unit[0]].employee_id)
        for n, members in enumerate(ordered, start=1):
            unit_id = f"{date:%Y%m%d}-{shift.shift_id}-{option.team}-{option.zone}-{n}"
            for person_index in members:
                person = problem.staff[person_index]
                rows.append(
                    Assignment(
                        date=date,
                        shift_id=shift.shift_id,
                        start=problem.moment(shift.start),
                        end=problem.moment(shift.end),
                        team=option.team,
                        zone=option.zone,
                        unit_id=unit_id,
                        employee_id=person.employee_id,
                        role=person.role,
                    )
                )
    return Roster(assignments=tuple(rows)).sorted()


def _pairing_parts(
    problem: Problem, v: RosterVariables, solver: cp_model.CpSolver, matching: MatchingResult
) -> dict[str, int]:
    """The pairing parts, counted exactly as the checker defines them."""
    clinician_weeks = {
        (person, day // 7)
        for person, (staff, person_works) in enumerate(zip(problem.staff, v.works, strict=True))
        if staff.role is Role.CLINICIAN
        for day, worked in enumerate(person_works)
        if solver.boolean_value(worked)
    }
    index = problem.staff_index
    prefer_days = sum(
        solver.boolean_value(v.works[index[rule.clinician_id]][day])
        + solver.boolean_value(v.works[index[rule.peer_id]][day])
        for rule in problem.pairs
        if rule.kind is PairKind.PREFER
        for day in range(problem.days)
    )
    return {
        "extra_partners": matching.partners_used - len(clinician_weeks),
        "pair_preference_penalty": (
            matching.avoided_together + prefer_days - 2 * matching.preferred_together
        ),
    }


#: Hint stage 1 with the greedy roster of `construct` (a switch, to measure without it).
USE_CONSTRUCTIVE_HINT = True


#: Seconds left to pairing (stage 3) once a stop was requested: the roster must
#: still be paired, and the fallback pairing is always there if this runs out.
#: Short, since zone groups after the stop each pair their constructed roster.
STOPPED_PAIRING_SECONDS = 0.25


def _final_status(optimal: bool, stop: StopToken) -> SolveStatus:
    if stop.requested:
        return SolveStatus.INTERRUPTED
    return SolveStatus.OPTIMAL if optimal else SolveStatus.FEASIBLE


def _hint_from(model: cp_model.CpModel, solver: cp_model.CpSolver) -> None:
    model.clear_hints()  # type: ignore[no-untyped-call]
    for index in range(len(model.proto.variables)):
        var = model.get_int_var_from_proto_index(index)
        model.add_hint(var, solver.value(var))


def solve(
    problem: Problem,
    params: SolveParams | None = None,
    on_progress: ProgressHandler | None = None,
    baseline: Roster | None = None,
    frozen_before: dt.datetime | None = None,
    hire_limits: HireLimits | None = None,
    hint: Roster | None = None,
    *,
    stop: StopToken | None = None,
) -> SolveResult:
    """Solve `problem`. With a `baseline` roster, repair it: change as few of its
    assignments as required coverage allows; with `frozen_before`, nobody starts a
    shift before it unless pinned (the repair pins the baseline's started shifts).
    With `hire_limits` (`scheduler.plan`): required shortfall, then the plan cost
    (hires and overtime, a year), then the usual stage 2. A `hint` roster (zone
    groups' merged roster, or the part of it the groups found) starts the greedy
    roster that warm-starts stage 1: its units go first where the rules let them,
    the greedy fills the rest; the plain greedy roster is the hint after all when
    it covers more, or when the other cannot be completed into a solution. A
    requested `stop` ends the running search and skips the stages after it: the
    best roster so far."""
    params = params or SolveParams()
    stop = never_stopped(stop)
    started = time.monotonic()
    built = build_model(problem, baseline, frozen_before, hire_limits)
    v, model = built.variables, built.variables.model
    proto_size = (len(model.proto.variables), len(model.proto.constraints))
    if v.problems_found:
        return _empty(SolveStatus.INFEASIBLE, params, started, proto_size, v.problems_found)

    rows = [] if baseline is None else changes.baseline_rows(v, baseline)
    # A repair always has a stage 1: the change count, even without demand.
    has_stage1 = bool(v.requirements) or baseline is not None
    pairs_units = problem.people_per_unit == 2
    choices = _plain_priced_choices(built, v)
    relax = _relaxes(choices)
    # The tiled start and the hand-overs (`_fewer_hours_start`), timed by the clock:
    # not in deterministic mode, whose rosters must not depend on it.
    hands_over = choices >= HAND_OVER_MIN_CHOICES and not params.deterministic
    budget = _Budget(
        params, started, has_stage1, pairs_units, built.plan_objective is not None, relax
    )
    # Stage 1: coverage, required strictly before target (nothing to do without demand).
    solver1: cp_model.CpSolver | None = None
    stage1_value, stage1_optimal, stage1_bound = 0, True, 0.0
    stage1_limit = 0  # what stage 2 keeps `built.stage1` at or below
    progress1 = _Progress(1, started, on_progress, built)
    if has_stage1:
        if baseline is not None:
            # The baseline's units that can stay: few changes from the first roster on.
            greedy = add_hint(v, changes.baseline_hint(v, rows))
        else:
            greedy = None
            plain = construct(v) if USE_CONSTRUCTIVE_HINT or hint is not None else None
            if hands_over and plain is not None:
                plain = _fewer_hours_start(v, plain, params)
            if hint is not None and plain is not None:
                start = construct(v, changes.baseline_hint(v, changes.baseline_rows(v, hint)))
                if hands_over:
                    start = rebalance(v, start, _hand_over_seconds(params))
                # A part of a roster can leave the greedy too few people for the
                # rest: the start only when it covers at least as much.
                if shortfall(v, start) <= shortfall(v, plain):
                    greedy = add_hint(v, start)
                    if greedy is None:
                        model.clear_hints()  # type: ignore[no-untyped-call]
            if greedy is None and plain is not None:
                greedy = add_hint(v, plain)
        model.minimize(built.stage1)
        solver1 = _solver(params, budget.stage1())
        status1 = search_stoppably(solver1, model, progress1, stop=stop)
        stage1_bound = (
            0.0 if status1 is None else _coverage_bound(built, solver1.best_objective_bound)
        )
        if status1 == cp_model.INFEASIBLE:
            reason = "the hard rules cannot all hold (pins against other rules?)"
            return _empty(SolveStatus.INFEASIBLE, params, started, proto_size, [reason])
        if status1 not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if greedy is None:
                return _empty(SolveStatus.NO_SOLUTION, params, started, proto_size, [])
            # No roster from the search in time (very large programs): the greedy
            # roster keeps every hard rule, so it stands, unproven.
            solver1 = solver_at(model, greedy)
            status1 = cp_model.FEASIBLE
            progress1.first_at = time.monotonic() - started
        stage1_value = round(solver1.objective_value)
        stage1_optimal = status1 == cp_model.OPTIMAL
        # Stage 2 keeps stage 1's coverage, warm-started from its roster.
        _hint_from(model, solver1)
        model.add(built.stage1 <= stage1_value)
        stage1_limit = stage1_value
        # Reported in coverage terms alone (the same with or without a baseline).
        stage1_value = int(solver1.value(built.coverage))
        if stage1_optimal:
            stage1_bound = float(stage1_value)

    most_short = None if solver1 is None else int(solver1.value(built.parts["required_shortfall"]))
    plan_found, plan_optimal, plan_bound = _plan_stage(
        built, params, budget, started, on_progress, stop, hint, most_short
    )
    if solver1 is None and plan_found == cp_model.INFEASIBLE:
        reason = "the hard rules cannot all hold"
        return _empty(SolveStatus.INFEASIBLE, params, started, proto_size, [reason])

    # Stage 2's bound from the relaxation (bounds.py), before stage 2 itself.
    relaxed = 0.0
    if relax and solver1 is not None:
        relaxed = _relaxation_bound(built, budget.relaxation(), stage1_limit, stop)

    # Stage 2: cost.
    model.minimize(built.stage2)
    seconds2 = budget.stage2()
    progress2 = _Progress(2, started, on_progress, built)
    progress2.floor = relaxed
    lns_used = _uses_lns(v, params)
    if lns_used:
        solver2, status2, lns_bound = _stage2_with_lns(built, params, seconds2, progress2, stop)
    else:
        solver2 = _solver(params, seconds2)
        if params.relative_gap:
            solver2.parameters.relative_gap_limit = params.relative_gap
        status2 = search_stoppably(solver2, model, progress2, stop=stop)
        lns_bound = 0.0
    infeasible = status2 == cp_model.INFEASIBLE
    solver: cp_model.CpSolver | None = None
    stage2_optimal, stage2_bound = False, 0.0
    if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        solver, stage2_optimal = solver2, status2 == cp_model.OPTIMAL
        # Every part is >= 0, so 0 bounds the objective even before the search does
        # (CP-SAT's first bound comes from the objective's domain, which can be < 0).
        # With the LNS, solver2 may only hold its roster (`solver_at`): its own
        # bound is that roster's value, no bound at all; the LNS path's bound stands.
        stage2_bound = max(0.0, lns_bound if lns_used else solver2.best_objective_bound)
        # The relaxation's bound is one of stage 2's optimum too (bounds.py).
        stage2_bound = max(stage2_bound, relaxed)
        if stage2_optimal:
            stage2_bound = float(solver2.value(built.stage2))
    if solver1 is None and infeasible:
        reason = "the hard rules cannot all hold"
        return _empty(SolveStatus.INFEASIBLE, params, started, proto_size, [reason])
    if solver is None:
        if solver1 is None:
            return _empty(SolveStatus.NO_SOLUTION, params, started, proto_size, [])
        # no time left for stage 2: the stage-1 roster stands, with the relaxation's bound
        solver, stage2_optimal, stage2_bound = solver1, False, relaxed
    # The hand-overs take from stage 3's reserve: at most half of what is left, so the
    # command keeps its time limit (they and their completion take about a second).
    polish_seconds = min(_hand_over_seconds(params), (budget.stage3() - 1.0) / 2)
    if hands_over and not stop.requested and polish_seconds >= 0.2:
        polished = _rebalanced(built, solver, polish_seconds)
        if polished is not None:
            solver, stage2_optimal = polished, False
    stage2_value = float(solver.value(built.stage2))
    first_at = progress1.first_at if solver1 is not None else progress2.first_at

    # Stage 3: who pairs with whom (units of one person need no pairing).
    if pairs_units:
        matching = match_units(
            problem,
            v.options,
            _people_on(v, solver),
            budget.stage3() if not stop.requested else STOPPED_PAIRING_SECONDS,
            params.workers,
            params.seed,
            params.deterministic,
            changes.previous_pairs(v, rows),
            stop=stop,
        )
        pairing_parts = _pairing_parts(problem, v, solver, matching)
    else:
        matching = _alone(_people_on(v, solver))
        pairing_parts = {}
    parts = ObjectiveParts(
        **{name: int(solver.value(built.parts[name])) for name in (*STAGE1_PARTS, *COST_PARTS)},
        **pairing_parts,
    )
    objective = float(stage2_total(parts))
    optimal = stage1_optimal and plan_optimal and stage2_optimal and matching.optimal
    # Stage 2's bound is a true lower bound of the whole objective (the pairing
    # parts are at least its prefer estimate). When stage 3 is optimal, what it
    # adds beyond stage 2's own count is fixed lexicographically, so the bound
    # moves up by as much, and a roster optimal stage by stage has gap 0.
    bound = stage2_bound + (objective - stage2_value) if matching.optimal else stage2_bound
    return SolveResult(
        status=_final_status(optimal, stop),
        roster=_roster(problem, v, matching.pairs),
        objective=objective,
        bound=bound,
        stage1_objective=float(stage1_value),
        stage1_bound=stage1_bound,
        stage1_optimal=stage1_optimal,
        seconds=time.monotonic() - started,
        seconds_to_first=first_at,
        params=params,
        variables=proto_size[0],
        constraints=proto_size[1],
        message="",
        cost_bound=stage2_bound,
        parts=parts,
        plan_cost_bound=(
            None if plan_bound is None else plan_bound / (PLAN_COST_CENTS_PER_UNIT * problem.days)
        ),
    )


#: Stage 2 ends with our large-neighbourhood search (`lns.py`) on large programs.
#: Off: over two seeds on Curtois 14, 17, 18 and a 60+60 crisis program it was
#: mixed (better on 17 and once on 14, worse once on 14, even on 18 and the
#: crisis program; docs/benchmarks.md), so it is not kept until it helps.
USE_LNS = False

#: A program is large for the LNS from this many choice variables or this many days
#: (below both, CP-SAT's own search alone did as well: docs/benchmarks.md).
LNS_MIN_CHOICES = 20_000
LNS_MIN_DAYS = 42

#: Stage 2 with the LNS: CP-SAT for a first roster (root LP in CP-SAT's chunks, so
#: no single long LP), then the LNS, then CP-SAT again from the LNS's best roster
#: (root LP whole: the bound, and the LP-guided polish). Shares of stage 2's time.
LNS_FIRST_SHARE = 0.2
LNS_SHARE = 0.5
#: The full-search worker of the first search: quick restarts without LP found
#: a first roster where an LP-based worker found none (docs/benchmarks.md).
LNS_FIRST_SEARCH = ("quick_restart_no_lp", *FULL_SEARCH)
#: "polish": the usual search for all but `LNS_POLISH_SHARE`, then the LNS from its
#: best roster to the end; "sandwich": first search, LNS, final search as above.
LNS_MODE = "polish"
LNS_POLISH_SHARE = 0.3


def _uses_lns(v: RosterVariables, params: SolveParams) -> bool:
    if not USE_LNS or params.deterministic or params.relative_gap:
        return False
    choices = sum(len(day_x) for person_x in v.x for day_x in person_x)
    return choices >= LNS_MIN_CHOICES or v.problem.days >= LNS_MIN_DAYS


def _stage2_with_lns(
    built: BuiltModel,
    params: SolveParams,
    seconds: float,
    progress: _Progress,
    stop: StopToken,
) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus | None, float]:
    """Stage 2 as first search, LNS, final search (see `LNS_FIRST_SHARE`). Returns the
    solver holding the best roster, its status and the best bound any phase proved."""
    from scheduler.solve import lns

    model = built.variables.model
    begun = time.monotonic()
    # Until the first share of the time has passed and a roster exists (a large
    # program may need longer than the share for its first roster).
    polish = LNS_MODE == "polish"
    first_share = 1 - LNS_POLISH_SHARE if polish else LNS_FIRST_SHARE
    if polish:
        first = _solver(params, seconds)
    else:
        first = _solver(params, seconds, LNS_FIRST_SEARCH)
        first.parameters.root_lp_iterations = 2_000  # CP-SAT's default chunks
    first_progress = _FirstRoster(progress, begun + seconds * first_share)
    watch = threading.Thread(target=first_progress.watch, args=(first,), daemon=True)
    watch.start()
    status = search_stoppably(first, model, first_progress, stop=stop)
    first_progress.done.set()
    watch.join()
    progress.first_at = first_progress.first_at
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return first, status, 0.0
    bound = max(0.0, first.best_objective_bound)
    if status == cp_model.OPTIMAL or stop.requested:
        return first, status, bound
    values = list(first.response_proto.solution)

    def improved(objective: int, solver: cp_model.CpSolver) -> None:
        if progress.handler is not None:
            parts = built.parts
            progress.handler(
                ProgressEvent(
                    2,
                    time.monotonic() - progress.started,
                    float(objective),
                    bound,
                    required_shortfall=int(solver.value(parts["required_shortfall"])),
                    target_shortfall=int(solver.value(parts["target_shortfall"])),
                )
            )

    outcome = lns.improve(
        built.variables,
        values,
        round(first.objective_value),
        # the LNS's share of what the first search left
        time.monotonic()
        + (seconds - (time.monotonic() - begun)) * (1 if polish else LNS_SHARE / (1 - first_share)),
        params.seed,
        params.workers,
        improved,
        stop=stop,
    )
    left = seconds - (time.monotonic() - begun)
    final_values = outcome.values
    if left > 0.5 and not stop.requested:
        _hint_values(model, outcome.values)
        final = _solver(params, left)
        status = search_stoppably(final, model, progress, stop=stop)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            bound = max(bound, final.best_objective_bound)
            if round(final.objective_value) <= outcome.objective:
                return final, status, bound
        elif status == cp_model.INFEASIBLE:  # cannot be: the LNS roster is a solution
            raise RuntimeError("the final search found the LNS roster infeasible")
    return solver_at(model, final_values), cp_model.FEASIBLE, bound


class _FirstRoster(_Progress):
    """Reports as `progress` does; stops the search once `stop_after` has passed and a
    roster exists (`watch` stops it at that moment when the roster came earlier)."""

    def __init__(self, progress: _Progress, stop_after: float) -> None:
        super().__init__(progress.stage, progress.started, progress.handler, progress.built)
        self.stop_after = stop_after
        self.done = threading.Event()

    def on_solution_callback(self) -> None:
        super().on_solution_callback()
        if time.monotonic() >= self.stop_after:
            self.stop_search()

    def watch(self, solver: cp_model.CpSolver) -> None:
        if not self.done.wait(max(0.0, self.stop_after - time.monotonic())):
            while self.first_at is None and not self.done.wait(0.2):
                pass
            solver.stop_search()


def _hint_values(model: cp_model.CpModel, values: list[int]) -> None:
    model.clear_hints()  # type: ignore[no-untyped-call]
    hint = model.proto.solution_hint
    hint.vars.extend(range(len(values)))
    hint.values.extend(values)


#: Post `hiring.capacity_cuts` and `overtime_cuts` before the plan stage (a switch, to
#: measure without).
USE_CAPACITY_CUTS = True


def _plan_stage(
    built: BuiltModel,
    params: SolveParams,
    budget: _Budget,
    started: float,
    on_progress: ProgressHandler | None,
    stop: StopToken,
    hint: Roster | None = None,
    most_short: int | None = None,
) -> tuple[cp_model.CpSolverStatus | None, bool, int | None]:
    """`plan` only: minimise the plan cost keeping stage 1, then keep it for stage 2.

    A stage of its own rather than a weight in stage 2: the plan cost (cents x 60 x
    days, times the target weight) would need stage 2's whole range as a weight,
    beyond CP-SAT's 53 exact bits. Returns the search status (None without a plan
    stage), whether it was proven optimal, and a proven lower bound of the plan cost
    (`plan_cost`'s units) for rosters as short of required coverage as stage 1's.
    A `hint` roster (a neighbouring frontier point's plan) starts the search instead
    of stage 1's roster when it keeps stage 1's coverage and costs less. With stage
    1's required shortfall `most_short` (its roster's, which the model now keeps),
    `hiring.capacity_cuts` and `overtime_cuts` tighten the bound.
    """
    if built.plan_objective is None:
        return None, True, None
    model = built.variables.model
    if hint is not None:
        _plan_hint(built, hint)
    model.minimize(built.plan_objective)
    cuts = most_short is not None and USE_CAPACITY_CUTS
    seconds = budget.plan()
    solver = _solver(params, seconds * (1 - PLAN_BOUND_SHARE) if cuts else seconds)
    status = search_stoppably(solver, model, _Progress(2, started, on_progress, built), stop=stop)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, False, None  # stage 2 goes on from stage 1's roster
    value = round(solver.objective_value)
    # plan = cost x target_base + target shortfall (< target_base), all integers:
    # cost >= floor(bound / target_base). Every part is >= 0, so is the bound.
    bound = value if status == cp_model.OPTIMAL else max(0, int(solver.best_objective_bound))
    _hint_from(model, solver)
    if cuts and status != cp_model.OPTIMAL and not stop.requested:
        assert most_short is not None
        proven, better = _plan_bound_with_cuts(
            built, params, seconds * PLAN_BOUND_SHARE, most_short, stop
        )
        bound = max(bound, proven)
        if better is not None and round(better.objective_value) < value:
            value = round(better.objective_value)
            _hint_from(model, better)  # the model's own variables: a roster of it
        if bound >= value:
            status, bound = cp_model.OPTIMAL, value
    model.add(built.plan_objective <= value)
    return status, status == cp_model.OPTIMAL, bound // built.target_base


#: Bound stage 2 by the relaxation of `bounds.py` first (a switch, to measure).
USE_RELAXATION = True
#: ... from this many choice variables (`x`) in the roster model.
RELAXATION_MIN_CHOICES = 20_000
#: The relaxation's LP may take this share of the time limit even when less than half
#: of stage 2's time is left (`_Budget.relaxation`).
RELAXATION_MIN_SHARE = 0.15


def _plain_priced_choices(built: BuiltModel, v: RosterVariables) -> int:
    """How many choice variables (`x`) a plain solve (no baseline, no plan stage) of a
    program with someone on a contract or paid overtime has; 0 for any other solve."""
    plain = built.stage1 is built.coverage and built.plan_objective is None
    if not (plain and relaxation_applies(v.problem, v.requirements)):
        return 0
    return sum(len(day_x) for person_x in v.x for day_x in person_x)


def _relaxes(choices: int) -> bool:
    """The relaxation is built for the plain solve of a large program: on the sample
    it proved 0 in 5-17 s that stage 2 needs."""
    return USE_RELAXATION and choices >= RELAXATION_MIN_CHOICES


#: Of the time limit, at most this for the tiling of `_fewer_hours_start`, and for
#: each run of the hand-overs (`construct.rebalance`), in seconds and as a share
#: (60 + 60 x 28 days, 60 s: hand-overs for 1 / 3 / 6 s gave 397 / 343 / 325 million).
TILING_SECONDS, TILING_SHARE = 5.0, 0.05
HAND_OVER_SECONDS, HAND_OVER_SHARE = 15.0, 0.1


def _tiling_seconds(params: SolveParams) -> float:
    return min(TILING_SECONDS, params.time_limit * TILING_SHARE)


def _hand_over_seconds(params: SolveParams) -> float:
    return min(HAND_OVER_SECONDS, params.time_limit * HAND_OVER_SHARE)


def _fewer_hours_start(v: RosterVariables, plain: Chosen, params: SolveParams) -> Chosen:
    """The greedy roster that follows the tiling (`tiling.tiling`: the demand
    covered with the fewest paid hours) when it covers at least as much as `plain`,
    then with shifts handed over to whom they cost least (`construct.rebalance`).
    On the 60 + 60, 28-day program: stage-2 cost 719 -> 506 million, target
    shortfall 32 -> 0 (docs/benchmarks.md)."""
    plan = tiling(v.problem, v.choices(), _tiling_seconds(params))
    start = plain
    if plan is not None:
        tiled = planned_construct(v, plan)
        if shortfall(v, tiled) <= shortfall(v, plain):
            start = tiled
    return rebalance(v, start, _hand_over_seconds(params))


def _rebalanced(
    built: BuiltModel, solver: cp_model.CpSolver, seconds: float
) -> cp_model.CpSolver | None:
    """The final roster with shifts handed over where that costs less
    (`construct.rebalance`), as a solver holding it, when the model completes it
    into a solution of lower stage-2 cost; else None."""
    v = built.variables
    chosen = roster_choices(v, solver)
    better = rebalance(v, chosen, seconds)
    if better == chosen:
        return None
    model = v.model
    model.clear_hints()  # type: ignore[no-untyped-call]
    values = add_hint(v, better)
    model.clear_hints()  # type: ignore[no-untyped-call]
    if values is None:
        return None
    polished = solver_at(model, values)
    if polished.value(built.stage2) < solver.value(built.stage2):
        return polished
    return None


#: The tiled start and the hand-overs from this many choice variables (zone groups of
#: large programs included); below, CP-SAT's own search does as well.
HAND_OVER_MIN_CHOICES = 10_000


def _relaxation_bound(
    built: BuiltModel, seconds: float, stage1_limit: int, stop: StopToken
) -> float:
    """A lower bound of stage 2's optimum: the LP of the relaxation (bounds.py),
    solved by GLOP within `seconds`. CP-SAT's search of the same relaxation reached
    the same bound at its root LP, several times later (docs/benchmarks.md)."""
    v = built.variables
    relaxation = build_relaxation(v.problem, v.choices(), built.target_base, stage1_limit)
    return lp_bound(relaxation.model, seconds, stop)


#: Of the plan stage's time, the share for proving its bound on a copy of the model
#: with `hiring.capacity_cuts` and `overtime_cuts` (`_plan_bound_with_cuts`).
PLAN_BOUND_SHARE = 0.25


def _plan_bound_with_cuts(
    built: BuiltModel,
    params: SolveParams,
    seconds: float,
    most_short: int,
    stop: StopToken,
) -> tuple[int, cp_model.CpSolver | None]:
    """A lower bound of the plan objective from a copy of the model with the plan cuts
    (and the plan found as its hint), and the solver when it found a roster.

    On a copy, not in the search's model: the cuts raise the LP's bound (juvenile
    weekends: from 100,000 to 129,875 a year), but in the model CP-SAT searched
    they made its rosters far worse in the same time (adult 24/7: 606,191 against
    351,247 at 20 deterministic seconds; docs/benchmarks.md). Both bounds are valid
    for the same rosters, so the larger stands."""
    v = built.variables
    original = v.model
    bounding = original.clone()
    v.model = bounding  # the cuts post to v.model; the copy keeps every index
    try:
        hiring.capacity_cuts(v, most_short)
        hiring.overtime_cuts(v, built.parts, most_short)
    finally:
        v.model = original
    solver = _solver(params, seconds)
    status = search_stoppably(solver, bounding, stop=stop)
    if status == cp_model.OPTIMAL:
        return round(solver.objective_value), solver
    if status == cp_model.FEASIBLE:
        return max(0, int(solver.best_objective_bound)), solver
    return 0, None


def _plan_hint(built: BuiltModel, hint: Roster) -> None:
    """Hint the plan stage with `hint`'s units, completed (stage 1's bound holds in the
    model), when that costs less than the hint already there (stage 1's roster)."""
    v, model = built.variables, built.variables.model
    assert built.plan_objective is not None
    hinted = model.proto.solution_hint
    before = dict(zip(hinted.vars, hinted.values, strict=True))
    if len(before) != len(model.proto.variables):
        return
    stage1_roster = solver_at(model, [before[i] for i in range(len(before))])
    current = stage1_roster.value(built.plan_objective)
    model.clear_hints()  # type: ignore[no-untyped-call]
    # Exactly the hint's units (the greedy would add people, and cost); `add_hint`
    # completes the rest, and fails when they miss stage 1's coverage.
    values = add_hint(v, changes.baseline_hint(v, changes.baseline_rows(v, hint)))
    if values is not None and solver_at(model, values).value(built.plan_objective) < current:
        _hint_values(model, values)
    else:
        _hint_values(model, [before[i] for i in range(len(before))])


def _coverage_bound(built: BuiltModel, stage1_bound: float) -> float:
    """Stage 1's bound in coverage terms: with a baseline, the required shortfall it
    proves (changes and targets, at least 0, add nothing)."""
    bound = max(0.0, stage1_bound)
    if built.stage1 is built.coverage:
        return bound
    return float((int(bound) // built.required_weight) * built.target_base)


def solver_at(model: cp_model.CpModel, values: list[int]) -> cp_model.CpSolver:
    """A solver holding exactly `values` (a solution of `model`), to read expressions."""
    model.clear_hints()  # type: ignore[no-untyped-call]
    hint = model.proto.solution_hint
    hint.vars.extend(range(len(values)))
    hint.values.extend(values)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.catch_sigint_signal = False
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(f"the values are not a solution ({solver.status_name()})")
    return solver


class _Budget:
    """Splits the time limit: stage 1 up to about half, stage 3 a small reserve.

    In deterministic mode the split is fixed (deterministic time units), so
    timing noise cannot change the result.
    """

    STAGE1_SHARE = 0.45
    STAGE3_SHARE = 0.1
    # Of what stage 2 would get, for the plan stage (`plan` only): the plan's cost and
    # its bound are what `plan` reports; stage 2 only polishes the roster that keeps it.
    PLAN_SHARE = 0.8
    # Of what stage 2 would get, at most, for the relaxation's bound (bounds.py); it
    # stops at its root LP's bound, except in deterministic mode (the whole share).
    RELAXATION_SHARE = 0.5

    def __init__(
        self,
        params: SolveParams,
        started: float,
        has_stage1: bool,
        has_stage3: bool,
        has_plan_stage: bool = False,
        has_relaxation: bool = False,
    ) -> None:
        self.limit = params.time_limit
        self.deterministic = params.deterministic
        self.started = started
        self.STAGE1_SHARE = self.STAGE1_SHARE if has_stage1 else 0.0
        self.STAGE3_SHARE = self.STAGE3_SHARE if has_stage3 else 0.0
        self.PLAN_SHARE = self.PLAN_SHARE if has_plan_stage else 0.0
        self.RELAXATION_SHARE = self.RELAXATION_SHARE if has_relaxation else 0.0

    def plan(self) -> float:
        if self.deterministic:
            return self.limit * (1 - self.STAGE1_SHARE - self.STAGE3_SHARE) * self.PLAN_SHARE
        return (self._left() - self.limit * self.STAGE3_SHARE) * self.PLAN_SHARE

    def _left(self) -> float:
        return self.limit - (time.monotonic() - self.started)

    def stage1(self) -> float:
        if self.deterministic:
            return self.limit * self.STAGE1_SHARE
        return self._left() * self.STAGE1_SHARE

    def relaxation(self) -> float:
        if self.deterministic:
            return self._deterministic_stage2() * self.RELAXATION_SHARE
        stage2 = self._left() - self.limit * self.STAGE3_SHARE
        if not self.RELAXATION_SHARE:
            return 0.0
        # At least RELAXATION_MIN_SHARE of the limit while stage 2 has it: when stage 1
        # of a large program took its time, stage 2 could not use it anyway, and the
        # bound is what says how good the roster is.
        return max(stage2 * self.RELAXATION_SHARE, min(stage2, self.limit * RELAXATION_MIN_SHARE))

    def _deterministic_stage2(self) -> float:
        return self.limit * (1 - self.STAGE1_SHARE - self.STAGE3_SHARE) * (1 - self.PLAN_SHARE)

    def stage2(self) -> float:
        if self.deterministic:
            return self._deterministic_stage2() * (1 - self.RELAXATION_SHARE)
        return self._left() - self.limit * self.STAGE3_SHARE

    def stage3(self) -> float:
        if self.deterministic:
            return self.limit * self.STAGE3_SHARE
        return max(self._left(), 0.5)


def _empty(
    status: SolveStatus,
    params: SolveParams,
    started: float,
    proto_size: tuple[int, int],
    reasons: list[str],
) -> SolveResult:
    seconds = time.monotonic() - started
    return SolveResult.without_roster(status, params, seconds, "; ".join(reasons), *proto_size)


__all__ = ["BuiltModel", "build_model", "solve"]

"""Solve a large program zone group by zone group and merge the rosters.

The whole model has a variable per person, day and option (shift instance x
team x zone), so it grows as people x days x zones: a statewide 28-day program
has millions. Here the zones are cut into contiguous groups of about equal
demand, each person is given to one group (`assign_people`: their home zone's,
then evened out against the groups' demand), and each group is solved on its own
with `engine.solve`, one after another, sharing the time limit in proportion to
the groups' sizes. A group's model has only its people and its zones' options,
so g groups together are about 1/g of the whole model.

What that costs, honestly:
- the merged roster solves a *restricted* problem: nobody works outside their
  group's zones, so a group short of staff cannot borrow from another during
  the solve. Its status is FEASIBLE even when every group is proven optimal,
  and it has no bound (`bound=None`): a sum of group bounds bounds only the
  restricted problem, not the whole one.
- a `prefer` pair whose two people are in different groups can never share a
  unit; its penalty is counted (as the checker does) but cannot be avoided.
  `forbid` and `avoid` pairs across groups hold by construction.

A person pinned in zones of two groups, or a row naming a zone or person the
program does not have, cannot be split: `DecompositionError` says which.
`solve_auto` picks the whole model or the groups from an estimate of the model's
size made before building it, and when it splits it gives the groups a share
of the time only: their merged roster (or, when a group has no roster on its
own staff, the greedy one) warm-starts the whole model, whose roster, status
and bound are what it reports (see `solve_auto`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from scheduler.model.calendar import (
    coverage_requirements,
    instance,
    shift_cover_rules,
    slots_covered,
)
from scheduler.model.objective import stage1_total, stage2_total
from scheduler.model.problem import PairKind, Person, Problem, Role, Team
from scheduler.model.report import ObjectiveParts
from scheduler.model.result import ProgressEvent, SolveParams, SolveResult, SolveStatus
from scheduler.model.roster import Assignment, Roster
from scheduler.model.stop import StopToken
from scheduler.solve.engine import ProgressHandler, solve
from scheduler.solve.variables import useful_options

#: Estimated person-day-option variables (`estimate_variables`) above which
#: `solve_auto` splits the program, and the most it aims for per group; chosen
#: from a few measurements at 10-30 s with 2 workers (docs/benchmarks.md, "Zone
#: groups"; refine them with `benchmarks/bench_scaling.py --method whole zones`).
#: From about 20,000 the whole model's stage-2 gap stays at 98-100% in 30 s, so
#: splitting gives up no proof; at 64,200 groups of at most ~8,000-11,500 kept
#: full required coverage and cut target shortfall from 74 to 21 unit-slots,
#: while two groups of ~20,000 left 2 required unit-slots open.
WHOLE_MODEL_MAX_VARIABLES = 20_000
GROUP_MAX_VARIABLES = 10_000


#: Who goes to which group: by home zone only, or then evened out against demand.
StaffBy = Literal["home", "balanced"]


class DecompositionError(ValueError):
    """The program cannot be split into the zone groups asked for."""


@dataclass(frozen=True)
class ZoneGroup:
    """One group: its zones, its sub-problem (its staff and their rows)."""

    zones: tuple[str, ...]
    problem: Problem
    estimated_variables: int


@dataclass(frozen=True)
class GroupRun:
    group: ZoneGroup
    result: SolveResult
    time_limit: float  # seconds (deterministic units when `deterministic`)


@dataclass(frozen=True)
class Decomposed:
    """The merged result and what each group did."""

    result: SolveResult
    groups: tuple[GroupRun, ...]
    split_pairs: int  # `prefer` pairs whose two people are in different groups


def estimate_variables(problem: Problem) -> int:
    """Person x day x option variables of the whole model, counted before building it.

    The options are the engine's own (`useful_options`); people count on the
    options of their teams. Unavailability, pins and shift limits prune a few
    more, so this is a slight overestimate (within 1% on generated programs).
    The built model has about 1.2-1.3 times as many variables in all.
    """
    options_per_day_team = Counter(
        (option.shift.day, option.team)
        for option in useful_options(problem, coverage_requirements(problem))
    )
    return sum(
        options_per_day_team[(day, team)]
        for person in problem.staff
        for team in person.teams
        for day in range(problem.days)
    )


def team_zone_loads(problem: Problem) -> Counter[tuple[Team, str]]:
    """Demand per team and zone in unit-slots: required coverage (what the solve
    puts first; targets only in a program that requires nothing) plus `ShiftCover`
    units x the slots their shift holds."""
    requirements = coverage_requirements(problem)
    only_targets = not any(need.required for need in requirements.values())
    loads: Counter[tuple[Team, str]] = Counter()
    for (team, zone, _slot), need in requirements.items():
        loads[(team, zone)] += need.target if only_targets else need.required
    for (day, shift_id, team, zone), row in shift_cover_rules(problem).items():
        shift = instance(problem, day, problem.shift(shift_id))
        slots = slots_covered(problem, shift.start, shift.end)
        loads[(team, zone)] += row.units * len(slots)
    return loads


def zone_loads(problem: Problem) -> dict[str, int]:
    """Demand per zone in unit-slots, every team together."""
    loads = dict.fromkeys(problem.zone_ids, 0)
    for (_team, zone), load in team_zone_loads(problem).items():
        if zone in loads:
            loads[zone] += load
    return loads


def split_zones(problem: Problem, groups: int) -> list[tuple[str, ...]]:
    """The zones, in their order, cut into `groups` contiguous groups so that the
    largest group demand (`zone_loads`) is as small as it can be."""
    zone_ids = problem.zone_ids
    if not 1 <= groups <= len(zone_ids):
        raise DecompositionError(f"cannot split {len(zone_ids)} zones into {groups} groups")
    loads = zone_loads(problem)
    # Without any demand, even out the number of zones.
    weights = [loads[z] if any(loads.values()) else 1 for z in zone_ids]
    prefix = [0]
    for weight in weights:
        prefix.append(prefix[-1] + weight)
    n = len(zone_ids)
    # best[k][i]: smallest largest load cutting the first i zones into k groups.
    best = [[math.inf] * (n + 1) for _ in range(groups + 1)]
    cut = [[0] * (n + 1) for _ in range(groups + 1)]
    best[0][0] = 0
    for k in range(1, groups + 1):
        for i in range(k, n + 1):
            for j in range(k - 1, i):
                value = max(best[k - 1][j], prefix[i] - prefix[j])
                if value < best[k][i]:
                    best[k][i], cut[k][i] = value, j
    bounds = [n]
    for k in range(groups, 0, -1):
        bounds.append(cut[k][bounds[-1]])
    bounds.reverse()
    return [tuple(zone_ids[a:b]) for a, b in itertools.pairwise(bounds)]


def _check_known(problem: Problem) -> None:
    """Every zone and person a row names exists, so that each row has a group."""
    named_zones = {
        *(row.zone for row in problem.demand),
        *(row.zone for row in problem.shift_cover),
        *(row.zone for row in problem.pins if row.zone is not None),
        *(person.home_zone for person in problem.staff),
    }
    unknown_zones = sorted(named_zones - set(problem.zone_ids))
    if unknown_zones:
        raise DecompositionError(f"zones not in Zones: {', '.join(unknown_zones)}")
    named = {
        *(row.employee_id for row in problem.time_off),
        *(row.employee_id for row in problem.pins),
        *(row.employee_id for row in problem.shift_limits),
        *(id_ for rule in problem.pairs for id_ in (rule.clinician_id, rule.peer_id)),
    }
    unknown_people = sorted(named - set(problem.people_by_id))
    if unknown_people:
        raise DecompositionError(f"people not in Staff: {', '.join(unknown_people)}")


def _pinned_groups(problem: Problem, group_of_zone: dict[str, int]) -> dict[str, int]:
    """The group each person with a zoned pin must be in; a person pinned in two
    groups cannot be split."""
    pinned: dict[str, int] = {}
    for pin in problem.pins:
        if pin.zone is None:
            continue
        group = group_of_zone[pin.zone]
        if pinned.setdefault(pin.employee_id, group) != group:
            raise DecompositionError(
                f"{pin.employee_id} has pins in zones of two groups (one on {pin.date} "
                f"{pin.shift_id} in zone {pin.zone}): solve the whole model or put "
                "those zones in one group"
            )
    return pinned


def capacity_minutes(problem: Problem, person: Person) -> float:
    """Paid minutes a person can work over the horizon, from their caps alone: the
    weekly cap (or the longest shift on every day but the days off), pro rata,
    and the horizon cap."""
    longest = max((s.paid_minutes for s in problem.shifts), default=0)
    weekly = float((7 - person.rules.min_days_off_per_week) * longest)
    if person.max_hours_per_week is not None:
        weekly = min(weekly, person.max_hours_per_week * 60)
    minutes = weekly * problem.days / 7
    if person.max_hours_total is not None:
        minutes = min(minutes, person.max_hours_total * 60)
    return minutes


def assign_people(
    problem: Problem, split: Sequence[Sequence[str]], staff_by: StaffBy = "balanced"
) -> dict[str, int]:
    """The group (index into `split`) of every person.

    A person with zoned pins goes to the group of those pins. Everyone else
    starts in the group of their home zone; with `"balanced"`, people then move
    one by one from the group with the most capacity (`capacity_minutes`) for its
    demand to the one with the least, while that evens them out. Units need a
    clinician and a peer each, so with 2 people per unit each role is evened
    out on its own. First each team that only some people may work (juvenile,
    usually) is evened out against its own demand with the people who may work
    it; then the rest (on no such team) even out the total demand.
    Who moves first: not a trainee, not in a `Pairs` row, on the fewest teams,
    then the latest employee id; each person moves at most once. A moved peer
    keeps their home zone, so their shifts count as away from home, as they
    would in the whole model.
    """
    group_of_zone = {zone: g for g, zones in enumerate(split) for zone in zones}
    pinned = _pinned_groups(problem, group_of_zone)
    group_of = {
        p.employee_id: pinned.get(p.employee_id, group_of_zone[p.home_zone]) for p in problem.staff
    }
    if staff_by == "home":
        return group_of
    loads = team_zone_loads(problem)
    in_pairs = {id_ for rule in problem.pairs for id_ in (rule.clinician_id, rule.peer_id)}
    pools = (
        [[p for p in problem.staff if p.role is role] for role in Role]
        if problem.people_per_unit == 2
        else [list(problem.staff)]
    )
    moved: set[str] = set()
    for pool in pools:
        capacity = {p.employee_id: capacity_minutes(problem, p) for p in pool}
        latest_first = sorted(pool, key=lambda p: p.employee_id, reverse=True)
        order = sorted(
            (p for p in latest_first if p.employee_id not in pinned),
            key=lambda p: (p.is_trainee, p.employee_id in in_pairs, len(p.teams)),
        )
        restricted = [
            team
            for team in Team
            if any(team not in p.teams for p in pool)
            and any(team in p.teams for p in pool)
            and any(loads[(team, zone)] for zone in problem.zone_ids)
        ]
        for team in restricted:
            _even_out(
                [p for p in pool if team in p.teams],
                [p for p in order if team in p.teams],
                _group_demand(loads, split, [team]),
                capacity,
                group_of,
                moved,
            )
        _even_out(
            pool,
            [p for p in order if not set(restricted) & set(p.teams)],
            _group_demand(loads, split, list(Team)),
            capacity,
            group_of,
            moved,
        )
    return group_of


def _group_demand(
    loads: Counter[tuple[Team, str]], split: Sequence[Sequence[str]], teams: Sequence[Team]
) -> list[int]:
    return [sum(loads[(team, zone)] for team in teams for zone in zones) for zones in split]


def _even_out(
    counted: Sequence[Person],
    movers: Sequence[Person],
    demand: Sequence[int],
    capacity: dict[str, float],
    group_of: dict[str, int],
    moved: set[str],
) -> None:
    """Move `movers` (best first; each at most once), in place, from the group
    with the most capacity of the `counted` people for its share of `demand` to
    the one with the least, while a move evens out the two."""
    if not sum(demand):
        return
    groups = range(len(demand))
    have = sum(capacity[p.employee_id] for p in counted)
    surplus = [-have * share / sum(demand) for share in demand]
    for person in counted:
        surplus[group_of[person.employee_id]] += capacity[person.employee_id]
    candidates = [p.employee_id for p in movers if p.employee_id not in moved]
    while True:
        short = min(groups, key=lambda g: surplus[g])
        donor = max(groups, key=lambda g: surplus[g])
        worst = max(surplus[donor], -surplus[short])
        chosen = next(
            (
                id_
                for id_ in candidates
                if group_of[id_] == donor
                and id_ not in moved
                and max(abs(surplus[donor] - capacity[id_]), abs(surplus[short] + capacity[id_]))
                < worst
            ),
            None,
        )
        if chosen is None:
            return
        group_of[chosen] = short
        surplus[donor] -= capacity[chosen]
        surplus[short] += capacity[chosen]
        moved.add(chosen)


def _sub_problem(problem: Problem, zones: Sequence[str], people: set[str]) -> Problem:
    zone_set = set(zones)
    # Every field of the program carries over; only the rows of other zones and
    # other people go.
    values: dict[str, Any] = {name: getattr(problem, name) for name in Problem.model_fields}
    values.update(
        name=f"{problem.name} (zones {', '.join(zones)})",
        staff=tuple(p for p in problem.staff if p.employee_id in people),
        zones=tuple(z for z in problem.zones if z.zone_id in zone_set),
        demand=tuple(row for row in problem.demand if row.zone in zone_set),
        shift_cover=tuple(row for row in problem.shift_cover if row.zone in zone_set),
        time_off=tuple(row for row in problem.time_off if row.employee_id in people),
        pins=tuple(row for row in problem.pins if row.employee_id in people),
        shift_limits=tuple(row for row in problem.shift_limits if row.employee_id in people),
        pairs=tuple(
            rule for rule in problem.pairs if rule.clinician_id in people and rule.peer_id in people
        ),
    )
    return Problem.model_validate(values)


def zone_groups(problem: Problem, groups: int, staff_by: StaffBy = "balanced") -> list[ZoneGroup]:
    """The program cut into `groups` sub-problems (see the module docstring)."""
    _check_known(problem)
    split = split_zones(problem, groups)
    group_of = assign_people(problem, split, staff_by)
    found = []
    for g, zones in enumerate(split):
        people = {id_ for id_, group in group_of.items() if group == g}
        sub = _sub_problem(problem, zones, people)
        found.append(ZoneGroup(zones, sub, estimate_variables(sub)))
    return found


def groups_needed(
    problem: Problem,
    max_variables: int = WHOLE_MODEL_MAX_VARIABLES,
    group_max_variables: int = GROUP_MAX_VARIABLES,
    staff_by: StaffBy = "balanced",
) -> int:
    """1 when the whole model's estimate is at most `max_variables`, else the fewest
    groups whose every one is at most `group_max_variables` (or one zone each)."""
    estimate = estimate_variables(problem)
    if estimate <= max_variables:
        return 1
    zones = len(problem.zones)
    # A group has about 1/g of the people and 1/g of the options: 1/g^2 of the estimate.
    fewest = math.ceil(math.sqrt(estimate / max(1, group_max_variables)))
    for groups in range(max(2, min(zones, fewest)), zones):
        split = zone_groups(problem, groups, staff_by)
        if all(g.estimated_variables <= group_max_variables for g in split):
            return groups
    return zones


def _split_prefer_pairs(problem: Problem, groups: Sequence[ZoneGroup]) -> list[tuple[str, str]]:
    group_of = {p.employee_id: g for g, group in enumerate(groups) for p in group.problem.staff}
    return [
        (rule.clinician_id, rule.peer_id)
        for rule in problem.pairs
        if rule.kind is PairKind.PREFER and group_of[rule.clinician_id] != group_of[rule.peer_id]
    ]


def _merged_rows(runs: Sequence[GroupRun]) -> list[Assignment]:
    """Every group's rows; a unit id already taken by an earlier group is renamed
    (the engine's ids name the zone, so this only guards against a change there)."""
    rows: list[Assignment] = []
    taken: set[str] = set()
    for g, run in enumerate(runs, start=1):
        ids = {row.unit_id for row in run.result.roster.assignments}
        renamed = {unit_id: f"{unit_id}-g{g}" for unit_id in ids & taken}
        taken |= ids | set(renamed.values())
        rows.extend(
            row.model_copy(update={"unit_id": renamed[row.unit_id]})
            if row.unit_id in renamed
            else row
            for row in run.result.roster.assignments
        )
    return rows


def _merged_parts(
    runs: Sequence[GroupRun], rows: Sequence[Assignment], split_pairs: Sequence[tuple[str, str]]
) -> ObjectiveParts | None:
    """Sums of the groups' parts (each part is a sum over people, zones or pairs,
    and those are split between the groups), plus the split prefer pairs: each
    day either of them works costs 1, as the checker counts it."""
    if any(run.result.parts is None for run in runs):
        return None
    totals: Counter[str] = Counter()
    for run in runs:
        assert run.result.parts is not None
        totals.update(run.result.parts.as_dict())
    days_worked: dict[str, set[dt.date]] = defaultdict(set)
    for row in rows:
        days_worked[row.employee_id].add(row.date)
    totals["pair_preference_penalty"] += sum(
        len(days_worked[clinician]) + len(days_worked[peer]) for clinician, peer in split_pairs
    )
    return ObjectiveParts(**totals)


def _shares(groups: Sequence[ZoneGroup]) -> list[float]:
    sizes = [max(1, g.estimated_variables) for g in groups]
    return [size / sum(sizes[i:]) for i, size in enumerate(sizes)]


def solve_zone_groups(
    problem: Problem,
    params: SolveParams | None = None,
    groups: int | None = None,
    on_progress: ProgressHandler | None = None,
    staff_by: StaffBy = "balanced",
    keep_going: bool = False,
    *,
    stop: StopToken | None = None,
) -> Decomposed:
    """Solve the program as `groups` zone groups (default: `groups_needed`), one
    after another, and merge the rosters. A group without a roster ends it with
    no roster; with `keep_going` the other groups are still solved (their
    rosters are in `groups`: the whole model's warm start). Progress events carry the running
    group's own objective, with seconds counted from the start of the whole solve.

    The time limit is shared in proportion to the groups' estimated sizes; time a
    group leaves unused goes to the groups after it (in deterministic mode the
    shares are fixed, so the result does not depend on timing).
    """
    params = params or SolveParams()
    started = time.monotonic()
    parts_of = zone_groups(problem, groups or groups_needed(problem, staff_by=staff_by), staff_by)
    if len(parts_of) == 1:  # the whole program: the engine's own honest status and bound
        whole = solve(problem, params, on_progress, stop=stop)
        return Decomposed(whole, (GroupRun(parts_of[0], whole, params.time_limit),), 0)
    split_pairs = _split_prefer_pairs(problem, parts_of)
    total_size = sum(max(1, g.estimated_variables) for g in parts_of)
    runs: list[GroupRun] = []
    failed: list[int] = []
    for group, share in zip(parts_of, _shares(parts_of), strict=True):
        if params.deterministic:
            limit = params.time_limit * max(1, group.estimated_variables) / total_size
        else:
            limit = max(0.0, params.time_limit - (time.monotonic() - started)) * share
        offset = time.monotonic() - started
        handler = None
        if on_progress is not None:
            handler = _shifted(on_progress, offset)
        result = solve(group.problem, replace(params, time_limit=limit), handler, stop=stop)
        runs.append(GroupRun(group, result, limit))
        if not result.status.has_roster:
            failed.append(len(runs) - 1)
            if not keep_going:
                break
    if failed:
        return Decomposed(
            _failed(problem, params, started, runs, failed[0]), tuple(runs), len(split_pairs)
        )
    merged = _merge(problem, params, started, runs, split_pairs)
    return Decomposed(merged, tuple(runs), len(split_pairs))


def _shifted(handler: ProgressHandler, offset: float) -> ProgressHandler:
    def forward(event: ProgressEvent) -> None:
        handler(replace(event, seconds=offset + event.seconds))

    return forward


def _describe(runs: Sequence[GroupRun]) -> str:
    return "; ".join(
        f"zones {', '.join(run.group.zones)}: {len(run.group.problem.staff)} people, "
        f"{run.result.status.value} in {run.result.seconds:.1f} s"
        for run in runs
    )


def _failed(
    problem: Problem, params: SolveParams, started: float, runs: Sequence[GroupRun], first: int
) -> SolveResult:
    last = runs[first]
    # A group without a roster does not make the program infeasible: the whole
    # model may still move people across groups.
    message = (
        f"zone group {', '.join(last.group.zones)} has no roster on its own staff "
        f"({last.result.status.value}: {last.result.message or 'no detail'}); "
        "the whole model may still find one. Groups: " + _describe(runs)
    )
    return SolveResult.without_roster(
        SolveStatus.NO_SOLUTION,
        params,
        time.monotonic() - started,
        message,
        variables=sum(run.result.variables for run in runs),
        constraints=sum(run.result.constraints for run in runs),
    )


def _merge(
    problem: Problem,
    params: SolveParams,
    started: float,
    runs: Sequence[GroupRun],
    split_pairs: Sequence[tuple[str, str]],
) -> SolveResult:
    rows = _merged_rows(runs)
    parts = _merged_parts(runs, rows, split_pairs)
    firsts = [run.result.seconds_to_first for run in runs]
    all_optimal = all(run.result.status is SolveStatus.OPTIMAL for run in runs)
    target_base = _target_base(problem)
    message = (
        f"solved as {len(runs)} zone groups, each person only in their group's zones "
        f"({'every group optimal' if all_optimal else 'not all optimal'}"
        "; no bound for the whole program). "
        + (
            f"{len(split_pairs)} prefer pair(s) span two groups and cannot work together. "
            if split_pairs
            else ""
        )
        + "Groups: "
        + _describe(runs)
    )
    return SolveResult(
        status=SolveStatus.FEASIBLE,
        roster=Roster(assignments=tuple(rows)).sorted(),
        objective=None if parts is None else float(stage2_total(parts)),
        bound=None,
        stage1_objective=None if parts is None else float(stage1_total(parts, target_base)),
        stage1_bound=None,
        # No coverage shortfall at all is optimal whatever the split.
        stage1_optimal=parts is not None
        and parts.required_shortfall == 0
        and parts.target_shortfall == 0,
        seconds=time.monotonic() - started,
        # Time to a complete roster if every group stopped at its first one
        # (each group's own build included).
        seconds_to_first=None if None in firsts else sum(f for f in firsts if f is not None),
        params=params,
        variables=sum(run.result.variables for run in runs),
        constraints=sum(run.result.constraints for run in runs),
        message=message,
        cost_bound=None,
        parts=parts,
    )


def solve_by_zone_groups(
    problem: Problem,
    params: SolveParams | None = None,
    groups: int | None = None,
    on_progress: ProgressHandler | None = None,
    staff_by: StaffBy = "balanced",
    *,
    stop: StopToken | None = None,
) -> SolveResult:
    """`solve_zone_groups`, the merged result only."""
    return solve_zone_groups(problem, params, groups, on_progress, staff_by, stop=stop).result


#: Share of the time limit the zone groups get when `solve_auto` splits a program;
#: the whole model, warm-started from their merged roster, gets the rest.
GROUPS_SHARE = 0.4
#: Above this estimate the whole model runs only when the groups gave no roster:
#: the 60 + 60 x 28-day program (130,000) peaked at 0.7 GiB, so this keeps the
#: whole model to about 2-3 GiB; the merged roster of a larger program has no bound.
WHOLE_AFTER_GROUPS_MAX_VARIABLES = 400_000


def solve_auto(
    problem: Problem,
    params: SolveParams | None = None,
    on_progress: ProgressHandler | None = None,
    max_variables: int = WHOLE_MODEL_MAX_VARIABLES,
    group_max_variables: int = GROUP_MAX_VARIABLES,
    *,
    stop: StopToken | None = None,
) -> SolveResult:
    """The whole model when its estimate is at most `max_variables`; else zone
    groups of at most `group_max_variables` each (`groups_needed`) for a share of
    the time (`GROUPS_SHARE`), then the whole model warm-started from their merged
    roster for the rest.

    The groups are a warm start, never the last word: the whole model moves people
    across groups, honours pins and pairs across them, and its status and bound are
    the whole problem's. A group with no roster on its own staff only means the
    whole model starts from the greedy roster (seeded with the other groups'
    rosters when that covers as much). The merged roster is kept only
    when the whole model ends with none, or with less coverage; then it has no
    bound.

    Above `WHOLE_AFTER_GROUPS_MAX_VARIABLES` the groups get all the time and
    their merged roster (no bound) stands, unless a group had none: then the
    whole model runs anyway with what time is left, since a roster comes first.

    A program that cannot be split (someone pinned in zones of two groups) is
    solved whole, and the message says why.
    """
    params = params or SolveParams()
    started = time.monotonic()
    try:
        groups = groups_needed(problem, max_variables, group_max_variables)
        if groups == 1:
            return solve(problem, params, on_progress, stop=stop)
        too_big = estimate_variables(problem) > WHOLE_AFTER_GROUPS_MAX_VARIABLES
        share = params.time_limit if too_big else params.time_limit * GROUPS_SHARE
        split = solve_zone_groups(
            problem,
            replace(params, time_limit=share),
            groups,
            on_progress,
            keep_going=True,
            stop=stop,
        )
        if too_big and split.result.status.has_roster:
            note = (
                "the whole model is too big to run after the zone groups "
                f"(over {WHOLE_AFTER_GROUPS_MAX_VARIABLES:,} estimated variables)"
            )
            return replace(split.result, message=f"{split.result.message}. {note}")
    except DecompositionError as error:
        result = solve(problem, params, on_progress, stop=stop)
        note = f"not split into zone groups ({error}); solved whole"
        return replace(result, message=f"{note}. {result.message}" if result.message else note)
    return _whole_after_groups(problem, params, started, split, on_progress, stop)


def _target_base(problem: Problem) -> int:
    """The stage-1 weight of a required unit-slot for the whole program (more than
    every target unit-slot together)."""
    return sum(need.target for need in coverage_requirements(problem).values()) + 1


def _coverage(result: SolveResult) -> float:
    return math.inf if result.stage1_objective is None else result.stage1_objective


def _whole_after_groups(
    problem: Problem,
    params: SolveParams,
    started: float,
    split: Decomposed,
    on_progress: ProgressHandler | None,
    stop: StopToken | None,
) -> SolveResult:
    merged = split.result
    hint = merged.roster if merged.status.has_roster else None
    # Without a merged roster, the groups that found one still give a start.
    solved = [run for run in split.groups if run.result.status.has_roster]
    start = hint or Roster(assignments=tuple(_merged_rows(solved)))
    offset = time.monotonic() - started
    if params.deterministic:
        remaining = params.time_limit * (1 - GROUPS_SHARE)
    else:
        remaining = max(0.1, params.time_limit - offset)
    handler = None if on_progress is None else _shifted(on_progress, offset)
    whole = solve(problem, replace(params, time_limit=remaining), handler, hint=start, stop=stop)
    seconds = time.monotonic() - started
    # Stage by stage, as the engine optimises: at the merged roster's coverage or
    # better, the whole model's stage 2 started from that roster and is its to keep.
    if whole.status.has_roster and (hint is None or _coverage(whole) <= _coverage(merged)):
        if hint is None:
            note = (
                "whole model warm-started from the greedy roster (seeded with the rosters of "
                f"{len(solved)} of {len(split.groups)} zone groups where that covers as much), "
                f"since {merged.message}"
            )
        else:
            note = (
                f"whole model warm-started from the merged roster of {len(split.groups)} "
                f"zone groups ({_describe(split.groups)})"
            )
        firsts = [
            None if whole.seconds_to_first is None else offset + whole.seconds_to_first,
            merged.seconds_to_first,
        ]
        return replace(
            whole,
            seconds=seconds,
            seconds_to_first=min((f for f in firsts if f is not None), default=None),
            message=f"{note}. {whole.message}" if whole.message else note,
        )
    if hint is not None:
        # The whole model ended with no roster or less coverage (it ran out of time
        # before completing the hint): the merged roster stands, with no bound.
        outcome = (
            f"less coverage ({whole.status.value})"
            if whole.status.has_roster
            else f"no roster ({whole.status.value})"
        )
        return replace(
            merged,
            seconds=seconds,
            message=f"{merged.message}. The whole model, warm-started from it, ended with "
            f"{outcome} in the remaining {remaining:.0f} s",
        )
    note = f"after the zone groups ({_describe(split.groups)}), the whole model"
    return replace(whole, seconds=seconds, message=f"{note}: {whole.message or 'no detail'}")


__all__ = [
    "GROUPS_SHARE",
    "GROUP_MAX_VARIABLES",
    "WHOLE_AFTER_GROUPS_MAX_VARIABLES",
    "WHOLE_MODEL_MAX_VARIABLES",
    "Decomposed",
    "DecompositionError",
    "GroupRun",
    "StaffBy",
    "ZoneGroup",
    "assign_people",
    "capacity_minutes",
    "estimate_variables",
    "groups_needed",
    "solve_auto",
    "solve_by_zone_groups",
    "solve_zone_groups",
    "split_zones",
    "team_zone_loads",
    "zone_groups",
    "zone_loads",
]

"""Dispatch simulation of a roster: how many calls a unit reaches within the target.

A discrete-event simulation (SimPy) of the roster's horizon. Units come on and off
duty as the roster's Assignments say; calls arrive replayed from a call list or as a
Poisson process from hourly rates; the dispatcher sends a free unit of the call's team
from the call's zone, else from the nearest zone with one, else the call waits in its
team's FIFO queue for the first unit that frees up. See docs/simulation.md.

No solver here: only the roster rows, the problem's zones and the calls are used.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import statistics
from collections import deque
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass

import simpy

from scheduler.errors import InputIssue
from scheduler.io.read_workbook import rows_not_of_program
from scheduler.model.problem import Problem, Team
from scheduler.model.roster import Roster
from scheduler.model.simulation import (
    ALL as ALL,
)

# The result types are model data, so the writers (`io.simulation_report`) need not
# import this module.
from scheduler.model.simulation import (
    DEFAULT_BUSY_CV as DEFAULT_BUSY_CV,
)
from scheduler.model.simulation import (
    DEFAULT_BUSY_MINUTES as DEFAULT_BUSY_MINUTES,
)
from scheduler.model.simulation import (
    BusyDistribution as BusyDistribution,
)
from scheduler.model.simulation import (
    Call as Call,
)
from scheduler.model.simulation import (
    CallOutcome as CallOutcome,
)
from scheduler.model.simulation import (
    Estimate as Estimate,
)
from scheduler.model.simulation import (
    GroupResult as GroupResult,
)
from scheduler.model.simulation import (
    RateKey as RateKey,
)
from scheduler.model.simulation import (
    Rates as Rates,
)
from scheduler.model.simulation import (
    Replication as Replication,
)
from scheduler.model.simulation import (
    SimulationResult as SimulationResult,
)
from scheduler.model.simulation import (
    SimulationSettings as SimulationSettings,
)
from scheduler.model.simulation import (
    UnitShift as UnitShift,
)

# ---- inputs ---------------------------------------------------------------------------


def roster_issues(problem: Problem, roster: Roster) -> list[InputIssue]:
    """Rows of a roster read from a file that are not of this program (a person, shift or
    zone it lacks, a date outside its horizon) or could not be read: simulated anyway,
    they would give the figures of another roster, so the caller refuses them."""
    return rows_not_of_program(problem, roster, zones=True)


def unit_shifts(problem: Problem, roster: Roster) -> list[UnitShift]:
    """One UnitShift per unit id and start: the two rows of a paired unit are one unit."""
    seen: dict[tuple[str, dt.datetime], UnitShift] = {}
    for row in roster.assignments:
        key = (row.unit_id, row.start)
        if key not in seen:
            seen[key] = UnitShift(
                unit_id=row.unit_id,
                team=row.team,
                zone=row.zone,
                start=problem.clock.elapsed(row.start),
                end=problem.clock.elapsed(row.end),
            )
    return sorted(seen.values(), key=lambda s: (s.start, s.team, s.zone, s.unit_id))


def horizon_minutes(problem: Problem) -> float:
    """Real minutes of the horizon (a day with a clock change has 23 or 25 hours)."""
    return float(problem.horizon_minutes)


class HourOfDay:
    """The local hour of day of a real minute of the horizon, looked up once per minute."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.known: dict[int, int] = {}

    def __call__(self, minute: float) -> int:
        whole = math.floor(minute)
        hour = self.known.get(whole)
        if hour is None:
            hour = self.known[whole] = self.problem.moment(whole).hour
        return hour


def replayed_call(
    problem: Problem, received_at: dt.datetime, zone: str, team: Team, busy_minutes: float
) -> Call | None:
    """A call of a log as the simulation sees it; None when it falls outside the horizon."""
    minute = problem.clock.elapsed(received_at)
    if not 0 <= minute < horizon_minutes(problem):
        return None
    return Call(minute, zone, team, busy_minutes)


@dataclass(frozen=True)
class LoggedCall:
    received_at: dt.datetime
    zone: str
    team: Team
    busy_minutes: float


@dataclass(frozen=True)
class Replay:
    """The call lists to replay: run i uses `call_sets[i % len(call_sets)]`."""

    call_sets: tuple[tuple[Call, ...], ...]
    description: str


def replay(problem: Problem, logged: Sequence[LoggedCall]) -> Replay:
    """A log that overlaps the roster's dates is replayed as it is. A log from other
    dates (last month's calls for next week's roster) is cut into roster-long windows
    that start on the roster's weekday, each moved by whole weeks onto the roster's
    dates, so every run replays another real stretch of the log with its weekdays kept."""
    if not logged:
        raise ValueError("no calls to replay")
    as_is = tuple(
        call
        for call in (
            replayed_call(problem, c.received_at, c.zone, c.team, c.busy_minutes) for c in logged
        )
        if call is not None
    )
    if as_is:
        return Replay(
            (as_is,), f"Replaying {len(as_is)} of {len(logged)} logged calls on their own dates."
        )
    first = min(c.received_at.date() for c in logged)
    end = max(c.received_at.date() for c in logged) + dt.timedelta(days=1)
    # The first day on or after the log's start with the roster's weekday.
    window_start = first + dt.timedelta(days=(problem.start_date.weekday() - first.weekday()) % 7)
    horizon = dt.timedelta(days=problem.days)
    step = dt.timedelta(weeks=math.ceil(problem.days / 7))
    starts = []
    while window_start + horizon <= end:
        starts.append(window_start)
        window_start += step
    partial = not starts
    if partial:  # a log shorter than the roster: its one (partial) window
        starts = [first - dt.timedelta(days=(first.weekday() - problem.start_date.weekday()) % 7)]
    call_sets = []
    for start in starts:
        shift = dt.datetime.combine(problem.start_date, dt.time()) - dt.datetime.combine(
            start, dt.time()
        )
        moved = (
            replayed_call(problem, c.received_at + shift, c.zone, c.team, c.busy_minutes)
            for c in logged
        )
        call_sets.append(tuple(call for call in moved if call is not None))
    counts = [len(calls) for calls in call_sets]
    if partial:
        description = (
            f"The log ({first} to {end - dt.timedelta(days=1)}) is shorter than the roster: "
            f"replaying its {counts[0]} calls moved onto the roster's dates."
        )
    else:
        description = (
            f"The log's dates ({first} to {end - dt.timedelta(days=1)}) are not the roster's: "
            f"replaying {len(starts)} stretches of {problem.days} days from {starts[0]} on, "
            f"moved onto the roster's dates ({min(counts)} to {max(counts)} calls each); "
            f"run i replays stretch i mod {len(starts)}."
        )
    return Replay(tuple(call_sets), description)


def poisson_calls(
    problem: Problem,
    rates: Rates,
    busy_minutes: float,
    rng: random.Random,
    busy_by_key: Mapping[RateKey, float] | None = None,
) -> list[Call]:
    """Calls from hourly rates: a Poisson process per (zone, team), rate constant within
    each real hour of the horizon (weekday and hour from the local clock: the skipped
    hour has no calls, the repeated one its rate twice). Mean busy time from
    `busy_by_key` where it has the hour, else `busy_minutes`."""
    calls: list[Call] = []
    keys = sorted({(zone, team) for (_, _, zone, team) in rates})
    end = horizon_minutes(problem)
    for begin in (float(minute) for minute in range(0, math.ceil(end), 60)):
        local = problem.moment(begin)
        weekday, hour = local.weekday(), local.hour
        stop = min(begin + 60, end)
        for zone, team in keys:
            key = (weekday, hour, zone, team)
            per_minute = rates.get(key, 0.0) / 60
            if per_minute <= 0:
                continue
            mean_busy = (busy_by_key or {}).get(key, busy_minutes)
            moment = begin + rng.expovariate(per_minute)
            while moment < stop:
                calls.append(Call(moment, zone, team, mean_busy))
                moment += rng.expovariate(per_minute)
    calls.sort(key=lambda c: (c.minute, c.zone, c.team))
    return calls


# ---- the simulation -------------------------------------------------------------------


class _Dispatcher:
    """Units' state and the dispatch rules; SimPy processes drive it."""

    def __init__(
        self,
        env: simpy.Environment,
        problem: Problem,
        settings: SimulationSettings,
        rng: random.Random,
    ) -> None:
        self.env = env
        self.hour_of = HourOfDay(problem)
        self.problem = problem
        self.settings = settings
        self.rng = rng
        # Zones.travel_minutes within a zone, Travel (or a penalty) between zones.
        self.travel_between = {
            (start, to): problem.travel_minutes(start, to)
            for start in problem.zone_ids
            for to in problem.zone_ids
        }
        self.free: dict[tuple[Team, str], list[UnitShift]] = {}
        self.on_duty: dict[Team, set[UnitShift]] = {}
        self.queue: dict[Team, deque[tuple[Call, int]]] = {}
        self.outcomes: list[CallOutcome | None] = []
        self.busy_minutes: dict[tuple[str, str, int], float] = {}

    def travel(self, from_zone: str, to_zone: str) -> float:
        known = self.travel_between.get((from_zone, to_zone))
        # A hand-edited roster may name a zone the program lacks: the defaults apply.
        return self.problem.travel_minutes(from_zone, to_zone) if known is None else known

    def busy_time(self, mean: float) -> float:
        if self.settings.busy_distribution is BusyDistribution.EXPONENTIAL:
            return self.rng.expovariate(1 / mean)
        if self.settings.busy_cv == 0:  # no spread: every call takes the mean (hand checks)
            return mean
        # Lognormal with the given mean and coefficient of variation.
        sigma2 = math.log(1 + self.settings.busy_cv**2)
        return self.rng.lognormvariate(math.log(mean) - sigma2 / 2, math.sqrt(sigma2))

    # processes

    def shift(self, unit: UnitShift) -> Generator[simpy.Event, None, None]:
        # A shift that began before the horizon (hand-edited rows) is on duty from its start.
        yield self.env.timeout(max(0.0, unit.start))
        self.on_duty.setdefault(unit.team, set()).add(unit)
        self.become_free(unit)
        yield self.env.timeout(max(0.0, unit.end - self.env.now))
        self.on_duty[unit.team].discard(unit)
        free = self.free.get((unit.team, unit.zone), [])
        if unit in free:
            free.remove(unit)
        # A unit on a call at its shift's end finishes that call, then goes home.

    def arrivals(self, calls: Sequence[Call]) -> Generator[simpy.Event, None, None]:
        for index, call in enumerate(calls):
            yield self.env.timeout(call.minute - self.env.now)
            self.outcomes.append(None)
            self.dispatch(call, index)

    def serve(
        self, unit: UnitShift, call: Call, index: int, travel: float
    ) -> Generator[simpy.Event, None, None]:
        wait = self.env.now - call.minute
        self.outcomes[index] = CallOutcome(call, unit.unit_id, wait, travel, uncovered=False)
        # The drawn busy time includes home-zone travel; a unit from another zone drives longer.
        busy = self.busy_time(call.busy_minutes) + travel - self.travel(call.zone, call.zone)
        begin = self.env.now
        yield self.env.timeout(busy)
        end = min(self.env.now, unit.end)
        _add_by_hour(self.busy_minutes, unit.team, unit.zone, begin, end, self.hour_of)
        if self.env.now < unit.end:
            self.become_free(unit)

    # dispatch rules

    def dispatch(self, call: Call, index: int) -> None:
        if not self.on_duty.get(call.team):
            self.outcomes[index] = CallOutcome(call, None, 0.0, 0.0, uncovered=True)
            return
        candidates = [
            (self.travel(zone, call.zone), zone)
            for (team, zone), units in self.free.items()
            if team == call.team and units
        ]
        if not candidates:
            self.queue.setdefault(call.team, deque()).append((call, index))
            return
        travel, zone = min(candidates)
        unit = self.free[(call.team, zone)].pop(0)  # the longest free unit first
        self.env.process(self.serve(unit, call, index, travel))

    def become_free(self, unit: UnitShift) -> None:
        waiting = self.queue.get(unit.team)
        if waiting:
            call, index = waiting.popleft()
            self.env.process(self.serve(unit, call, index, self.travel(unit.zone, call.zone)))
        else:
            self.free.setdefault((unit.team, unit.zone), []).append(unit)


def _add_by_hour(
    totals: dict[tuple[str, str, int], float],
    team: str,
    zone: str,
    begin: float,
    end: float,
    hour_of: HourOfDay,
) -> None:
    """Add the minutes of [begin, end) to their local hours of the day."""
    moment = begin
    while moment < end:
        next_hour = (math.floor(moment / 60) + 1) * 60
        chunk_end = min(end, next_hour)
        key = (str(team), zone, hour_of(moment))
        totals[key] = totals.get(key, 0.0) + chunk_end - moment
        moment = chunk_end


def run_once(
    problem: Problem,
    shifts: Sequence[UnitShift],
    calls: Sequence[Call],
    settings: SimulationSettings,
    seed: int,
) -> Replication:
    """One replication: every call dispatched, the simulation run until units are done."""
    env = simpy.Environment()
    dispatcher = _Dispatcher(env, problem, settings, random.Random(seed))
    ordered = sorted(calls, key=lambda c: c.minute)
    for unit in shifts:
        env.process(dispatcher.shift(unit))
    env.process(dispatcher.arrivals(ordered))
    env.run()
    outcomes = [
        outcome or CallOutcome(call, None, env.now - call.minute, 0.0, uncovered=False)
        for call, outcome in zip(ordered, dispatcher.outcomes, strict=True)
    ]
    on_duty: dict[tuple[str, str, int], float] = {}
    for unit in shifts:
        _add_by_hour(
            on_duty, unit.team, unit.zone, max(0.0, unit.start), unit.end, dispatcher.hour_of
        )
    return Replication(outcomes, on_duty, dispatcher.busy_minutes)


def simulate(
    problem: Problem,
    roster: Roster,
    settings: SimulationSettings,
    calls: Sequence[Call] | Replay | None = None,
    rates: Rates | None = None,
    busy_by_key: Mapping[RateKey, float] | None = None,
) -> SimulationResult:
    """Replications of the roster against replayed `calls` (one list, or a `Replay` whose
    lists take turns) or Poisson calls from `rates`; replication i uses seed
    `settings.seed + i` (busy times and, for rates, arrivals)."""
    if (calls is None) == (rates is None):
        raise ValueError("give either calls or rates")
    call_sets = (
        None if calls is None else calls.call_sets if isinstance(calls, Replay) else (tuple(calls),)
    )
    shifts = unit_shifts(problem, roster)
    replications = []
    for i in range(settings.replications):
        seed = settings.seed + i
        these_calls = (
            call_sets[i % len(call_sets)]
            if call_sets is not None
            else poisson_calls(
                problem,
                rates or {},
                settings.busy_minutes,
                # Arrivals and busy times draw from separate streams of the same seed.
                random.Random(seed * 7919 + 1),
                busy_by_key,
            )
        )
        replications.append(run_once(problem, shifts, these_calls, settings, seed))
    groups = summarise(replications, settings, HourOfDay(problem))
    return SimulationResult(settings, groups, tuple(replications))


def headline(group: GroupResult, target_minutes: float) -> str:
    """One line of the headline figures of a group, for the terminal."""

    def share(estimate: Estimate | None) -> str:
        if estimate is None:
            return "-"
        return f"{estimate.mean:.1%} (±{estimate.half_width:.1%})"

    def minutes(estimate: Estimate | None) -> str:
        if estimate is None or not math.isfinite(estimate.mean):
            return "-"
        return f"{estimate.mean:.1f} min"

    name = "all teams" if group.team == ALL else group.team
    return (
        f"{name}: {group.calls:.1f} calls/run, within {target_minutes:g} min "
        f"{share(group.within_target)}, median {minutes(group.median_response)}, "
        f"p90 {minutes(group.p90_response)}, waited {share(group.waited)}, "
        f"no unit on duty {share(group.uncovered)}, utilisation {share(group.utilisation)}"
    )


# ---- statistics -----------------------------------------------------------------------

# Two-sided 95% Student t quantiles for 1..30 degrees of freedom.
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def t_quantile_975(degrees: int) -> float:
    """The 97.5% t quantile; beyond 30 degrees of freedom, the Cornish-Fisher expansion."""
    if degrees <= len(_T975):
        return _T975[degrees - 1]
    z = 1.959964
    return z + (z**3 + z) / (4 * degrees) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * degrees**2)


def estimate(values: Sequence[float]) -> Estimate | None:
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return None
    mean = statistics.fmean(finite)
    if len(finite) < 2:
        return Estimate(mean, math.inf, len(finite))
    half = t_quantile_975(len(finite) - 1) * statistics.stdev(finite) / math.sqrt(len(finite))
    return Estimate(mean, half, len(finite))


def percentile(sorted_values: Sequence[float], share: float) -> float:
    """Linear interpolation between closest ranks (as numpy's default)."""
    position = share * (len(sorted_values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


GroupKey = tuple[str, str, int | None]


def _group_keys(team: str, zone: str, hour: int) -> Iterable[GroupKey]:
    """The summary groups a call or unit-hour counts in."""
    for t in (team, ALL):
        for z in (zone, ALL):
            yield (t, z, None)
            yield (t, z, hour)


def summarise(
    replications: Sequence[Replication],
    settings: SimulationSettings,
    hour_of: Callable[[float], int] = lambda minute: int(minute // 60) % 24,
) -> tuple[GroupResult, ...]:
    """Figures per team, zone and local hour of day (`hour_of` a real minute)."""
    per_replication: list[dict[GroupKey, dict[str, float]]] = []
    keys: set[GroupKey] = set()
    for replication in replications:
        responses: dict[GroupKey, list[float]] = {}
        counts: dict[GroupKey, list[int]] = {}  # calls, within, waited, uncovered
        for outcome in replication.outcomes:
            call = outcome.call
            hour = hour_of(call.minute)
            for key in _group_keys(str(call.team), call.zone, hour):
                # Response percentiles are over the calls a unit reached; the calls no unit
                # reached count in the shares (not within target; uncovered or waited).
                reached = responses.setdefault(key, [])
                if outcome.served:
                    reached.append(outcome.response)
                count = counts.setdefault(key, [0, 0, 0, 0])
                count[0] += 1
                count[1] += outcome.response <= settings.target_minutes
                count[2] += not outcome.uncovered and (outcome.wait > 0 or not outcome.served)
                count[3] += outcome.uncovered
        duty: dict[GroupKey, list[float]] = {}
        for (team, zone, hour), minutes in replication.on_duty.items():
            for key in _group_keys(team, zone, hour):
                duty.setdefault(key, [0.0, 0.0])[0] += minutes
        for (team, zone, hour), minutes in replication.busy.items():
            for key in _group_keys(team, zone, hour):
                duty.setdefault(key, [0.0, 0.0])[1] += minutes
        figures: dict[GroupKey, dict[str, float]] = {}
        for key, (calls, within, waited, uncovered) in counts.items():
            ordered = sorted(responses[key])
            figures[key] = {
                "calls": calls,
                "within_target": within / calls,
                "waited": waited / calls,
                "uncovered": uncovered / calls,
            }
            if ordered:
                figures[key]["median_response"] = percentile(ordered, 0.5)
                figures[key]["p90_response"] = percentile(ordered, 0.9)
        for key, (on, busy) in duty.items():
            if on > 0:
                figures.setdefault(key, {"calls": 0})["utilisation"] = busy / on
        keys.update(figures)
        per_replication.append(figures)

    def collect(key: GroupKey, name: str) -> Estimate | None:
        return estimate([f[key][name] for f in per_replication if name in f.get(key, {})])

    groups = [
        GroupResult(
            team=team,
            zone=zone,
            hour=hour,
            calls=statistics.fmean(f.get(key, {}).get("calls", 0) for f in per_replication),
            within_target=collect(key, "within_target"),
            median_response=collect(key, "median_response"),
            p90_response=collect(key, "p90_response"),
            waited=collect(key, "waited"),
            uncovered=collect(key, "uncovered"),
            utilisation=collect(key, "utilisation"),
        )
        for key in (keys or {(ALL, ALL, None)})
        for team, zone, hour in [key]
    ]
    groups.sort(key=lambda g: (g.team != ALL, g.team, g.zone != ALL, g.zone, g.hour or -1))
    return tuple(groups)

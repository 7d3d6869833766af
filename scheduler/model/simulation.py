"""What a dispatch simulation is given and gives back (`scheduler.simulate` runs it):
settings, calls, per-replication outcomes and the summarised figures, as plain data."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from scheduler.model.kinds import Team

#: Spread of the lognormal busy time: standard deviation / mean.
DEFAULT_BUSY_CV = 0.5
#: Mean busy time per call (travel + on scene + paperwork) for Poisson calls.
DEFAULT_BUSY_MINUTES = 75.0
ALL = "All"

#: Poisson arrival rates: (weekday 0 = Monday, hour 0-23, zone, team) -> calls per hour.
RateKey = tuple[int, int, str, Team]
Rates = dict[RateKey, float]


class BusyDistribution(StrEnum):
    LOGNORMAL = "lognormal"
    EXPONENTIAL = "exponential"  # for the Erlang C model check (M/M/N)


@dataclass(frozen=True)
class Call:
    """One call: when it came in (minutes from the horizon start), where, for which
    team, and its mean busy time (the drawn time has this mean)."""

    minute: float
    zone: str
    team: Team
    busy_minutes: float


@dataclass(frozen=True)
class UnitShift:
    """One unit on duty from `start` to `end` (minutes from the horizon start)."""

    unit_id: str
    team: Team
    zone: str
    start: float
    end: float


@dataclass(frozen=True)
class SimulationSettings:
    target_minutes: float = 10.0
    replications: int = 30
    seed: int = 1
    busy_cv: float = DEFAULT_BUSY_CV
    busy_distribution: BusyDistribution = BusyDistribution.LOGNORMAL
    busy_minutes: float = DEFAULT_BUSY_MINUTES  # mean, for Poisson calls


@dataclass(frozen=True)
class CallOutcome:
    """What happened to one call in one replication."""

    call: Call
    unit_id: str | None  # None: no unit reached it (uncovered or still queued at the end)
    wait: float  # minutes until a unit was sent
    travel: float
    uncovered: bool  # no unit of its team was on duty anywhere when it came in

    @property
    def served(self) -> bool:
        return self.unit_id is not None

    @property
    def response(self) -> float:
        return self.wait + self.travel if self.served else math.inf


@dataclass
class Replication:
    outcomes: list[CallOutcome]
    # (team, zone, hour of day) -> unit-minutes on duty and busy
    on_duty: dict[tuple[str, str, int], float]
    busy: dict[tuple[str, str, int], float]


@dataclass(frozen=True)
class Estimate:
    """Mean over replications with a 95% confidence half-width (t-distribution)."""

    mean: float
    half_width: float
    replications: int

    @property
    def low(self) -> float:
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        return self.mean + self.half_width


@dataclass(frozen=True)
class GroupResult:
    """The figures of one team, zone and hour of day (`ALL` / None: every one)."""

    team: str
    zone: str
    hour: int | None
    calls: float  # mean calls per replication
    within_target: Estimate | None
    median_response: Estimate | None
    p90_response: Estimate | None
    waited: Estimate | None
    uncovered: Estimate | None
    utilisation: Estimate | None


@dataclass(frozen=True)
class SimulationResult:
    settings: SimulationSettings
    groups: tuple[GroupResult, ...]
    replications: tuple[Replication, ...] = field(repr=False)

    def group(self, team: str = ALL, zone: str = ALL, hour: int | None = None) -> GroupResult:
        for group in self.groups:
            if (group.team, group.zone, group.hour) == (team, zone, hour):
                return group
        raise KeyError((team, zone, hour))

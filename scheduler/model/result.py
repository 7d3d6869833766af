"""What a solve returns: a status, the roster (possibly empty) and honest numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from scheduler.model.report import ObjectiveParts
from scheduler.model.roster import Roster


class SolveStatus(StrEnum):
    OPTIMAL = "optimal"  # each stage proven best in turn: coverage, cost, pairing
    FEASIBLE = "feasible"  # a roster, optimality not proven within the limits
    INFEASIBLE = "infeasible"  # the hard rules cannot all hold
    NO_SOLUTION = "no_solution"  # limits reached before any roster was found
    INTERRUPTED = "interrupted"  # stopped by the user; best roster so far

    @property
    def has_roster(self) -> bool:
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE, SolveStatus.INTERRUPTED)


@dataclass(frozen=True)
class HireLimits:
    """What `plan` asks of the hires besides the objective: at most `max_hires` people
    in all, and at most `budget_cents` of annual hire cost (None: no limit)."""

    max_hires: int | None = None
    budget_cents: int | None = None


@dataclass(frozen=True)
class SolveParams:
    time_limit: float = 30.0  # seconds, for both stages together
    workers: int = 2
    seed: int = 0
    deterministic: bool = False  # same input + seed -> same roster (uses deterministic time)
    relative_gap: float = 0.0  # stop stage 2 when within this gap of the bound
    log: bool = False  # CP-SAT's own search log to stderr


@dataclass(frozen=True)
class ProgressEvent:
    stage: int  # 1 coverage, 2 cost
    seconds: float  # since the solve started
    objective: float | None
    bound: float | None
    required_shortfall: int | None = None  # unit-slots, in the roster just found
    target_shortfall: int | None = None


@dataclass(frozen=True)
class SolveResult:
    status: SolveStatus
    roster: Roster
    objective: float | None  # weighted total of every part after coverage (stages 2 + 3)
    bound: float | None  # its best bound (lexicographic: stage 3 optimal for stage 2's roster)
    stage1_objective: float | None
    stage1_bound: float | None
    stage1_optimal: bool
    seconds: float
    seconds_to_first: float | None
    params: SolveParams
    variables: int = 0
    constraints: int = 0
    progress: tuple[ProgressEvent, ...] = field(default_factory=tuple)
    message: str = ""
    cost_bound: float | None = None  # stage 2's own bound (a lower bound of `objective`)
    # The objective parts as the solver counted them (the checker recounts them
    # from the roster; tests require both to agree at OPTIMAL).
    parts: ObjectiveParts | None = None
    # `plan` only: a proven lower bound of the annual hire + overtime cost (currency a
    # year) of any roster as short of required coverage as this one; None unknown.
    plan_cost_bound: float | None = None

    @classmethod
    def without_roster(
        cls,
        status: SolveStatus,
        params: SolveParams,
        seconds: float,
        message: str,
        variables: int = 0,
        constraints: int = 0,
    ) -> SolveResult:
        """A result with no roster (infeasible, no solution in time, a group failed)."""
        return cls(
            status=status,
            roster=Roster(),
            objective=None,
            bound=None,
            stage1_objective=None,
            stage1_bound=None,
            stage1_optimal=False,
            seconds=seconds,
            seconds_to_first=None,
            params=params,
            variables=variables,
            constraints=constraints,
            message=message,
        )

    @property
    def gap(self) -> float | None:
        """Relative gap of stage 2 (0 when proven optimal)."""
        if self.objective is None or self.bound is None:
            return None
        if self.objective == 0:
            return 0.0
        return max(0.0, (self.objective - self.bound) / abs(self.objective))

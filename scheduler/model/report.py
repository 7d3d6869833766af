"""What the checker finds in a roster: violations, coverage, gaps, hours, objective parts.

These are the figures every output shows (`Summary`, `Hours`, `Gaps`,
`Violations`, `Coverage`). They are computed by `scheduler.evaluate` from the
roster alone, never read from solver variables.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from typing import TypeVar

from scheduler.model.problem import Role, Team

#: Findings listed per kind (rule) in the `check` reports (text, JSON, the HR report's
#: `Violations` and `Gaps`); the counts are always whole. A roster pasted together a
#: hundred times breaks the same rule tens of thousands of times: listing them all
#: helps no one (`check --max-findings`).
FINDINGS_PER_KIND = 100

Listed = TypeVar("Listed")


def split_per_kind(
    items: Sequence[Listed], kind: Callable[[Listed], str], cap: int
) -> tuple[list[Listed], dict[str, list[Listed]]]:
    """The first `cap` items of each kind, in their order, and the items left out, by
    kind in the order each kind first comes (`cap` 0: every item, none left out)."""
    if cap <= 0:
        return list(items), {}
    shown: list[Listed] = []
    left_out: dict[str, list[Listed]] = defaultdict(list)
    seen: Counter[str] = Counter()
    for item in items:
        key = kind(item)
        seen[key] += 1
        if seen[key] <= cap:
            shown.append(item)
        else:
            left_out[key].append(item)
    return shown, {key: left_out[key] for key in seen if key in left_out}


def capped_per_kind(
    items: Sequence[Listed], kind: Callable[[Listed], str], cap: int
) -> tuple[list[Listed], dict[str, int]]:
    """The first `cap` items of each kind, in their order, and how many of each kind
    are left out (`cap` 0: every item)."""
    shown, left_out = split_per_kind(items, kind, cap)
    return shown, {key: len(rest) for key, rest in left_out.items()}


@dataclass(frozen=True)
class Violation:
    """A broken rule. Hard ones make a roster unusable; soft ones cost penalty."""

    rule: str  # e.g. "rest", "max_hours_per_week", "prefer_off"
    employee_id: str | None
    when: str  # human-readable moment or span, e.g. "Tue 2026-03-03 20:00"
    detail: str  # one sentence with the amount, e.g. "8.0 h rest, needs 10 h"
    hard: bool
    amount: float = 0.0  # how far over/under, in the rule's unit
    penalty: float = 0.0  # objective points, soft rules only


@dataclass(frozen=True)
class CoverageRow:
    """One row of the `Coverage` sheet."""

    slot_start: dt.datetime
    team: Team
    zone: str
    required: int
    target: int
    scheduled: int
    # The zone's UTC offset at the slot's start (`-04:00`), which tells the two slots of
    # a repeated hour apart; None for a program without a time zone.
    utc_offset: str | None = None

    @property
    def shortfall(self) -> int:
        return max(0, self.required - self.scheduled)

    @property
    def target_shortfall(self) -> int:
        return max(0, self.target - self.scheduled)


@dataclass(frozen=True)
class Gap:
    """Consecutive slots of one team and zone below required, merged into a span."""

    team: Team
    zone: str
    start: dt.datetime
    end: dt.datetime
    required: int  # the largest requirement in the span
    scheduled: int  # the fewest units on duty in the span
    unit_slots_short: int
    reason: str = ""


@dataclass(frozen=True)
class PersonHours:
    """One row of the `Hours` sheet."""

    employee_id: str
    name: str
    role: Role
    shifts: int
    paid_hours: float
    contract_hours: float  # min_hours_per_week x weeks (pro rata for a short week)
    max_hours_per_week: float | None
    overtime_hours: float
    overtime_cost: float  # currency units
    weekly_paid_hours: tuple[float, ...]
    nights: int
    evenings: int
    weekend_days: int
    requests: int
    requests_met: int
    # The same three counts over `History` and this roster together: what fairness
    # across weeks balances (equal to the counts above without History).
    weekend_days_total: int = 0
    evening_shifts_total: int = 0
    night_shifts_total: int = 0


@dataclass(frozen=True)
class ObjectiveParts:
    """The soft objective, part by part, in the units the solver minimises.

    In order of importance. The solver's objective is
    `scheduler.model.objective.weighted_total(parts)` at every solution.
    """

    required_shortfall: int = 0  # unit-slots below required
    target_shortfall: int = 0  # unit-slots below target
    contract_shortfall_minutes: int = 0  # paid minutes below min_hours_per_week
    overtime_cost_cent_minutes: int = 0  # overtime minutes x cents per overtime hour
    request_penalty: int = 0  # weights of requests not honoured
    shift_cover_penalty: int = 0  # `ShiftCover` weights x units under or over
    consecutive_excess_days: int = 0  # days beyond preferred_max_consecutive_days
    peer_shifts_away_from_home: int = 0  # peer shifts outside their home_zone
    fairness_excess: int = 0  # with History: weekend days, evenings, nights above the fair share
    extra_partners: int = 0  # per clinician and week: distinct peers beyond the first
    pair_preference_penalty: int = 0  # `Pairs` prefer/avoid not kept (per day)

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def overtime_cost(self) -> float:
        """Overtime cost in currency units."""
        return self.overtime_cost_cent_minutes / 6000


@dataclass(frozen=True)
class Evaluation:
    """Everything the checker recomputed from one roster."""

    hard_violations: tuple[Violation, ...]
    soft_violations: tuple[Violation, ...]
    coverage: tuple[CoverageRow, ...]
    gaps: tuple[Gap, ...]
    hours: tuple[PersonHours, ...]
    parts: ObjectiveParts
    unit_count: int
    shortfall_by_team: dict[str, int] = field(default_factory=dict)  # unit-slots

    @property
    def feasible(self) -> bool:
        return not self.hard_violations

    @property
    def required_unit_slots(self) -> int:
        return sum(row.required for row in self.coverage)

    @property
    def coverage_pct(self) -> float:
        """Share of required unit-slots met (100 when nothing is required)."""
        required = self.required_unit_slots
        if required == 0:
            return 100.0
        return 100.0 * (required - self.parts.required_shortfall) / required

    @property
    def overtime_hours(self) -> float:
        return sum(h.overtime_hours for h in self.hours)

    @property
    def requests_total(self) -> int:
        return sum(h.requests for h in self.hours)

    @property
    def requests_met(self) -> int:
        return sum(h.requests_met for h in self.hours)

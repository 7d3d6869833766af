"""Objective weights, shared by the solver and the checker.

Required and target coverage are optimised first, lexicographically (stage 1 of
the solve); the cost parts are then minimised as one weighted sum (stage 2)
without giving back any coverage; last, with everyone's shifts fixed, the
pairing parts (stage 3). The weights make the parts roughly ordered by
importance; within stage 2 they are prices, not a strict lexicographic order.
They are printed in the `Summary` sheet. `stage2_total` is the weighted sum of
every part after coverage (stages 2 and 3 together).
"""

from __future__ import annotations

from scheduler.model.report import ObjectiveParts

#: Points per unit of each stage-2 part.
STAGE2_WEIGHTS: dict[str, int] = {
    # 1 minute below contract ~ 3x the overtime price of a $50/h person's minute.
    "contract_shortfall_minutes": 20_000,
    # Base unit: one overtime minute at one cent per hour; $75/h -> 7,500 a minute.
    "overtime_cost_cent_minutes": 1,
    # One request (weight 1) ~ one hour of overtime at $75/h.
    "request_penalty": 450_000,
    # `ShiftCover` weights are in request-weight points: the same price.
    "shift_cover_penalty": 450_000,
    "consecutive_excess_days": 200_000,
    "peer_shifts_away_from_home": 50_000,
    # A tie-breaker: one weekend day, evening or night above the fair share is worth
    # less than a request or a day beyond the preferred run, 5 minutes of contract.
    "fairness_excess": 100_000,
    "extra_partners": 20_000,
    "pair_preference_penalty": 20_000,
}

STAGE1_PARTS = ("required_shortfall", "target_shortfall")
#: Stage 2 decides who works when and where; stage 3 then decides who pairs with
#: whom, so the pairing parts come after every other part.
COST_PARTS = (
    "contract_shortfall_minutes",
    "overtime_cost_cent_minutes",
    "request_penalty",
    "shift_cover_penalty",
    "consecutive_excess_days",
    "peer_shifts_away_from_home",
    "fairness_excess",
)
PAIRING_PARTS = ("extra_partners", "pair_preference_penalty")


def stage2_total(parts: ObjectiveParts) -> int:
    values = parts.as_dict()
    return sum(weight * values[name] for name, weight in STAGE2_WEIGHTS.items())


def stage1_total(parts: ObjectiveParts, target_weight_base: int) -> int:
    """Required shortfall strictly before target shortfall."""
    return parts.required_shortfall * target_weight_base + parts.target_shortfall

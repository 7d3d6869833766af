"""Erlang C staffing: how many units keep a share of calls within a wait time.

Offered load A = calls per hour x busy hours per call (in Erlangs). Everything
is computed with the Erlang B recurrence B(k) = A B(k-1) / (k + A B(k-1)) and
C = N B / (N - A (1 - B)), so no factorial or power of A is ever formed and the
functions stay accurate at loads of several hundred units.
"""

from __future__ import annotations

import math


def _check_load(load: float) -> None:
    if not math.isfinite(load) or load < 0:
        raise ValueError(f"load must be a finite number >= 0, got {load}")


def _erlang_b_next(load: float, k: int, previous_b: float) -> float:
    """Erlang B with k servers from Erlang B with k - 1 servers."""
    return load * previous_b / (k + load * previous_b)


def _erlang_c_from_b(load: float, units: int, erlang_b: float) -> float:
    if units <= load:
        return 1.0  # the queue grows without bound: every call waits
    return units * erlang_b / (units - load * (1.0 - erlang_b))


def erlang_c_wait_probability(load: float, units: int) -> float:
    """Chance a call has to wait (Erlang C); 1.0 when units <= load."""
    _check_load(load)
    if units <= load:
        return 1.0
    erlang_b = 1.0  # B(0) = 1
    for k in range(1, units + 1):
        erlang_b = _erlang_b_next(load, k, erlang_b)
    return _erlang_c_from_b(load, units, erlang_b)


def _service_level_from_c(
    load: float, units: int, wait_probability: float, wait_minutes: float, busy_minutes: float
) -> float:
    if units <= load:
        return 0.0  # an overloaded queue answers no share of calls reliably
    return 1.0 - wait_probability * math.exp(-(units - load) * wait_minutes / busy_minutes)


def _check_times(wait_minutes: float, busy_minutes: float) -> None:
    if not busy_minutes > 0:
        raise ValueError(f"busy_minutes must be > 0, got {busy_minutes}")
    if not wait_minutes >= 0:
        raise ValueError(f"wait_minutes must be >= 0, got {wait_minutes}")


def service_level(load: float, units: int, wait_minutes: float, busy_minutes: float) -> float:
    """Share of calls answered within `wait_minutes`: 1 - P_wait exp(-(N - A) t / AHT).

    `busy_minutes` is the mean time a unit is busy per call (AHT). Returns 0.0
    when units <= load (the queue is unstable).
    """
    _check_times(wait_minutes, busy_minutes)
    wait_probability = erlang_c_wait_probability(load, units)
    return _service_level_from_c(load, units, wait_probability, wait_minutes, busy_minutes)


def units_needed(
    calls_per_hour: float,
    busy_minutes: float,
    wait_minutes: float,
    target: float,
    min_units: int = 0,
) -> int:
    """Smallest number of units (at least `min_units`) whose service level meets `target`.

    No calls need `min_units`. `target` is a share in (0, 1): a share of 1 can
    never be met by a queue, so it is refused rather than looping forever.
    """
    if not math.isfinite(calls_per_hour) or calls_per_hour < 0:
        raise ValueError(f"calls_per_hour must be a finite number >= 0, got {calls_per_hour}")
    _check_times(wait_minutes, busy_minutes)
    if not 0 < target < 1:
        raise ValueError(f"target must be a share strictly between 0 and 1, got {target}")
    if min_units < 0:
        raise ValueError(f"min_units must be >= 0, got {min_units}")
    if calls_per_hour == 0:
        return min_units
    load = calls_per_hour * busy_minutes / 60.0
    # Walk N upwards once, carrying Erlang B along: O(N) for the whole search.
    erlang_b = 1.0
    units = 0
    while True:
        units += 1
        erlang_b = _erlang_b_next(load, units, erlang_b)
        if units <= load or units < min_units:
            continue
        wait_probability = _erlang_c_from_b(load, units, erlang_b)
        level = _service_level_from_c(load, units, wait_probability, wait_minutes, busy_minutes)
        if level >= target:
            return units

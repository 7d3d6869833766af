"""Erlang C against independent references: exact fractions for small N, log space for large."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest

from scheduler.demand.erlang import erlang_c_wait_probability, service_level, units_needed


def exact_wait_probability(load: Fraction, units: int) -> Fraction:
    """The textbook formula with exact factorials (only usable for small N)."""
    last = load**units / math.factorial(units) * Fraction(units) / (units - load)
    below = sum(load**k / math.factorial(k) for k in range(units))
    return last / (below + last)


def log_space_wait_probability(load: float, units: int) -> float:
    """The same formula in log space with lgamma, written apart from the recurrence."""
    log_terms = [k * math.log(load) - math.lgamma(k + 1) for k in range(units)]
    log_last = units * math.log(load) - math.lgamma(units + 1) + math.log(units / (units - load))
    top = max([*log_terms, log_last])
    below = sum(math.exp(term - top) for term in log_terms)
    last = math.exp(log_last - top)
    return last / (below + last)


@pytest.mark.parametrize(
    ("load", "units"),
    [(Fraction(1, 2), 1), (Fraction(5, 16), 2), (Fraction(5, 4), 2), (Fraction(3), 4), (7, 10)],
)
def test_wait_probability_matches_the_exact_formula(load: Fraction, units: int) -> None:
    expected = float(exact_wait_probability(Fraction(load), units))
    assert erlang_c_wait_probability(float(load), units) == pytest.approx(expected, rel=1e-12)


def test_one_unit_waits_with_probability_equal_to_the_load() -> None:
    # M/M/1: a call waits exactly when the one unit is busy, which happens A of the time.
    assert erlang_c_wait_probability(0.3, 1) == pytest.approx(0.3, rel=1e-12)


@pytest.mark.parametrize(("load", "units"), [(50.0, 55), (120.5, 130), (300.0, 320), (500.0, 512)])
def test_wait_probability_at_high_load_matches_log_space(load: float, units: int) -> None:
    expected = log_space_wait_probability(load, units)
    assert 0.01 < expected < 0.99  # a value where a wrong formula would show
    assert erlang_c_wait_probability(load, units) == pytest.approx(expected, rel=1e-9)


def test_units_at_or_below_the_load_always_wait() -> None:
    # The queue grows without bound: every call waits, and no share is served in time.
    assert erlang_c_wait_probability(4.0, 4) == 1.0
    assert erlang_c_wait_probability(4.5, 3) == 1.0
    assert service_level(4.0, 4, 5, 75) == 0.0


def test_service_level_is_the_formula() -> None:
    # 1 - P_wait exp(-(N - A) t / AHT), with P_wait from the exact formula.
    wait = float(exact_wait_probability(Fraction(5, 4), 2))
    expected = 1 - wait * math.exp(-(2 - 1.25) * 7 / 75)
    assert service_level(1.25, 2, 7, 75) == pytest.approx(expected, rel=1e-12)


def test_the_worked_example_of_domain_md() -> None:
    # AHT 75 min, t 7 min, 90%: 0.25 calls/h needs 2 units, 1 call/h needs 4.
    assert units_needed(0.25, 75, 7, 0.9) == 2
    assert units_needed(1.0, 75, 7, 0.9) == 4


@pytest.mark.parametrize(("calls", "wait"), [(0.25, 7), (1.0, 3), (40.0, 3), (400.0, 2)])
def test_units_needed_is_the_smallest_that_meets_the_target(calls: float, wait: float) -> None:
    units = units_needed(calls, 75, wait, 0.9)
    load = calls * 75 / 60
    assert service_level(load, units, wait, 75) >= 0.9
    assert service_level(load, units - 1, wait, 75) < 0.9


def test_no_calls_need_the_minimum_and_the_minimum_is_kept() -> None:
    assert units_needed(0.0, 75, 3, 0.9) == 0
    assert units_needed(0.0, 75, 3, 0.9, min_units=1) == 1
    # 0.25 calls/h needs 2 by the queue; a minimum of 3 lifts it, a minimum of 1 does not.
    assert units_needed(0.25, 75, 7, 0.9, min_units=3) == 3
    assert units_needed(0.25, 75, 7, 0.9, min_units=1) == 2


def test_more_units_wait_less_and_more_calls_need_more_units() -> None:
    waits = [erlang_c_wait_probability(8.0, n) for n in range(9, 20)]
    assert all(a > b for a, b in itertools.pairwise(waits))
    needed = [units_needed(rate, 75, 3, 0.9) for rate in (0.1, 0.5, 1, 2, 5, 10, 50)]
    assert needed == sorted(needed) and needed[0] < needed[-1]


def test_a_target_of_one_is_refused_rather_than_searched_forever() -> None:
    with pytest.raises(ValueError, match="target"):
        units_needed(1.0, 75, 3, 1.0)

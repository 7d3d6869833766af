"""Stage 3 on its own: the pairing search and its plain-Python fallback."""

from __future__ import annotations

from typing import Any

from scheduler.model.calendar import coverage_requirements
from scheduler.model.problem import PairKind, PairRule, Person
from scheduler.solve.matching import _any_pairing, match_units
from scheduler.solve.variables import useful_options
from tests.factories import demand, make_problem, person


def staff() -> list[Person]:
    trainee: dict[str, Any] = {"skills": ("trainee",)}
    return [
        person("C1", "clinician", **trainee),
        person("C2", "clinician"),
        person("C3", "clinician"),
        person("P1", "peer", **trainee),
        person("P2", "peer"),
        person("P3", "peer"),
    ]


def test_the_fallback_pairs_everyone_without_forbid_pairs_or_two_trainees() -> None:
    # C1 and P1 are trainees; C2-P2 and C3-P3 are forbidden: only C1-P2, C2-P3, C3-P1
    # or C1-P3, C2-P1, C3-P2 are valid; C3 can only get P1 by moving C2 from P1 to P3.
    people = staff()
    forbid = [
        PairRule(clinician_id="C2", peer_id="P2", kind=PairKind.FORBID),
        PairRule(clinician_id="C3", peer_id="P3", kind=PairKind.FORBID),
    ]
    problem = make_problem(staff=tuple(people), pairs=tuple(forbid))
    pairs = _any_pairing(problem, {1: list(range(6))}, {(1, 4), (2, 5)})

    units = pairs[1]
    assert len(units) == 3
    assert sorted(c for c, _ in units) == [0, 1, 2]
    assert sorted(p for _, p in units) == [3, 4, 5]
    assert (0, 3) not in units  # two trainees
    assert (1, 4) not in units and (2, 5) not in units  # forbid pairs


def test_match_units_with_no_time_still_returns_a_valid_pairing() -> None:
    # With a 0-second budget the search may find nothing; the fallback stands.
    people = staff()
    problem = make_problem(
        staff=tuple(people), demand=(demand("adult", "N", 0, "08:00", "16:00", 3),)
    )
    options = useful_options(problem, coverage_requirements(problem))
    k = options[0].index
    result = match_units(problem, options, {k: list(range(6))}, 0.0, 1, 0, False)

    assert sorted(c for c, _ in result.pairs[k]) == [0, 1, 2]
    assert (0, 3) not in result.pairs[k]

"""The LP bound of a CP-SAT model (scheduler/solve/lp.py): never above the model's
integer optimum, exact where the LP is integral, and stopped by the stop token."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.linear_solver import linear_solver_pb2
from ortools.sat.python import cp_model

from scheduler.model.stop import StopToken, never_stopped
from scheduler.solve.lp import _lagrangian_bound, lp_bound


def _optimum(model: cp_model.CpModel) -> float | None:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    status = solver.solve(model)
    assert status != cp_model.UNKNOWN
    return solver.objective_value if status == cp_model.OPTIMAL else None


def test_an_integral_lp_gives_the_optimum() -> None:
    """min x + 2y with x + y >= 3, x <= 1: the LP's optimum is integral, 1 + 2 x 2 = 5."""
    model = cp_model.CpModel()
    x, y = model.new_int_var(0, 5, "x"), model.new_int_var(0, 5, "y")
    model.add(x + y >= 3)
    model.add(x <= 1)
    model.minimize(x + 2 * y)
    assert 5 - 1e-5 <= lp_bound(model, 5, never_stopped(None)) <= 5


def test_negated_literals_and_clauses_are_read_as_one_minus_the_literal() -> None:
    """min (1 - a) + (1 - b) + 3c with at most one of a, b and (c or not a): b alone
    costs 1, and so does the LP's best (a fraction of a forces as much of c)."""
    model = cp_model.CpModel()
    a, b, c = (model.new_bool_var(name) for name in "abc")
    model.add_at_most_one([a, b])
    model.add_bool_or([c, ~a])
    model.minimize((1 - a) + (1 - b) + 3 * c)
    optimum = _optimum(model)
    assert optimum == 1  # b alone
    assert 1 - 1e-5 <= lp_bound(model, 5, never_stopped(None)) <= optimum


def test_a_requested_stop_proves_nothing() -> None:
    model = cp_model.CpModel()
    x = model.new_int_var(1, 5, "x")
    model.minimize(x)
    stop = StopToken()
    stop.request()
    assert lp_bound(model, 5, stop) == 0
    assert 1 - 1e-5 <= lp_bound(model, 5, never_stopped(None)) <= 1


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_the_bound_never_exceeds_the_integer_optimum(data: st.DataObject) -> None:
    """Random small models of every constraint kind the conversion reads (and one it
    skips: an enforced linear constraint): the bound is at most CP-SAT's optimum."""
    model = cp_model.CpModel()
    n = data.draw(st.integers(2, 6))
    xs = [
        model.new_int_var(data.draw(st.integers(-3, 0)), data.draw(st.integers(0, 4)), f"x{i}")
        for i in range(n)
    ]
    bs = [model.new_bool_var(f"b{i}") for i in range(n)]
    coefficient = st.integers(-4, 4)
    for _ in range(data.draw(st.integers(1, 5))):
        terms = sum(data.draw(coefficient) * x for x in xs) + sum(
            data.draw(coefficient) * b for b in bs
        )
        kind = data.draw(st.sampled_from([">=", "<=", "==", "enforced"]))
        rhs = data.draw(st.integers(-6, 6))
        if kind == ">=":
            model.add(terms >= rhs)
        elif kind == "<=":
            model.add(terms <= rhs)
        elif kind == "==":
            model.add(terms == rhs)
        else:
            model.add(terms >= rhs).only_enforce_if(bs[0])
    literals = [b if data.draw(st.booleans()) else ~b for b in bs]
    model.add_at_most_one(literals[: data.draw(st.integers(2, n))])
    model.add_bool_or(literals[data.draw(st.integers(0, n - 2)) :])
    # An objective at least 0: x - lower bound and literals, weighted >= 0.
    model.minimize(
        sum(data.draw(st.integers(0, 5)) * (x - x.proto.domain[0]) for x in xs)
        + sum(data.draw(st.integers(0, 5)) * literal for literal in literals)
    )
    optimum = _optimum(model)
    bound = lp_bound(model, 5, never_stopped(None))
    assert bound >= 0
    if optimum is not None:
        assert bound <= optimum + 1e-9


def test_any_dual_vector_gives_a_valid_bound() -> None:
    """min x, x >= 1, 0 <= x <= 10: whatever the duals (a solver's, rough or of the
    wrong sign), the bound is at most the optimum 1, and the optimal dual 1 proves it."""
    lp = linear_solver_pb2.MPModelProto()
    column = lp.variable.add()
    column.lower_bound, column.upper_bound, column.objective_coefficient = 0, 10, 1
    row = lp.constraint.add()
    row.var_index.append(0)
    row.coefficient.append(1)
    row.lower_bound, row.upper_bound = 1, math.inf
    bounds = {y: _lagrangian_bound(lp, np.array([y])) for y in (-5.0, 0.0, 0.5, 1.0, 3.0)}
    assert all(math.isfinite(bound) and bound <= 1 for bound in bounds.values())
    assert bounds[1.0] == pytest.approx(1, abs=1e-5)
    assert bounds[0.0] == pytest.approx(0, abs=1e-5)

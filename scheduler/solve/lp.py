"""The LP relaxation of a CP-SAT model, solved by GLOP: a lower bound in seconds.

CP-SAT proves bounds through its own LP, but on large models that LP comes after a
presolve and probing that can take the whole time limit (the relaxation of a
60 + 60 staff, 28-day program: its root LP at 27 s; docs/benchmarks.md). GLOP
solves the same linear part directly, in about 5 s for that program.

What is relaxed: every variable takes any real value within its domain's hull,
every linear, at-most-one, exactly-one and bool-or constraint without an
enforcement literal is kept as a linear inequality, and every other constraint is
left out. Each of those steps only removes constraints or widens domains, so the
LP's optimum is at most the model's integer optimum (minimisation).
"""

from __future__ import annotations

import math
import threading

import numpy as np
from ortools.linear_solver import linear_solver_pb2, pywraplp
from ortools.sat.python import cp_model

from scheduler.model.stop import StopToken

#: Any domain end at or beyond this magnitude is CP-SAT's "unbounded".
_UNBOUNDED = 2**62
#: Below the recomputed bound by this much, for rounding in its sums.
_RELATIVE_MARGIN = 1e-9


def _linear_part(proto: object) -> tuple[linear_solver_pb2.MPModelProto, float]:
    """The LP of `proto` (a CpModelProto) and the objective's constant from negated
    literals; the LP's objective plus that constant is the model's objective."""
    lp = linear_solver_pb2.MPModelProto()
    for var in proto.variables:  # type: ignore[attr-defined]
        domain = var.domain
        column = lp.variable.add()
        column.lower_bound = domain[0]
        column.upper_bound = domain[len(domain) - 1]  # the wrapper takes no negative index

    def add_row(
        terms: list[tuple[int, int]], lower: float, upper: float
    ) -> None:  # terms: (reference, coefficient); reference < 0 is the negation 1 - x
        row = lp.constraint.add()
        constant = 0
        for ref, coefficient in terms:
            if ref >= 0:
                row.var_index.append(ref)
                row.coefficient.append(coefficient)
            else:
                row.var_index.append(-ref - 1)
                row.coefficient.append(-coefficient)
                constant += coefficient
        row.lower_bound = lower - constant
        row.upper_bound = upper - constant

    for constraint in proto.constraints:  # type: ignore[attr-defined]
        if len(constraint.enforcement_literal):
            continue
        if constraint.has_linear():
            linear = constraint.linear
            domain = linear.domain
            low, high = domain[0], domain[len(domain) - 1]
            add_row(
                list(zip(linear.vars, linear.coeffs, strict=True)),
                -math.inf if low <= -_UNBOUNDED else low,
                math.inf if high >= _UNBOUNDED else high,
            )
        elif constraint.has_at_most_one():
            add_row([(ref, 1) for ref in constraint.at_most_one.literals], -math.inf, 1)
        elif constraint.has_exactly_one():
            add_row([(ref, 1) for ref in constraint.exactly_one.literals], 1, 1)
        elif constraint.has_bool_or():
            add_row([(ref, 1) for ref in constraint.bool_or.literals], 1, math.inf)
    objective = proto.objective  # type: ignore[attr-defined]
    constant = float(objective.offset)
    for ref, coefficient in zip(objective.vars, objective.coeffs, strict=True):
        if ref >= 0:
            lp.variable[ref].objective_coefficient += coefficient
        else:
            lp.variable[-ref - 1].objective_coefficient -= coefficient
            constant += coefficient
    return lp, constant


def lp_bound(
    model: cp_model.CpModel, seconds: float, stop: StopToken, solver_name: str = "GLOP"
) -> float:
    """A lower bound of `model`'s minimum from its LP relaxation (module docstring),
    or 0 when the LP solver ends without duals within `seconds` (or is stopped).
    Only for a model whose objective is at least 0 (the bound is never below 0).

    The bound is the Lagrangian one of the solver's duals, recomputed here: every
    variable of a CP-SAT model has finite bounds, so any dual vector, optimal or
    not, gives `sum(y x rhs) + sum(min(r x lower, r x upper))` with `r = c - A'y`, a
    lower bound of the LP; it does not rest on the solver's tolerances."""
    if stop.requested or seconds <= 0:
        return 0.0
    proto = model.proto
    if proto.objective.scaling_factor not in (0, 1):
        return 0.0  # a maximisation or a scaled objective: not what this bounds
    lp, constant = _linear_part(proto)
    solver = pywraplp.Solver.CreateSolver(solver_name)
    if solver is None or solver.LoadModelFromProto(lp):
        return 0.0
    solver.SetTimeLimit(max(1, round(seconds * 1000)))
    outcome: list[int] = []
    # GLOP releases the GIL: on a thread, the wait below polls the stop token.
    thread = threading.Thread(target=lambda: outcome.append(solver.Solve()), daemon=True)
    with stop.stoppable(solver.InterruptSolve):
        thread.start()
        while thread.is_alive():
            thread.join(0.2)
            if stop.requested:
                solver.InterruptSolve()
    if not outcome or outcome[0] not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return 0.0
    duals = np.array([row.dual_value() for row in solver.constraints()], dtype=float)
    return max(0.0, _lagrangian_bound(lp, duals) + constant)


def _lagrangian_bound(lp: linear_solver_pb2.MPModelProto, duals: np.ndarray) -> float:
    """The bound `duals` prove for the LP `lp` (minimisation, every column boxed)."""
    lower = np.array([row.lower_bound for row in lp.constraint], dtype=float)
    upper = np.array([row.upper_bound for row in lp.constraint], dtype=float)
    # A dual may only lean on a finite side of its row: > 0 on the lower, < 0 on the upper.
    y = np.where((duals > 0) & np.isfinite(lower), duals, 0.0)
    y = np.where((duals < 0) & np.isfinite(upper), duals, y)
    rhs = np.where(y > 0, lower, np.where(y < 0, upper, 0.0))
    reduced = np.array([column.objective_coefficient for column in lp.variable], dtype=float)
    for i, row in enumerate(lp.constraint):
        if y[i]:
            np.subtract.at(reduced, np.array(row.var_index), y[i] * np.array(row.coefficient))
    col_lower = np.array([column.lower_bound for column in lp.variable], dtype=float)
    col_upper = np.array([column.upper_bound for column in lp.variable], dtype=float)
    from_columns = np.where(reduced > 0, reduced * col_lower, reduced * col_upper)
    bound = float(np.dot(y, rhs) + from_columns.sum())
    # Floating-point sums of terms up to ~1e12: keep a hair below.
    return bound - abs(bound) * _RELATIVE_MARGIN - 1e-6

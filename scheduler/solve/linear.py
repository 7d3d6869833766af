"""Linear expressions of the roster model, typed: what rule families return as
objective parts and what the variables container sums."""

from __future__ import annotations

from collections.abc import Iterable

from ortools.sat.python import cp_model

Expr = cp_model.LinearExpr
Parts = dict[str, Expr]


def total(terms: Iterable[cp_model.LinearExprT]) -> Expr:
    """A typed sum of variables and expressions (0 when empty)."""
    return cp_model.LinearExpr.sum(list(terms))

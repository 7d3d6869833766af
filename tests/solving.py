"""Solve a program and check the roster with the independent checker.

Every roster a solver test makes goes through `solve_checked`, so the solver and
the checker (`scheduler.evaluate`) keep each other honest: the roster must break
no hard rule, and at a proven optimum the solver's two objectives must equal the
ones the checker recomputes from the roster rows alone.
"""

from __future__ import annotations

from typing import Any

from scheduler.evaluate import evaluate
from scheduler.model.calendar import coverage_requirements
from scheduler.model.objective import stage1_total, stage2_total
from scheduler.model.problem import Problem
from scheduler.model.report import Evaluation
from scheduler.model.result import SolveParams, SolveResult, SolveStatus
from scheduler.solve import solve


def solve_only(problem: Problem, time_limit: float = 10.0, **params: Any) -> SolveResult:
    """Solve with the test defaults (2 workers, seed 0); for results without a roster."""
    settings: dict[str, Any] = {"workers": 2, "seed": 0, **params}
    return solve(problem, SolveParams(time_limit=time_limit, **settings))


def target_weight_base(problem: Problem) -> int:
    """What one required unit-slot weighs in stage 1: more than every target unit-slot."""
    return sum(need.target for need in coverage_requirements(problem).values()) + 1


def solve_checked(
    problem: Problem, time_limit: float = 10.0, **params: Any
) -> tuple[SolveResult, Evaluation]:
    """Solve, then check the roster with the checker and the objectives against it.

    At OPTIMAL both objectives must equal the checker's. At FEASIBLE they can only
    be higher: the solver's penalty variables are bounded from below by what the
    roster breaks, so a non-optimal solution may overstate them, never understate.
    """
    result = solve_only(problem, time_limit, **params)
    assert result.status.has_roster, f"no roster: {result.status} {result.message}"
    evaluation = evaluate(problem, result.roster)
    assert not evaluation.hard_violations, "solver roster breaks hard rules:\n" + "\n".join(
        f"  {v.rule} {v.employee_id} {v.when}: {v.detail}" for v in evaluation.hard_violations
    )
    stage1 = stage1_total(evaluation.parts, target_weight_base(problem))
    stage2 = stage2_total(evaluation.parts)
    assert result.stage1_objective is not None
    # The objective is CP-SAT's double (an earlier engine reported 13,720,000 as
    # 13719999.999999998); rounding compares the integers exactly.
    stage2_solver = None if result.objective is None else round(result.objective)
    assert result.parts is not None
    solver_parts, checker_parts = result.parts.as_dict(), evaluation.parts.as_dict()
    if result.status is SolveStatus.OPTIMAL:
        assert result.stage1_objective == stage1, (result.stage1_objective, evaluation.parts)
        assert stage2_solver == stage2, (result.objective, evaluation.parts)
        # Part by part, not only the weighted total.
        assert solver_parts == checker_parts
    else:
        assert result.stage1_objective >= stage1, (result.stage1_objective, evaluation.parts)
        if stage2_solver is not None:
            assert stage2_solver >= stage2, (result.objective, evaluation.parts)
        for name, value in checker_parts.items():
            assert solver_parts[name] >= value, (name, solver_parts, checker_parts)
    return result, evaluation

"""Why a program is infeasible, in a person's words: the pre-check first, CP-SAT after.

It sits above the checker layer and the solver layer (`scheduler.precheck` never
imports the solver, `scheduler.solve` never imports the pre-check), which is why
the two halves meet here.
"""

from __future__ import annotations

from scheduler.model.problem import Problem
from scheduler.model.stop import StopToken
from scheduler.precheck import precheck
from scheduler.solve.explain import explain_core


def explain_infeasible(
    problem: Problem, seconds: float = 10.0, *, stop: StopToken | None = None
) -> list[str]:
    """Sentences naming a conflict among the hard rules, for a program whose solve
    was infeasible.

    The pre-check's errors when it finds any; otherwise a small conflicting set
    of rule groups found by CP-SAT within `seconds`. An empty list means the
    hard rules can all hold (the model is feasible).
    """
    errors = precheck(problem).errors
    if errors:
        return list(errors)
    return explain_core(problem, seconds, stop=stop)

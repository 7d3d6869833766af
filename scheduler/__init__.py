"""Roster optimizer for crisis response programs (clinician + peer responder units).

The public API, flat from here (the command line uses nothing else)::

    import scheduler
    problem = scheduler.read_problem("inputs/hartford/hartford.xlsx")
    outcome = scheduler.solve(problem, scheduler.SolveSettings(time_limit=10))
    checked = scheduler.check(outcome.roster, problem)
    scheduler.write_roster("outputs/roster.xlsx", problem, outcome)

Every job of `scheduler.app` is here: `solve`, `check`, `repair`, `publish`,
`demand`, `simulate`, `plan`, `write_template`, `build_sample`, `bench_curtois`.

`scheduler.solve` is the job, not the solver subpackage of the same name (so are
`plan`, `demand`, `simulate` and `repair`): import those modules as
`from scheduler.solve import ...` (or `sys.modules["scheduler.solve"]`).
"""

import sys
from types import ModuleType

from scheduler.app import (
    BenchOutcome,
    CheckOutcome,
    DemandOutcome,
    DemandSettings,
    FileOutcome,
    Loaded,
    Outcome,
    PlanOutcome,
    PlanProgress,
    PlanSettings,
    PublishOutcome,
    RepairOutcome,
    SimulateOutcome,
    SimulateSettings,
    SolveOutcome,
    SolveSettings,
    StopToken,
    bench_curtois,
    build_sample,
    check,
    demand,
    load_program,
    load_roster,
    plan,
    publish,
    read_problem,
    read_roster,
    repair,
    simulate,
    solve,
    write_roster,
    write_template,
)
from scheduler.errors import InputError, InputIssue
from scheduler.model.problem import Problem
from scheduler.model.report import Evaluation
from scheduler.model.result import ProgressEvent, SolveResult, SolveStatus
from scheduler.model.roster import Assignment, Roster

__version__ = "0.1.0"

#: Names that are jobs here and modules or subpackages below.
_JOBS_OVER_SUBPACKAGES = frozenset({"solve", "plan", "demand", "simulate", "repair"})


class _Package(ModuleType):
    """Keeps a job's name bound to the job when the subpackage of the same name is
    first imported (the import system then sets the parent's attribute to it)."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in _JOBS_OVER_SUBPACKAGES and isinstance(value, ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = [
    "Assignment",
    "BenchOutcome",
    "CheckOutcome",
    "DemandOutcome",
    "DemandSettings",
    "Evaluation",
    "FileOutcome",
    "InputError",
    "InputIssue",
    "Loaded",
    "Outcome",
    "PlanOutcome",
    "PlanProgress",
    "PlanSettings",
    "Problem",
    "ProgressEvent",
    "PublishOutcome",
    "RepairOutcome",
    "Roster",
    "SimulateOutcome",
    "SimulateSettings",
    "SolveOutcome",
    "SolveResult",
    "SolveSettings",
    "SolveStatus",
    "StopToken",
    "__version__",
    "bench_curtois",
    "build_sample",
    "check",
    "demand",
    "load_program",
    "load_roster",
    "plan",
    "publish",
    "read_problem",
    "read_roster",
    "repair",
    "simulate",
    "solve",
    "write_roster",
    "write_template",
]

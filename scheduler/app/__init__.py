"""The application layer: one function per job, the same for every face.

Each job takes typed inputs (a path or an in-memory `Problem`/`Roster`, its options
as one frozen settings object) and returns a frozen outcome: `exit_code`,
`warnings`, `lines` (the summary for stdout), `notes` (for stderr), `written` and
the job's own data. Jobs never print, never exit and handle no signals: progress
comes through `on_progress`, a stop through a `StopToken`. Bad input raises
`scheduler.errors.InputError`.
"""

from scheduler.app.bench import BenchOutcome, bench_curtois
from scheduler.app.check import CheckOutcome, ReportFormat, check
from scheduler.app.common import (
    Loaded,
    Outcome,
    Refused,
    load_program,
    load_roster,
    read_problem,
    read_roster,
    write_roster,
)
from scheduler.app.demand import DemandOutcome, DemandSettings, demand, demand_settings
from scheduler.app.plan import PlanOutcome, PlanProgress, PlanSettings, plan
from scheduler.app.publish import PublishOutcome, publish
from scheduler.app.repair import RepairOutcome, repair, repaired_path
from scheduler.app.simulate import SimulateOutcome, SimulateSettings, simulate
from scheduler.app.solve import METHODS, Method, SolveOutcome, SolveSettings, solve
from scheduler.app.template import FileOutcome, build_sample, sample_path, write_template
from scheduler.model.stop import StopToken

__all__ = [
    "METHODS",
    "BenchOutcome",
    "CheckOutcome",
    "DemandOutcome",
    "DemandSettings",
    "FileOutcome",
    "Loaded",
    "Method",
    "Outcome",
    "PlanOutcome",
    "PlanProgress",
    "PlanSettings",
    "PublishOutcome",
    "Refused",
    "RepairOutcome",
    "ReportFormat",
    "SimulateOutcome",
    "SimulateSettings",
    "SolveOutcome",
    "SolveSettings",
    "StopToken",
    "bench_curtois",
    "build_sample",
    "check",
    "demand",
    "demand_settings",
    "load_program",
    "load_roster",
    "plan",
    "publish",
    "read_problem",
    "read_roster",
    "repair",
    "repaired_path",
    "sample_path",
    "simulate",
    "solve",
    "write_roster",
    "write_template",
]

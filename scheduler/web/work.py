"""What a worker process runs: one job of the application layer, by kind.

Only `scheduler.app` is called: no solver, reader or writer of its own.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scheduler import app

if TYPE_CHECKING:
    from scheduler.model.problem import Problem
    from scheduler.model.report import Evaluation
    from scheduler.model.result import ProgressEvent
    from scheduler.model.roster import Roster
    from scheduler.web.jobs import Item, ProgressSink, Store

ROSTER = "roster.xlsx"
VIEW = "view.pickle"  # problem, roster and evaluation, for the Roster page (never downloaded)


@dataclass(frozen=True)
class JobResult:
    exit_code: int
    lines: list[str]
    warnings_and_notes: list[str]
    files: list[str]


def program_path(store: Store, program_id: str) -> Path:
    item = store.get(program_id)
    if item is None or item.kind != "program":
        raise LookupError("no such program")
    name: str = item.params["file"]
    return store.folder(program_id) / name


def roster_path(store: Store, item: Item) -> Path | None:
    """The roster workbook an item holds: a solve's or repair's, or a checked upload."""
    name = item.params.get("roster_file")
    if name is None:
        return None
    path = store.folder(item.id) / name
    return path if path.is_file() else None


def save_view(folder: Path, problem: Problem, roster: Roster, evaluation: Evaluation) -> None:
    """Write the Roster page's data atomically (a page never sees half of it)."""
    temporary = folder / f".{VIEW}.tmp"
    temporary.write_bytes(pickle.dumps((problem, roster, evaluation)))
    temporary.replace(folder / VIEW)


def load_view(store: Store, item: Item) -> tuple[Problem, Roster, Evaluation] | None:
    """The roster item's problem, roster and evaluation (checked again if not saved)."""
    folder = store.folder(item.id)
    saved = folder / VIEW
    if saved.is_file():
        view: tuple[Problem, Roster, Evaluation] = pickle.loads(saved.read_bytes())
        return view
    roster = roster_path(store, item)
    if roster is None or item.program_id is None:
        return None
    checked = app.check(roster, program_path(store, item.program_id))
    save_view(folder, checked.problem, checked.roster, checked.evaluation)
    return checked.problem, checked.roster, checked.evaluation


def _solve_progress(sink: ProgressSink) -> Any:
    def on_progress(event: ProgressEvent) -> None:
        sink(
            {
                "stage": event.stage,
                "seconds": round(event.seconds, 2),
                "required_shortfall": event.required_shortfall,
                "target_shortfall": event.target_shortfall,
                "objective": event.objective,
                "bound": event.bound,
            }
        )

    return on_progress


def _names(folder: Path, written: tuple[Path, ...]) -> list[str]:
    names = []
    for path in written:
        resolved = path.resolve()
        if folder.resolve() in resolved.parents and resolved.is_file():
            names.append(str(resolved.relative_to(folder.resolve())))
    return names


def run_job(store: Store, item: Item, sink: ProgressSink, stop: app.StopToken) -> JobResult:
    folder = store.folder(item.id)
    params = item.params
    settings = app.SolveSettings(
        time_limit=float(params.get("time_limit", 30)), seed=int(params.get("seed", 0))
    )
    if item.kind == "solve":
        assert item.program_id is not None
        outcome: app.Outcome = app.solve(
            program_path(store, item.program_id),
            settings,
            out=folder / ROSTER,
            on_progress=_solve_progress(sink),
            stop=stop,
        )
        assert isinstance(outcome, app.SolveOutcome)
        if outcome.roster is not None and outcome.evaluation is not None:
            save_view(folder, outcome.problem, outcome.roster, outcome.evaluation)
    elif item.kind == "repair":
        parent = store.get(item.parent_id or "")
        baseline = None if parent is None else roster_path(store, parent)
        assert baseline is not None and item.program_id is not None
        outcome = app.repair(
            baseline,
            program_path(store, item.program_id),
            params["unavailable"],
            now=params.get("now") or None,
            settings=settings,
            out=folder / ROSTER,
            on_progress=_solve_progress(sink),
            stop=stop,
        )
        assert isinstance(outcome, app.RepairOutcome)
        if outcome.roster is not None and outcome.evaluation is not None:
            save_view(folder, outcome.problem, outcome.roster, outcome.evaluation)
            changes = outcome.changes
            (folder / "changes.json").write_text(changes.to_json(orient="split", date_format="iso"))
    elif item.kind == "plan":
        assert item.program_id is not None
        scenarios = params.get("scenarios_file")
        hiring = params.get("hiring_file")

        def on_plan(event: app.PlanProgress) -> None:
            sink({"done": event.done, "total": event.total, "description": event.description})

        outcome = app.plan(
            program_path(store, item.program_id),
            app.PlanSettings(
                time_limit=float(params.get("time_limit", 30)),
                frontier=bool(params.get("frontier")),
                seed=int(params.get("seed", 0)),
                workers=1,
            ),
            out=folder / "plan.xlsx",
            scenarios=folder / scenarios if scenarios else None,
            hiring=folder / hiring if hiring else None,
            on_progress=on_plan,
            stop=stop,
        )
        assert isinstance(outcome, app.PlanOutcome)
        table = outcome.scenarios
        (folder / "scenarios.json").write_text(table.to_json(orient="split"))
        frontier = [
            {
                "hires": sum(o.plan.hires.values()),
                "cost": o.plan.total_annual_cost,
                "coverage": o.plan.required_coverage,
            }
            for o in outcome.frontier
        ]
        (folder / "frontier.json").write_text(__import__("json").dumps(frontier))
    elif item.kind == "demand":
        assert item.program_id is not None
        outcome = app.demand(
            program_path(store, item.program_id),
            folder / params["calls_file"],
            app.demand_settings(),
            folder / "program_with_demand.xlsx",
        )
    elif item.kind == "simulate":
        parent = store.get(item.parent_id or "")
        roster = None if parent is None else roster_path(store, parent)
        assert roster is not None and item.program_id is not None
        outcome = app.simulate(
            roster,
            program_path(store, item.program_id),
            calls=folder / params["calls_file"],
            settings=app.SimulateSettings(replications=int(params.get("replications", 10))),
            out=folder / "simulation.xlsx",
        )
        assert isinstance(outcome, app.SimulateOutcome)
        (folder / "simulation.pickle").write_bytes(pickle.dumps(outcome.result))
    else:
        raise ValueError(f"unknown job kind {item.kind!r}")
    return JobResult(
        exit_code=outcome.exit_code,
        lines=list(outcome.lines),
        warnings_and_notes=[f"warning: {w}" for w in outcome.warnings] + list(outcome.notes),
        files=_names(folder, outcome.written),
    )

"""The repair job: a roster and call-outs in, a roster moving as few people as it can out."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scheduler.app.common import (
    PathLike,
    Refused,
    Report,
    as_input,
    as_path,
    paths_of,
    program_of,
    roster_of,
    search_seconds,
)
from scheduler.app.solve import (
    DEFAULT_SOLVE,
    ProgressHandler,
    SolveOutcome,
    SolveSettings,
    _outcome,
    check_settings,
    finish,
)
from scheduler.errors import InputError
from scheduler.io.output_paths import guard_roster_output
from scheduler.model.problem import Problem
from scheduler.model.result import SolveParams
from scheduler.model.roster import Roster
from scheduler.model.stop import StopToken, never_stopped

if TYPE_CHECKING:
    import pandas as pd

    from scheduler.app.common import NoteHandler
    from scheduler.repair import Change


@dataclass(frozen=True, kw_only=True)
class RepairOutcome(SolveOutcome):
    """A repair's outcome: the solve's, and what changed from the baseline."""

    baseline: Roster | None = None
    changes_made: tuple[Change, ...] = ()

    @property
    def changes(self) -> pd.DataFrame:
        """The `Changes` sheet's rows as a DataFrame."""
        from scheduler.app.common import data_frame
        from scheduler.io.changes_sheet import changes_table

        return data_frame(changes_table(self.problem, self.changes_made))


def repaired_path(roster: PathLike) -> Path:
    """Where a repair goes by default: `<roster>_repaired.xlsx` next to it."""
    path = as_path(roster)
    return path.with_name(f"{path.stem}_repaired.xlsx")


def repair(
    roster: PathLike | Roster,
    program: PathLike | Problem,
    unavailable: Sequence[str],
    *,
    now: str | dt.datetime | None = None,
    settings: SolveSettings = DEFAULT_SOLVE,
    out: PathLike | None = None,
    on_progress: ProgressHandler | None = None,
    stop: StopToken | None = None,
    on_note: NoteHandler | None = None,
) -> RepairOutcome:
    """Repair `roster` after call-outs ("EMPLOYEE:DATE[:SHIFT]"): shifts before `now`
    stay, the rest moves as little as required coverage allows. With `out`, writes
    the roster workbook with a `Changes` sheet. Exit codes as `solve`'s."""
    started = time.monotonic()
    check_settings(settings)
    roster, program = as_input(roster), as_input(program)
    out = None if out is None else as_path(out)
    stop = never_stopped(stop)
    report = Report(on_note)
    if out is not None:
        guard_roster_output("--out", out, paths_of(roster, program))
    from scheduler.evaluate import evaluate
    from scheduler.repair import change_log, prepare_repair, render_changes
    from scheduler.repair import repair as run_repair

    read = program_of(program, report)
    problem = read.value
    baseline = roster_of(roster, report).value
    if isinstance(now, dt.datetime):
        now = now.strftime("%Y-%m-%dT%H:%M")
    try:
        request = prepare_repair(problem, baseline, list(unavailable), now)
    except InputError as error:
        name = roster if isinstance(roster, Path) else "the roster"
        heading = f"Cannot repair {name}: {len(error.issues)} problem(s) found."
        raise Refused(error.issues, (heading, error.render())) from None
    broken = len(evaluate(problem, baseline).hard_violations)
    if broken:
        name = roster if isinstance(roster, Path) else "the roster"
        report.warn(f"{name} breaks {broken} hard rule(s) already (see `check`).")
    for note in request.notes:
        report.note(f"note: {note}")
    if on_progress is not None:
        name = roster if isinstance(roster, Path) else "the roster"
        report.note(
            f"Repairing {name} ({len(baseline.assignments)} assignments) for "
            f"{problem.name}: {len(request.problem.time_off) - len(problem.time_off)} call-out(s), "
            f"{len(request.problem.pins) - len(problem.pins)} shifts frozen, "
            f"time limit {settings.time_limit:g} s, {settings.workers} workers"
        )
    params = SolveParams(
        time_limit=search_seconds(settings.time_limit, started, request.problem),
        workers=settings.workers,
        seed=settings.seed,
    )
    if stop.requested:  # before the search began: nothing to keep
        solved = _outcome(report, stop.exit_code, request.problem, None, None)
    else:
        result = run_repair(request, params, on_progress=on_progress, stop=stop)

        def changes_sheets(repaired: Roster) -> list[object]:
            from scheduler.io.changes_sheet import changes_sheet

            return [changes_sheet(request.problem, change_log(baseline, repaired))]

        def changes_text(repaired: Roster) -> list[str]:
            return [render_changes(request.problem, change_log(baseline, repaired)), ""]

        solved = finish(
            report,
            request.problem,
            result,
            settings,
            stop,
            out,
            read.warnings,
            extra_sheets=changes_sheets,  # type: ignore[arg-type]
            before_summary=changes_text,
        )
    changes = () if solved.roster is None else tuple(change_log(baseline, solved.roster))
    return RepairOutcome(
        **{f: getattr(solved, f) for f in SolveOutcome.__dataclass_fields__},
        baseline=baseline,
        changes_made=changes,
    )

"""The bench job: public benchmark instances solved by the roster engine, each
written solution rechecked independently."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scheduler.app.common import Outcome, Refused, Report, bad_option, outcome_fields, refused
from scheduler.errors import EXIT_INFEASIBLE, EXIT_OK, EXIT_VIOLATIONS, InputError, InputIssue
from scheduler.io.output_paths import guard_output_file, guard_output_folder
from scheduler.model.result import SolveParams

if TYPE_CHECKING:
    from scheduler.curtois.bench import CurtoisRun

DEFAULT_CURTOIS_OUT = Path("outputs/curtois")
DEFAULT_BENCH = SolveParams(time_limit=60.0)


@dataclass(frozen=True, kw_only=True)
class BenchOutcome(Outcome):
    runs: tuple[CurtoisRun, ...]
    run_lines: tuple[str, ...]  # one line per instance, as `on_run` got them


def bench_curtois(
    instance: Path | None = None,
    *,
    all_in: Path | None = None,
    out: Path | None = None,
    params: SolveParams = DEFAULT_BENCH,
    on_run: Callable[[str], None] | None = None,
) -> BenchOutcome:
    """Solve one Curtois & Qu instance file, or every `*.txt` of `all_in` (then
    `out` is the folder for the solutions and results.csv/.md). Exit 1 when the
    independent check disagrees with the solver, 3 when an instance has no solution."""
    from scheduler.curtois.bench import (
        instance_files,
        read_best_known,
        solve_instance,
        write_results,
    )
    from scheduler.curtois.format import read_curtois

    if (instance is None) == (all_in is None):
        raise bad_option("Give one instance file, or --all FOLDER.")
    folder = all_in if all_in is not None else instance.parent  # type: ignore[union-attr]
    paths = instance_files(folder) if all_in is not None else [instance]
    if instance is not None and instance.is_dir():
        raise bad_option(f"{instance} is a folder: give one instance file, or --all {instance}")
    if not paths or not all(p is not None and p.is_file() for p in paths):
        raise bad_option(f"No instance file found: {all_in or instance}")
    report = Report()
    out_folder = (out or DEFAULT_CURTOIS_OUT) if all_in is not None else None
    if out_folder is not None:
        names = ["results.csv", "results.md", *(f"{p.stem}.csv" for p in paths if p)]
        guard_output_folder("--out", out_folder, [folder, *paths], names=names)
        out_folder.mkdir(parents=True, exist_ok=True)
    elif out is not None:
        guard_output_file("--out", out, [folder, *paths], what="a file name, e.g. Instance1.csv")
    # Every instance is read before any is solved: a bad file among good ones would
    # leave some solutions written and no results.csv (and waste their solves).
    lines: list[str] = []
    issues: list[InputIssue] = []
    for path in paths:
        assert path is not None
        try:
            read_curtois(path)
        except InputError as error:
            issues += error.issues
            lines += refused(path, error).lines
    if issues:
        raise Refused(issues, lines)
    best = read_best_known(folder)
    runs = []
    run_lines = []
    for path in paths:
        assert path is not None
        if out_folder is not None:
            solution = out_folder / f"{path.stem}.csv"
        else:
            solution = out or DEFAULT_CURTOIS_OUT / f"{path.stem}.csv"
            solution.parent.mkdir(parents=True, exist_ok=True)
        try:
            run, _ = solve_instance(path, params, solution, best.get(path.stem))
        except InputError as error:
            raise refused(path, error) from None
        runs.append(run)
        if run.check is not None:
            report.wrote(solution)
        line = (
            f"{run.instance}: objective {run.objective}, bound {run.bound}, "
            f"best known {run.best_known}, gap "
            f"{'-' if run.gap_pct is None else f'{run.gap_pct:.2f}%'}, {run.status}, "
            f"{run.seconds:.1f} s (best at {run.seconds_to_best or 0:.1f} s), "
            + (  # no solution: nothing was written, nothing checked
                f"checked {'yes' if run.checked else 'NO'} -> {solution}"
                if run.check is not None
                else "no solution written"
            )
        )
        run_lines.append(line)
        if on_run is not None:
            on_run(line)
    if out_folder is not None:
        write_results(runs, out_folder / "results.csv", out_folder / "results.md")
        report.wrote(out_folder / "results.csv")
        report.wrote(out_folder / "results.md")
        report.say(f"Results: {out_folder / 'results.csv'} and {out_folder / 'results.md'}")
    code = EXIT_OK
    if not all(run.checked for run in runs if run.check is not None):
        report.note("The independent check disagrees with the solver (see 'checked' above).")
        code = EXIT_VIOLATIONS
    elif any(run.check is None for run in runs):
        code = EXIT_INFEASIBLE
    return BenchOutcome(
        **outcome_fields(report, code),  # type: ignore[arg-type]
        runs=tuple(runs),
        run_lines=tuple(run_lines),
    )

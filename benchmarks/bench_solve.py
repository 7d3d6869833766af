"""Times the solver on the sample program and on a generated statewide-size program.

Not a test: run it on a quiet machine and keep the numbers in docs/benchmarks.md.

    .venv/bin/python benchmarks/bench_solve.py            # sample x3 seeds + large, 300 s
    .venv/bin/python benchmarks/bench_solve.py --large-limit 120 --seeds 1

Reported per run: time to the first roster, time to full required coverage, time
to a roster within 1% of the final bound (stage 2), final status and gap, and the
checker's figures for the final roster.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from report_page import machine, replace_section  # benchmarks/, on the path when run

from scheduler.evaluate import evaluate
from scheduler.io.read_workbook import read_problem
from scheduler.model.problem import Problem
from scheduler.model.result import ProgressEvent, SolveParams
from scheduler.solve import solve
from scheduler.synthetic import synthetic_program

ROOT = Path(__file__).resolve().parent.parent
#: The generated table lives between these marks; the rest of the page is prose.
START_MARK = "<!-- bench_solve: start -->"
END_MARK = "<!-- bench_solve: end -->"


@dataclass
class Run:
    name: str
    seed: int
    time_limit: float
    status: str
    seconds: float
    first_roster: float | None
    full_coverage: float | None
    within_1pct: float | None
    gap_pct: float | None
    coverage_pct: float
    overtime_hours: float
    hard_violations: int
    size: str


def _run(name: str, problem: Problem, time_limit: float, seed: int) -> Run:
    events: list[ProgressEvent] = []
    started = time.monotonic()
    result = solve(
        problem, SolveParams(time_limit=time_limit, workers=2, seed=seed), on_progress=events.append
    )
    elapsed = time.monotonic() - started
    evaluation = evaluate(problem, result.roster)
    stage1 = [e for e in events if e.stage == 1]
    stage2 = [e for e in events if e.stage == 2]
    full = next((e.seconds for e in stage1 if e.required_shortfall == 0), None)
    within = None
    if result.cost_bound is not None:
        # When did a roster first come within 1% of the final (best known) bound?
        within = next(
            (
                e.seconds
                for e in stage2
                if e.objective is not None
                and e.objective - result.cost_bound <= 0.01 * max(abs(e.objective), 1e-9)
            ),
            None,
        )
    return Run(
        name=name,
        seed=seed,
        time_limit=time_limit,
        status=result.status.value,
        seconds=elapsed,
        first_roster=result.seconds_to_first,
        full_coverage=full,
        within_1pct=within,
        gap_pct=None if result.gap is None else 100 * result.gap,
        coverage_pct=evaluation.coverage_pct,
        overtime_hours=evaluation.overtime_hours,
        hard_violations=len(evaluation.hard_violations),
        size=f"{len(problem.staff)} staff, {len(problem.zones)} zones, {problem.days} days, "
        f"{result.variables:,} vars",
    )


def _fmt(value: float | None, unit: str = " s") -> str:
    return "-" if value is None else f"{value:.1f}{unit}"


def _ortools_version() -> str:
    from ortools import __version__

    return str(__version__)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample-limit", type=float, default=30.0)
    parser.add_argument("--large-limit", type=float, default=300.0)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()

    runs: list[Run] = []
    sample = read_problem(ROOT / "inputs" / "hartford")
    for seed in range(args.seeds):
        runs.append(_run("Hartford sample", sample, args.sample_limit, seed))
        print(runs[-1], flush=True)
    large = synthetic_program(60, 60, 4, 28, around_the_clock=True)
    runs.append(_run("generated 60+60, 24/7, 28 days", large, args.large_limit, 0))
    print(runs[-1], flush=True)

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    lines = [
        START_MARK,
        f"Measured {dt.date.today().isoformat()} on {machine()}, OR-Tools {_ortools_version()}, "
        f"commit {commit}, 2 workers. Produced by `benchmarks/bench_solve.py`; shared machines "
        "are noisy, so compare runs made together.",
        "",
        "| program | size | seed | limit | status | time | first roster | full coverage "
        "| within 1% of bound | final gap | coverage | overtime | hard violations |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        lines.append(
            f"| {run.name} | {run.size} | {run.seed} | {run.time_limit:g} s | {run.status} "
            f"| {run.seconds:.1f} s | {_fmt(run.first_roster)} | {_fmt(run.full_coverage)} "
            f"| {_fmt(run.within_1pct)} | {_fmt(run.gap_pct, '%')} | {run.coverage_pct:.1f}% "
            f"| {run.overtime_hours:.1f} h | {run.hard_violations} |"
        )
    lines += [
        "",
        "Columns: *first roster* is the first solution of stage 1 (coverage); *full coverage* "
        "when stage 1 first met every required unit-slot; *within 1% of bound* when stage 2 "
        "first held a roster within 1% of the final best bound; *final gap* is stage 2's "
        "relative gap at the end (0 = proven optimal); coverage and overtime are the "
        "checker's figures for the final roster.",
    ]
    lines.append(END_MARK)
    replace_section(args.out, START_MARK, END_MARK, "\n".join(lines))
    print(f"written {args.out}")


if __name__ == "__main__":
    main()

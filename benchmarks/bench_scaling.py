"""Scaling benchmark: generated crisis programs from small to statewide size.

Each case runs in its own process so that its peak memory is its own:

    .venv/bin/python benchmarks/bench_scaling.py --staff 20 60 --days 7 --zones 3 --limits 60
    .venv/bin/python benchmarks/bench_scaling.py            # the full grid (hours)

Per case: model build time, time to the first roster, coverage of the final
roster, stage-2 gap at the end of each time limit, and peak memory (max RSS).
Results are appended to a CSV (default `outputs/scaling.csv`) and printed as a
Markdown table to paste into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import resource
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Case:
    staff_per_role: int
    days: int
    zones: int
    time_limit: float


@dataclass
class Measured:
    staff_per_role: int
    days: int
    zones: int
    time_limit: float
    variables: int
    build_seconds: float
    first_roster: float | None
    status: str
    gap_pct: float | None
    coverage_pct: float
    overtime_hours: float
    hard_violations: int
    peak_mib: float


def _run(case: Case, results: multiprocessing.Queue[Measured]) -> None:
    from scheduler.evaluate import evaluate
    from scheduler.model.result import SolveParams
    from scheduler.solve import build_model, solve
    from scheduler.synthetic import synthetic_program

    problem = synthetic_program(
        case.staff_per_role, case.staff_per_role, case.zones, case.days, around_the_clock=True
    )
    started = time.monotonic()
    build_model(problem)  # timed on its own; solve builds its own copy
    build_seconds = time.monotonic() - started
    result = solve(problem, SolveParams(time_limit=case.time_limit, workers=2))
    evaluation = evaluate(problem, result.roster)
    results.put(
        Measured(
            staff_per_role=case.staff_per_role,
            days=case.days,
            zones=case.zones,
            time_limit=case.time_limit,
            variables=result.variables,
            build_seconds=build_seconds,
            first_roster=result.seconds_to_first,
            status=result.status.value,
            gap_pct=None if result.gap is None else 100 * result.gap,
            coverage_pct=evaluation.coverage_pct,
            overtime_hours=evaluation.overtime_hours,
            hard_violations=len(evaluation.hard_violations),
            # ru_maxrss is in KiB on Linux.
            peak_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        )
    )


def measure(case: Case) -> Measured:
    context = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue[Measured] = context.Queue()
    process = context.Process(target=_run, args=(case, results))
    process.start()
    measured = results.get()
    process.join()
    return measured


def _fmt(value: float | None, unit: str = "") -> str:
    return "-" if value is None else f"{value:.1f}{unit}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--staff", type=int, nargs="+", default=[20, 60, 120, 250, 500])
    parser.add_argument("--days", type=int, nargs="+", default=[7, 14, 28])
    parser.add_argument("--zones", type=int, nargs="+", default=[3, 5, 10])
    parser.add_argument("--limits", type=float, nargs="+", default=[60.0, 300.0])
    parser.add_argument("--out", type=Path, default=ROOT / "outputs" / "scaling.csv")
    args = parser.parse_args()

    rows: list[Measured] = []
    for staff in args.staff:
        for days in args.days:
            for zones in args.zones:
                for limit in args.limits:
                    rows.append(measure(Case(staff, days, zones, limit)))
                    print(rows[-1], flush=True)
                    _append_csv(args.out, rows[-1])
    print(
        "| staff per role | days | zones | limit | variables | build | first roster | status "
        "| gap | coverage | overtime | hard violations | peak memory |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row.staff_per_role} | {row.days} | {row.zones} | {row.time_limit:g} s "
            f"| {row.variables:,} | {row.build_seconds:.1f} s | {_fmt(row.first_roster, ' s')} "
            f"| {row.status} | {_fmt(row.gap_pct, '%')} | {row.coverage_pct:.1f}% "
            f"| {row.overtime_hours:.0f} h | {row.hard_violations} | {row.peak_mib:.0f} MiB |"
        )


def _append_csv(path: Path, row: Measured) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    with path.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(asdict(row)))
        if new:
            writer.writeheader()
        writer.writerow(asdict(row))


if __name__ == "__main__":
    main()

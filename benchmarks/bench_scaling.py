"""Scaling benchmark: generated 24/7 crisis programs from small to statewide size.

Each case (size x method x time limit) runs in its own process, so that its peak
memory is its own; the parent watches that process and stops it above
`--max-memory-gib` (recorded as `memory limit`) or when it overruns its time
limit by more than `--grace` seconds (`timeout`).

    .venv/bin/python benchmarks/bench_scaling.py --staff 20 60 --days 7 --zones 3 \\
        --limits 30 --method whole zones
    .venv/bin/python benchmarks/bench_scaling.py --method whole zones   # the full grid (hours)
    .venv/bin/python benchmarks/bench_scaling.py --from-csv outputs/scaling.csv  # tables only

Methods: `whole` is one model for the program (`scheduler.solve.solve`); `zones`
solves zone groups one after another and merges them
(`scheduler.solve.decompose`; `--groups N`, default the groups `auto` makes when
it splits, at least 2); `auto` is what `decompose.solve_auto` would pick.

Per case: estimated and built variables (the largest group's too), model build
time, time to the first complete roster, final status, stage-2 gap (`-` without
a bound: decomposed rosters have none), the checker's coverage, shortfalls,
overtime and objective, hard violations, and peak memory (max RSS). Rows are
appended to a CSV (default `outputs/scaling.csv`) and printed as Markdown
tables to paste into docs/benchmarks.md: one row per run, then, where `whole`
and `zones` ran on the same case and limit, what the zone groups lose.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import queue
import resource
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
METHODS = ("whole", "zones", "auto")


@dataclass
class Case:
    staff_per_role: int
    days: int
    zones: int
    time_limit: float
    method: str  # as asked: whole, zones or auto
    groups: int = 0  # zones: groups asked for (0: as `auto` splits, at least 2)
    staff_by: str = "balanced"  # zones: people to groups by home zone, or evened out
    seed: int = 0
    lns: bool = False  # `engine.USE_LNS`: the LNS on large programs (off: CP-SAT alone)


@dataclass
class Measured:
    staff_per_role: int
    days: int
    zones: int
    time_limit: float
    method: str  # as asked
    solved_as: str  # whole, or "N groups"
    status: str
    estimated_variables: int = 0
    variables: int = 0  # built model(s), summed over groups
    largest_group_variables: int = 0
    build_seconds: float | None = None  # building every model once, outside the solve
    first_roster: float | None = None  # whole: first stage-1 solution; zones: sum over groups
    # whole: first roster found as short of required coverage as the final one (its floor
    # when stage 1 was proven); zones: not measured
    full_required: float | None = None
    solve_seconds: float | None = None
    gap_pct: float | None = None
    coverage_pct: float | None = None
    required_shortfall: int | None = None  # unit-slots, checker
    target_shortfall: int | None = None
    overtime_hours: float | None = None
    objective: float | None = None  # checker's weighted stage-2 total (points)
    hard_violations: int | None = None
    peak_mib: float | None = None
    lns: str = "off"


def _run(case: Case, results: multiprocessing.Queue[Measured]) -> None:
    from scheduler.evaluate import evaluate
    from scheduler.model.objective import stage2_total
    from scheduler.model.result import ProgressEvent, SolveParams
    from scheduler.solve import build_model, solve
    from scheduler.solve.decompose import (
        StaffBy,
        estimate_variables,
        groups_needed,
        solve_zone_groups,
        zone_groups,
    )
    from scheduler.synthetic import synthetic_program

    problem = synthetic_program(
        case.staff_per_role,
        case.staff_per_role,
        case.zones,
        case.days,
        around_the_clock=True,
        seed=case.seed,
    )
    estimate = estimate_variables(problem)
    staff_by: StaffBy = "home" if case.staff_by == "home" else "balanced"
    if case.method == "whole":
        groups = 1
    elif case.method == "auto":
        groups = groups_needed(problem)
    else:
        # Always split, into groups of the size `auto` aims for when it splits.
        groups = case.groups or groups_needed(problem, max_variables=0, staff_by=staff_by)
        groups = min(case.zones, groups)

    # Timed on their own (the solve builds its own copies); each model is dropped
    # before the next, as in the solve.
    started = time.monotonic()
    if groups == 1:
        build_model(problem)
    else:
        for group in zone_groups(problem, groups, staff_by):
            build_model(group.problem)
    build_seconds = time.monotonic() - started

    from scheduler.solve import engine

    engine.USE_LNS = case.lns
    params = SolveParams(time_limit=case.time_limit, workers=2, seed=case.seed)
    shortfalls: list[tuple[float, int]] = []

    def progress(event: ProgressEvent) -> None:
        if event.required_shortfall is not None:
            shortfalls.append((event.seconds, event.required_shortfall))

    full_required = None
    if groups == 1:
        result = solve(problem, params, progress)
        largest = result.variables
    else:
        decomposed = solve_zone_groups(problem, params, groups, staff_by=staff_by)
        result = decomposed.result
        largest = max(run.result.variables for run in decomposed.groups)
    evaluation = evaluate(problem, result.roster)
    has_roster = result.status.has_roster
    if groups == 1 and has_roster:
        final = evaluation.parts.required_shortfall
        full_required = next((at for at, short in shortfalls if short <= final), None)
    results.put(
        Measured(
            staff_per_role=case.staff_per_role,
            days=case.days,
            zones=case.zones,
            time_limit=case.time_limit,
            method=case.method,
            solved_as="whole" if groups == 1 else f"{groups} groups ({staff_by})",
            status=result.status.value,
            estimated_variables=estimate,
            variables=result.variables,
            largest_group_variables=largest,
            build_seconds=build_seconds,
            first_roster=result.seconds_to_first,
            full_required=full_required,
            solve_seconds=result.seconds,
            gap_pct=None if result.gap is None else 100 * result.gap,
            coverage_pct=evaluation.coverage_pct if has_roster else None,
            required_shortfall=evaluation.parts.required_shortfall if has_roster else None,
            target_shortfall=evaluation.parts.target_shortfall if has_roster else None,
            overtime_hours=evaluation.overtime_hours if has_roster else None,
            objective=float(stage2_total(evaluation.parts)) if has_roster else None,
            hard_violations=len(evaluation.hard_violations),
            # ru_maxrss is in KiB on Linux.
            peak_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            lns="on" if case.lns else "off",
        )
    )


def _memory_mib(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process, from /proc (0 once it is gone)."""
    values = {"VmRSS": 0.0, "VmHWM": 0.0}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                key, _, rest = line.partition(":")
                if key in values:
                    values[key] = int(rest.split()[0]) / 1024  # kB
    except (FileNotFoundError, ProcessLookupError):
        pass
    return values["VmRSS"], values["VmHWM"]


def _stopped(case: Case, status: str, peak_mib: float) -> Measured:
    return Measured(
        staff_per_role=case.staff_per_role,
        days=case.days,
        zones=case.zones,
        time_limit=case.time_limit,
        method=case.method,
        solved_as="-",
        status=status,
        peak_mib=peak_mib or None,
    )


def measure(case: Case, max_mib: float, grace: float) -> Measured:
    """Run one case in a fresh process, stopping it above `max_mib` or past its time."""
    context = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue[Measured] = context.Queue()
    process = context.Process(target=_run, args=(case, results))
    process.start()
    assert process.pid is not None
    deadline = time.monotonic() + case.time_limit + grace
    peak = 0.0
    while True:
        try:
            measured = results.get(timeout=0.2)
            break
        except queue.Empty:
            pass
        rss, high_water = _memory_mib(process.pid)
        peak = max(peak, high_water)
        stop = None
        if rss > max_mib:
            stop = f"memory limit ({max_mib / 1024:g} GiB)"
        elif time.monotonic() > deadline:
            stop = f"timeout ({case.time_limit:g} s + {grace:g} s)"
        elif not process.is_alive():
            try:  # it may have put its row just before ending
                measured = results.get(timeout=1)
                break
            except queue.Empty:
                stop = f"crashed (exit code {process.exitcode})"
        if stop is not None:
            process.kill()
            process.join()
            return _stopped(case, stop, peak)
    process.join()
    return measured


def _fmt(value: float | None, unit: str = "", digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}{unit}"


def _count(value: int) -> str:
    return f"{value:,}" if value else "-"


def runs_table(rows: list[Measured]) -> str:
    lines = [
        "| staff per role | days | zones | limit | method | solved as | est. variables "
        "| variables (largest group) | build | first roster | full required | status | gap "
        "| coverage "
        "| required / target short | overtime | objective | hard violations | peak memory |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        largest = (
            f" ({row.largest_group_variables:,})"
            if row.largest_group_variables != row.variables
            else ""
        )
        short = (
            "-"
            if row.required_shortfall is None
            else f"{row.required_shortfall:,} / {row.target_shortfall:,}"
        )
        objective = "-" if row.objective is None else f"{row.objective / 1e6:,.1f}M"
        lines.append(
            f"| {row.staff_per_role} | {row.days} | {row.zones} | {row.time_limit:g} s "
            f"| {row.method}{'' if row.lns == 'on' else ' (no LNS)'} | {row.solved_as} "
            f"| {_count(row.estimated_variables)} "
            f"| {_count(row.variables)}{largest} | {_fmt(row.build_seconds, ' s')} "
            f"| {_fmt(row.first_roster, ' s')} | {_fmt(row.full_required, ' s')} "
            f"| {row.status} | {_fmt(row.gap_pct, '%')} "
            f"| {_fmt(row.coverage_pct, '%')} | {short} | {_fmt(row.overtime_hours, ' h', 0)} "
            f"| {objective} | {'-' if row.hard_violations is None else row.hard_violations} "
            f"| {_fmt(row.peak_mib, ' MiB', 0)} |"
        )
    return "\n".join(lines)


def loss_table(rows: list[Measured]) -> str:
    """Zone groups against the whole model, where both ran on the same case and limit.

    Coverage comes first (the solve is lexicographic), so the shortfalls are
    compared before the objective.
    """
    whole = {_key(r): r for r in rows if r.solved_as == "whole" and r.objective is not None}
    lines = [
        "| staff per role | days | zones | limit | groups | required short (whole -> zones) "
        "| target short (whole -> zones) | objective (whole -> zones) | change "
        "| overtime (whole -> zones) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        base = whole.get(_key(row))
        if row.solved_as in ("whole", "-") or row.objective is None or base is None:
            continue
        assert base.objective is not None
        change = 100 * (row.objective - base.objective) / max(abs(base.objective), 1.0)
        lines.append(
            f"| {row.staff_per_role} | {row.days} | {row.zones} | {row.time_limit:g} s "
            f"| {row.solved_as} | {base.required_shortfall:,} -> {row.required_shortfall:,} "
            f"| {base.target_shortfall:,} -> {row.target_shortfall:,} "
            f"| {base.objective / 1e6:,.1f}M -> {row.objective / 1e6:,.1f}M | {change:+.1f}% "
            f"| {_fmt(base.overtime_hours, ' h', 0)} -> {_fmt(row.overtime_hours, ' h', 0)} |"
        )
    return "\n".join(lines) if len(lines) > 2 else ""


def _key(row: Measured) -> tuple[int, int, int, float]:
    return (row.staff_per_role, row.days, row.zones, row.time_limit)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--staff", type=int, nargs="+", default=[20, 60, 120, 250, 500])
    parser.add_argument("--days", type=int, nargs="+", default=[7, 14, 28])
    parser.add_argument("--zones", type=int, nargs="+", default=[3, 5, 10])
    parser.add_argument("--limits", type=float, nargs="+", default=[60.0, 300.0])
    parser.add_argument("--method", nargs="+", choices=METHODS, default=["auto"])
    parser.add_argument("--groups", type=int, default=0, help="zone groups for --method zones")
    parser.add_argument(
        "--staff-by", choices=("balanced", "home"), default="balanced", help="for zone groups"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--lns", nargs="+", choices=("on", "off"), default=["off"], help="engine.USE_LNS"
    )
    parser.add_argument("--max-memory-gib", type=float, default=8.0)
    parser.add_argument(
        "--grace", type=float, default=600.0, help="seconds past the limit before a case is stopped"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "outputs" / "scaling.csv")
    parser.add_argument("--from-csv", type=Path, help="print the tables of a CSV, run nothing")
    args = parser.parse_args()

    if args.from_csv is not None:
        rows = _read_csv(args.from_csv)
    else:
        rows = []
        for staff in args.staff:
            for days in args.days:
                for zones in args.zones:
                    for method in args.method:
                        for limit in args.limits:
                            for lns in args.lns:
                                case = Case(
                                    staff,
                                    days,
                                    zones,
                                    limit,
                                    method,
                                    args.groups,
                                    args.staff_by,
                                    args.seed,
                                    lns == "on",
                                )
                                rows.append(measure(case, args.max_memory_gib * 1024, args.grace))
                                print(rows[-1], flush=True)
                                _append_csv(args.out, rows[-1])
    print(runs_table(rows))
    losses = loss_table(rows)
    if losses:
        print()
        print(losses)


def _append_csv(path: Path, row: Measured) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    header = [f.name for f in fields(Measured)]
    if path.exists():
        with path.open(newline="") as handle:
            if next(csv.reader(handle), None) != header:
                raise SystemExit(f"{path} has other columns (an older run?): pass --out")
    new = not path.exists()
    with path.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        if new:
            writer.writeheader()
        writer.writerow(asdict(row))


def _read_csv(path: Path) -> list[Measured]:
    types = {f.name: f.type for f in fields(Measured)}
    rows = []
    with path.open(newline="") as handle:
        for record in csv.DictReader(handle):
            values: dict[str, Any] = {}
            for name, text in record.items():
                kind = str(types[name])
                if text == "" and name != "lns":
                    values[name] = None
                elif kind.startswith("int"):
                    values[name] = int(text)
                elif kind.startswith("float"):
                    values[name] = float(text)
                else:
                    values[name] = text
            rows.append(Measured(**values))
    return rows


if __name__ == "__main__":
    main()

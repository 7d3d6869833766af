"""How well `solve --time-limit` is kept, and peak memory of the largest program.

Each run is a real `main.py solve` process (what a user waits for): its wall
time from start to exit is compared with the limit, and split into the engine's
own time (`solve seconds` in the Summary: model build, the three stages) and
the rest (start-up, reading, precheck, checking the roster, writing the
workbook). Peak memory is the process's max RSS (`os.wait4`).

    .venv/bin/python benchmarks/limits.py                  # the default runs, ~5 minutes
    .venv/bin/python benchmarks/limits.py --no-largest     # without the 500 + 500 run
    .venv/bin/python benchmarks/limits.py --no-write       # print only

It rewrites the section between the marks in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from report_page import machine, replace_section  # benchmarks/, on the path when run

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "benchmarks.md"
START_MARK = "<!-- limits: start -->"
END_MARK = "<!-- limits: end -->"
SAMPLE = ROOT / "inputs" / "hartford"
#: What the overhead must stay within: 2 s plus 5% of the limit.
ALLOWED_FIXED, ALLOWED_SHARE = 2.0, 0.05


@dataclass(frozen=True)
class Program:
    name: str
    folder: Path
    size: str


@dataclass(frozen=True)
class Run:
    program: Program
    limit: float
    wall: float
    engine: float | None  # the Summary's `solve seconds`
    status: str
    peak_mib: float
    exit_code: int

    @property
    def overhead(self) -> float:
        return self.wall - self.limit

    @property
    def allowed(self) -> float:
        return ALLOWED_FIXED + ALLOWED_SHARE * self.limit


def _generated(folder: Path, staff_per_role: int, days: int, zones: int) -> Program:
    from scheduler.synthetic import synthetic_program, write_problem_csv

    problem = synthetic_program(
        staff_per_role, staff_per_role, zones=zones, days=days, around_the_clock=True
    )
    target = folder / f"generated_{staff_per_role}_{days}_{zones}"
    write_problem_csv(problem, target)
    size = f"{2 * staff_per_role} staff, {days} days, {zones} zones, 24/7"
    return Program(f"generated {staff_per_role}+{staff_per_role}", target, size)


def _summary(path: Path) -> dict[str, object]:
    sheet = openpyxl.load_workbook(path, read_only=True)["Summary"]
    return {key: value for key, value, *_ in sheet.iter_rows(min_row=2, values_only=True)}


def measure(program: Program, limit: float, out: Path) -> Run:
    """One `main.py solve` process: wall time, the engine's time, peak RSS."""
    command = [sys.executable, "main.py", "solve", str(program.folder), "-o", str(out)]
    started = time.monotonic()
    process = subprocess.Popen(
        [*command, "--time-limit", f"{limit:g}", "-q"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    summary = _summary(out) if out.exists() else {}
    seconds = summary.get("solve seconds")
    return Run(
        program=program,
        limit=limit,
        wall=wall,
        engine=float(seconds) if isinstance(seconds, int | float) else None,
        status=str(summary.get("status", "-")),
        peak_mib=usage.ru_maxrss / 1024,  # KiB on Linux
        exit_code=process.returncode,
    )


def _row(run: Run) -> str:
    engine = "-" if run.engine is None else f"{run.engine:.1f} s"
    rest = "-" if run.engine is None else f"{run.wall - run.engine:.1f} s"
    within = "yes" if run.overhead <= run.allowed else "**no**"
    return (
        f"| {run.program.name} | {run.program.size} | {run.limit:g} s | {run.status} "
        f"| {run.wall:.1f} s | {engine} | {rest} | {run.overhead:+.1f} s "
        f"| {run.allowed:.1f} s | {within} | {run.peak_mib:,.0f} MiB |"
    )


def section(runs: list[Run], note: str) -> str:
    lines = [
        START_MARK,
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {machine()}, 2 workers, "
        "`--method auto`, one run each. Produced by `benchmarks/limits.py`. " + note,
        "",
        "| program | size | limit | status | wall time | engine | rest | wall - limit "
        "| allowed (2 s + 5%) | within | peak memory |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *(_row(run) for run in runs),
        "",
        "*wall time*: the `main.py solve` process from start to exit; *engine*: the "
        "Summary's `solve seconds` (model build and the three stages); *rest*: start-up, "
        "reading, precheck, the check of the roster and writing the workbook. A run "
        "proven optimal ends before its limit (negative overhead).",
        END_MARK,
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limits", type=float, nargs="+", default=[5.0, 10.0, 30.0])
    parser.add_argument("--largest-limit", type=float, default=60.0)
    parser.add_argument("--no-largest", action="store_true", help="Skip the 500 + 500 run.")
    parser.add_argument("--no-write", action="store_true", help="Print, do not edit the page.")
    parser.add_argument("--note", default="", help="Appended to the section's first line.")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        sample = Program("Hartford sample", SAMPLE, "20 staff, 7 days, 3 zones")
        medium = _generated(folder, 60, 14, 5)
        plan = [(program, limit) for program in (sample, medium) for limit in args.limits]
        if not args.no_largest:
            plan.append((_generated(folder, 500, 28, 10), args.largest_limit))
        runs = []
        for number, (program, limit) in enumerate(plan):
            run = measure(program, limit, folder / f"roster{number}.xlsx")
            print(_row(run), flush=True)
            runs.append(run)
    text = section(runs, args.note)
    print(text)
    if not args.no_write:
        replace_section(PAGE, START_MARK, END_MARK, text, "## Time limits and memory\n")


if __name__ == "__main__":
    main()

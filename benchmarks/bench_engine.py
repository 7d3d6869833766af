"""Engine A/B runs: Curtois instances and generated crisis programs, one line each.

    .venv/bin/python benchmarks/bench_engine.py --curtois ../shared/benchmarks/curtois \
        --instances 13 14 15 16 17 18 --limit 60 --seeds 0 1 --lns on off
    .venv/bin/python benchmarks/bench_engine.py --crisis 120:28:5 --limit 60 --seeds 0 --lns on off

`--lns off` switches `engine.USE_LNS` off (CP-SAT alone, as before the LNS).
`--variants base engine.EAGER_LP=False` runs each instance once per variant, back to
back: `base` changes nothing, `module.NAME=value[;module.NAME=value]` sets switches of
`scheduler.solve.<module>` (a Python literal) for that run and restores them after.
Every roster is rechecked: Curtois by `scheduler.curtois.check`, crisis programs by
`scheduler.evaluate` (hard violations are printed).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import importlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scheduler.model.result import SolveParams


def _curtois(folder: Path, number: int, params: SolveParams, tag: str) -> None:
    from scheduler.curtois.bench import read_best_known, solve_instance

    best = read_best_known(folder).get(f"Instance{number}")
    run, _ = solve_instance(folder / f"Instance{number}.txt", params, None, best)
    gap = "-" if run.gap_pct is None else f"{run.gap_pct:.2f}%"
    print(
        f"{tag} Instance{number} seed {params.seed}: objective {run.objective} "
        f"bound {run.bound} best {run.best_known} gap {gap} {run.status} "
        f"best_at {run.seconds_to_best or 0:.1f} s checked {'yes' if run.checked else 'NO'}",
        flush=True,
    )


def _crisis(spec: str, params: SolveParams, tag: str) -> None:
    from scheduler.evaluate import evaluate
    from scheduler.solve import solve
    from scheduler.synthetic import synthetic_program

    staff, days, zones = (int(x) for x in spec.split(":"))
    problem = synthetic_program(staff, staff, zones, days, around_the_clock=True, seed=0)
    first: list[float] = []
    full: list[float] = []

    def progress(event: object) -> None:
        seconds = event.seconds  # type: ignore[attr-defined]
        if not first:
            first.append(seconds)
        if not full and event.required_shortfall == 0:  # type: ignore[attr-defined]
            full.append(seconds)

    started = time.monotonic()
    result = solve(problem, params, progress)
    seconds = time.monotonic() - started
    hard = "-"
    if result.status.has_roster:
        report = evaluate(problem, result.roster)
        hard = str(len(report.hard_violations))
    gap = "-"
    if result.objective and result.bound is not None:
        gap = f"{100 * (result.objective - result.bound) / result.objective:.1f}%"
    print(
        f"{tag} crisis {spec} seed {params.seed}: objective {result.objective:.4g} "
        f"bound {result.bound} gap {gap} stage1 {result.stage1_objective} "
        f"{result.status} first {first[0] if first else -1:.1f} s "
        f"full_required {full[0] if full else -1:.1f} s seconds {seconds:.1f} hard {hard}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--curtois", type=Path)
    parser.add_argument("--instances", type=int, nargs="*", default=[])
    parser.add_argument("--crisis", nargs="*", default=[], help="staff:days:zones")
    parser.add_argument("--limit", type=float, default=60.0)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--lns", nargs="+", default=["on"], choices=["on", "off"])
    parser.add_argument("--variants", nargs="+", default=["base"])
    args = parser.parse_args()
    from scheduler.solve import engine

    for seed in args.seeds:
        for target in [*args.instances, *args.crisis]:
            for lns in args.lns:
                for variant in args.variants:
                    engine.USE_LNS = lns == "on"
                    params = SolveParams(time_limit=args.limit, workers=2, seed=seed)
                    tag = f"lns={lns} {variant}"
                    with _switched(variant):
                        if isinstance(target, int):
                            _curtois(args.curtois, target, params, tag)
                        else:
                            _crisis(target, params, tag)


@contextlib.contextmanager
def _switched(variant: str) -> Iterator[None]:
    """Set the variant's `module.NAME=value` switches, and restore them after."""
    saved: list[tuple[object, str, object]] = []
    try:
        for setting in [] if variant == "base" else variant.split(";"):
            dotted, value = setting.split("=", 1)
            module_name, name = dotted.rsplit(".", 1)
            module = importlib.import_module(f"scheduler.solve.{module_name}")
            if not hasattr(module, name):
                raise SystemExit(f"no switch {dotted}")
            saved.append((module, name, getattr(module, name)))
            setattr(module, name, ast.literal_eval(value))
        yield
    finally:
        for owner, name, old in reversed(saved):
            setattr(owner, name, old)


if __name__ == "__main__":
    main()

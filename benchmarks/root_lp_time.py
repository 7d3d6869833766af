"""When the root LP of a Curtois instance's stage-2 model gives its bound: one worker,
linearisation level 2 (the `max_lp` worker's), root LP solved whole, as the engine.

    .venv/bin/python benchmarks/root_lp_time.py 12 --until 3790 --limit 80 \
        --set add_lp_constraints_lazily=False --cuts

Prints each bound CP-SAT reports (seconds, benchmark points) until one exceeds
`--until` or the limit passes. `--set NAME=VALUE` sets a CP-SAT parameter (a Python
literal); `--cuts` posts `rules.sequences`' run-start cuts.
"""

from __future__ import annotations

import argparse
import ast
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ortools.sat.python import cp_model

from scheduler.curtois.bench import POINTS
from scheduler.curtois.format import read_curtois
from scheduler.curtois.program import as_problem
from scheduler.solve import engine
from scheduler.solve.rules import sequences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("instance", type=int)
    parser.add_argument("--folder", type=Path, default=Path("benchmarks/curtois"))
    parser.add_argument("--until", type=float, required=True, help="benchmark points")
    parser.add_argument("--limit", type=float, default=60.0)
    parser.add_argument("--set", nargs="*", default=[])
    parser.add_argument("--cuts", action="store_true")
    args = parser.parse_args()
    sequences.RUN_START_CUTS = args.cuts
    problem = as_problem(read_curtois(args.folder / f"Instance{args.instance}.txt"))
    built = engine.build_model(problem)
    model = built.variables.model
    model.minimize(built.stage2)
    solver = cp_model.CpSolver()
    parameters = solver.parameters
    parameters.num_workers = 1
    parameters.linearization_level = 2
    parameters.root_lp_iterations = engine.ROOT_LP_ITERATIONS
    parameters.max_time_in_seconds = args.limit
    for setting in args.set:
        name, value = setting.split("=", 1)
        setattr(parameters, name, ast.literal_eval(value))
    started = time.monotonic()
    seen: list[tuple[float, float]] = []

    def on_bound(bound: float) -> None:
        seen.append((round(time.monotonic() - started, 1), bound / POINTS))
        if bound / POINTS > args.until:
            solver.stop_search()

    solver.best_bound_callback = on_bound
    solver.solve(model)
    print(
        f"Instance{args.instance} {' '.join(args.set) or 'default'} cuts={args.cuts}: "
        f"bounds {seen} lp_iterations {solver.response_proto.num_lp_iterations} "
        f"wall {solver.wall_time:.1f} s",
        flush=True,
    )


if __name__ == "__main__":
    main()

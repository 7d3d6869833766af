"""Solve Curtois & Qu benchmark instances with the product's engine and judge the result.

Each solution is written as the benchmark's CSV and then recomputed from those
rows by the independent checker (`scheduler.curtois.check`); a run whose check
disagrees with what the solver reported is flagged, never hidden.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from scheduler.curtois.check import CurtoisCheck, check_solution
from scheduler.curtois.format import CurtoisAssignment, read_curtois, write_solution
from scheduler.curtois.program import as_problem, benchmark_objective, solution_rows
from scheduler.io.safe_cells import csv_text
from scheduler.io.write_workbook import replace_atomically
from scheduler.model.objective import STAGE2_WEIGHTS
from scheduler.model.result import ProgressEvent, SolveParams

#: Points per benchmark unit: both benchmark parts carry the same product weight.
POINTS = STAGE2_WEIGHTS["request_penalty"]
assert STAGE2_WEIGHTS["shift_cover_penalty"] == POINTS

RESULT_COLUMNS = (
    "instance",
    "objective",
    "best_known",
    "gap_pct",
    "bound",
    "seconds_to_best",
    "seconds",
    "status",
    "checked",
)


@dataclass(frozen=True)
class CurtoisRun:
    instance: str
    objective: int | None  # benchmark units, as the solver counted it
    best_known: int | None
    bound: int | None  # benchmark units, rounded up (the objective is whole)
    status: str
    seconds: float
    seconds_to_best: float | None
    check: CurtoisCheck | None  # the independent recount of the written rows

    @property
    def gap_pct(self) -> float | None:
        """How far above the best known objective, in percent."""
        if self.objective is None or self.best_known is None:
            return None
        if self.best_known == 0:
            return 0.0 if self.objective == 0 else math.inf
        return 100.0 * (self.objective - self.best_known) / self.best_known

    @property
    def checked(self) -> bool:
        """The checker found the written rows feasible with the reported objective."""
        return (
            self.check is not None
            and self.check.feasible
            and self.check.objective == self.objective
        )

    def row(self) -> dict[str, str]:
        return {
            "instance": self.instance,
            "objective": _text(self.objective),
            "best_known": _text(self.best_known),
            "gap_pct": "" if self.gap_pct is None else f"{self.gap_pct:.2f}",
            "bound": _text(self.bound),
            "seconds_to_best": _text(self.seconds_to_best, "{:.1f}"),
            "seconds": f"{self.seconds:.1f}",
            "status": self.status,
            "checked": "yes" if self.checked else "NO",
        }


def _text(value: float | None, fmt: str = "{}") -> str:
    return "" if value is None else fmt.format(value)


def solve_instance(
    path: Path,
    params: SolveParams,
    solution_path: Path | None = None,
    best_known: int | None = None,
    on_progress: Callable[[ProgressEvent], None] | None = None,
) -> tuple[CurtoisRun, list[CurtoisAssignment]]:
    """Read, solve, write the solution CSV (when a path is given) and check it."""
    from scheduler.solve import solve

    instance = read_curtois(path)
    problem = as_problem(instance)
    last_improvement: list[float] = []

    def track(event: ProgressEvent) -> None:
        last_improvement[:] = [event.seconds]
        if on_progress is not None:
            on_progress(event)

    result = solve(problem, params, track)
    rows = solution_rows(result.roster) if result.status.has_roster else []
    objective = benchmark_objective(result.parts) if result.parts is not None else None
    bound = None
    if result.bound is not None:
        bound = math.ceil(result.bound / POINTS - 1e-9)  # the objective is whole
    check = None
    if result.status.has_roster:
        if solution_path is not None:
            write_solution(solution_path, rows)
        check = check_solution(instance, rows)
    run = CurtoisRun(
        instance=instance.name,
        objective=objective,
        best_known=best_known,
        bound=bound,
        status=str(result.status),
        seconds=result.seconds,
        seconds_to_best=last_improvement[0] if last_improvement else None,
        check=check,
    )
    return run, rows


def read_best_known(folder: Path) -> dict[str, int]:
    """`best_known.csv` of a benchmark folder: instance -> best known objective."""
    path = folder / "best_known.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as file:
        return {row["instance"]: int(row["best_known_ub"]) for row in csv.DictReader(file)}


def instance_files(folder: Path) -> list[Path]:
    """The instance files of a folder, in numeric order (Instance2 before Instance10)."""

    def key(path: Path) -> tuple[str, int]:
        digits = re.search(r"(\d+)$", path.stem)
        return (path.stem.rstrip("0123456789"), int(digits.group(1)) if digits else 0)

    return sorted((path for path in folder.glob("*.txt") if path.is_file()), key=key)


def write_results(runs: Iterable[CurtoisRun], csv_path: Path, markdown_path: Path) -> None:
    rows = [run.row() for run in runs]

    def write_csv(temporary: Path) -> None:
        with temporary.open("w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, fieldnames=RESULT_COLUMNS, lineterminator="\n")
            writer.writeheader()
            # Instance names come from file names: no formula from them (safe_cells).
            writer.writerows({key: csv_text(value) for key, value in row.items()} for row in rows)

    replace_atomically(csv_path, write_csv, suffix=".csv")
    replace_atomically(
        markdown_path,
        lambda path: path.write_text(markdown_table(rows), encoding="utf-8"),
        suffix=".md",
    )


def markdown_table(rows: list[dict[str, str]]) -> str:
    lines = [
        "| " + " | ".join(RESULT_COLUMNS) + " |",
        "|" + "---|" * len(RESULT_COLUMNS),
        *("| " + " | ".join(row[c] for c in RESULT_COLUMNS) + " |" for row in rows),
    ]
    return "\n".join(lines) + "\n"

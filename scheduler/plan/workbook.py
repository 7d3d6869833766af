"""The plan workbook (PLAN.xlsx) and each recommended plan's roster workbook.

Sheets: `Scenarios` (one column per scenario, side by side), `Hires` (one row per
hire kind and scenario), `Costs` (with a bar chart of the annual cost per scenario),
`Frontier` (hires allowed -> best required coverage and its cost, with line charts,
when asked for) and `CostFormula` (the annual cost formula in words and every
scenario's figures). Every roster is written by the roster writer and checked by
the checker (`scheduler.evaluate`), whose hard violations the `Scenarios` sheet shows.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.io.safe_cells import CellValue, write_cell
from scheduler.io.write_workbook import (
    BOLD,
    HEADER_FILL,
    fit_widths,
    save_atomically,
    table_sheet,
    write_roster_workbook,
)
from scheduler.model.problem import Hire
from scheduler.plan.runner import PlanOutcome
from scheduler.plan.scenarios import Scenario


@dataclass(frozen=True)
class ScenarioPlan:
    """A scenario, its plan and what the checker found in the plan's roster."""

    scenario: Scenario
    outcome: PlanOutcome
    roster_file: Path | None = None
    checked_hard_violations: int | None = None  # None: no roster to check


def rosters_folder(plan_path: Path) -> Path:
    """Where the plans' rosters go: `<PLAN>_rosters/` next to the plan workbook."""
    return plan_path.with_name(f"{plan_path.stem}_rosters")


def file_name(scenario: str) -> str:
    """A scenario's name as a safe file name (letters, digits, dashes)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", scenario).strip("-").lower() or "scenario"


@contextmanager
def plan_rosters_written(
    plan_path: Path, outcomes: Sequence[tuple[Scenario, PlanOutcome]], warnings: Sequence[str]
) -> Iterator[list[ScenarioPlan]]:
    """Write each plan's roster (hired people as staff, the program reader's `warnings`
    in its Summary) and check it independently; the block then writes the plan workbook.

    The folder is replaced as a whole, once the block has succeeded: the rosters are
    written to a new folder that then takes the old one's place, so the folder never
    mixes this plan's rosters with an earlier plan's, and a failed workbook leaves
    the old workbook and the old rosters as they were."""
    folder = rosters_folder(plan_path)
    staging = folder.with_name(f".{folder.name}.new")
    shutil.rmtree(staging, ignore_errors=True)  # left by a run that was killed
    try:
        plans = _write_checked_rosters(staging, outcomes, warnings)
        staging.mkdir(parents=True, exist_ok=True)  # even when no plan has a roster
        yield [
            replace(plan, roster_file=folder / plan.roster_file.name) if plan.roster_file else plan
            for plan in plans
        ]
        retired = folder.with_name(f".{folder.name}.old")
        shutil.rmtree(retired, ignore_errors=True)
        if folder.exists():
            folder.rename(retired)
        staging.rename(folder)
        shutil.rmtree(retired, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_checked_rosters(
    folder: Path, outcomes: Sequence[tuple[Scenario, PlanOutcome]], warnings: Sequence[str]
) -> list[ScenarioPlan]:
    plans: list[ScenarioPlan] = []
    used: set[str] = set()
    for scenario, outcome in outcomes:
        plan = outcome.plan
        if not plan.result.status.has_roster:
            plans.append(ScenarioPlan(scenario, outcome))
            continue
        name = file_name(scenario.name)
        while name in used:  # two names that differ only in punctuation
            name += "-1"
        used.add(name)
        evaluation = plan.roster_check
        assert evaluation is not None  # a plan with a roster is checked (hires._plan_of)
        written = write_roster_workbook(
            folder / f"{name}.xlsx", plan.problem, evaluation, plan.result, warnings=warnings
        )
        plans.append(ScenarioPlan(scenario, outcome, written, len(evaluation.hard_violations)))
    return plans


def _mode(outcome: PlanOutcome) -> str:
    if outcome.plan.budget is not None:
        return f"most coverage within {outcome.plan.budget:,.0f} a year"
    if outcome.max_hires is not None:
        return f"most coverage with at most {outcome.max_hires} hires"
    return "least cost meeting required coverage"


def _cells(values: Sequence[CellValue]) -> list[CellValue]:
    return list(values)


def _percent(share: float | None) -> CellValue:
    return None if share is None else round(100 * share, 1)


def _money(value: float) -> float:
    return round(value, 2)


def _planned(plan: ScenarioPlan, value: CellValue) -> CellValue:
    """A plan's figure; blank when its solve found no roster (0 would read as a result)."""
    return None if plan.outcome.plan.evaluation is None else value


def _optional_money(value: float | None) -> float | None:
    return None if value is None else _money(value)


def hire_groups(hires: Sequence[Hire]) -> list[tuple[str, str]]:
    """(role, teams) of the hire kinds, in order of first appearance."""
    groups: list[tuple[str, str]] = []
    for hire in hires:
        key = (hire.role.value, "+".join(t.value for t in hire.teams))
        if key not in groups:
            groups.append(key)
    return groups


def _hires_of(plan: ScenarioPlan, role: str, teams: str) -> int:
    kinds = {h.hire_id: h for h in plan.outcome.hire_kinds}
    return sum(
        count
        for hire_id, count in plan.outcome.plan.hires.items()
        if hire_id in kinds
        and kinds[hire_id].role.value == role
        and "+".join(t.value for t in kinds[hire_id].teams) == teams
    )


def scenarios_rows(
    plans: Sequence[ScenarioPlan], target_minutes: float
) -> list[tuple[str, list[CellValue]]]:
    """The `Scenarios` sheet below its header: (figure, one value per scenario)."""
    kinds = [h for p in plans for h in p.outcome.hire_kinds]
    groups = hire_groups(kinds)
    rows: list[tuple[str, list[CellValue]]] = [
        ("changes", [p.scenario.describe() for p in plans]),
        ("mode", [_mode(p.outcome) for p in plans]),
        ("status", [str(p.outcome.plan.status) for p in plans]),
        ("hires (people)", [sum(p.outcome.plan.hires.values()) for p in plans]),
        *(
            (f"hires: {role} {teams}", _cells([_hires_of(p, role, teams) for p in plans]))
            for role, teams in groups
        ),
        (
            "hires by kind",
            [
                ", ".join(f"{n} x {k}" for k, n in sorted(p.outcome.plan.hires.items()) if n)
                or "none"
                for p in plans
            ],
        ),
        ("annual hire cost", [_planned(p, _money(p.outcome.plan.annual_hire_cost)) for p in plans]),
        (
            "annual overtime cost",
            [_planned(p, _money(p.outcome.plan.annual_overtime_cost)) for p in plans],
        ),
        (
            "total annual cost",
            [_planned(p, _money(p.outcome.plan.total_annual_cost)) for p in plans],
        ),
        (
            "total annual cost: proven lower bound",
            [_optional_money(p.outcome.plan.cost_lower_bound) for p in plans],
        ),
        ("cost gap % (to the bound)", [_percent(p.outcome.plan.cost_gap) for p in plans]),
        (
            "required coverage met %",
            [_planned(p, _percent(p.outcome.plan.required_coverage)) for p in plans],
        ),
        (
            "required shortfall (unit-slots)",
            [_planned(p, p.outcome.plan.required_shortfall) for p in plans],
        ),
        (
            "overtime hours (horizon)",
            [_planned(p, round(p.outcome.plan.overtime_hours, 1)) for p in plans],
        ),
        (
            f"calls within {target_minutes:g} min %",
            [
                None if p.outcome.within_target is None else _percent(p.outcome.within_target.mean)
                for p in plans
            ],
        ),
        (
            "± (95%, simulation runs)",
            [
                None
                if p.outcome.within_target is None
                else _percent(p.outcome.within_target.half_width)
                for p in plans
            ],
        ),
        ("hard violations (checker)", [p.checked_hard_violations for p in plans]),
        (
            "roster workbook",
            # Relative to the plan workbook, so the folder can be moved as a whole.
            [
                f"{p.roster_file.parent.name}/{p.roster_file.name}" if p.roster_file else None
                for p in plans
            ],
        ),
        ("solve seconds", [round(p.outcome.plan.solve_seconds, 1) for p in plans]),
        ("note", [p.outcome.plan.note or None for p in plans]),
    ]
    return rows


def _scenarios_sheet(
    sheet: Worksheet, plans: Sequence[ScenarioPlan], target_minutes: float
) -> None:
    """Scenarios as columns, figures as rows: read across to compare."""
    rows = scenarios_rows(plans, target_minutes)
    header = write_cell(sheet, 1, 1, "scenario")
    header.font, header.fill = BOLD, HEADER_FILL
    for column, plan in enumerate(plans, start=2):
        cell = write_cell(sheet, 1, column, plan.scenario.name)
        cell.font, cell.fill = BOLD, HEADER_FILL
    for row, (label, values) in enumerate(rows, start=2):
        write_cell(sheet, row, 1, label).font = BOLD
        for column, value in enumerate(values, start=2):
            write_cell(sheet, row, column, value)
    sheet.freeze_panes = "B2"
    fit_widths(sheet)


def _hires_sheet(sheet: Worksheet, plans: Sequence[ScenarioPlan]) -> None:
    rows: list[list[CellValue]] = []
    for plan in plans:
        kinds = {h.hire_id: h for h in plan.outcome.hire_kinds}
        for hire_id, count in sorted(plan.outcome.plan.hires.items()):
            if not count:
                continue
            hire = kinds.get(hire_id)
            each = None if hire is None else hire.annual_cost_cents / 100
            rows.append(
                [
                    hire_id,
                    plan.scenario.name,
                    None if hire is None else hire.role.value,
                    None if hire is None else "+".join(t.value for t in hire.teams),
                    None if hire is None else hire.home_zone,
                    count,
                    each,
                    None if each is None else _money(each * count),
                ]
            )
    table_sheet(
        sheet,
        (
            "hire_id",
            "scenario",
            "role",
            "teams",
            "home_zone",
            "count",
            "annual cost each",
            "annual cost",
        ),
        rows,
    )


def _costs_sheet(sheet: Worksheet, plans: Sequence[ScenarioPlan]) -> None:
    rows: list[list[CellValue]] = [
        [
            p.scenario.name,
            _planned(p, _money(p.outcome.plan.annual_hire_cost)),
            _planned(p, _money(p.outcome.plan.annual_overtime_cost)),
            _planned(p, _money(p.outcome.plan.total_annual_cost)),
        ]
        for p in plans
    ]
    table_sheet(sheet, ("scenario", "annual hire cost", "annual overtime cost", "total"), rows)
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "Annual cost per scenario"
    chart.y_axis.title = "per year"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.add_data(
        Reference(sheet, min_col=2, max_col=3, min_row=1, max_row=len(rows) + 1),
        titles_from_data=True,
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(rows) + 1))
    chart.width = 24
    sheet.add_chart(chart, "F2")


def best_so_far(
    points: Sequence[PlanOutcome], also: Sequence[PlanOutcome] = ()
) -> list[tuple[PlanOutcome, PlanOutcome]]:
    """Each frontier point with the best plan found that hires at most that many.

    A plan with at most k hires is also one with at most k + 1, so the best coverage
    cannot fall as k grows; a solve stopped by its time limit may still have found
    less, and a point allowed more hires (or the scenario's own plan, in `also`) may
    have found a better plan that hires no more than k. The best such plan (most
    coverage, then least cost; the point's own plan on a tie) is kept, which makes
    the frontier monotone without inventing anything.
    """
    usable = [point for point in (*points, *also) if point.plan.evaluation is not None]
    rows: list[tuple[PlanOutcome, PlanOutcome]] = []
    for point in sorted(points, key=lambda p: p.max_hires or 0):
        allowed = point.max_hires or 0
        fits = [other for other in usable if other.plan.hire_count <= allowed]
        best = min(fits, key=lambda other: (*_rank(other), other is not point), default=point)
        rows.append((point, best))
    return rows


def _rank(outcome: PlanOutcome) -> tuple[int, float]:
    return outcome.plan.required_shortfall, outcome.plan.total_annual_cost


def _frontier_sheet(
    sheet: Worksheet, points: Sequence[PlanOutcome], also: Sequence[PlanOutcome]
) -> None:
    rows: list[list[CellValue]] = []
    for point, best in best_so_far(points, also):
        p = best.plan
        kept = ""
        if best is not point:
            found_by = (
                f"the plan found with at most {best.max_hires} hires allowed"
                if best.frontier
                else "the scenario's own plan"
            )
            kept = f"{found_by}, which hires {best.plan.hire_count} (this solve found less)"
        rows.append(
            [
                point.scenario,
                point.max_hires,
                sum(p.hires.values()),
                _percent(p.required_coverage),
                p.required_shortfall,
                _money(p.total_annual_cost),
                str(point.plan.status),
                "; ".join(n for n in (kept, p.note) if n) or None,
            ]
        )
    table_sheet(
        sheet,
        (
            "scenario",
            "hires allowed",
            "hires used",
            "required coverage met %",
            "required shortfall",
            "total annual cost",
            "status",
            "note",
        ),
        rows,
    )
    if not rows:
        return
    for column, title, anchor, axis in (
        (4, "Best required coverage by hires allowed", "J2", "coverage met %"),
        (6, "Annual cost by hires allowed", "J20", "per year"),
    ):
        chart = LineChart()
        chart.title = title
        chart.y_axis.title = axis
        chart.x_axis.title = "hires allowed"
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.add_data(
            Reference(sheet, min_col=column, min_row=1, max_row=len(rows) + 1),
            titles_from_data=True,
        )
        chart.set_categories(Reference(sheet, min_col=2, min_row=2, max_row=len(rows) + 1))
        chart.width = 20
        sheet.add_chart(chart, anchor)


def _cost_formula_sheet(sheet: Worksheet, plans: Sequence[ScenarioPlan], formula: str) -> None:
    write_cell(sheet, 1, 1, "annual cost formula").font = BOLD
    write_cell(sheet, 2, 1, formula).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=6)
    sheet.row_dimensions[2].height = 120
    headers = (
        "scenario",
        "hires",
        "annual hire cost",
        "overtime hours (horizon)",
        "annual overtime cost",
        "total annual cost",
    )
    for column, title in enumerate(headers, start=1):
        cell = write_cell(sheet, 4, column, title)
        cell.font, cell.fill = BOLD, HEADER_FILL
    for row, plan in enumerate(plans, start=5):
        p = plan.outcome.plan
        figures: tuple[CellValue, ...] = (
            plan.scenario.name,
            sum(p.hires.values()),
            _money(p.annual_hire_cost),
            round(p.overtime_hours, 2),
            _money(p.annual_overtime_cost),
            _money(p.total_annual_cost),
        )
        for column, value in enumerate(figures, start=1):
            write_cell(sheet, row, column, value)
    fit_widths(sheet)
    sheet.column_dimensions["A"].width = 24


def write_plan_workbook(
    path: Path,
    plans: Sequence[ScenarioPlan],
    frontier: Sequence[PlanOutcome],
    cost_formula: str,
    target_minutes: float = 10.0,
    run_info: Sequence[tuple[str, CellValue]] = (),
) -> Path:
    """Write PLAN.xlsx atomically (a failure leaves any old file as it was)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    _scenarios_sheet(workbook.create_sheet("Scenarios"), plans, target_minutes)
    _hires_sheet(workbook.create_sheet("Hires"), plans)
    _costs_sheet(workbook.create_sheet("Costs"), plans)
    if frontier:
        # The frontier scenario's own plan is a plan with its number of hires too.
        own = [p.outcome for p in plans if p.outcome.scenario == frontier[0].scenario]
        _frontier_sheet(workbook.create_sheet("Frontier"), frontier, own)
    _cost_formula_sheet(workbook.create_sheet("CostFormula"), plans, cost_formula)
    if run_info:
        table_sheet(workbook.create_sheet("Run"), ("key", "value"), [list(r) for r in run_info])
    return save_atomically(workbook, path)

"""The `Changes` sheet of a repaired roster: one row per change against the baseline.

`before` and `after` read like `D8 adult/N with P02` (blank when the person did
not work that day); `change` is `removed`, `added`, `shift`, `team/zone` or
`partner` (`scheduler.repair.change_log` says how they are found).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.io.safe_cells import CellValue
from scheduler.io.write_workbook import Table, table_sheet
from scheduler.model.problem import Problem
from scheduler.repair import Change

SHEET_NAME = "Changes"
CHANGE_COLUMNS = ("employee_id", "name", "role", "date", "before", "after", "change")


def changes_table(problem: Problem, changes: Sequence[Change]) -> Table:
    """The sheet's header and rows."""
    return CHANGE_COLUMNS, [_change_row(problem, change) for change in changes]


def write_changes_sheet(sheet: Worksheet, problem: Problem, changes: Sequence[Change]) -> None:
    table_sheet(sheet, *changes_table(problem, changes))


def changes_sheet(problem: Problem, changes: Sequence[Change]) -> Callable[[Workbook], None]:
    """The sheet as an extra for `write_roster_workbook(..., extra_sheets=[...])`."""

    def add(workbook: Workbook) -> None:
        write_changes_sheet(workbook.create_sheet(SHEET_NAME), problem, changes)

    return add


def _change_row(problem: Problem, change: Change) -> tuple[CellValue, ...]:
    person = problem.people_by_id.get(change.employee_id)
    return (
        change.employee_id,
        person.name if person is not None else None,
        person.role.value if person is not None else None,
        change.date.isoformat(),
        change.before.text() if change.before is not None else None,
        change.after.text() if change.after is not None else None,
        change.kind.value,
    )

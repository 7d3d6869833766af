"""The printable `Schedules` sheet: one block per person, one printed page each.

A block is the person's name and id, role and teams, then a header row and one
row per shift (date, weekday, start, end, team, zone, partner). A manual page
break comes before every block but the first, and the sheet prints portrait, one
page wide, so a manager can print the sheet and hand each person their page.
Staff with no shift get a block that says so: the printed stack has everyone.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.io.publish import PersonSchedule, PersonShift, person_schedules
from scheduler.io.safe_cells import write_cell
from scheduler.io.write_workbook import (
    BOLD,
    HEADER_FILL,
    MAX_COLUMN_WIDTH,
    MIN_COLUMN_WIDTH,
    save_atomically,
)
from scheduler.model.calendar import date_text
from scheduler.model.problem import WEEKDAYS, Problem
from scheduler.model.roster import Roster

SHEET_NAME = "Schedules"
#: The workbook `publish` writes next to the calendars.
SCHEDULE_WORKBOOK = "schedules.xlsx"
SHIFT_COLUMNS = ("date", "weekday", "start", "end", "team", "zone", "partner")
NO_SHIFTS = "No shifts in this roster."
TITLE_FONT = Font(bold=True, size=14)
LEFT = Alignment(horizontal="left")  # the shift count lines up with the text above it


def add_schedule_sheet(workbook: Workbook, problem: Problem | None, roster: Roster) -> Worksheet:
    """Append the `Schedules` sheet to `workbook` and return it.

    Without the program's input, only people the roster names get a block, and
    names, role and teams come from the roster rows alone.
    """
    sheet = workbook.create_sheet(SHEET_NAME)
    row = 1
    title_rows: set[int] = set()
    for schedule in person_schedules(roster, problem):
        if row > 1:
            # Each person starts a page: break below the previous block's spacer row.
            sheet.row_breaks.append(Break(id=row - 1))
        title_rows.update(range(row, row + _title_lines(problem)))
        row = _person_block(sheet, row, problem, schedule)
    _fit_widths(sheet, skip_rows=title_rows)
    sheet.page_setup.orientation = "portrait"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as there are people
    return sheet


def write_schedule_workbook(path: str | Path, problem: Problem | None, roster: Roster) -> Path:
    """A workbook holding only the `Schedules` sheet, written atomically."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    add_schedule_sheet(workbook, problem, roster)
    return save_atomically(workbook, Path(path))


def _title_lines(problem: Problem | None) -> int:
    """The person's name, then the program and its dates when the input is known."""
    return 1 if problem is None else 2


def _fit_widths(sheet: Worksheet, skip_rows: set[int]) -> None:
    """Column widths from the table cells; a title may spill over the empty cells
    to its right, so it does not widen its column (the page stays one page wide)."""
    widths: dict[int, int] = {}
    for cells in sheet.iter_rows():
        for cell in cells:
            if cell.value is None or cell.row in skip_rows:
                continue
            widths[cell.column] = max(widths.get(cell.column, 0), len(str(cell.value)))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(
            MAX_COLUMN_WIDTH, max(MIN_COLUMN_WIDTH, width + 2)
        )


def _person_block(
    sheet: Worksheet, first_row: int, problem: Problem | None, schedule: PersonSchedule
) -> int:
    """Write one person's block from `first_row`; return the row after it (one spacer row)."""
    row = first_row
    write_cell(sheet, row, 1, schedule.title).font = TITLE_FONT
    row += 1
    if problem is not None:
        horizon = (
            f"{problem.name}: {date_text(problem.start_date)} - "
            f"{date_text(problem.date_of(problem.days - 1))}"
        )
        write_cell(sheet, row, 1, horizon)
        row += 1
    for label, value in (
        ("role", schedule.role),
        ("teams", "; ".join(team.value for team in schedule.teams)),
        ("shifts", len(schedule.shifts)),
    ):
        write_cell(sheet, row, 1, label).font = BOLD
        write_cell(sheet, row, 2, value).alignment = LEFT
        row += 1
    if not schedule.shifts:
        write_cell(sheet, row, 1, NO_SHIFTS)
        return row + 2
    for column, title in enumerate(SHIFT_COLUMNS, start=1):
        cell = write_cell(sheet, row, column, title)
        cell.font = BOLD
        cell.fill = HEADER_FILL
    row += 1
    for shift in schedule.shifts:
        for column, value in enumerate(_shift_cells(shift), start=1):
            write_cell(sheet, row, column, value)
        row += 1
    return row + 1


def _shift_cells(shift: PersonShift) -> tuple[str, ...]:
    a = shift.assignment
    end = f"{a.end:%H:%M}"
    if a.end.date() != a.start.date():
        end += f" ({WEEKDAYS[a.end.weekday()]})"  # a night shift ends the next day
    return (
        a.date.isoformat(),
        WEEKDAYS[a.date.weekday()],
        f"{a.start:%H:%M}",
        end,
        a.team.value,
        a.zone,
        "; ".join(str(partner) for partner in shift.partners),
    )

"""A roster: the rows of the `Assignments` sheet, whoever made them."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from scheduler.model.kinds import Role, Team


class Assignment(BaseModel):
    """One person on one shift in one unit (a row of `Assignments`)."""

    model_config = ConfigDict(frozen=True)

    date: dt.date
    shift_id: str
    start: dt.datetime
    end: dt.datetime
    team: Team
    zone: str
    unit_id: str
    employee_id: str
    role: Role
    row: int | None = None  # Excel row when read back from a workbook


class RejectedRow(BaseModel):
    """A row of `Assignments` whose cells could not be read; the checker reports it."""

    model_config = ConfigDict(frozen=True)

    row: int  # as Excel shows it (header = 1)
    column: str | None  # the first column at fault
    message: str  # every problem of the row, each naming its column


class Roster(BaseModel):
    model_config = ConfigDict(frozen=True)

    assignments: tuple[Assignment, ...] = ()
    # Rows of a hand-edited workbook that could not be read (its reader's warnings
    # travel beside the roster: `model.loaded.Loaded`).
    rejected_rows: tuple[RejectedRow, ...] = ()
    # Column name -> Excel letter in the `Assignments` sheet read, so that a later
    # message about a row (repair's) can name its cell.
    column_letters: dict[str, str] = Field(default_factory=dict)

    def cell(self, column: str | None) -> str | None:
        """The Excel letter of an `Assignments` column, when the roster was read from one."""
        return None if column is None else self.column_letters.get(column)

    def sorted(self) -> Roster:
        """Assignments in a stable order: start, team, zone, unit, role."""
        ordered = sorted(
            self.assignments,
            key=lambda a: (a.start, a.team, a.zone, a.unit_id, a.role, a.employee_id),
        )
        return self.model_copy(update={"assignments": tuple(ordered)})

    @property
    def rows_read(self) -> int:
        """Data rows of the roster's `Assignments` sheet, the unreadable ones included."""
        return len(self.assignments) + len(self.rejected_rows)

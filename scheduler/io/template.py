"""The blank input workbook program managers fill, and CSV folders turned into workbooks.

Both give every sheet a bold, frozen header row with a comment on each known
column, drop-down lists where a column takes fixed values, and readable column
widths. Text is always written as text, never as a formula (`write_cell`).
Both write to a temporary file next to the target and move it into
place, so a failure never leaves a half-written workbook.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from scheduler.errors import InputError, InputIssue
from scheduler.io.read_cells import LIST_SEPARATOR
from scheduler.io.safe_cells import write_cell
from scheduler.io.tables import CSV_SUFFIX, load_tables
from scheduler.io.tables_spec import (
    INPUT_SHEETS,
    INPUT_SHEETS_BY_KEY,
    PROGRAM,
    PROGRAM_DEFAULTS,
    PROGRAM_KEY_MEANINGS,
    README_SHEET,
    RULE_MEANINGS,
    RULES,
    SHIFTS,
    ZONES,
    SheetSpec,
)
from scheduler.io.write_workbook import save_atomically
from scheduler.model.problem import WEEKDAYS, PairKind, Role, Rules, Team, TimeOffKind

#: Drop-downs cover the data rows down to this row (or the last filled row, if lower).
DROP_DOWN_LAST_ROW = 1000

COMMENT_AUTHOR = "crisis-roster"
MIN_COLUMN_WIDTH = 12
MAX_COLUMN_WIDTH = 50

_TEAM_CHOICES = (*(team.value for team in Team), LIST_SEPARATOR.join(team.value for team in Team))

#: (sheet, column) -> the values its drop-down offers.
DROP_DOWNS: dict[tuple[str, str], tuple[str, ...]] = {
    ("Staff", "role"): tuple(role.value for role in Role),
    ("Staff", "teams"): _TEAM_CHOICES,
    ("Shifts", "teams"): _TEAM_CHOICES,
    ("Demand", "team"): tuple(team.value for team in Team),
    ("Demand", "weekday"): WEEKDAYS,
    ("TimeOff", "kind"): tuple(kind.value for kind in TimeOffKind),
    ("Pins", "team"): tuple(team.value for team in Team),
    ("Pairs", "kind"): tuple(kind.value for kind in PairKind),
    ("ShiftCover", "team"): tuple(team.value for team in Team),
    ("ShiftCover", "weekday"): WEEKDAYS,
}
#: Columns whose drop-down lists the zone ids typed into the `Zones` sheet.
ZONE_DROP_DOWNS = (
    ("Staff", "home_zone"),
    ("Travel", "from_zone"),
    ("Travel", "to_zone"),
    ("Demand", "zone"),
    ("Pins", "zone"),
    ("ShiftCover", "zone"),
)
#: Columns whose drop-down lists the shift ids typed into the `Shifts` sheet
#: (not `Shifts.forbidden_next`: it holds a list, which a drop-down would flag).
SHIFT_DROP_DOWNS = (("ShiftCover", "shift_id"), ("ShiftLimits", "shift_id"))

README_LINES = (
    "Crisis response roster: input workbook",
    "",
    "Fill the sheets in this order: Program, Rules, Zones, Staff, Shifts, Demand, "
    "then TimeOff, Pins, Pairs, ShiftCover, ShiftLimits and History if you need them.",
    "Hover over a column header to see what the column means. Row 1 is the header: "
    "keep the column names as they are; the column order does not matter.",
    "Program: fill in name and start_date (YYYY-MM-DD, a Monday for weekly rosters), and "
    "time_zone (e.g. America/New_York) so paid hours, rest and coverage follow daylight "
    "saving.",
    "Rules: the defaults are filled in; change a value, or clear it to use the default.",
    "Staff: a column named like a rule (min_rest_hours, max_consecutive_days, ...) "
    "overrides that rule for one person; leave its cell blank to use the Rules value.",
    "Lists go in one cell separated by ; (adult;juvenile). "
    "Dates are YYYY-MM-DD, times HH:MM (24 h), date-times YYYY-MM-DDTHH:MM.",
    "A shift or demand window whose end is at or before its start ends the next day.",
    "ShiftCover: units wanted on a shift (team, zone, weekday or date), with a penalty per "
    "unit under or over. ShiftLimits: most shifts of one template per person.",
    "Program people_per_unit: 2 (the default) makes each unit a clinician and a peer; "
    "1 makes every person a unit alone, and Pairs must then be left empty.",
    "Drop-downs suggest the allowed values; zone and shift drop-downs list the ids of "
    "Zones and Shifts.",
    "History: the shifts worked before start_date, as the previous roster's Assignments rows "
    "(paste them); rest, days in a row and fairness reach back into them, and a night unit "
    "still on duty on the first morning counts toward coverage.",
    "Hiring: kinds of people the program could hire (annual_cost or hourly_rate, at most "
    "max_count each); only `plan` uses them, `solve` rosters Staff alone.",
    "Travel: driving minutes between zones (a row counts both ways), for response times "
    "(simulate, demand); travel inside a zone is Zones.travel_minutes.",
    "Blank rows are ignored. Every error names the sheet, cell and column to fix.",
)


def write_template(path: str | Path) -> None:
    """Write a blank input workbook with headers, defaults, comments and drop-downs."""
    book = Workbook()
    readme = book.active
    readme.title = README_SHEET
    for line in README_LINES:
        readme.append([line])
    readme["A1"].font = Font(bold=True, size=14)
    readme.column_dimensions["A"].width = 110
    for spec in INPUT_SHEETS:
        sheet = book.create_sheet(spec.name)
        names = [column.name for column in spec.template_columns]
        _write_header(sheet, names, spec)
        if spec is PROGRAM:
            _write_key_rows(sheet, PROGRAM_KEY_MEANINGS, PROGRAM_DEFAULTS)
        elif spec is RULES:
            defaults = {name: _plain_number(value) for name, value in Rules().model_dump().items()}
            _write_key_rows(sheet, RULE_MEANINGS, defaults)
        _set_widths(sheet, names, [])
    _add_drop_downs(book)
    _save(book, path)


def csv_folder_to_workbook(folder: str | Path, path: str | Path) -> None:
    """Build an input .xlsx from a folder of `<Sheet>.csv` files (`csv_folder_workbook`)."""
    _save(csv_folder_workbook(folder), path)


def csv_folder_workbook(folder: str | Path) -> Workbook:
    """The input sheets of a folder of `<Sheet>.csv` files, as a workbook.

    The folder is read by `load_tables`, as `check` and `solve` read it (encodings,
    delimiters, limits), so the workbook holds what they would read. CSV files that
    are not input sheets are left out, as `read_problem` leaves them out (and a name
    like `Notes[1]` cannot be a sheet title). Cells keep their text, except numbers,
    which become numbers; each stays in the row and column it had, so messages about
    the workbook name the same cells. Input sheets come in the template's order.
    Raises `InputError` when the folder or one of its input sheets cannot be read.
    """
    source = Path(folder)
    if not source.is_dir():
        what = "not a folder" if source.exists() else "no such folder"
        raise InputError(InputIssue(sheet=source.name, message=f"{what}: {source}"))
    if not any(p.suffix.lower() == CSV_SUFFIX for p in source.iterdir()):
        raise InputError(InputIssue(sheet=source.name, message=f"no .csv files in {source}"))
    tables = load_tables(source, only=INPUT_SHEETS_BY_KEY.keys())
    if tables.issues:
        raise InputError(tables.issues)
    if not tables.by_key:
        names = ", ".join(f"{spec.name}{CSV_SUFFIX}" for spec in INPUT_SHEETS)
        raise InputError(
            InputIssue(sheet=source.name, message=f"no input sheet in {source} (they are {names})")
        )
    book = Workbook()
    book.remove(book.active)
    for spec in INPUT_SHEETS:
        table = tables.by_key.get(spec.key)
        if table is None:
            continue
        sheet = book.create_sheet(table.sheet)
        header = [""] * (max(table.columns.values(), default=-1) + 1)
        for name, position in table.columns.items():
            header[position] = name
        _write_header(sheet, header, spec)
        for data in table.rows:
            for name, value in data.cells.items():
                write_cell(sheet, data.number, table.columns[name] + 1, _csv_value(str(value)))
        texts = [[str(data.cells.get(name, "")) for name in header] for data in table.rows]
        _set_widths(sheet, header, texts)
    _add_drop_downs(book)
    return book


_NUMBER = re.compile(r"-?(?:0|[1-9]\d{0,14})(?:\.\d+)?")


def _csv_value(text: str) -> str | int | float | None:
    """A CSV cell as a workbook value: blank, a number, or the text as written."""
    if text == "":
        return None
    if _NUMBER.fullmatch(text):
        return float(text) if "." in text else int(text)
    return text


def _plain_number(value: Any) -> Any:
    """8.0 as 8, so a default shows as people write it."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _write_header(sheet: Any, names: Sequence[str], spec: SheetSpec | None) -> None:
    meanings = {column.name: column.meaning for column in spec.columns} if spec else {}
    for position, name in enumerate(names, start=1):
        if not name:
            continue  # a column with no header in the CSV file
        cell = write_cell(sheet, 1, position, name)
        cell.font = Font(bold=True)
        meaning = meanings.get(name.lower())
        if meaning:
            cell.comment = Comment(meaning, COMMENT_AUTHOR, width=300, height=80)
    sheet.freeze_panes = "A2"


def _write_key_rows(sheet: Any, meanings: dict[str, str], values: dict[str, Any]) -> None:
    """Rows of a key/value sheet, each key explained in a comment."""
    for row, (key, meaning) in enumerate(meanings.items(), start=2):
        cell = write_cell(sheet, row, 1, key)
        cell.comment = Comment(meaning, COMMENT_AUTHOR, width=300, height=60)
        write_cell(sheet, row, 2, values.get(key))


def _set_widths(sheet: Any, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    for position, name in enumerate(header):
        longest = max((len(row[position]) for row in rows if position < len(row)), default=0)
        width = min(MAX_COLUMN_WIDTH, max(MIN_COLUMN_WIDTH, len(name) + 4, longest + 2))
        sheet.column_dimensions[get_column_letter(position + 1)].width = width


def _header_letters(sheet: Any) -> dict[str, str]:
    """Column name (stripped, lower-case) -> letter, from the header row."""
    letters: dict[str, str] = {}
    for cell in sheet[1]:
        if isinstance(cell.value, str) and cell.value.strip():
            letters.setdefault(cell.value.strip().lower(), cell.column_letter)
    return letters


def _id_list(sheets: dict[str, Any], spec: SheetSpec, column: str) -> str | None:
    """A drop-down source: the id column of another sheet (None if it is not there)."""
    sheet = sheets.get(spec.key)
    letter = _header_letters(sheet).get(column) if sheet is not None else None
    if sheet is None or letter is None:
        return None
    last = max(DROP_DOWN_LAST_ROW, sheet.max_row)
    return f"{quote_sheetname(sheet.title)}!${letter}$2:${letter}${last}"


def _add_drop_downs(book: Any) -> None:
    sheets = {sheet.title.lower(): sheet for sheet in book.worksheets}
    wanted: dict[tuple[str, str], str] = {
        key: '"' + ",".join(values) + '"' for key, values in DROP_DOWNS.items()
    }
    for columns, id_list in (
        (ZONE_DROP_DOWNS, _id_list(sheets, ZONES, "zone_id")),
        (SHIFT_DROP_DOWNS, _id_list(sheets, SHIFTS, "shift_id")),
    ):
        if id_list is not None:
            wanted.update(dict.fromkeys(columns, id_list))
    for (sheet_name, column), formula in wanted.items():
        sheet = sheets.get(sheet_name.lower())
        letter = _header_letters(sheet).get(column) if sheet is not None else None
        if sheet is None or letter is None:
            continue
        validation = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=f"{column}: value not in the list",
            error="This value is not one of the listed ones; the program may refuse it.",
        )
        validation.add(f"{letter}2:{letter}{max(DROP_DOWN_LAST_ROW, sheet.max_row)}")
        sheet.add_data_validation(validation)


def _save(book: Workbook, path: str | Path) -> None:
    """Written whole or not at all, as every output (`save_atomically`)."""
    save_atomically(book, Path(path))

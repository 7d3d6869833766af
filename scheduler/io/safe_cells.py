"""Writing cells so that text from the input never becomes a formula.

Names, ids and notes come from workbooks people typed; a name like
`=HYPERLINK(...)` must come back out as the same text, not as a live formula.
"""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

CellValue = str | int | float | bool | None

#: Leading characters that Excel (or openpyxl) may read as the start of a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def write_cell(sheet: Worksheet, row: int, column: int, value: CellValue) -> Cell:
    """Put `value` in a cell; text is always stored as text, never as a formula."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        # Control characters the file format cannot hold would abort the whole save.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
    return cell

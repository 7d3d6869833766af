"""Writing cells so that text from the input never becomes a formula.

Names, ids and notes come from workbooks and CSV files people typed; a name like
`=HYPERLINK(...)` must come back out as the same text, not as a live formula
(CSV or formula injection, OWASP).

- Workbooks: such text is stored as a text cell (never a formula cell) and marked
  with Excel's quote prefix, so it stays text even when someone edits the cell.
  The value is unchanged.
- CSV files have no cell types, so the OWASP escape is used: a `'` is put in
  front of text that starts with one of `FORMULA_PREFIXES` (`=1+2` is written
  `'=1+2`). Readers of this tool's CSV files take the `'` off again
  (`unescape_csv_text`).
"""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

CellValue = str | int | float | bool | None

#: Leading characters that Excel, LibreOffice or Google Sheets may read as the
#: start of a formula (tab and CR: a CSV cell is trimmed before it is parsed).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: What goes in front of such text in a CSV file (OWASP's advice).
CSV_ESCAPE = "'"


def looks_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def write_cell(sheet: Worksheet, row: int, column: int, value: CellValue) -> Cell:
    """Put `value` in a cell; text is always stored as text, never as a formula."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        # Control characters the file format cannot hold would abort the whole save.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    if looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True  # Excel keeps it text when the cell is edited
    return cell


def _needs_escape(text: str) -> bool:
    """Formula-like, or already `'` + something that needs it (so that text which
    really starts with `'=` reads back with its `'`)."""
    if text.startswith(CSV_ESCAPE):
        return _needs_escape(text[len(CSV_ESCAPE) :])
    return text.startswith(FORMULA_PREFIXES)


def csv_text(value: CellValue) -> CellValue:
    """A CSV field: text that could start a formula gets the `'` escape; numbers,
    booleans and empty fields are left as they are."""
    if isinstance(value, str) and _needs_escape(value):
        return f"{CSV_ESCAPE}{value}"
    return value


def csv_row(values: Iterable[CellValue]) -> list[CellValue]:
    """`csv_text` for every field of a row."""
    return [csv_text(value) for value in values]


def unescape_csv_text(text: str) -> str:
    """The text `csv_text` escaped, as it was (other text is returned unchanged)."""
    if text.startswith(CSV_ESCAPE) and _needs_escape(text):
        return text[len(CSV_ESCAPE) :]
    return text

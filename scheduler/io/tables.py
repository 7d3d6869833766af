"""Raw tables from an .xlsx workbook or a folder of `<Sheet>.csv` files.

This layer only finds sheets, header rows and non-blank data rows, with the row
numbers and column letters Excel shows. What the cells mean is read elsewhere.
Problems with the file itself raise `InputError` at once; problems with one
sheet are collected so the other sheets can still be checked.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from scheduler.errors import InputError, InputIssue

#: Larger files are refused before they are opened (one CSV file of a folder counts alone).
MAX_FILE_BYTES = 50 * 1024 * 1024
#: Sheets with more non-blank data rows are refused.
MAX_DATA_ROWS = 100_000

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIX = ".csv"

CellValue = str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta | None


@dataclass(frozen=True)
class DataRow:
    number: int  # the row as Excel shows it (header = 1)
    cells: dict[str, CellValue]  # by column name; blank cells left out


@dataclass(frozen=True)
class Table:
    sheet: str  # the sheet's name as written in the file
    columns: dict[str, int]  # column name (stripped, lower-case) -> position from 0
    rows: tuple[DataRow, ...]

    def letter(self, column: str) -> str | None:
        position = self.columns.get(column)
        return None if position is None else get_column_letter(position + 1)


@dataclass
class Tables:
    """Every sheet that could be read, plus what went wrong with the others."""

    source: Path
    in_folder: bool
    by_key: dict[str, Table] = field(default_factory=dict)  # by lower-case sheet name
    failed: set[str] = field(default_factory=set)  # sheet keys that exist but could not be read
    issues: list[InputIssue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def where_missing(self, sheet: str) -> str:
        if self.in_folder:
            return f"no {sheet}{CSV_SUFFIX} in the folder {self.source.name}"
        return f"the workbook has no sheet named {sheet}"


def load_tables(path: str | Path, only: Collection[str] | None = None) -> Tables:
    """Read every sheet (or only those whose lower-case names are in `only`)."""
    source = Path(path)
    if not source.exists():
        raise _file_error(source, f"no such file or folder: {source}")
    if source.is_dir():
        tables = Tables(source=source, in_folder=True)
        _load_folder(tables, only)
        return tables
    suffix = source.suffix.lower()
    if suffix == ".xls":
        raise _file_error(source, "this is an old Excel .xls workbook; save it as .xlsx")
    if suffix == CSV_SUFFIX:
        raise _file_error(source, "give the folder that holds the CSV files, not one CSV file")
    if suffix not in WORKBOOK_SUFFIXES:
        raise _file_error(
            source, "expected an .xlsx workbook or a folder of CSV files named <Sheet>.csv"
        )
    _check_size(source, source.name)
    tables = Tables(source=source, in_folder=False)
    _load_workbook(tables, only)
    return tables


def _file_error(source: Path, message: str) -> InputError:
    return InputError(InputIssue(sheet=source.name, message=message))


def _check_size(file: Path, sheet: str) -> None:
    size = file.stat().st_size
    if size > MAX_FILE_BYTES:
        mb = 1024 * 1024
        raise InputError(
            InputIssue(
                sheet=sheet,
                message=f"{file.name} is {size / mb:.1f} MB; files over "
                f"{MAX_FILE_BYTES / mb:g} MB are refused",
            )
        )


def _load_folder(tables: Tables, only: Collection[str] | None) -> None:
    files = sorted(p for p in tables.source.iterdir() if p.suffix.lower() == CSV_SUFFIX)
    seen: dict[str, Path] = {}
    for file in files:
        key = file.stem.lower()
        if only is not None and key not in only:
            continue
        if key in seen:
            tables.issues.append(
                InputIssue(
                    sheet=file.stem,
                    message=f"both {seen[key].name} and {file.name} are in the folder; keep one",
                )
            )
            tables.failed.add(key)
            continue
        seen[key] = file
        _check_size(file, file.stem)
        try:
            with file.open(encoding="utf-8-sig", newline="") as handle:
                _add_table(tables, file.stem, csv.reader(handle))
        except UnicodeDecodeError:
            _sheet_failed(tables, file.stem, f"{file.name} is not UTF-8 text; save it as CSV UTF-8")
        except csv.Error as error:
            _sheet_failed(tables, file.stem, f"{file.name} is not a readable CSV file ({error})")


def _load_workbook(tables: Tables, only: Collection[str] | None) -> None:
    # openpyxl raises many kinds of errors for files that are not workbooks
    # (BadZipFile, KeyError, ValueError, XML errors): all of them mean the same.
    try:
        book = openpyxl.load_workbook(tables.source, read_only=True, data_only=True)
    except Exception as error:
        raise _file_error(tables.source, _not_a_workbook(error)) from None
    try:
        for sheet in book.worksheets:
            if only is not None and sheet.title.lower() not in only:
                continue
            sheet.reset_dimensions()  # some writers store wrong dimensions
            try:
                _add_table(tables, sheet.title, _sheet_values(sheet))
            except Exception as error:
                _sheet_failed(tables, sheet.title, _not_a_workbook(error))
    finally:
        book.close()


def _not_a_workbook(error: Exception) -> str:
    return f"cannot be read as an Excel workbook ({type(error).__name__}: {error})"


def _sheet_failed(tables: Tables, sheet: str, message: str) -> None:
    tables.issues.append(InputIssue(sheet=sheet, message=message))
    tables.failed.add(sheet.lower())


def _sheet_values(sheet: Any) -> Iterator[list[CellValue]]:
    for row in sheet.iter_rows():
        yield [_excel_value(cell) for cell in row]


def _excel_value(cell: Any) -> CellValue:
    value = cell.value
    # Excel stores dates as date-times; the number format says whether a time is shown.
    # A time other than midnight is kept even when the format hides it: a person who
    # formatted a shift's start as a date still means the shift's real start.
    if (
        isinstance(value, dt.datetime)
        and value.time() == dt.time()
        and not _shows_time(cell.number_format)
    ):
        return value.date()
    if value is None or isinstance(value, str | int | float | dt.date | dt.time | dt.timedelta):
        return value
    return str(value)


_FORMAT_LITERALS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def _shows_time(number_format: str) -> bool:
    shown = _FORMAT_LITERALS.sub("", number_format or "").lower()
    return "h" in shown or "s" in shown


def _normalise(value: CellValue) -> CellValue:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _add_table(tables: Tables, sheet: str, rows: Iterable[Sequence[CellValue]]) -> None:
    key = sheet.lower()
    if key in tables.by_key or key in tables.failed:
        _sheet_failed(tables, sheet, f"two sheets are named {sheet}; keep one")
        return
    iterator = iter(rows)
    header = next(iterator, [])
    columns: dict[str, int] = {}
    failed = False
    for position, raw in enumerate(header):
        value = _normalise(raw)
        if value is None:
            continue
        name = str(value).lower()
        if name in columns:
            first = get_column_letter(columns[name] + 1)
            tables.issues.append(
                InputIssue(
                    sheet=sheet,
                    row=1,
                    column=name,
                    column_letter=get_column_letter(position + 1),
                    message=f"column '{name}' appears twice ({first} and "
                    f"{get_column_letter(position + 1)}); keep one",
                )
            )
            failed = True
            continue
        columns[name] = position
    names_by_position = {position: name for name, position in columns.items()}
    data: list[DataRow] = []
    headerless: set[int] = set()
    for number, raw_row in enumerate(iterator, start=2):
        cells: dict[str, CellValue] = {}
        for position, raw in enumerate(raw_row):
            value = _normalise(raw)
            if value is None:
                continue
            column = names_by_position.get(position)
            if column is None:
                headerless.add(position)
            else:
                cells[column] = value
        if not cells:
            continue
        if len(data) == MAX_DATA_ROWS:
            tables.issues.append(
                InputIssue(
                    sheet=sheet,
                    message=f"more than {MAX_DATA_ROWS:,} data rows; "
                    f"this tool reads at most {MAX_DATA_ROWS:,} rows per sheet",
                )
            )
            failed = True
            break
        data.append(DataRow(number=number, cells=cells))
    for position in sorted(headerless):
        tables.warnings.append(
            f"{sheet}: column {get_column_letter(position + 1)} has values but no header; "
            "they were ignored"
        )
    if failed:
        tables.failed.add(key)
        return
    tables.by_key[key] = Table(sheet=sheet, columns=columns, rows=tuple(data))

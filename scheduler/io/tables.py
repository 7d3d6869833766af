"""Raw tables from an .xlsx workbook or a folder of `<Sheet>.csv` files.

This layer only finds sheets, header rows and non-blank data rows, with the row
numbers and column letters Excel shows. What the cells mean is read elsewhere.
Problems with the file itself raise `InputError` at once; problems with one
sheet are collected so the other sheets can still be checked.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import posixpath
import pyexpat
import re
import zipfile
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
from defusedxml.common import (  # type: ignore[import-untyped]  # no stubs
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._reader import (
    FORMULA_TAG,
    INLINE_STRING,
    ROW_TAG,
    VALUE_TAG,
    WorkSheetParser,
)
from openpyxl.xml.functions import fromstring as parse_xml  # defusedxml's when installed

from scheduler.errors import InputError, InputIssue

# Limits on input (docs/security.md): a program's input is a few thousand rows, so
# these are far above real use and low enough that a refusal comes in a second or two.
MB = 1024 * 1024
#: Larger files are refused before they are opened (one CSV file of a folder counts alone).
MAX_FILE_BYTES = 20 * MB
#: Sheets with more non-blank data rows are refused.
MAX_DATA_ROWS = 50_000
#: Sheets with more rows, blank ones included, are refused (blank rows cost time too).
MAX_SHEET_ROWS = 200_000
#: Sheets with more cells, blank ones included, are refused (a lone value in column XFD
#: makes a spreadsheet reader fill 16,383 blank cells before it).
MAX_SHEET_CELLS = 2_000_000
#: An .xlsx is a zip of XML files; these are checked on the zip's directory, before any
#: XML is unpacked (a zip bomb claims little on disk and unpacks to gigabytes).
MAX_UNPACKED_BYTES = 200 * MB  # the whole workbook
MAX_UNPACKED_PART_BYTES = 20 * MB  # one sheet, or one other XML part
MAX_ZIP_ENTRIES = 10_000

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIX = ".csv"

CellValue = str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta | None


@dataclass(frozen=True)
class DataRow:
    number: int  # the row as Excel shows it (header = 1)
    cells: dict[str, CellValue]  # by column name; blank cells left out


#: Rows from the top searched for a header that is not on row 1 (a title above it).
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class Table:
    sheet: str  # the sheet's name as written in the file
    columns: dict[str, int]  # column name (stripped, lower-case) -> position from 0
    rows: tuple[DataRow, ...]
    # The text cells (stripped) of the first HEADER_SEARCH_ROWS rows, row 1 first,
    # blank rows included: to say where a header that is not on row 1 is.
    top_rows: tuple[tuple[str, ...], ...] = ()

    def letter(self, column: str) -> str | None:
        position = self.columns.get(column)
        return None if position is None else get_column_letter(position + 1)

    def header_row(self, required: Collection[str]) -> int | None:
        """The row (as Excel shows it) below row 1 holding every `required` column
        name, when row 1 does not: a header moved down by a title row."""
        if not required or all(name in self.columns for name in required):
            return None
        for number, texts in enumerate(self.top_rows[1:], start=2):
            names = {text.lower() for text in texts}
            if all(name in names for name in required):
                return number
        return None

    def missing_columns(
        self, missing: Sequence[str], expected: Sequence[str], required: Collection[str] = ()
    ) -> InputIssue:
        """The issue for required columns not in the header: where the header is when
        a title row pushed it down, else what row 1 holds beside what was expected."""
        below = self.header_row(required or missing)
        if below is not None:
            above = "row 1" if below == 2 else f"rows 1-{below - 1}"
            return InputIssue(
                sheet=self.sheet,
                message=f"the header is on row {below}, not row 1 ({self._row_one()}); "
                f"delete {above} above it so that the header is row 1",
            )
        names = ", ".join(f"'{name}'" for name in missing)
        plural = "s" if len(missing) > 1 else ""
        return InputIssue(
            sheet=self.sheet,
            message=f"missing column{plural} {names} (the columns are {', '.join(expected)}; "
            f"{self._row_one()})",
        )

    def _row_one(self) -> str:
        """`row 1 has zone, name` (its text cells as written), or `row 1 is blank`."""
        found = self.top_rows[0] if self.top_rows else ()
        if not found:
            return "row 1 is blank"
        shown = found[:MAX_SHOWN_HEADER]
        more = len(found) - len(shown)
        return f"row 1 has {', '.join(shown)}" + (f" and {more} more" if more else "")


#: Header cells of row 1 named in a message about missing columns.
MAX_SHOWN_HEADER = 12


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
            # `.` has no name of its own: the folder's real one.
            return f"no {sheet}{CSV_SUFFIX} in the folder {self.source.absolute().name}"
        return f"the workbook has no sheet named {sheet}"


def load_tables(path: str | Path, only: Collection[str] | None = None) -> Tables:
    """Read every sheet (or only those whose lower-case names are in `only`)."""
    source = Path(path)
    try:
        exists, is_folder = source.exists(), source.is_dir()
    except OSError as error:  # a name over 255 bytes, a loop of links
        raise _file_error(source, f"cannot be opened: {error.strerror or error}") from None
    if not exists:
        raise _file_error(source, f"no such file or folder: {source}")
    if is_folder:
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
    _check_workbook_archive(source)
    tables = Tables(source=source, in_folder=False)
    _load_workbook(tables, only)
    return tables


def _file_error(source: Path, message: str) -> InputError:
    return InputError(InputIssue(sheet=source.name, message=message))


def _check_size(file: Path, sheet: str) -> None:
    size = file.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(
            InputIssue(
                sheet=sheet,
                message=f"{file.name} is {size / MB:.1f} MB; files over "
                f"{MAX_FILE_BYTES / MB:g} MB are refused",
            )
        )


# What a file that is not a zip archive is, from its first bytes.
_FILE_KINDS = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (
        b"\xd0\xcf\x11\xe0",
        "an old .xls workbook or a password-protected one; remove the password and "
        "save it as .xlsx",
    ),
    (b"<", "an HTML or XML file, not a workbook; open it in Excel and save it as .xlsx"),
)


def _check_workbook_archive(source: Path) -> None:
    """Refuse what is not an .xlsx, or would unpack to too much, before openpyxl opens it.

    The sizes are the ones the zip's directory declares: Python's zipfile never unpacks
    more than an entry declares (it stops there and fails the CRC check).
    """
    with source.open("rb") as handle:
        head = handle.read(8)
    if not head:
        raise _file_error(source, "the file is empty (0 bytes); expected an .xlsx workbook")
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        kind = next((kind for magic, kind in _FILE_KINDS if head.startswith(magic)), None)
        if kind is not None:
            raise _file_error(
                source, f"cannot be read as an Excel workbook: it is {kind}"
            ) from None
        raise _file_error(source, _not_a_workbook(error)) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise _file_error(
                source,
                f"the workbook holds {len(entries):,} files; workbooks of more than "
                f"{MAX_ZIP_ENTRIES:,} are refused (it may be a zip bomb)",
            )
        unpacked = sum(entry.file_size for entry in entries)
        if unpacked > MAX_UNPACKED_BYTES:
            raise _file_error(
                source,
                f"the workbook unpacks to {unpacked / MB:,.0f} MB; workbooks that unpack to "
                f"more than {MAX_UNPACKED_BYTES / MB:g} MB are refused (it may be a zip bomb)",
            )
        _refuse_strict_open_xml(source, archive)
        sheet_names = _sheet_names_by_part(archive)
        for entry in entries:
            if entry.file_size <= MAX_UNPACKED_PART_BYTES:
                continue
            # Every part counts, whatever its name: openpyxl finds the parts it parses
            # through [Content_Types].xml and relationships, which may call an XML part
            # `ss.dat` or `image1.png`. Real pictures and macros are hardly ever this large:
            # the file is at most 20 MB and PNG or JPEG do not shrink when zipped.
            # Every sheet counts, read or not: openpyxl parses a sheet without a
            # <dimension> to its end when it opens the workbook.
            sheet = sheet_names.get(entry.filename)
            size = f"{entry.file_size / MB:,.0f} MB"
            limit = f"parts over {MAX_UNPACKED_PART_BYTES / MB:g} MB are refused"
            if sheet is None and not entry.filename.endswith((".xml", ".rels")):
                raise _file_error(
                    source,
                    f"{entry.filename} unpacks to {size}; {limit}, whatever their name or "
                    "kind (it may be a zip bomb)",
                )
            what = f"sheet {sheet}" if sheet is not None else entry.filename
            raise _file_error(
                source,
                f"{what} unpacks to {size} of XML; {limit} (some 40,000 rows of a "
                "dozen columns); delete the rows and columns beyond the data",
            )


#: The namespace of ISO 29500 Strict workbooks ("Strict Open XML Spreadsheet" in
#: Excel's Save As); openpyxl finds no sheets in them.
STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/spreadsheetml/main"


def _refuse_strict_open_xml(source: Path, archive: zipfile.ZipFile) -> None:
    try:
        with archive.open("xl/workbook.xml") as part:
            head = part.read(4096)
    except (KeyError, OSError, zipfile.BadZipFile):
        return  # openpyxl says what is wrong
    if STRICT_NAMESPACE in head:
        raise _file_error(
            source,
            "the workbook is saved as Strict Open XML Spreadsheet, which this tool cannot "
            "read; open it in Excel and use File > Save As > Excel Workbook (.xlsx)",
        )


_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _sheet_names_by_part(archive: zipfile.ZipFile) -> dict[str, str]:
    """Zip entry name of each worksheet -> its sheet name; empty when it cannot be told."""
    try:
        parts = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels"}
        if any(archive.getinfo(part).file_size > MAX_UNPACKED_PART_BYTES for part in parts):
            return {}
        book = parse_xml(archive.read("xl/workbook.xml"))
        links = parse_xml(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # no such part, bad XML, entities: openpyxl will say what is wrong
        return {}
    targets = {}
    for link in links:
        target = link.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        targets[link.get("Id")] = posixpath.normpath(path)
    names = {}
    for element in book.iter():
        if element.tag.endswith("}sheet") and element.get(_RELATIONSHIP_ID) in targets:
            names[targets[element.get(_RELATIONSHIP_ID)]] = element.get("name", "")
    return names


def _load_folder(tables: Tables, only: Collection[str] | None) -> None:
    files = sorted(p for p in tables.source.iterdir() if p.suffix.lower() == CSV_SUFFIX)
    seen: dict[str, Path] = {}
    for file in files:
        key = sheet_key(file.stem)
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
        _add_csv_file(tables, file, file.stem)


def read_csv_file(file: Path, sheet: str) -> tuple[Table, list[str]]:
    """One CSV file as the table `sheet`, and the warnings, read as a folder's CSV files
    are (size, encodings, delimiters, row and cell limits). Raises `InputError`."""
    tables = Tables(source=file.parent, in_folder=True)
    _add_csv_file(tables, file, sheet)
    if tables.issues:
        raise InputError(tables.issues)
    return tables.by_key[sheet.lower()], tables.warnings


def _add_csv_file(tables: Tables, file: Path, sheet: str) -> None:
    _check_size(file, sheet)
    try:
        rows, warnings = read_csv_rows(file)
        _add_table(tables, sheet, rows)
    except CsvFileError as error:
        _sheet_failed(tables, sheet, str(error))
        return
    except csv.Error as error:
        _sheet_failed(tables, sheet, f"{file.name} is not a readable CSV file ({error})")
        return
    tables.warnings.extend(f"{sheet}: {warning}" for warning in warnings)


class CsvFileError(ValueError):
    """A CSV file that cannot be read as text; the message names the file and says why."""


#: Delimiters other than `,` that spreadsheets write (`;` where `,` is the decimal comma).
OTHER_DELIMITERS = {";": "';'", "\t": "tabs"}


def read_csv_rows(file: Path) -> tuple[Iterator[list[str]], list[str]]:
    """The rows of a CSV file, and warnings about how it was read.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read as they are. Other bytes
    are read as Windows-1252, what Excel on Windows saves as "CSV", with a warning; a
    file that is not text at all is refused naming the byte. A header row with `;` or
    tabs and no `,` says the file uses that delimiter, as Excel does in many locales.
    """
    text, warnings = decode_csv(file.read_bytes(), file.name)
    line_end = text.find("\n")
    header = text if line_end < 0 else text[:line_end]
    delimiter = ","
    if "," not in header:
        delimiter = next((other for other in OTHER_DELIMITERS if other in header), ",")
    if delimiter != ",":
        warnings.append(
            f"{file.name} separates columns with {OTHER_DELIMITERS[delimiter]}, not commas; "
            "it was read that way"
        )
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), warnings


def decode_csv(data: bytes, name: str) -> tuple[str, list[str]]:
    """The text of a CSV file's bytes, and a warning when it was not UTF-8."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as error:
            raise CsvFileError(
                f"{name} starts as UTF-16 text but byte {error.start} is not; save it as CSV UTF-8"
            ) from None
    nul = data.find(b"\0")
    if nul >= 0:
        raise CsvFileError(
            f"{name} is not a text file (a NUL byte at offset {nul}); save it as CSV UTF-8"
        )
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        offset = error.start
    where = f"byte 0x{data[offset]:02X} at offset {offset}"
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise CsvFileError(
            f"{name} is neither UTF-8 nor Windows-1252 text ({where}); save it as CSV UTF-8"
        ) from None
    return text, [
        f"{name} is not UTF-8 ({where}); it was read as Windows-1252, as Excel on "
        "Windows saves CSV: check names with accents, or save it as CSV UTF-8"
    ]


def _load_workbook(tables: Tables, only: Collection[str] | None) -> None:
    # openpyxl raises many kinds of errors for files that are not workbooks
    # (BadZipFile, KeyError, ValueError, XML errors): all of them mean the same.
    try:
        book = openpyxl.load_workbook(tables.source, read_only=True, data_only=True)
    except Exception as error:
        raise _file_error(tables.source, _not_a_workbook(error)) from None
    try:
        for sheet in book.worksheets:
            if only is not None and sheet_key(sheet.title) not in only:
                continue
            try:
                _add_table(tables, sheet.title, _sheet_values(sheet))
            except Exception as error:
                _sheet_failed(tables, sheet.title, _not_a_workbook(error))
    finally:
        book.close()


def _not_a_workbook(error: BaseException) -> str:
    # openpyxl wraps what went wrong in a long ValueError naming the path: say the cause.
    while error.__cause__ is not None:
        error = error.__cause__
    if type(error).__name__ in ("EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden"):
        return (
            f"cannot be read as an Excel workbook ({type(error).__name__}: its XML declares "
            "entities or a DTD, which a spreadsheet program never writes; it may be an XML bomb)"
        )
    return f"cannot be read as an Excel workbook ({type(error).__name__}: {error})"


def _sheet_failed(tables: Tables, sheet: str, message: str) -> None:
    tables.issues.append(InputIssue(sheet=sheet, message=message))
    tables.failed.add(sheet.lower())


@dataclass(frozen=True)
class _BadCell:
    """A cell with no value to read; the message says why and what to do."""

    message: str


_NOT_COMPUTED = _BadCell(
    "the formula's value was not saved (the workbook was saved without computed values, "
    "as scripts save it); open it in Excel or LibreOffice and save it again"
)


class _ValueParser(WorkSheetParser):  # type: ignore[misc]  # openpyxl has no types
    """openpyxl's sheet parser, which tells a formula whose value was not saved from a
    blank cell (reading values only, openpyxl gives None for both)."""

    def parse(self) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        """The sheet's rows, as openpyxl's `parse` gives them (only rows: the other parts
        of a sheet are not read here). The XML is first run through expat refusing any
        entity declaration or external reference, as defusedxml does, then parsed by
        ElementTree's C parser: defusedxml's own is written in Python and took most of
        the time of reading a roster of 50,000 rows."""
        data = self.source.read()  # at most 20 MB: the part's size was checked
        refuse_entities(data)
        for _, element in ElementTree.iterparse(io.BytesIO(data)):
            if element.tag == ROW_TAG:
                row = self.parse_row(element)
                element.clear()
                yield row

    def parse_cell(self, element: Any) -> dict[str, Any]:
        kind = element.get("t")
        if kind == "s" and not self.rich_text:
            return self._shared_string_cell(element)
        if kind == "inlineStr" and not self.rich_text:
            return self._inline_string_cell(element)
        cell: dict[str, Any] = super().parse_cell(element)
        # Only cells without a value are looked at again: blanks cost one lookup more.
        # A formula whose value is "" is saved as t="str" with an empty <v>: a blank.
        if (
            cell["value"] is None
            and cell["data_type"] == "n"
            and element.find(FORMULA_TAG) is not None
        ):
            cell["data_type"] = "f"
        return cell

    def _inline_string_cell(self, element: Any) -> dict[str, Any]:
        """`parse_cell` of a text cell stored in the sheet (openpyxl writes every text
        cell so), without building openpyxl's rich-text objects for it: a roster of
        50,000 rows has 450,000 of them (the same dictionary as openpyxl's)."""
        child = element.find(INLINE_STRING)
        if child is None:
            return self._cell(element, None, "inlineStr")
        return self._cell(element, inline_text(child), "s")

    def _shared_string_cell(self, element: Any) -> dict[str, Any]:
        """`parse_cell` of a text cell in the shared strings (as Excel saves text),
        openpyxl's answer in fewer steps."""
        index = element.findtext(VALUE_TAG, None) or None
        return self._cell(element, None if index is None else self.shared_strings[int(index)], "s")

    def _cell(self, element: Any, value: CellValue, data_type: str) -> dict[str, Any]:
        """The dictionary `parse_cell` gives: the cell's row and column (from its
        reference, or counted on from the cell before, as openpyxl does) and style."""
        coordinate = element.get("r")
        style_id = element.get("s", 0)
        if style_id:
            style_id = int(style_id)
        if coordinate:
            row, column = coordinate_to_tuple(coordinate)
            self.col_counter = column
        else:
            self.col_counter += 1
            row, column = self.row_counter, self.col_counter
        return {
            "row": row,
            "column": column,
            "value": value,
            "data_type": data_type,
            "style_id": style_id,
        }


def refuse_entities(data: bytes) -> None:
    """Raise defusedxml's `EntitiesForbidden` or `ExternalReferenceForbidden` when the
    XML declares an entity or refers to an external one (an XML bomb, or a file read
    from elsewhere); expat with no other handler reads the rest at C speed."""

    def entity_declared(
        name: str,
        is_parameter: bool,
        value: str | None,
        base: str | None,
        sysid: str | None,
        pubid: str | None,
        notation: str | None,
    ) -> None:
        raise EntitiesForbidden(name, value, base, sysid, pubid, notation)

    def unparsed_entity(
        name: str, base: str | None, sysid: str | None, pubid: str | None, notation: str | None
    ) -> None:
        raise EntitiesForbidden(name, None, base, sysid, pubid, notation)

    def external_reference(
        context: str, base: str | None, sysid: str | None, pubid: str | None
    ) -> bool:
        raise ExternalReferenceForbidden(context, base, sysid, pubid)

    parser = pyexpat.ParserCreate()
    parser.EntityDeclHandler = entity_declared
    parser.UnparsedEntityDeclHandler = unparsed_entity
    parser.ExternalEntityRefHandler = external_reference
    parser.Parse(data, True)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def inline_text(node: Any) -> str:
    """The text of an `<is>` element as openpyxl's `Text.from_tree(node).content` gives
    it: the plain `<t>` (the last, if there are several), then each run's `<t>`, in any
    namespace; phonetic runs (`<rPh>`) left out."""
    plain: str | None = None
    runs: list[str] = []
    for element in node:
        name = _local(element.tag)
        if name == "t":
            plain = element.text
        elif name == "r":
            text: str | None = None
            for part in element:
                if _local(part.tag) == "t":
                    text = part.text
            if text is not None:
                runs.append(text)
    return "".join([*([] if plain is None else [plain]), *runs])


def _sheet_values(sheet: Any) -> Iterator[list[CellValue | _BadCell]]:
    """The rows of a read-only sheet, as openpyxl's `iter_rows` gives them (missing rows
    as empty ones, each row as long as its rightmost cell), with error cells and formulas
    without a saved value as `_BadCell`s. The sheet's stored dimensions are not used:
    some writers store wrong ones. `iter_rows` cannot take another parser, so this loop
    is its own, on openpyxl's private `_get_source`, `_shared_strings` and formats."""
    book = sheet.parent
    with sheet._get_source() as source:
        parser = _ValueParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        expected = 1
        for number, cells in parser.parse():
            if number < expected:  # a row out of order: openpyxl skips it too
                continue
            for _ in range(expected, number):
                yield []
            expected = number + 1
            width = max((cell["column"] for cell in cells), default=0)
            values: list[CellValue | _BadCell] = [None] * width
            for cell in cells:
                if cell["column"] < 1:
                    continue
                if cell["data_type"] == "e":
                    values[cell["column"] - 1] = _BadCell(
                        f"the cell holds the error {cell['value'] or '?'}; fix the formula or "
                        "type the value"
                    )
                elif cell["data_type"] == "f":
                    values[cell["column"] - 1] = _NOT_COMPUTED
                elif type(cell["value"]) is str:  # as `_excel_value` gives text, at once
                    values[cell["column"] - 1] = cell["value"]
                elif cell["value"] is not None:
                    values[cell["column"] - 1] = _excel_value(ReadOnlyCell(sheet, **cell))
            yield values


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


def _normalise(value: CellValue | _BadCell) -> CellValue | _BadCell:
    if isinstance(value, str):
        # A byte-order mark inside a file (files joined together) is no character of a
        # name or an id, and `strip` keeps it.
        value = value.replace("\ufeff", "").strip()
        return value or None
    return value


def _too_many(row_number: int, scanned_cells: int) -> str | None:
    """Why a sheet is too large to read, once it is; None while it is not."""
    if row_number > MAX_SHEET_ROWS:
        return (
            f"more than {MAX_SHEET_ROWS:,} rows, blank ones included; this tool reads at most "
            f"{MAX_SHEET_ROWS:,} rows per sheet (delete the rows below the data)"
        )
    if scanned_cells > MAX_SHEET_CELLS:
        return (
            f"more than {MAX_SHEET_CELLS:,} cells, blank ones included, by row {row_number:,}; "
            "delete the columns and rows beyond the data"
        )
    return None


def sheet_key(name: str) -> str:
    """How a sheet (or a folder's `<Sheet>.csv`) is looked up: its name without case and
    without the spaces around it, as headers are (a tab renamed `Assignments ` is the
    Assignments sheet, not a missing one)."""
    return name.strip().lower()


def _add_table(tables: Tables, sheet: str, rows: Iterable[Sequence[CellValue | _BadCell]]) -> None:
    key = sheet_key(sheet)
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
        if isinstance(value, _BadCell):
            letter = get_column_letter(position + 1)
            tables.issues.append(
                InputIssue(sheet=sheet, row=1, column_letter=letter, message=value.message)
            )
            failed = True
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
    top_rows = [_texts(header)]
    data: list[DataRow] = []
    headerless: set[int] = set()
    scanned_cells = len(header)
    for number, raw_row in enumerate(iterator, start=2):
        scanned_cells += len(raw_row)
        if number <= HEADER_SEARCH_ROWS:
            top_rows.append(_texts(raw_row))
        too_many = _too_many(number, scanned_cells)
        if too_many is not None:
            tables.issues.append(InputIssue(sheet=sheet, message=too_many))
            failed = True
            break
        cells: dict[str, CellValue] = {}
        for position, raw in enumerate(raw_row):
            value = _normalise(raw)
            if value is None:
                continue
            column = names_by_position.get(position)
            if column is None:
                headerless.add(position)
            elif isinstance(value, _BadCell):
                # The sheet is refused, like one with a column twice: a value read as
                # blank or as text would turn into wrong defaults and ids further on.
                tables.issues.append(
                    InputIssue(
                        sheet=sheet,
                        row=number,
                        column=column,
                        column_letter=get_column_letter(position + 1),
                        message=value.message,
                    )
                )
                failed = True
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
    tables.by_key[key] = Table(
        sheet=sheet, columns=columns, rows=tuple(data), top_rows=tuple(top_rows)
    )


def _texts(row: Sequence[CellValue | _BadCell]) -> tuple[str, ...]:
    """The non-blank cells of a row as text, stripped as header names are."""
    found: list[str] = []
    for raw in row:
        value = _normalise(raw)
        if value is not None and not isinstance(value, _BadCell):
            found.append(str(value))
    return tuple(found)

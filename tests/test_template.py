"""The blank input template and CSV folders turned into workbooks."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.errors import InputError
from scheduler.io.output_paths import CannotWriteError
from scheduler.io.read_workbook import load_problem, read_problem
from scheduler.io.tables_spec import INPUT_SHEETS, RULE_MEANINGS
from scheduler.io.template import csv_folder_to_workbook, write_template
from scheduler.model.problem import Role, Rules, Team

SMALL = Path(__file__).parent / "data" / "valid" / "small"
runner = CliRunner()

SPEC_COLUMNS = {
    "Program": ["key", "value"],
    "Rules": ["rule", "value"],
    "Staff": [
        "employee_id", "name", "role", "teams", "home_zone", "min_hours_per_week",
        "max_hours_per_week", "hourly_rate", "skills", "overtime_eligible", "min_hours_total",
        "max_hours_total",
    ],
    "Zones": ["zone_id", "name", "neighborhoods", "travel_minutes"],
    "Travel": ["from_zone", "to_zone", "minutes"],
    "Shifts": ["shift_id", "start", "end", "unpaid_break_minutes", "teams", "forbidden_next"],
    "Demand": [
        "team", "zone", "weekday", "date", "start", "end", "required_units", "target_units",
    ],
    "TimeOff": ["employee_id", "start", "end", "kind", "shift_id", "weight"],
    "Pins": ["employee_id", "date", "shift_id", "team", "zone"],
    "Pairs": ["clinician_id", "peer_id", "kind"],
    "ShiftCover": [
        "shift_id", "team", "zone", "weekday", "date", "units", "weight_under", "weight_over",
    ],
    "ShiftLimits": ["employee_id", "shift_id", "max_shifts"],
    "Hiring": [
        "hire_id", "role", "teams", "home_zone", "min_hours_per_week", "max_hours_per_week",
        "annual_cost", "hourly_rate", "max_count",
    ],
    "History": [
        "date", "shift_id", "start", "end", "team", "zone", "unit_id", "employee_id", "role",
    ],
}  # fmt: skip

ZONE_LIST = "'Zones'!$A$2:$A$1000"
SHIFT_LIST = "'Shifts'!$A$2:$A$1000"
EXPECTED_DROP_DOWNS = {
    "Staff": {"C2:C1000": '"clinician,peer"', "D2:D1000": '"adult,juvenile,adult;juvenile"',
              "E2:E1000": ZONE_LIST},
    "Travel": {"A2:A1000": ZONE_LIST, "B2:B1000": ZONE_LIST},
    "Shifts": {"E2:E1000": '"adult,juvenile,adult;juvenile"'},
    "Demand": {"A2:A1000": '"adult,juvenile"', "B2:B1000": ZONE_LIST,
               "C2:C1000": '"Mon,Tue,Wed,Thu,Fri,Sat,Sun"'},
    "TimeOff": {"D2:D1000": '"unavailable,prefer_off,prefer_on"'},
    "Pins": {"D2:D1000": '"adult,juvenile"', "E2:E1000": ZONE_LIST},
    "Pairs": {"C2:C1000": '"prefer,avoid,forbid"'},
    "ShiftCover": {"A2:A1000": SHIFT_LIST, "B2:B1000": '"adult,juvenile"', "C2:C1000": ZONE_LIST,
                   "D2:D1000": '"Mon,Tue,Wed,Thu,Fri,Sat,Sun"'},
    "ShiftLimits": {"B2:B1000": SHIFT_LIST},
}  # fmt: skip


def _drop_downs(sheet: Any) -> dict[str, str]:
    return {str(dv.sqref): dv.formula1 for dv in sheet.data_validations.dataValidation}


@pytest.fixture
def template_path(tmp_path: Path) -> Path:
    path = tmp_path / "template.xlsx"
    write_template(path)
    return path


def test_template_has_every_sheet_and_column(template_path: Path) -> None:
    book = openpyxl.load_workbook(template_path)

    assert book.sheetnames == ["README", *SPEC_COLUMNS]
    assert [spec.name for spec in INPUT_SHEETS] == list(SPEC_COLUMNS)
    for name, columns in SPEC_COLUMNS.items():
        sheet = book[name]
        header = list(sheet[1])
        assert [cell.value for cell in header] == columns, name
        assert all(cell.font.b for cell in header), name
        assert all(cell.comment is not None and cell.comment.text for cell in header), name
        assert sheet.freeze_panes == "A2", name
        for cell in header:
            assert sheet.column_dimensions[cell.column_letter].width >= len(cell.value) + 4
    assert book["Staff"]["D1"].comment.text == (
        "Teams the person may work on: adult, juvenile or adult;juvenile."
    )
    assert book["README"]["A1"].value == "Crisis response roster: input workbook"


def test_template_prefills_program_and_rules(template_path: Path) -> None:
    book = openpyxl.load_workbook(template_path)

    program = [[cell.value for cell in row] for row in book["Program"].iter_rows(min_row=2)]
    assert program == [
        ["name", None],
        ["start_date", None],
        ["days", 7],
        ["slot_minutes", 60],
        ["people_per_unit", 2],
        ["time_zone", None],
    ]
    rules = [[cell.value for cell in row] for row in book["Rules"].iter_rows(min_row=2)]
    assert rules == [
        ["min_rest_hours", 10],
        ["max_consecutive_days", 6],
        ["preferred_max_consecutive_days", 5],
        ["min_days_off_per_week", 2],
        ["overtime_after_hours", 40],
        ["overtime_multiplier", 1.5],
        ["max_shift_hours", 12],
        ["min_consecutive_days", 1],
        ["min_consecutive_days_off", 1],
        ["max_weekends", None],  # blank: no limit
    ]
    assert set(RULE_MEANINGS) == set(Rules.model_fields)
    assert book["Rules"]["A7"].comment.text == RULE_MEANINGS["overtime_multiplier"]


def test_template_has_the_drop_downs(template_path: Path) -> None:
    book = openpyxl.load_workbook(template_path)

    found = {sheet.title: _drop_downs(sheet) for sheet in book.worksheets if _drop_downs(sheet)}
    assert found == EXPECTED_DROP_DOWNS


def test_filled_template_reads_back(template_path: Path) -> None:
    book = openpyxl.load_workbook(template_path)
    book["Program"]["B2"] = "Filled"
    book["Program"]["B3"] = dt.date(2026, 3, 2)
    book["Zones"].append(["N", "North", "Blue Hills;Northeast"])
    book["Staff"].append(["C1", "Ana", "clinician", "adult;juvenile", "N", 32, 40, 38.5])
    book["Staff"].append(
        ["P1", "Dan", "peer", "adult", "N", None, None, 24, "trainee", "no", 16, 60]
    )
    book["Shifts"].append(["D8", "08:00", "16:30", 30])
    book["Shifts"].append(["N12", "20:00", "08:00", 30, "adult", "D8"])
    book["Demand"].append(["adult", "N", "Mon", None, "08:00", "16:30", 1, 2])
    book["Pairs"].append(["C1", "P1", "forbid"])
    book["ShiftCover"].append(["N12", "adult", "N", "Sat", None, 1, 5])
    book["ShiftLimits"].append(["P1", "N12", 2])
    filled = template_path.with_name("filled.xlsx")
    book.save(filled)

    loaded = load_problem(filled)
    problem = loaded.value

    assert (problem.name, problem.start_date, problem.days, problem.slot_minutes) == (
        "Filled",
        dt.date(2026, 3, 2),
        7,
        60,
    )
    assert problem.rules == Rules()
    assert loaded.warnings == ()
    assert [(p.employee_id, p.role, p.teams) for p in problem.staff] == [
        ("C1", Role.CLINICIAN, (Team.ADULT, Team.JUVENILE)),
        ("P1", Role.PEER, (Team.ADULT,)),
    ]
    assert problem.person("P1").overtime_eligible is False
    assert problem.person("P1").is_trainee
    assert problem.shift("D8").paid_minutes == 480
    assert [(d.weekday, d.required_units, d.target) for d in problem.demand] == [(0, 1, 2)]
    assert len(problem.pairs) == 1
    assert (problem.person("P1").min_hours_total, problem.person("P1").max_hours_total) == (16, 60)
    assert problem.shift("N12").forbidden_next == ("D8",)
    assert [(c.shift_id, c.weekday, c.units, c.weight_under, c.weight_over)
            for c in problem.shift_cover] == [("N12", 5, 1, 5, 0)]  # fmt: skip
    assert [(lim.employee_id, lim.shift_id, lim.max_shifts) for lim in problem.shift_limits] == [
        ("P1", "N12", 2)
    ]


def test_csv_folder_workbook_keeps_text_and_numbers(tmp_path: Path) -> None:
    folder = tmp_path / "program"
    shutil.copytree(SMALL, folder)
    staff = folder / "Staff.csv"
    lines = staff.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("Ana Lopez", '"=HYPERLINK(""http://x"",""y"")"')
    lines[2] = lines[2].replace("Ben Carter", "@SUM(A1)")
    lines[3] = lines[3].replace("Cora Diaz", "-Cora")
    lines[4] = lines[4].replace("Dan Evans", "+1 555")
    staff.write_text("\n".join(lines) + "\n", encoding="utf-8")
    program = folder / "Program.csv"
    program.write_text(program.read_text(encoding="utf-8").replace(",Small Test Program", ",007"))
    (folder / "Notes.csv").write_text("text,number\n007,1.50\n", encoding="utf-8")
    workbook = tmp_path / "program.xlsx"

    csv_folder_to_workbook(folder, workbook)

    book = openpyxl.load_workbook(workbook)
    # Notes.csv is not an input sheet: left out, as read_problem leaves it out.
    assert book.sheetnames == [
        "Program", "Rules", "Staff", "Zones", "Shifts", "Demand", "TimeOff", "Pins", "Pairs",
    ]  # fmt: skip
    names = [book["Staff"].cell(row=row, column=2) for row in range(2, 6)]
    assert [cell.value for cell in names] == [
        '=HYPERLINK("http://x","y")',
        "@SUM(A1)",
        "-Cora",
        "+1 555",
    ]
    assert [cell.data_type for cell in names] == ["s"] * 4
    assert book["Staff"]["F2"].value == 32
    assert book["Staff"]["H2"].value == 38.5
    assert book["Program"]["B3"].value == "2026-03-02"
    assert book["Program"]["B2"].value == "007"  # text that only looks like a number
    assert book["Staff"]["A1"].font.b and book["Staff"].freeze_panes == "A2"
    assert _drop_downs(book["Staff"]) == EXPECTED_DROP_DOWNS["Staff"]
    assert _drop_downs(book["Demand"]) == EXPECTED_DROP_DOWNS["Demand"]

    problem = read_problem(workbook)
    assert [p.name for p in problem.staff[:4]] == [
        '=HYPERLINK("http://x","y")',
        "@SUM(A1)",
        "-Cora",
        "+1 555",
    ]


def test_a_failed_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "template.xlsx"
    target.write_bytes(b"old contents")

    def broken_save(self: Any, target: Any) -> None:
        if isinstance(target, str | Path):
            Path(target).write_bytes(b"half")
        else:  # the workbook is zipped in memory first (save_workbook)
            target.write(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    with pytest.raises(CannotWriteError, match="disk full"):
        write_template(target)
    with pytest.raises(CannotWriteError, match="disk full"):
        csv_folder_to_workbook(SMALL, tmp_path / "new.xlsx")

    assert target.read_bytes() == b"old contents"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["template.xlsx"]


def test_csv_folder_to_workbook_needs_a_folder_of_csv_files(tmp_path: Path) -> None:
    with pytest.raises(InputError) as missing:
        csv_folder_to_workbook(tmp_path / "nowhere", tmp_path / "out.xlsx")
    assert missing.value.render() == f"nowhere: no such folder: {tmp_path / 'nowhere'}"
    with pytest.raises(InputError) as empty:
        csv_folder_to_workbook(tmp_path, tmp_path / "out.xlsx")
    assert empty.value.render() == f"{tmp_path.name}: no .csv files in {tmp_path}"
    assert not (tmp_path / "out.xlsx").exists()


#: Ways a Staff.csv that `check` reads can be saved (Excel's "CSV" on Windows, "Unicode
#: Text", a locale with `;`), and a CSV file that is not an input sheet beside it.
FOLDER_VARIANTS = ("cp1252", "utf-16", "semicolons", "Notes[1].csv")
NAME = "Renée Lopez"  # é is one byte, 0xE9, in Windows-1252: not UTF-8


def folder_variant(tmp_path: Path, variant: str) -> Path:
    """tests/data/valid/small, with `Ana Lopez` renamed `NAME` and saved as `variant`."""
    folder = tmp_path / "program"
    shutil.copytree(SMALL, folder)
    staff = folder / "Staff.csv"
    text = staff.read_text(encoding="utf-8").replace("Ana Lopez", NAME)
    if variant == "cp1252":
        staff.write_bytes(text.encode("cp1252"))
    elif variant == "utf-16":
        staff.write_bytes(text.encode("utf-16"))  # with its BOM
    elif variant == "semicolons":
        with staff.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, delimiter=";").writerows(csv.reader(io.StringIO(text)))
    else:
        staff.write_text(text, encoding="utf-8")
        (folder / variant).write_text("note,by\nrecheck the rates,Ana\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("variant", FOLDER_VARIANTS)
def test_sample_reads_the_folder_as_check_does(tmp_path: Path, variant: str) -> None:
    # Found by review: sample re-read the CSV files as UTF-8 with commas (a traceback,
    # or a workbook `check` refused), and made a sheet of every CSV file.
    folder = folder_variant(tmp_path, variant)
    out = tmp_path / "program.xlsx"

    result = runner.invoke(app, ["sample", str(folder), "--out", str(out)])

    assert result.exit_code == 0, result.output
    read = read_problem(folder)
    assert read.staff[0].name == NAME
    assert read_problem(out) == read  # the warnings (the folder's delimiters) aside
    assert "Notes[1]" not in openpyxl.load_workbook(out).sheetnames


def test_sample_refuses_a_broken_folder_and_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "program"
    shutil.copytree(SMALL, folder)
    (folder / "Staff.csv").write_bytes(b"employee_id,name\nC1,\0\n")
    out = tmp_path / "program.xlsx"

    result = runner.invoke(app, ["sample", str(folder), "--out", str(out)])

    assert result.exit_code == 2, result.output
    assert "Staff: Staff.csv is not a text file (a NUL byte at offset 20)" in result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["program"]


def test_sample_refuses_a_workbook_for_a_folder_and_writes_nothing(tmp_path: Path) -> None:
    workbook = tmp_path / "small.xlsx"
    csv_folder_to_workbook(SMALL, workbook)
    out = tmp_path / "program.xlsx"

    result = runner.invoke(app, ["sample", str(workbook), "--out", str(out)])

    assert result.exit_code == 2, result.output
    assert f"small.xlsx: not a folder: {workbook}" in result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["small.xlsx"]


@pytest.mark.parametrize("name", ["Staff.csv", "a folder"])
def test_sample_writes_only_an_xlsx_never_over_an_input(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "program"
    shutil.copytree(SMALL, folder)
    out = folder / name
    if name == "a folder":
        out.mkdir()
    before = {path.name: path.read_bytes() for path in folder.glob("*.csv")}

    result = runner.invoke(app, ["sample", str(folder), "--out", str(out)])

    assert result.exit_code == 2, result.output
    assert "expected the name of an .xlsx workbook to write" in result.output
    assert {path.name: path.read_bytes() for path in folder.glob("*.csv")} == before


def test_sample_makes_the_folder_of_its_workbook(tmp_path: Path) -> None:
    out = tmp_path / "new" / "folder" / "program.xlsx"
    result = runner.invoke(app, ["sample", str(SMALL), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert read_problem(out).staff == read_problem(SMALL).staff

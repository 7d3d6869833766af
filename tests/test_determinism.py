"""`--seed` with `--deterministic`: two runs give byte-identical `Assignments` and
`Coverage` sheets (the sheets' XML inside the workbook; the `Summary` differs, as
it says when the roster was made and how long it took).

Each run is its own process with its own PYTHONHASHSEED, so an order that
depends on string hashing (set or dict order of ids) would show up, and the two
run at the same time, so one that depends on timing would too. The time limit
is short: the search is stopped mid-way, where differences would show.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl

from scheduler.synthetic import synthetic_program, write_problem_csv

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "inputs" / "hartford"
COMPARED_SHEETS = ("Assignments", "Coverage")


def _sheet_rows(path: Path, sheet: str) -> list[tuple[object, ...]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    return [tuple(row) for row in workbook[sheet].iter_rows(values_only=True)]


_NAMESPACES = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def _sheet_xml(path: Path, sheet: str) -> bytes:
    """The sheet's own part of the .xlsx (its cells as the file stores them)."""
    with zipfile.ZipFile(path) as archive:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        [entry] = [
            s
            for s in book.iterfind("main:sheets/main:sheet", _NAMESPACES)
            if s.get("name") == sheet
        ]
        rel_id = entry.get(f"{{{_NAMESPACES['r']}}}id")
        [target] = [
            r.get("Target")
            for r in rels.iterfind("rel:Relationship", _NAMESPACES)
            if r.get("Id") == rel_id
        ]
        assert target is not None
        return archive.read(
            target.removeprefix("/") if target.startswith("/xl/") else f"xl/{target}"
        )


def _two_runs(tmp_path: Path, *args: str) -> tuple[Path, Path]:
    """The same solve in two processes at once, with different string hashing."""
    outs = (tmp_path / "first.xlsx", tmp_path / "second.xlsx")
    processes = [
        subprocess.Popen(
            [sys.executable, "main.py", "solve", *args, "-o", str(out), "-q", "--deterministic"],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": str(hash_seed)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for hash_seed, out in zip((1, 2), outs, strict=True)
    ]
    for process in processes:
        output, _ = process.communicate(timeout=120)
        assert process.returncode == 0, output
    return outs


def test_the_sample_gives_the_same_assignments_and_coverage_twice(tmp_path: Path) -> None:
    first, second = _two_runs(tmp_path, str(SAMPLE), "--seed", "1", "--time-limit", "1.5")
    for sheet in COMPARED_SHEETS:
        rows = _sheet_rows(first, sheet)
        assert len(rows) > 50  # a whole roster and its coverage, not an empty sheet
        assert rows == _sheet_rows(second, sheet), sheet
        assert _sheet_xml(first, sheet) == _sheet_xml(second, sheet), sheet


def test_zone_groups_give_the_same_assignments_and_coverage_twice(tmp_path: Path) -> None:
    # Zone groups split people and time by sizes and shares: fixed in deterministic mode.
    program = tmp_path / "program"
    write_problem_csv(synthetic_program(8, 8, zones=3, days=7, seed=5), program)
    args = (str(program), "--method", "zones", "--seed", "2", "--time-limit", "2")
    first, second = _two_runs(tmp_path, *args)
    for sheet in COMPARED_SHEETS:
        rows = _sheet_rows(first, sheet)
        assert len(rows) > 20
        assert rows == _sheet_rows(second, sheet), sheet
        assert _sheet_xml(first, sheet) == _sheet_xml(second, sheet), sheet

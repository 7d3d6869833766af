"""Red-team pass 17-B over demand, simulate, plan and bench: each test is an input a
new user or a hostile author tried that the commands got wrong, now refused with a
located message (exit 2) or answered right."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from scheduler.cli import app
from tests.test_simulate import RATES_HEADER, SMALL, _small_roster_workbook

runner = CliRunner()


def test_simulate_rates_header_below_a_title_row_is_found_and_named(tmp_path: Path) -> None:
    # Before: "Rates!1: missing column(s): weekday, hour, ..." though every column was there.
    roster = _small_roster_workbook(tmp_path)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Rates"
    sheet.append(["Rates for March"])
    sheet.append([])
    sheet.append(RATES_HEADER)
    sheet.append(("Mon", 9, "N", "adult", 0.5, 60))
    rates = tmp_path / "demand.xlsx"
    book.save(rates)
    out = tmp_path / "report.xlsx"
    args = ["simulate", str(roster), "--inputs", str(SMALL), "--rates", str(rates)]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert (
        "Rates: the header is on row 3, not row 1 (row 1 has Rates for March); "
        "delete rows 1-2 above it so that the header is row 1"
    ) in result.stderr
    assert not out.exists()

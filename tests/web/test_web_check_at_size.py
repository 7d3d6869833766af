"""The web app's Check page at size: findings listed per rule as the reports list them."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
from fastapi.testclient import TestClient

from benchmarks.check_at_size import write_case
from scheduler.app import FINDINGS_PER_KIND
from scheduler.web import WebSettings, create_app
from tests.web.conftest import csrf_of, item_id


def test_the_check_page_lists_at_most_the_cap_per_rule_and_counts_the_rest(
    tmp_path: Path,
) -> None:
    rows = write_case(tmp_path / "csv", "dup", 3000).read_text(encoding="utf-8").splitlines()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Assignments"
    for line in rows:
        sheet.append(line.split(","))
    sheet.append(["C01", "clinician", "not a date"])  # one row the reader cannot read
    roster = tmp_path / "pasted.xlsx"
    book.save(roster)
    client = TestClient(create_app(WebSettings(workspace=tmp_path / "ws", run_jobs=False)))
    csrf = csrf_of(client)
    program = item_id(client.post("/program/sample", data={"csrf": csrf}))
    response = client.post(
        "/check",
        data={"csrf": csrf, "program_id": program},
        files={"file": ("pasted.xlsx", roster.read_bytes())},
    )
    assert response.status_code == 200
    table = response.text.split('<table id="violations">')[1].split("</table>")[0]
    overlaps = re.findall(r'<tr><td class="bad">overlap</td>', table)
    assert len(overlaps) == FINDINGS_PER_KIND
    more = re.search(r"\.\.\. and ([\d,]+) more overlap, not listed here", table)
    assert more is not None
    # The page's count and the listed ones make the checker's total.
    total = re.search(r"([\d,]+) hard rule\(s\) broken", response.text)
    assert total is not None
    hard = int(total[1].replace(",", ""))
    listed = table.count('<tr><td class="bad">')
    not_listed = sum(
        int(n.replace(",", ""))
        for n in re.findall(r"\.\.\. and ([\d,]+) more \w+, not listed", table)
    )
    assert listed + not_listed == hard
    assert "row(s) skipped" in response.text

"""`check` of a roster at the row limit: time and peak memory (docs/security.md).

Builds `Assignments` from the hartford corpus roster (tests/data/edited) pasted
together until MAX_DATA_ROWS rows: every row many times (duplicated rows), one in
seven moved by a day and some hours (moved shifts), one in eleven given an employee
id that is not in Staff (unknown people). Then runs `check` on it, as a person would:

    .venv/bin/python -m benchmarks.check_at_size build /tmp/big
    /usr/bin/time -v .venv/bin/python main.py check /tmp/big/roster.xlsx \
        --inputs tests/data/edited/programs/hartford --format json > /tmp/big/out.json
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

import openpyxl
from openpyxl import Workbook

from scheduler.io.tables import MAX_DATA_ROWS

CORPUS = Path("tests/data/edited/hartford_who_works.xlsx")


def _moved(text: object, days: int, hours: int) -> object:
    if not isinstance(text, str) or len(text) < 10:
        return text
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return text
    moved = moment + dt.timedelta(days=days, hours=hours)
    return moved.date().isoformat() if len(text.strip()) == 10 else f"{moved:%Y-%m-%dT%H:%M}"


def build(folder: Path, rows: int = MAX_DATA_ROWS) -> Path:
    """`folder/roster.xlsx` and the same rows as `folder/csv/Assignments.csv` (an
    .xlsx of 50,000 rows written by openpyxl passes the 20 MB part limit only
    without its note column; the CSV folder has no such limit)."""
    source = openpyxl.load_workbook(CORPUS, read_only=True)["Assignments"]
    header, *data = [tuple(r) for r in source.iter_rows(values_only=True)]
    data = [r for r in data if any(v is not None for v in r)]
    columns = {name: i for i, name in enumerate(header)}
    header = tuple(h for h in header if h != "note")
    columns = {name: i for i, name in enumerate(header)}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Assignments")
    sheet.append(header)
    (folder / "csv").mkdir(parents=True, exist_ok=True)
    csv_file = (folder / "csv" / "Assignments.csv").open("w", newline="", encoding="utf-8")
    writer = csv.writer(csv_file)
    writer.writerow(header)
    data = [r[: len(header)] for r in data]
    for n in range(rows):
        row = list(data[n % len(data)])
        if n % 7 == 3:
            for name in ("date", "start", "end"):
                row[columns[name]] = _moved(row[columns[name]], 1 + n % 5, n % 3)
        if n % 11 == 5:
            row[columns["employee_id"]] = f"X{n % 997:03d}"
        sheet.append(row)
        writer.writerow(row)
    csv_file.close()
    target = folder / "roster.xlsx"
    workbook.save(target)
    return target


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "build":
        count = int(sys.argv[3]) if len(sys.argv) > 3 else MAX_DATA_ROWS
        print(build(Path(sys.argv[2]), count))
    else:
        print(__doc__)

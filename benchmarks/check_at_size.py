"""`check` of rosters at the row limit: CPU time, wall clock and peak memory
(docs/security.md, "`check` at the row limit").

Builds `Assignments` of MAX_DATA_ROWS (50,000) rows from the hartford corpus roster
(tests/data/edited/hartford_who_works.xlsx, a roster of the sample program), one CSV
folder per case (an .xlsx of 50,000 rows written by openpyxl unpacks to more than the
20 MB a sheet may, and is refused before reading):

- `dup`: the roster's rows pasted together until 50,000 rows (every row ~600 times);
- `moved`: each pasted row moved to a random other day (some outside the horizon) and,
  every other row, to a random other time of day (start and end to the minute);
- `unknown`: each pasted row given, at random, an employee id not in Staff, a shift id
  not in Shifts or a zone not in Zones (a new id on most rows: nothing repeats);
- `mix`: per row one of the above, or a row as it was, or a cell that cannot be read
  (a date that is not a date, a blank role).

Then runs `main.py check` on each as a person would, as a whole process, with the text
report, `--format json` and the text report with `--out` (the HR report workbook),
and prints a table: CPU time (user + sys), wall clock and peak memory (max RSS) of the
process, its output, and the load average before it ran. A second line per case gives
what the checker found (from the JSON).

    .venv/bin/python -m benchmarks.check_at_size build /tmp/big
    .venv/bin/python -m benchmarks.check_at_size run /tmp/big [inputs/hartford/hartford.xlsx]
    .venv/bin/python -m benchmarks.check_at_size web /tmp/big [20000]   # the web Check page
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from scheduler.io.tables import MAX_DATA_ROWS

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "edited" / "hartford_who_works.xlsx"
PROGRAM = ROOT / "inputs" / "hartford" / "hartford.xlsx"
CASES = ("dup", "moved", "unknown", "mix")
MODES: dict[str, tuple[str, ...]] = {
    "text": (),
    "json": ("--format", "json"),
    "text --out": ("--out", "{tmp}/hr.xlsx"),
}
Row = list[str]


def _corpus_rows() -> tuple[list[str], list[Row]]:
    source = openpyxl.load_workbook(CORPUS, read_only=True)["Assignments"]
    header, *data = [tuple(r) for r in source.iter_rows(values_only=True)]
    keep = [i for i, name in enumerate(header) if name != "note"]
    cells = [["" if r[i] is None else str(r[i]) for i in keep] for r in data]
    # Rows with only a note are blank without it: not rows of the roster.
    return [str(header[i]) for i in keep], [r for r in cells if any(v.strip() for v in r)]


def _shifted(text: str, days: int, minutes: int) -> str:
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return text
    moved = moment + dt.timedelta(days=days, minutes=minutes)
    return moved.date().isoformat() if len(text.strip()) == 10 else f"{moved:%Y-%m-%dT%H:%M}"


def _case_rows(case: str, header: list[str], rows: list[Row], count: int) -> list[Row]:
    column = {name: i for i, name in enumerate(header)}
    pick = random.Random(f"check_at_size {case}")

    def moved(row: Row) -> Row:
        days = pick.randint(-3, 10)  # the horizon is 7 days: some land outside it
        minutes = pick.randint(-600, 600) if pick.random() < 0.5 else 0
        for name in ("start", "end"):
            row[column[name]] = _shifted(row[column[name]], days, minutes)
        row[column["date"]] = _shifted(row[column["date"]], days, 0)
        return row

    def unknown(row: Row) -> Row:
        n = pick.randrange(1_000_000)
        which = pick.choice(("employee_id", "shift_id", "zone"))
        row[column[which]] = {"employee_id": "X", "shift_id": "S", "zone": "Z"}[which] + str(n)
        row[column["unit_id"]] = f"U{n}"
        return row

    def unreadable(row: Row) -> Row:
        if pick.random() < 0.5:
            row[column["date"]] = "not a date"
        else:
            row[column["role"]] = ""
        return row

    def as_it_was(row: Row) -> Row:
        return row

    change: dict[str, list[Callable[[Row], Row]]] = {
        "dup": [as_it_was],
        "moved": [moved],
        "unknown": [unknown],
        "mix": [as_it_was, as_it_was, moved, moved, unknown, unreadable],
    }
    return [pick.choice(change[case])(list(rows[n % len(rows)])) for n in range(count)]


def write_case(folder: Path, case: str, count: int = MAX_DATA_ROWS) -> Path:
    """`folder/Assignments.csv`: `count` rows of one case (the same for the same count:
    the random choices are seeded by the case's name)."""
    header, rows = _corpus_rows()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "Assignments.csv"
    with target.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(_case_rows(case, header, rows, count))
    return target


def build(folder: Path, count: int = MAX_DATA_ROWS) -> list[Path]:
    """`folder/<case>/Assignments.csv` for every case, `count` rows each, and
    `folder/mix.xlsx`: the `mix` rows as Excel saves a workbook (text in the shared
    strings table, which keeps 50,000 rows under the 20 MB a sheet may unpack to)."""
    made = [write_case(folder / case, case, count) for case in CASES]
    header, rows = _corpus_rows()
    made.append(
        _excel_like_workbook(folder / "mix.xlsx", [header, *_case_rows("mix", header, rows, count)])
    )
    return made


def _excel_like_workbook(path: Path, rows: list[Row]) -> Path:
    """A one-sheet `Assignments` workbook of text cells, stored as Excel stores them
    (`t="s"`, indexes into `xl/sharedStrings.xml`); openpyxl writes inline strings."""
    from xml.sax.saxutils import escape

    strings: dict[str, int] = {}
    body = []
    for number, row in enumerate(rows, start=1):
        cells = []
        for column, value in enumerate(row):
            if value == "":
                continue
            index = strings.setdefault(value, len(strings))
            cells.append(f'<c r="{get_column_letter(column + 1)}{number}" t="s"><v>{index}</v></c>')
        body.append(f'<row r="{number}">{"".join(cells)}</row>')
    last = f"{get_column_letter(max(len(row) for row in rows))}{len(rows)}"
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006"
    office = "application/vnd.openxmlformats"
    sheetml = f"{office}-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": (
            f'<Types xmlns="{package}/content-types">'
            f'<Default Extension="rels" ContentType="{office}-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{sheetml}.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml"'
            f' ContentType="{sheetml}.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml"'
            f' ContentType="{sheetml}.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{package}/relationships">'
            f'<Relationship Id="rId1" Type="{relations}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{main}" xmlns:r="{relations}"><sheets>'
            '<sheet name="Assignments" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{package}/relationships">'
            f'<Relationship Id="rId1" Type="{relations}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{relations}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{main}"><dimension ref="A1:{last}"/>'
            f"<sheetData>{''.join(body)}</sheetData></worksheet>"
        ),
        "xl/sharedStrings.xml": (
            f'<sst xmlns="{main}" count="{len(strings)}" uniqueCount="{len(strings)}">'
            + "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
            + "</sst>"
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(
                name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + text
            )
    return path


def _timed(command: list[str], stdout: Path) -> tuple[int, float, float, float]:
    """Exit code, CPU seconds (user + sys), wall seconds and max RSS (MB) of a process."""
    with stdout.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024


def run(folder: Path, program: Path = PROGRAM) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} CPUs, program {program}")
    print("| case | output | exit | CPU s | wall s | max RSS MB | output MB | load (1 min) |")
    print("|---|---|---|---|---|---|---|---|")
    for case in (*CASES, "mix.xlsx"):
        roster = folder / case
        found = ""
        for mode, options in MODES.items():
            with tempfile.TemporaryDirectory() as tmp:
                command = [
                    sys.executable,
                    "main.py",  # of the current folder: another checkout can be measured
                    "check",
                    str(roster),
                    "--inputs",
                    str(program),
                    *(option.format(tmp=tmp) for option in options),
                ]
                load = os.getloadavg()[0]
                out = Path(tmp) / "stdout"
                code, cpu, wall, rss = _timed(command, out)
                size = out.stat().st_size + sum(p.stat().st_size for p in Path(tmp).glob("*.xlsx"))
                if mode == "json":
                    summary = json.loads(out.read_text(encoding="utf-8"))["summary"]
                    found = (
                        f"{summary['hard_violation_count']:,} hard, "
                        f"{summary['soft_violation_count']:,} soft, {summary['gap_count']:,} gaps"
                    )
            print(
                f"| {case} | {mode} | {code} | {cpu:.2f} | {wall:.2f} | {rss:.0f} |"
                f" {size / 1e6:.2f} | {load:.1f} |",
                flush=True,
            )
        print(f"| {case} | found: {found} | | | | | | |", flush=True)


def web(folder: Path, count: int = 20_000) -> None:
    """The web app's Check page (FastAPI's TestClient, in this process): the `mix` case
    of `count` rows as an .xlsx upload, checked against the sample program opened in
    the app; the POST (read, check, HR report, saved view) and the page, timed."""
    from fastapi.testclient import TestClient

    from scheduler.web import WebSettings, create_app

    header, rows = _corpus_rows()
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Assignments")
    sheet.append(header)
    for row in _case_rows("mix", header, rows, count):
        sheet.append(row)
    folder.mkdir(parents=True, exist_ok=True)
    upload = folder / f"mix{count}.xlsx"
    book.save(upload)
    with tempfile.TemporaryDirectory() as workspace:
        client = TestClient(create_app(WebSettings(workspace=Path(workspace), run_jobs=False)))
        client.get("/program")
        csrf = client.cookies["roster_csrf"]
        program = client.post("/program/sample", data={"csrf": csrf})
        program_id = str(program.url).rstrip("/").rsplit("/", 1)[1]
        for step in ("POST /check", "GET /check/<id>"):
            load = os.getloadavg()[0]
            cpu, started = time.process_time(), time.perf_counter()
            if step == "POST /check":
                response = client.post(
                    "/check",
                    data={"csrf": csrf, "program_id": program_id},
                    files={"file": (upload.name, upload.read_bytes())},
                    follow_redirects=False,
                )
                page = response.headers["location"]
            else:
                response = client.get(page)
            wall = time.perf_counter() - started
            print(
                f"| web {count:,} rows | {step} | {response.status_code} |"
                f" {time.process_time() - cpu:.2f} | {wall:.2f} | |"
                f" {len(response.content) / 1e6:.2f} | {load:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "build":
        rows = int(sys.argv[3]) if len(sys.argv) > 3 else MAX_DATA_ROWS
        for path in build(Path(sys.argv[2]), rows):
            print(path)
    elif len(sys.argv) >= 3 and sys.argv[1] == "web":
        web(Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 20_000)
    elif len(sys.argv) >= 3 and sys.argv[1] == "run":
        run(Path(sys.argv[2]), Path(sys.argv[3]) if len(sys.argv) > 3 else PROGRAM)
    else:
        print(__doc__)

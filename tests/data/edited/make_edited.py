"""Build the corpus of hand-edited rosters in tests/data/edited/.

Run from the repository root (LibreOffice's `soffice` must be installed; the tests
that read the corpus do not need it):

    .venv/bin/python -m tests.data.edited.make_edited

1. Each program's input is copied into `programs/<name>/`, so the corpus does not
   change when the sample data does: `small` (tests/data/valid/small), `hartford`
   (inputs/hartford) and `fortnight`, a synthetic 14-day program whose employee ids
   are numbers (101, 201, ...).
2. Each program is solved as `solve` does it (deterministic, seed 0: a re-run on the
   same OR-Tools gives the same rosters) and its roster workbook written by
   `write_roster_workbook`.
3. The `Assignments` sheet is then edited with openpyxl the way a program manager
   edits it, and laid out the way a spreadsheet leaves it (date cells, serial
   numbers, blank rows, columns moved, a note column, stray spaces, ids typed as
   numbers). Some files are then opened and saved by LibreOffice
   (`soffice --headless --convert-to xlsx`), one from a CSV export.

Each `<name>.xlsx` comes with `<name>.expected.json`: the program folder, what was
injected, the number of hard violations and each one the checker must report, as
(rule, employee_id or null, a text found in its `when` or `detail`).

Edit targets are picked by rules ("the first unit whose ..."), and what each edit
must break is derived from the edit itself (docs/rules.md; a person's own rules by
`tests.test_check_edits.person_breaks`), never from the checker. Last, every file is
read back and checked: if a new solver roster makes a pick wrong, this script fails
instead of writing a corpus that disagrees with its expectations.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import openpyxl

from scheduler.evaluate import evaluate
from scheduler.io.read_workbook import read_problem, read_roster
from scheduler.io.write_workbook import ASSIGNMENT_COLUMNS, write_roster_workbook
from scheduler.model import calendar
from scheduler.model.problem import PairKind, Problem, Role, Team, TimeOffKind
from scheduler.model.result import SolveParams
from scheduler.solve import solve
from scheduler.synthetic import synthetic_program, write_problem_csv
from tests.test_check_edits import person_breaks
from tests.test_read_roster_edited import Expected, unmatched

HERE = Path(__file__).parent
ROOT = HERE.parents[2]
PROGRAMS = HERE / "programs"
SECONDS = {"small": 10.0, "hartford": 30.0, "fortnight": 20.0}
EXCEL_EPOCH = dt.datetime(1899, 12, 30)

Row = dict[str, Any]  # one `Assignments` row: column -> cell; "_tag" names it for a message


# --- Programs and their solver rosters ------------------------------------------------


def copy_programs() -> None:
    shutil.rmtree(PROGRAMS, ignore_errors=True)
    shutil.copytree(ROOT / "tests" / "data" / "valid" / "small", PROGRAMS / "small")
    (PROGRAMS / "hartford").mkdir(parents=True)
    for csv_file in sorted((ROOT / "inputs" / "hartford").glob("*.csv")):
        shutil.copy(csv_file, PROGRAMS / "hartford" / csv_file.name)
    write_problem_csv(
        numbered_ids(synthetic_program(4, 4, zones=1, days=14, seed=1)), PROGRAMS / "fortnight"
    )


def numbered_ids(problem: Problem) -> Problem:
    """The same program with employee ids C01 -> 101, P01 -> 201 (typed as numbers later)."""
    ids = {
        p.employee_id: f"{1 if p.role is Role.CLINICIAN else 2}{p.employee_id[1:].zfill(2)}"
        for p in problem.staff
    }
    data = problem.model_dump()
    for person in data["staff"]:
        person["employee_id"] = ids[person["employee_id"]]
    for item in data["time_off"]:
        item["employee_id"] = ids[item["employee_id"]]
    for pair in data["pairs"]:
        pair["clinician_id"], pair["peer_id"] = ids[pair["clinician_id"]], ids[pair["peer_id"]]
    return Problem.model_validate(data)


def solved_rows(name: str, workbook: Path) -> tuple[Problem, list[Row]]:
    """Solve a program, write its roster workbook and return the `Assignments` rows."""
    problem = read_problem(PROGRAMS / name)
    params = SolveParams(time_limit=SECONDS[name], workers=2, seed=0, deterministic=True)
    result = solve(problem, params)
    evaluation = evaluate(problem, result.roster)
    assert result.status.has_roster and not evaluation.hard_violations, (name, result.status)
    write_roster_workbook(workbook, problem, evaluation, result)
    sheet = openpyxl.load_workbook(workbook)["Assignments"]
    header, *values = sheet.iter_rows(values_only=True)
    return problem, [dict(zip(header, row, strict=True)) for row in values]


# --- Reading rows as the rules do --------------------------------------------------------


def day_of(problem: Problem, row: Row) -> int:
    return problem.day_of(dt.date.fromisoformat(row["date"]))


def instance(problem: Problem, row: Row) -> calendar.ShiftInstance:
    return calendar.instance(problem, day_of(problem, row), problem.shift(row["shift_id"]))


def units(rows: list[Row]) -> dict[str, list[Row]]:
    found: dict[str, list[Row]] = {}
    for row in rows:
        found.setdefault(row["unit_id"], []).append(row)
    return dict(sorted(found.items()))


def member(unit: list[Row], role: Role) -> Row:
    [row] = [r for r in unit if r["role"] == role]
    return row


def breaks(problem: Problem, rows: list[Row], employee_id: str) -> Counter[tuple[str, str | None]]:
    shifts = [instance(problem, r) for r in rows if r["employee_id"] == employee_id]
    return person_breaks(problem, problem.person(employee_id), shifts)


def pinned(problem: Problem, row: Row) -> bool:
    return any(
        (pin.employee_id, pin.date.isoformat(), pin.shift_id)
        == (row["employee_id"], row["date"], row["shift_id"])
        for pin in problem.pins
    )


def moved(row: Row, days: int) -> Row:
    """The row on another day: its date, start and end all shifted."""

    def later(text: str) -> str:
        moment = dt.datetime.fromisoformat(text) + dt.timedelta(days=days)
        return moment.strftime("%Y-%m-%dT%H:%M" if "T" in text else "%Y-%m-%d")

    return {
        **row,
        "date": later(row["date"]),
        "start": later(row["start"]),
        "end": later(row["end"]),
    }


# --- Edits: each changes the rows and returns what the checker must report ----------------


@dataclass
class Expect:
    rule: str
    employee_id: str | None
    text: str  # found in `when` or `detail`; `{tag}` is replaced by the tagged row's number


@dataclass
class Editor:
    """The rows of one file being edited; units already used by an edit are left alone."""

    problem: Problem
    rows: list[Row]
    used: set[str] = field(default_factory=set)

    def free_units(self, team: Team | None = None) -> Iterator[tuple[str, list[Row]]]:
        for unit_id, members in units(self.rows).items():
            if unit_id in self.used or (team is not None and members[0]["team"] != team):
                continue
            if any(pinned(self.problem, r) for r in members):
                continue
            yield unit_id, members

    def with_person(self, rows: list[Row], row: Row, employee_id: str) -> list[Row]:
        """`rows` with `row` given to someone else (its role cell as Staff says)."""
        role = str(self.problem.person(employee_id).role)
        return [{**r, "employee_id": employee_id, "role": role} if r == row else r for r in rows]

    def seatings(
        self,
        seat: Row,
        newcomer: str,
        allowed: Counter[tuple[str, str | None]] | None = None,
        team_rule: bool = True,
        pair_rules: bool = True,
    ) -> Iterator[tuple[list[Row], set[str]]]:
        """Ways to put `newcomer` in `seat` (a row of a free unit), with the units touched.

        Either the newcomer takes the seat, or (same role) swaps shifts with its holder,
        who takes one of the newcomer's rows. The newcomer's own rules break exactly
        `allowed`, the holder's none. The holder keeps the team and pair rules; the
        newcomer too, but for the ones an edit means to break (`team_rule`, `pair_rules`).
        """
        problem = self.problem
        holder = seat["employee_id"]
        if newcomer in {r["employee_id"] for r in self.rows if r["unit_id"] == seat["unit_id"]}:
            return
        if not self.may_join(newcomer, seat, team_rule, pair_rules):
            return
        taken = self.with_person(self.rows, seat, newcomer)
        if breaks(problem, taken, newcomer) == (allowed or Counter()):
            yield taken, {seat["unit_id"]}
        if problem.person(newcomer).role is not problem.person(holder).role:
            return
        for unit_id, members in self.free_units():
            for row in members:
                if row["employee_id"] != newcomer or row["unit_id"] == seat["unit_id"]:
                    continue
                if not self.may_join(holder, row):
                    continue
                swapped = self.with_person(taken, row, holder)
                if breaks(problem, swapped, newcomer) == (allowed or Counter()) and not breaks(
                    problem, swapped, holder
                ):
                    yield swapped, {seat["unit_id"], unit_id}

    def may_join(
        self, employee_id: str, seat: Row, team_rule: bool = True, pair_rules: bool = True
    ) -> bool:
        """Eligible for the seat's team, and neither forbidden with nor a second trainee
        beside the other person of its unit (each unless told not to check)."""
        person = self.problem.person(employee_id)
        if team_rule and Team(seat["team"]) not in person.teams:
            return False
        if not pair_rules:
            return True
        [other] = [r for r in self.rows if r["unit_id"] == seat["unit_id"] and r != seat]
        ids = {person.role: employee_id, Role(other["role"]): other["employee_id"]}
        forbidden = any(
            (p.clinician_id, p.peer_id, p.kind)
            == (ids.get(Role.CLINICIAN), ids.get(Role.PEER), PairKind.FORBID)
            for p in self.problem.pairs
        )
        trainees = person.is_trainee and self.problem.person(other["employee_id"]).is_trainee
        return not forbidden and not trainees

    def commit(self, choice: tuple[list[Row], set[str]]) -> None:
        rows, touched = choice
        self.rows[:] = rows
        self.used |= touched


def pick(found: Iterator[Any], what: str) -> Any:
    choice = next(found, None)
    if choice is None:
        raise SystemExit(f"no roster row fits the edit: {what}")
    return choice


def delete_row(ed: Editor) -> list[Expect]:
    """The peer's row of a unit deleted."""
    unit_id, members = pick(ed.free_units(), "a unit to delete a row from")
    peer = member(members, Role.PEER)
    ed.rows.remove(peer)
    ed.used.add(unit_id)
    clinician = member(members, Role.CLINICIAN)["employee_id"]
    return [Expect("pairing", clinician, f"unit {unit_id} has 1 clinician")]


def move_unit_into_short_rest(ed: Editor) -> list[Expect]:
    """A whole unit moved to another day, leaving someone too little rest."""
    problem = ed.problem

    def candidates() -> Iterator[tuple[list[Row], list[Row]]]:
        for _, members in ed.free_units():
            for day in range(problem.days):
                shift = day - day_of(problem, members[0])
                if shift == 0:
                    continue
                trial = [moved(r, shift) if r in members else r for r in ed.rows]
                found = [breaks(problem, trial, r["employee_id"]) for r in members]
                if {rule for counts in found for rule, _ in counts} == {"rest"}:
                    yield members, trial

    members, trial = pick(candidates(), "a unit that can be moved into short rest")
    ed.rows[:] = trial
    ed.used.add(members[0]["unit_id"])
    expected = []
    for row in members:
        hours = f"{problem.person(row['employee_id']).rules.min_rest_hours:g}"
        for _ in range(breaks(problem, trial, row["employee_id"])["rest", row["employee_id"]]):
            expected.append(Expect("rest", row["employee_id"], f"; needs {hours} h"))
    return expected


def two_clinicians(ed: Editor) -> list[Expect]:
    """The peer of a unit replaced by a clinician free at that time: two clinicians."""
    clinicians = [
        p.employee_id for p in ed.problem.staff if p.role is Role.CLINICIAN and not p.is_trainee
    ]

    def candidates() -> Iterator[tuple[list[Row], set[str]]]:
        for _, members in ed.free_units():
            for clinician in clinicians:
                seat = member(members, Role.PEER)
                yield from ed.seatings(seat, clinician, pair_rules=False)

    choice = pick(candidates(), "a clinician free for a second seat")
    ed.commit(choice)
    [unit_id] = choice[1]
    return [Expect("pairing", None, f"unit {unit_id} has 2 clinicians")]


def unknown_employee(ed: Editor) -> list[Expect]:
    """A clinician's employee_id changed to C99, who is not in Staff."""
    unit_id, members = pick(ed.free_units(), "a unit for an unknown id")
    clinician = member(members, Role.CLINICIAN)
    ed.rows[ed.rows.index(clinician)] = {**clinician, "employee_id": "C99"}
    ed.used.add(unit_id)
    peer = member(members, Role.PEER)["employee_id"]
    return [
        Expect("unknown_employee", "C99", "C99 is not in Staff"),
        Expect("pairing", peer, f"unit {unit_id} has 0 clinicians"),
    ]


def adult_peer_in_juvenile_unit(ed: Editor) -> list[Expect]:
    """An adult-only peer put in a juvenile unit."""
    adult_only = [
        p.employee_id for p in ed.problem.staff if p.role is Role.PEER and p.teams == (Team.ADULT,)
    ]

    def candidates() -> Iterator[tuple[str, str, tuple[list[Row], set[str]]]]:
        for unit_id, members in ed.free_units(Team.JUVENILE):
            seat = member(members, Role.PEER)
            for peer in adult_only:
                for choice in ed.seatings(seat, peer, team_rule=False):
                    yield unit_id, peer, choice

    unit_id, peer, choice = pick(candidates(), "an adult-only peer for a juvenile unit")
    ed.commit(choice)
    return [Expect("team_eligibility", peer, f"in unit {unit_id}")]


def shift_on_leave(ed: Editor) -> list[Expect]:
    """A shift given to someone during their `unavailable` days."""
    problem = ed.problem
    on_leave = [
        t.employee_id
        for t in problem.time_off
        if t.kind is TimeOffKind.UNAVAILABLE and t.whole_days
    ]

    def candidates() -> Iterator[tuple[str, Row, tuple[list[Row], set[str]]]]:
        for employee_id in on_leave:
            allowed: Counter[tuple[str, str | None]] = Counter({("unavailable", employee_id): 1})
            for _, members in ed.free_units():
                seat = member(members, problem.person(employee_id).role)
                for choice in ed.seatings(seat, employee_id, allowed):
                    yield employee_id, seat, choice

    employee_id, seat, choice = pick(candidates(), "a shift during someone's leave")
    ed.commit(choice)
    start = problem.moment(instance(problem, seat).start)
    return [Expect("unavailable", employee_id, f"{start:%Y-%m-%d %H:%M}")]


def paired_against_the_rules(ed: Editor, clinician_id: str, peer_id: str) -> None:
    """Put the two in one unit: the peer in the peer seat of a unit of the clinician's,
    or the clinician in the clinician seat of a unit of the peer's."""

    def candidates() -> Iterator[tuple[list[Row], set[str]]]:
        for _, members in ed.free_units():
            ids = {r["employee_id"] for r in members}
            if clinician_id in ids and peer_id not in ids:
                seat, newcomer = member(members, Role.PEER), peer_id
            elif peer_id in ids and clinician_id not in ids:
                seat, newcomer = member(members, Role.CLINICIAN), clinician_id
            else:
                continue
            yield from ed.seatings(seat, newcomer, pair_rules=False)

    ed.commit(pick(candidates(), f"a unit to pair {clinician_id} with {peer_id}"))


def forbidden_pair(ed: Editor) -> list[Expect]:
    """The two people of the `forbid` pair put in one unit."""
    [pair] = [p for p in ed.problem.pairs if p.kind is PairKind.FORBID]
    paired_against_the_rules(ed, pair.clinician_id, pair.peer_id)
    text = f"{pair.clinician_id} and {pair.peer_id}, a forbidden pair"
    return [Expect("forbidden_pair", None, text)]


def trainee_pair(ed: Editor) -> list[Expect]:
    """The trainee clinician and the trainee peer put in one unit."""
    trainees = {p.role: p.employee_id for p in ed.problem.staff if p.is_trainee}
    clinician, peer = trainees[Role.CLINICIAN], trainees[Role.PEER]
    paired_against_the_rules(ed, clinician, peer)
    return [Expect("trainee_pair", None, f"trainees {clinician} and {peer}")]


def start_off_template(ed: Editor) -> list[Expect]:
    """A clinician's start an hour later than the shift template."""
    unit_id, members = pick(ed.free_units(), "a unit for a wrong start time")
    clinician = member(members, Role.CLINICIAN)
    start = dt.datetime.fromisoformat(clinician["start"]) + dt.timedelta(hours=1)
    ed.rows[ed.rows.index(clinician)] = {**clinician, "start": f"{start:%Y-%m-%dT%H:%M}"}
    ed.used.add(unit_id)
    peer = member(members, Role.PEER)["employee_id"]
    return [
        Expect("shift_times", clinician["employee_id"], f"runs {start:%Y-%m-%d %H:%M} to"),
        Expect("pairing", peer, f"unit {unit_id} has 0 clinicians"),
    ]


def unit_after_the_horizon(ed: Editor) -> list[Expect]:
    """A whole unit moved to the week after the roster."""
    unit_id, members = pick(ed.free_units(), "a unit to move past the horizon")
    for row in members:
        ed.rows[ed.rows.index(row)] = moved(row, ed.problem.days)
    ed.used.add(unit_id)
    return [
        Expect("outside_horizon", r["employee_id"], "starts outside the horizon") for r in members
    ]


def text_in_date(ed: Editor) -> list[Expect]:
    """A peer's date typed as words ("next Tuesday")."""
    unit_id, members = pick(ed.free_units(), "a unit for a date typed as words")
    peer = member(members, Role.PEER)
    ed.rows[ed.rows.index(peer)] = {**peer, "date": "next Tuesday", "_tag": "words"}
    ed.used.add(unit_id)
    clinician = member(members, Role.CLINICIAN)["employee_id"]
    return [
        Expect("unreadable_row", None, "Assignments row {words}"),
        Expect("pairing", clinician, f"unit {unit_id} has 1 clinician"),
    ]


def end_before_start(ed: Editor) -> list[Expect]:
    """A peer's start and end swapped (the end before the start)."""
    unit_id, members = pick(ed.free_units(), "a unit for start and end swapped")
    peer = member(members, Role.PEER)
    ed.rows[ed.rows.index(peer)] = {**peer, "start": peer["end"], "end": peer["start"]}
    ed.used.add(unit_id)
    clinician = member(members, Role.CLINICIAN)["employee_id"]
    return [
        Expect("unreadable_row", None, f"end {peer['start']} is not after start {peer['end']}"),
        Expect("pairing", clinician, f"unit {unit_id} has 1 clinician"),
    ]


def eight_days_in_a_row(ed: Editor) -> list[Expect]:
    """A pair who always work together made to work eight days in a row.

    Some of their units move, each to another day of its own week, so hours and days
    off stay within the rules while the run crosses from one week into the next.
    """
    problem = ed.problem

    def candidates() -> Iterator[tuple[list[Row], str, str]]:
        together = units(ed.rows)
        for members in together.values():
            pair = {r["employee_id"] for r in members}
            theirs = [m for m in together.values() if {r["employee_id"] for r in m} & pair]
            if any({r["employee_id"] for r in m} != pair for m in theirs):
                continue  # they must share every shift, so the moves touch nobody else
            for first in range(problem.days - 7):
                trial = move_into(problem, ed.rows, theirs, range(first, first + 8))
                if trial is None:
                    continue
                if all(
                    breaks(problem, trial, e) == Counter({("max_consecutive_days", e): 1})
                    for e in pair
                ):
                    clinician, peer = (member(members, role)["employee_id"] for role in Role)
                    yield trial, clinician, peer

    trial, clinician, peer = pick(candidates(), "a pair whose units can fill eight days")
    ed.rows[:] = trial
    return [Expect("max_consecutive_days", e, "works 8 days in a row") for e in (clinician, peer)]


def move_into(
    problem: Problem, rows: list[Row], theirs: list[list[Row]], window: range
) -> list[Row] | None:
    """Fill the empty days of `window` with units of `theirs` from days outside it, each
    from a day of the same week, leaving no day worked next to the window; else None."""
    by_day = {day_of(problem, m[0]): m for m in theirs}
    beside = {window.start - 1, window.stop}
    # Days next to the window first: they must be emptied for the run to stay at 8.
    spare = sorted(set(by_day) - set(window), key=lambda d: (d not in beside, d))
    trial = list(rows)
    for day in window:
        if day in by_day:
            continue
        donor = next((d for d in spare if d // 7 == day // 7), None)
        if donor is None:
            return None
        spare.remove(donor)
        for row in by_day[donor]:
            trial[trial.index(row)] = moved(row, day - donor)
    return None if beside & set(spare) else trial


# --- Files: how the sheet is laid out and saved ------------------------------------------


@dataclass(frozen=True)
class Layout:
    """How a person's spreadsheet leaves the `Assignments` sheet."""

    cells: str = "text"  # "text" as `solve` writes; "excel": date cells; "serial": numbers
    columns: tuple[str, ...] = ASSIGNMENT_COLUMNS
    note_column: bool = False  # a column people add for themselves
    blank_rows: bool = False  # an empty row after every 5th, one of spaces at the end
    spaces: bool = False  # stray spaces around ids and team names
    numeric_ids: bool = False  # employee ids typed as numbers, units renumbered 1, 2, ...
    saved_by: str = ""  # "", "libreoffice" (opened and saved) or "libreoffice-csv"

    def describe(self) -> list[str]:
        found = []
        if self.cells == "excel":
            found.append("date and date-time cells")
        if self.cells == "serial":
            found.append("dates and times as serial numbers (General format)")
        if self.columns != ASSIGNMENT_COLUMNS:
            found.append("columns in another order")
        if self.note_column:
            found.append("an extra 'note' column")
        if self.blank_rows:
            found.append("blank rows between and after the rows")
        if self.spaces:
            found.append("trailing and leading spaces")
        if self.numeric_ids:
            found.append("ids typed as numbers")
        if self.saved_by == "libreoffice":
            found.append("opened and saved by LibreOffice")
        if self.saved_by == "libreoffice-csv":
            found.append("exported as CSV, opened in LibreOffice and saved as xlsx")
        return found


def excel_cell(column: str, value: Any, layout: Layout) -> tuple[Any, str | None]:
    """The cell value and number format a spreadsheet would store."""
    if column in ("date", "start", "end") and layout.cells != "text":
        try:
            moment = dt.datetime.fromisoformat(value)
        except (TypeError, ValueError):
            return value, None  # words stay words
        if layout.cells == "serial":
            days = (moment - EXCEL_EPOCH) / dt.timedelta(days=1)
            return (int(days) if column == "date" else days), "General"
        if column == "date":
            return moment.date(), "yyyy-mm-dd"
        return moment, "yyyy-mm-dd hh:mm"
    if layout.numeric_ids and column in ("employee_id", "unit_id") and str(value).isdigit():
        return int(value), None
    if layout.spaces and column in ("employee_id", "team"):
        return (f"{value} " if column == "employee_id" else f" {value}"), None
    return value, None


def laid_out(
    rows: list[Row], layout: Layout
) -> tuple[list[str], list[list[Any] | None], dict[str, int]]:
    """The header, the data rows (None: a blank row) and the Excel row of each tagged row."""
    if layout.numeric_ids:
        number = {u: str(i) for i, u in enumerate(units(rows), start=1)}
        rows = [{**r, "unit_id": number[r["unit_id"]]} for r in rows]
    header = [*layout.columns, *(["note"] if layout.note_column else [])]
    sheet: list[list[Any] | None] = []
    tags: dict[str, int] = {}
    for i, row in enumerate(rows, start=1):
        values = [row[c] for c in layout.columns]
        if layout.note_column:
            values.append("swapped by phone" if i % 7 == 0 else None)
        sheet.append(values)
        if "_tag" in row:
            tags[row["_tag"]] = len(sheet) + 1  # the header is row 1
        if layout.blank_rows and i % 5 == 0:
            sheet.append(None)
    if layout.blank_rows:
        sheet.append(["  "] * 3)  # a row someone cleared with the space bar
    return header, sheet, tags


def write_case(base: Path, target: Path, rows: list[Row], layout: Layout) -> dict[str, int]:
    """Write the edited sheet into a copy of the roster workbook, saved as `layout` says."""
    header, sheet_rows, tags = laid_out(rows, layout)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if layout.saved_by == "libreoffice-csv":
            source = work / "Assignments.csv"
            with source.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(header)
                for values in sheet_rows:
                    writer.writerow(values or [])
        else:
            book = openpyxl.load_workbook(base)
            position = book.sheetnames.index("Assignments")
            book.remove(book["Assignments"])
            sheet = book.create_sheet("Assignments", position)
            sheet.append(header)
            for number, values in enumerate(sheet_rows, start=2):
                for column, (name, raw) in enumerate(zip(header, values or [], strict=False), 1):
                    value, number_format = excel_cell(name, raw, layout)
                    cell = sheet.cell(row=number, column=column, value=value)
                    if number_format:
                        cell.number_format = number_format
            source = work / target.name
            book.save(source)
        if layout.saved_by:
            source = libreoffice(source, work / "saved")
        shutil.copy(source, target)
    return tags


def libreoffice(source: Path, folder: Path) -> Path:
    soffice = shutil.which("soffice")
    if soffice is None:
        raise SystemExit("LibreOffice is needed: apt-get install -y libreoffice-calc-nogui")
    profile = (folder / "profile").resolve().as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx",
         "--outdir", str(folder), str(source)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return folder / f"{source.stem}.xlsx"


# --- The corpus ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    program: str
    edits: tuple[Callable[[Editor], list[Expect]], ...]
    layout: Layout = Layout()


SAVED = Layout(
    cells="excel",
    columns=("employee_id", "role", "date", "shift_id", "start", "end", "team", "zone", "unit_id"),
    note_column=True,
    blank_rows=True,
    spaces=True,
    saved_by="libreoffice",
)
CASES = (
    Case("small_solved", "small", ()),
    Case("small_saved_by_libreoffice", "small", (), SAVED),
    Case("small_deleted_row", "small", (delete_row,)),
    Case(
        "small_moved_unit_short_rest",
        "small",
        (move_unit_into_short_rest,),
        replace(SAVED, spaces=False),
    ),
    Case(
        "hartford_pairing",
        "hartford",
        (two_clinicians, unknown_employee),
        Layout(saved_by="libreoffice-csv"),
    ),
    Case(
        "hartford_who_works",
        "hartford",
        (adult_peer_in_juvenile_unit, shift_on_leave, forbidden_pair, trainee_pair),
        replace(SAVED, cells="text"),
    ),
    Case(
        "hartford_bad_cells",
        "hartford",
        (start_off_template, unit_after_the_horizon, text_in_date, end_before_start),
    ),
    Case(
        "fortnight_eight_days",
        "fortnight",
        (eight_days_in_a_row,),
        Layout(cells="serial", blank_rows=True, numeric_ids=True, saved_by="libreoffice"),
    ),
)


def build(case: Case, problem: Problem, base: Path, rows: list[Row]) -> None:
    editor = Editor(problem, [dict(r) for r in rows])
    expected: list[Expect] = []
    injected: list[str] = []
    for edit in case.edits:
        expected += edit(editor)
        injected.append(str(edit.__doc__).strip().splitlines()[0])
    target = HERE / f"{case.name}.xlsx"
    tags = write_case(base, target, editor.rows, case.layout)
    spec = {
        "program": f"programs/{case.program}",
        "injected": injected,
        "layout": case.layout.describe(),
        "hard_violation_count": len(expected),
        "hard_violations": [
            {"rule": e.rule, "employee_id": e.employee_id, "text": e.text.format(**tags)}
            for e in expected
        ],
    }
    (HERE / f"{case.name}.expected.json").write_text(
        json.dumps(spec, indent=2) + "\n", encoding="utf-8"
    )
    confirm(case.name, spec)


def confirm(name: str, spec: dict[str, Any]) -> None:
    """The checker must report exactly what the edits say; else the picks are wrong."""
    problem = read_problem(HERE / spec["program"])
    hard = evaluate(problem, read_roster(HERE / f"{name}.xlsx")).hard_violations
    expected = [Expected(**v) for v in spec["hard_violations"]]
    missing, extra = unmatched(expected, hard)
    if missing or extra or len(hard) != spec["hard_violation_count"]:
        raise SystemExit(f"{name}: the checker disagrees\n  missing {missing}\n  extra {extra}")


def main() -> None:
    for old in [*HERE.glob("*.xlsx"), *HERE.glob("*.expected.json")]:
        old.unlink()
    copy_programs()
    with tempfile.TemporaryDirectory() as tmp:
        solved = {}
        for program in sorted({case.program for case in CASES}):
            base = Path(tmp) / f"{program}.xlsx"
            solved[program] = (*solved_rows(program, base), base)
        for case in CASES:
            problem, rows, base = solved[case.program]
            build(case, problem, base, rows)
            print(f"wrote {case.name}")


if __name__ == "__main__":
    main()

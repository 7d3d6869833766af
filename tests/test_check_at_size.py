"""`check` at size (issue 17 item 4): findings capped per rule in the text, the JSON
and the HR report workbook with the totals whole, and the work growing linearly
with the rows (counted in function calls and allocated bytes, not timed)."""

from __future__ import annotations

import gc
import json
import resource
import subprocess
import sys
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import openpyxl
import pytest

import scheduler
from benchmarks.check_at_size import write_case
from scheduler.app import check
from scheduler.io.read_workbook import read_problem
from scheduler.io.tables import inline_text, refuse_entities
from scheduler.model.roster import Roster
from tests.factories import make_roster, unit

SMALL = Path(__file__).parent / "data" / "valid" / "small"
CORPUS_PROGRAM = Path(__file__).parent / "data" / "edited" / "programs" / "hartford"
MON, TUE = 0, 1
CAP = 10
PACKAGE = str(Path(scheduler.__file__).parent)


def _pasted(copies: int) -> tuple[Any, Roster]:
    """Two units pasted `copies` times: 4 people x (copies - 1) overlaps."""
    problem = read_problem(SMALL)
    rows = make_roster(
        unit(problem, "C1", "P1", MON, "D8", "adult", "N"),
        unit(problem, "C2", "P2", TUE, "D8", "adult", "S"),
    ).assignments
    return problem, Roster(assignments=tuple(rows) * copies)


def _sheet(path: Path, name: str) -> list[tuple[Any, ...]]:
    return list(openpyxl.load_workbook(path, read_only=True)[name].iter_rows(values_only=True))


def _summary(path: Path) -> dict[str, Any]:
    return {key: value for key, value in _sheet(path, "Summary")[1:]}


def test_the_hr_report_caps_violations_per_rule_like_text_and_json(tmp_path: Path) -> None:
    problem, roster = _pasted(30)
    text = check(roster, problem, out=tmp_path / "hr.xlsx", max_findings=CAP)
    data = json.loads(check(roster, problem, report_format="json", max_findings=CAP).report)
    hard = text.evaluation.hard_violations
    overlaps = [v for v in hard if v.rule == "overlap"]
    assert len(overlaps) == 4 * 29  # a person's shift pasted 30 times: 29 later copies
    per_rule = Counter(v.rule for v in hard)
    left_out = {rule: n - CAP for rule, n in per_rule.items() if n > CAP}
    assert left_out["overlap"] == 4 * 29 - CAP

    # The text and the JSON, as before: CAP listed, the rest counted.
    assert f"... and {4 * 29 - CAP} more overlap" in text.report
    assert data["not_listed"]["hard_violations"] == left_out
    assert data["summary"]["hard_violation_count"] == len(hard)

    # The workbook: CAP rows per rule, then one row for the rest, amounts summed.
    rows = _sheet(tmp_path / "hr.xlsx", "Violations")
    header, body = rows[0], rows[1:]
    assert header == ("severity", "rule", "employee_id", "when", "detail", "amount", "penalty")
    listed = [r for r in body if r[1] == "overlap" and r[2] is not None]
    assert len(listed) == CAP
    (rest,) = [r for r in body if r[1] == "overlap" and r[2] is None]
    assert rest[0] == "hard"
    assert rest[4].startswith(f"... and {4 * 29 - CAP} more overlap findings, not listed")
    assert rest[5] == pytest.approx(sum(v.amount for v in overlaps[CAP:]))
    # Every rule's amounts still add up to the checker's total.
    for rule in per_rule:
        on_sheet = sum(r[5] for r in body if r[0] == "hard" and r[1] == rule)
        assert on_sheet == pytest.approx(sum(v.amount for v in hard if v.rule == rule))
    assert len(body) == sum(min(n, CAP) + (n > CAP) for n in per_rule.values()) + sum(
        min(n, CAP) + (n > CAP)
        for n in Counter(v.rule for v in text.evaluation.soft_violations).values()
    )

    summary = _summary(tmp_path / "hr.xlsx")
    assert summary["findings listed per rule"] == CAP
    assert summary["hard violations"] == len(hard)
    assert summary["hard violations not listed"] == sum(left_out.values())


def test_max_findings_0_lists_every_finding_in_the_hr_report(tmp_path: Path) -> None:
    problem, roster = _pasted(30)
    outcome = check(roster, problem, out=tmp_path / "hr.xlsx", max_findings=0)
    body = _sheet(tmp_path / "hr.xlsx", "Violations")[1:]
    evaluation = outcome.evaluation
    assert len(body) == len(evaluation.hard_violations) + len(evaluation.soft_violations)
    assert not [r for r in body if str(r[4]).startswith("... and")]
    summary = _summary(tmp_path / "hr.xlsx")
    assert summary["findings listed per rule"] == "all"
    assert summary["hard violations not listed"] == 0


def test_the_hr_report_caps_gaps_and_says_how_many_more(tmp_path: Path) -> None:
    # One unit on Monday: the small program's other demand is all gaps.
    problem = read_problem(SMALL)
    roster = make_roster(unit(problem, "C1", "P1", MON, "D8", "adult", "N"))
    outcome = check(roster, problem, out=tmp_path / "hr.xlsx", max_findings=1)
    gaps = outcome.evaluation.gaps
    assert len(gaps) >= 2  # else this test shows nothing
    body = _sheet(tmp_path / "hr.xlsx", "Gaps")[1:]
    assert len(body) == 2
    assert body[0][:2] == (gaps[0].team.value, gaps[0].zone)
    more = body[1]
    assert more[:6] == (None,) * 6
    assert more[6] == sum(g.unit_slots_short for g in gaps[1:])
    assert more[7].startswith(f"... and {len(gaps) - 1} more gaps, not listed")
    summary = _summary(tmp_path / "hr.xlsx")
    assert (summary["coverage gaps"], summary["coverage gaps not listed"]) == (
        len(gaps),
        len(gaps) - 1,
    )


def _work(rows: int, folder: Path, measure: Callable[[Callable[[], object]], int]) -> int:
    """What `measure` counts for checking `rows` rows of the benchmark's pasted roster
    (the corpus roster's rows pasted together: a person's shifts pile up, where work
    per pair of shifts would show), with the JSON and the HR report."""
    roster = write_case(folder / str(rows), "dup", rows).parent
    out = folder / f"hr{rows}.xlsx"

    def run() -> object:
        return check(roster, CORPUS_PROGRAM, out=out, report_format="json")

    run()  # once before: imports and caches of the first call are not the roster's work
    return measure(run)


def _lines_run(run: Callable[[], object]) -> int:
    """Lines of the package's own code run (a loop over pairs runs lines, even where it
    calls nothing; openpyxl's and pydantic's lines are left out: they only dilute)."""
    lines = 0

    def local(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal lines
        lines += 1
        return local

    def enter(frame: FrameType, event: str, arg: object) -> Any:
        return local if frame.f_code.co_filename.startswith(PACKAGE) else None

    sys.settrace(enter)
    try:
        run()
    finally:
        sys.settrace(None)
    return lines


def _peak_bytes(run: Callable[[], object]) -> int:
    """Peak bytes allocated while checking, the cycle collector off (when it runs
    would otherwise decide the peak: garbage grows with the work either way)."""
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        gc.enable()


@pytest.mark.parametrize("measure", [_lines_run, _peak_bytes], ids=["lines", "memory"])
def test_check_work_grows_linearly_with_the_rows(
    tmp_path: Path, measure: Callable[[Callable[[], object]], int]
) -> None:
    # Doubling the rows twice: linear work adds the same again each time (twice the
    # first step's), work per pair of a person's shifts four times it. (With a loop
    # over each person's earlier shifts added to the overlap rule, lines give 2.49.)
    small, middle, large = (_work(n, tmp_path, measure) for n in (1000, 2000, 4000))
    first_step, second_step = middle - small, large - middle
    assert first_step > 0
    assert second_step <= 2.25 * first_step, (small, middle, large)


@pytest.mark.slow
def test_check_at_the_row_limit_within_10_s_and_1_gib(tmp_path: Path) -> None:
    """The Done-when of issue 17: 50,000 rows of every case, as a whole process."""
    for case in ("dup", "moved", "unknown", "mix"):
        roster = write_case(tmp_path / case, case).parent
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(
            [
                *(sys.executable, "main.py", "check", str(roster), "--inputs", str(CORPUS_PROGRAM)),
                *("--format", "json", "--out", str(tmp_path / f"{case}.xlsx")),
            ],
            capture_output=True,
            cwd=Path(__file__).parent.parent,
            check=False,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        assert done.returncode == 1, done.stderr
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        assert cpu < 10, (case, cpu)
        assert after.ru_maxrss < 1024 * 1024, (case, after.ru_maxrss)  # KB: 1 GiB
        assert json.loads(done.stdout)["checked"]["rows"] == 50_000


@pytest.mark.parametrize(
    "inner",
    [
        "<t>C01</t>",
        "<t xml:space='preserve'> C01 </t>",
        "<t/>",
        "",
        "<r><t>C</t></r><r><rPr><b/></rPr><t>01</t></r>",
        "<t>C0</t><r><t>1</t></r><rPh sb='0' eb='1'><t>phonetic</t></rPh>",
        "<r><t>a</t><t>b</t></r><t>plain</t>",
    ],
)
def test_inline_text_reads_a_cell_as_openpyxl_does(inner: str) -> None:
    from openpyxl.cell.text import Text
    from openpyxl.xml.functions import fromstring

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    node = fromstring(f"<is xmlns='{main}'>{inner}</is>")
    assert inline_text(node) == Text.from_tree(node).content


@pytest.mark.parametrize(
    "xml",
    [
        '<!DOCTYPE a [<!ENTITY l "lol">]><a>&l;</a>',
        '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
        '<!DOCTYPE a [<!ENTITY % p SYSTEM "http://example.com/p">%p;]><a/>',
        '<!DOCTYPE a SYSTEM "http://example.com/a.dtd"><a/>',
        '<?xml version="1.0"?><worksheet><sheetData/></worksheet>',
    ],
)
def test_the_sheet_parser_refuses_what_defusedxml_refuses(xml: str) -> None:
    from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

    def outcome(parse: Callable[[bytes], object]) -> str:
        try:
            parse(xml.encode())
        except Exception as error:
            return type(error).__name__
        return "read"

    assert outcome(refuse_entities) == outcome(fromstring)


def test_a_pickled_clock_leaves_its_remembered_conversions_behind() -> None:
    """A saved web view pickles the program: the clock's memory of a big roster's
    times must not go with it."""
    import datetime as dt
    import pickle

    from scheduler.model.clock import Clock, time_zone_of

    fresh = Clock(dt.date(2026, 3, 2), time_zone_of("America/New_York"))
    used = Clock(dt.date(2026, 3, 2), time_zone_of("America/New_York"))
    for minute in range(0, 10_000, 7):
        used.day_minute(minute // 1440, minute % 1440)
        used.minute_of(dt.datetime(2026, 3, 2) + dt.timedelta(minutes=minute))
    assert len(pickle.dumps(used)) == len(pickle.dumps(fresh))
    assert pickle.loads(pickle.dumps(used)).day_minute(6, 180) == used.day_minute(6, 180)

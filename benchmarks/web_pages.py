"""How fast the web app's Roster page renders: the sample, and 500 + 500 staff for 28 days.

Run `python benchmarks/web_pages.py`: the sample is solved (5 s), the large roster is
made by rule of thumb (each clinician paired with a peer, five day shifts a week in
the clinician's home zone; the page's speed depends on its size, not its quality),
checked through the application layer, then each view of the Roster page
is requested five times through FastAPI's TestClient (the first request after the
check included); the figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from fastapi.testclient import TestClient  # noqa: E402
from report_page import machine, replace_section  # noqa: E402

from scheduler import app  # noqa: E402
from scheduler.model.problem import Problem, Role  # noqa: E402
from scheduler.model.roster import Assignment, Roster  # noqa: E402
from scheduler.synthetic import synthetic_program  # noqa: E402
from scheduler.web import WebSettings, create_app  # noqa: E402
from scheduler.web.work import save_view  # noqa: E402
from tests.web.conftest import csrf_of, item_id, wait_done  # noqa: E402

VIEWS = ("grid", "timeline", "coverage", "hours", "score")
START, END = "<!-- web-pages:start -->", "<!-- web-pages:end -->"


def large_roster(problem: Problem) -> Roster:
    clinicians = [p for p in problem.staff if p.role is Role.CLINICIAN]
    peers = [p for p in problem.staff if p.role is Role.PEER]
    shift = next(s for s in problem.shifts if s.start_minute < s.end_minute)
    rows = []
    for n, (clinician, peer) in enumerate(zip(clinicians, peers, strict=False)):
        for day in range(problem.days):
            if (day + n) % 7 in (5, 6):
                continue
            date = problem.start_date + dt.timedelta(days=day)
            start = dt.datetime.combine(date, dt.time()) + dt.timedelta(minutes=shift.start_minute)
            end = dt.datetime.combine(date, dt.time()) + dt.timedelta(minutes=shift.end_minute)
            team = clinician.teams[0]
            for person in (clinician, peer):
                rows.append(
                    Assignment(
                        date=date,
                        shift_id=shift.shift_id,
                        start=start,
                        end=end,
                        team=team,
                        zone=clinician.home_zone,
                        unit_id=f"U{n}-{day}",
                        employee_id=person.employee_id,
                        role=person.role,
                    )
                )
    return Roster(assignments=tuple(rows))


def timed(client: TestClient, url: str, times: int = 5) -> list[float]:
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        response = client.get(url)
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200, url
    return seconds


def measure(client: TestClient, job: str) -> dict[str, list[float]]:
    return {view: timed(client, f"/roster/{job}?view={view}") for view in VIEWS}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        workspace = Path(folder)
        with TestClient(create_app(WebSettings(workspace=workspace / "ws", parallel=1))) as client:
            csrf = csrf_of(client)
            program = item_id(client.post("/program/sample", data={"csrf": csrf}))
            job = item_id(
                client.post(f"/program/{program}/solve", data={"csrf": csrf, "time_limit": 5})
            )
            wait_done(client, job)
            sample = measure(client, job)

            problem = synthetic_program(500, 500, zones=10, days=28, seed=0)
            large = large_roster(problem)
            # No workbook writer for a whole program exists: the checked roster goes
            # into the workspace as the Check page leaves it (its view data saved).
            started = time.perf_counter()
            checked = app.check(large, problem)
            check_seconds = time.perf_counter() - started
            store = client.app.state.store  # type: ignore[attr-defined]
            big_id = store.add("check", "500 + 500 staff, 28 days", status="finished")
            save_view(store.folder(big_id), problem, large, checked.evaluation)
            big = measure(client, big_id)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    lines = [
        START,
        f"Measured {dt.date.today()} on {machine()}, commit {commit}, by "
        "`python benchmarks/web_pages.py` (FastAPI TestClient, 5 requests per view; "
        "seconds: first request, then the median of the other four).",
        "",
        "| Roster page view | sample (20 staff, 7 days) | 500 + 500 staff, 28 days |",
        "|---|---:|---:|",
    ]
    for view in VIEWS:
        a, b = sample[view], big[view]
        lines.append(
            f"| {view} | {a[0]:.3f} / {sorted(a[1:])[1]:.3f} "
            f"| {b[0]:.3f} / {sorted(b[1:])[1]:.3f} |"
        )
    lines += [
        "",
        f"The large roster has {len(large.assignments):,} assignments; the grid shows 100 "
        f"people a page. Checking it (`scheduler.app.check`) took {check_seconds:.1f} s.",
        END,
    ]
    text = "\n".join(lines)
    print(text)
    replace_section(
        ROOT / "docs" / "benchmarks.md", START, END, text, "## Web app: Roster page speed\n\n"
    )


if __name__ == "__main__":
    main()

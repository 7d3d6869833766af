"""Every route of the web app through FastAPI's TestClient: pages, jobs, downloads, security."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from scheduler import app as jobs_app
from scheduler.web import RefusedToStart, WebSettings, create_app, settings_for
from scheduler.web.jobs import RUNNING, STOPPED, Store
from tests.web.conftest import SAMPLE, Solved, csrf_of, item_id, wait_done, zipped

INVALID = sorted(
    p for p in (Path(__file__).parents[1] / "data" / "invalid").iterdir() if p.is_dir()
)


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    return TestClient(create_app(WebSettings(workspace=tmp_path / "ws", run_jobs=False)))


def stored(workspace: Path) -> list[str]:
    return sorted(p.name for p in workspace.iterdir() if p.is_dir())


def test_home_and_forms_render(client: TestClient) -> None:
    for url in ("/", "/program", "/check", "/demand", "/login"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Crisis roster" in response.text


def test_static_files_are_served_by_the_app() -> None:
    client = TestClient(create_app(WebSettings(run_jobs=False)))
    assert "htmx" in client.get("/static/vendor/htmx/htmx.min.js").text
    assert client.get("/static/vendor/htmx/LICENSE").status_code == 200


def test_template_download_is_a_workbook(client: TestClient) -> None:
    response = client.get("/template")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "Staff" in book.sheetnames


def test_sample_program_page_shows_summary_and_heat_map(solved: Solved) -> None:
    text = solved.client.get(f"/program/{solved.program}").text
    assert "Hartford HEARTeam (sample)" in text
    assert "Staff by role and team" in text and "clinician" in text
    assert 'class="heat"' in text and "units required by weekday and hour" in text


def test_uploaded_workbook_is_read_by_the_app_layer(client: TestClient, tmp_path: Path) -> None:
    workbook = jobs_app.build_sample(SAMPLE, tmp_path / "p.xlsx").path
    csrf = csrf_of(client)
    response = client.post(
        "/program",
        data={"csrf": csrf},
        files={"file": ("../../../etc/passwd.xlsx", workbook.read_bytes())},
    )
    assert response.status_code == 200
    assert "Hartford HEARTeam" in response.text
    folder = tmp_path / "ws" / item_id(response)
    assert sorted(p.name for p in folder.iterdir()) == ["program.xlsx"]  # our name, not theirs


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_bad_input_corpus_shows_located_messages_and_stores_nothing(
    client: TestClient, tmp_path: Path, case: Path
) -> None:
    csrf = csrf_of(client)
    before = stored(tmp_path / "ws")
    response = client.post(
        "/program", data={"csrf": csrf}, files={"file": ("program.zip", zipped(case))}
    )
    assert response.status_code == 400
    # The corpus names its case folder; an upload's CSV files are in a folder "program".
    expected = (case / "expected.txt").read_text(encoding="utf-8").strip()
    expected = expected.replace(f"folder {case.name}", "folder program")
    message = (
        expected.split(": ", 1)[1]
        if re.match(r"^[A-Za-z]+(![A-Z]+\d+)?( \(\w+\))?: ", expected)
        else expected
    )
    page = html.unescape(response.text)
    assert message in page
    assert "Nothing was stored" in response.text
    assert stored(tmp_path / "ws") == before


def test_upload_of_the_wrong_kind_is_refused(client: TestClient) -> None:
    csrf = csrf_of(client)
    response = client.post("/program", data={"csrf": csrf}, files={"file": ("a.exe", b"MZ")})
    assert response.status_code == 400 and "expected a .xlsx or .zip file" in response.text
    response = client.post("/program", data={"csrf": csrf}, files={"file": ("a.xlsx", b"text")})
    assert response.status_code == 400


def test_zip_with_a_path_inside_writes_only_flat_csv_files(
    client: TestClient, tmp_path: Path
) -> None:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for path in SAMPLE.glob("*.csv"):
            bundle.writestr(f"../../{path.name}", path.read_text(encoding="utf-8"))
    csrf = csrf_of(client)
    response = client.post(
        "/program", data={"csrf": csrf}, files={"file": ("p.zip", buffer.getvalue())}
    )
    assert response.status_code == 200
    assert not (tmp_path / "Staff.csv").exists() and not (tmp_path / "ws" / "Staff.csv").exists()


def test_forms_need_the_csrf_token(client: TestClient) -> None:
    client.get("/program")
    assert client.post("/program/sample", data={"csrf": "forged"}).status_code == 403
    assert client.post("/program/sample", data={}).status_code == 403


def test_solve_finishes_with_a_roster_and_every_view_renders(solved: Solved) -> None:
    client, job = solved.client, solved.job
    page = client.get(f"/jobs/{job}").text
    assert "finished" in page and "open-roster" in page
    for view in ("grid", "timeline", "coverage", "hours", "score"):
        response = client.get(f"/roster/{job}?view={view}")
        assert response.status_code == 200, view
    assert "Objective" not in client.get(f"/roster/{job}?view=score").text  # parts by name
    assert "required shortfall" in client.get(f"/roster/{job}?view=score").text


def test_grid_shows_every_assignment(solved: Solved) -> None:
    roster = jobs_app.read_roster(solved.workspace / solved.job / "roster.xlsx")
    text = solved.client.get(f"/roster/{solved.job}").text
    cells = re.findall(r'<td class="cell-\w+ assignment">(.*?)</td>', text, re.S)
    assert sum(len(c.split("<br>")) for c in cells) == len(roster.assignments)


def test_roster_workbook_download_reads_back(solved: Solved) -> None:
    response = solved.client.get(f"/download/{solved.job}/0")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "Assignments" in book.sheetnames


@pytest.mark.parametrize(
    "url",
    [
        "/download/{job}/7",
        "/download/{job}/-1",
        "/download/..%2F..%2Fetc/0",
        "/download/0000000000000000/0",
        "/roster/..%2Fjobs.sqlite",
        "/download/{job}/..%2F..%2Fjobs.sqlite",
        "/static/..%2Fserver.py",
        "/jobs/nothere",
    ],
)
def test_no_request_reaches_another_file(solved: Solved, url: str) -> None:
    response = solved.client.get(url.format(job=solved.job))
    assert response.status_code in (404, 422)
    assert "sqlite" not in response.text.lower() or response.status_code == 404
    assert "import" not in response.text


def test_publish_gives_calendars_and_schedules(solved: Solved) -> None:
    csrf = csrf_of(solved.client)
    response = solved.client.post(f"/roster/{solved.job}/publish", data={"csrf": csrf})
    assert response.status_code == 200 and "calendars.zip" in response.text
    job = item_id(response)
    assert solved.client.get(f"/download/{job}/0").content[:2] == b"PK"


def test_check_an_edited_roster_shows_its_violation(solved: Solved, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(solved.workspace / solved.job / "roster.xlsx")
    book["Assignments"].delete_rows(2)  # one person of a unit: the other is alone
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    csrf = csrf_of(solved.client)
    response = solved.client.post(
        "/check",
        data={"csrf": csrf, "program_id": solved.program},
        files={"file": ("edited.xlsx", edited.read_bytes())},
    )
    assert response.status_code == 200
    assert "hard rule(s) broken" in response.text and "pairing" in response.text
    report = solved.client.get(f"/download/{item_id(response)}/0")
    assert (
        "Violations" in openpyxl.load_workbook(io.BytesIO(report.content)).sheetnames
        or report.content[:2] == b"PK"
    )


def test_check_of_a_bad_file_shows_its_message_and_stores_nothing(solved: Solved) -> None:
    csrf = csrf_of(solved.client)
    before = stored(solved.workspace)
    response = solved.client.post(
        "/check",
        data={"csrf": csrf, "program_id": solved.program},
        files={"file": ("r.xlsx", b"not a workbook")},
    )
    assert response.status_code == 400 and "cannot be used" in response.text
    assert stored(solved.workspace) == before


def test_repair_a_call_out_shows_the_change_log(solved: Solved) -> None:
    roster = jobs_app.read_roster(solved.workspace / solved.job / "roster.xlsx")
    first = roster.assignments[0]
    csrf = csrf_of(solved.client)
    assert solved.client.get(f"/repair/{solved.job}").status_code == 200
    response = solved.client.post(
        f"/repair/{solved.job}",
        data={
            "csrf": csrf,
            "employee_id": first.employee_id,
            "day": first.date.isoformat(),
            "time_limit": 5,
        },
    )
    text = wait_done(solved.client, item_id(response))
    assert "Change log" in text and first.employee_id in text


def test_one_scenario_plan_shows_scenarios(solved: Solved) -> None:
    csrf = csrf_of(solved.client)
    assert solved.client.get(f"/plan/{solved.program}").status_code == 200
    response = solved.client.post(f"/plan/{solved.program}", data={"csrf": csrf, "time_limit": 3})
    text = wait_done(solved.client, item_id(response), 180)
    assert "Scenarios side by side" in text and "as is" in text and "plan.xlsx" in text


def test_demand_and_simulation_from_a_call_log(solved: Solved) -> None:
    csrf = csrf_of(solved.client)
    calls = (SAMPLE / "calls" / "calls.csv").read_bytes()
    response = solved.client.post(
        "/demand",
        data={"csrf": csrf, "program_id": solved.program},
        files={"calls": ("calls.csv", calls)},
    )
    assert "program_with_demand.xlsx" in wait_done(solved.client, item_id(response))
    response = solved.client.post(
        "/demand",
        data={"csrf": csrf, "roster_id": solved.job},
        files={"calls": ("calls.csv", calls)},
    )
    text = wait_done(solved.client, item_id(response))
    assert "Calls reached within the target" in text and "By hour of day" in text


def test_queued_jobs_are_shown_as_queued(client: TestClient) -> None:
    csrf = csrf_of(client)
    program = item_id(client.post("/program/sample", data={"csrf": csrf}))
    first = item_id(client.post(f"/program/{program}/solve", data={"csrf": csrf}))
    second = item_id(client.post(f"/program/{program}/solve", data={"csrf": csrf}))
    assert "queued" in client.get(f"/jobs/{first}").text
    assert "waiting for 1 job(s) ahead" in client.get(f"/jobs/{second}").text
    client.post(f"/jobs/{second}/stop", data={"csrf": csrf})
    assert "Cancelled before it started" in client.get(f"/jobs/{second}").text


def test_a_running_job_is_stopped_after_a_restart(tmp_path: Path) -> None:
    store = Store(tmp_path / "ws")
    job = store.add("solve", "half done", status=RUNNING)
    with TestClient(create_app(WebSettings(workspace=tmp_path / "ws", parallel=1))) as client:
        assert "stopped" in client.get(f"/jobs/{job}").text
    item = store.get(job)
    assert item is not None and item.status == STOPPED and item.files == []


def test_stop_keeps_the_best_roster(solved: Solved) -> None:
    csrf = csrf_of(solved.client)
    response = solved.client.post(
        f"/program/{solved.program}/solve", data={"csrf": csrf, "time_limit": 120}
    )
    job = item_id(response)
    import time

    deadline = time.monotonic() + 60
    while "Stage " not in solved.client.get(f"/jobs/{job}/progress").text:
        assert time.monotonic() < deadline
        time.sleep(0.3)
    solved.client.post(f"/jobs/{job}/stop", data={"csrf": csrf})
    text = wait_done(solved.client, job, 60)
    assert "stopped" in text and "open-roster" in text and "interrupted" in text


def test_non_loopback_host_needs_a_token(tmp_path: Path) -> None:
    with pytest.raises(RefusedToStart):
        settings_for("0.0.0.0", tmp_path, None)
    with pytest.raises(RefusedToStart):
        settings_for("192.168.1.5", tmp_path, "short")
    assert settings_for("127.0.0.1", tmp_path, None).token is None
    assert settings_for("0.0.0.0", tmp_path, "a-long-enough-token").token


def test_with_a_token_every_page_and_download_requires_it(tmp_path: Path) -> None:
    token = "a-long-enough-token"
    client = TestClient(create_app(WebSettings(workspace=tmp_path, token=token, run_jobs=False)))
    for url in ("/", "/program", "/template", "/download/0000000000000000/0", "/static/style.css"):
        response = client.get(url, follow_redirects=False)
        assert response.status_code in (303, 401), url
    csrf = csrf_of(client)  # the login page sets it
    assert client.post("/login", data={"csrf": csrf, "token": "wrong"}).status_code == 401
    assert client.post("/login", data={"csrf": csrf, "token": token}).status_code == 200
    assert client.get("/template").status_code == 200


def test_script_like_names_show_as_text(client: TestClient) -> None:
    program = (SAMPLE / "Program.csv").read_text(encoding="utf-8")
    program = program.replace("Hartford HEARTeam (sample)", "<script>alert(1)</script>")
    zones = (SAMPLE / "Zones.csv").read_text(encoding="utf-8").splitlines()
    header, first, *rest = zones
    cells = first.split(",")
    cells[1] = '=HYPERLINK("http://x")'.replace(",", ";")
    zones_text = "\n".join([header, ",".join(cells), *rest]) + "\n"
    csrf = csrf_of(client)
    response = client.post(
        "/program",
        data={"csrf": csrf},
        files={
            "file": ("p.zip", zipped(SAMPLE, {"Program.csv": program, "Zones.csv": zones_text}))
        },
    )
    assert response.status_code == 200, response.text[:2000]
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_a_server_error_shows_a_reference_not_a_traceback(
    solved: Solved, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from scheduler.web import views

    def broken(problem: object) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(views, "summary", broken)
    client = TestClient(solved.client.app, raise_server_exceptions=False)
    response = client.get(f"/program/{solved.program}")
    assert response.status_code == 500
    assert "reference" in response.text
    assert "secret detail" not in response.text and "Traceback" not in response.text
    assert "secret detail" in caplog.text


def test_the_web_app_calls_only_the_application_layer() -> None:
    """No solver, reader or writer import of its own in scheduler/web."""
    import ast

    folder = Path(__file__).parents[2] / "scheduler" / "web"
    imported = set()
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    forbidden = [
        m for m in imported if m.startswith(("scheduler.solve", "scheduler.io", "ortools"))
    ]
    assert forbidden == []
    assert "scheduler.evaluate" not in imported


def test_an_uploaded_hiring_csv_takes_the_place_of_the_programs_sheet(solved: Solved) -> None:
    # A bad role in the upload is reported by the plan job: the file was the one read.
    csrf = csrf_of(solved.client)
    hiring = b"hire_id,role,teams,home_zone,annual_cost,max_count\nX,nurse,adult,Central,90000,1\n"
    response = solved.client.post(
        f"/plan/{solved.program}",
        data={"csrf": csrf, "time_limit": 3},
        files={"hiring": ("Hiring.csv", hiring)},
    )
    text = html.unescape(wait_done(solved.client, item_id(response), 180))
    assert "Hiring" in text and "nurse" in text

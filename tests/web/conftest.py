"""Helpers of the web app's tests: an app over a fresh workspace, the sample solved once."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from scheduler.web import WebSettings, create_app

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "inputs" / "hartford"


def csrf_of(client: TestClient) -> str:
    if client.cookies.get("roster_csrf") is None:
        client.get("/program")
    token = client.cookies.get("roster_csrf")
    assert token
    return token


def zipped(folder: Path, replace: dict[str, str] | None = None) -> bytes:
    """A folder's CSV files as a zip (with some files' text replaced)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for path in sorted(folder.glob("*.csv")):
            text = (replace or {}).get(path.name, path.read_text(encoding="utf-8"))
            bundle.writestr(path.name, text)
    return buffer.getvalue()


def item_id(response: object) -> str:
    return str(response.url).rstrip("/").rsplit("/", 1)[1]  # type: ignore[attr-defined]


def wait_done(client: TestClient, job: str, seconds: float = 120) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = client.get(f"/jobs/{job}/progress").text
        if 'hx-trigger="every 1s"' not in text:
            return text
        time.sleep(0.5)
    raise AssertionError(f"job {job} did not finish in {seconds} s")


@dataclass
class Solved:
    client: TestClient
    workspace: Path
    program: str
    job: str


@pytest.fixture(scope="session")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Solved]:
    """The sample program opened and solved (5 s) once for the web tests."""
    workspace = tmp_path_factory.mktemp("web")
    with TestClient(create_app(WebSettings(workspace=workspace, parallel=1))) as client:
        csrf = csrf_of(client)
        program = item_id(client.post("/program/sample", data={"csrf": csrf}))
        response = client.post(
            f"/program/{program}/solve", data={"csrf": csrf, "time_limit": 5, "seed": 0}
        )
        job = item_id(response)
        wait_done(client, job)
        yield Solved(client, workspace, program, job)

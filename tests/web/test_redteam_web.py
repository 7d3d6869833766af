"""Red-team pass 17-B over the web app: forms a hostile or careless user sends. Every
answer is a 4xx page that says what is wrong, never a 500 or a job that cannot run."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from scheduler.web import WebSettings, create_app
from tests.web.conftest import csrf_of, item_id


def _app(workspace: Path) -> tuple[TestClient, str, str]:
    client = TestClient(
        create_app(WebSettings(workspace=workspace, parallel=1, run_jobs=False)),
        raise_server_exceptions=False,
    )
    csrf = csrf_of(client)
    program = item_id(client.post("/program/sample", data={"csrf": csrf}))
    return client, csrf, program


def _kinds(client: TestClient) -> list[str]:
    store = client.app.state.store  # type: ignore[attr-defined]
    return sorted(item.kind for item in store.items())


@pytest.mark.parametrize(
    ("field", "expected"), [("scenarios", "a .csv or .xlsx file"), ("hiring", "a .csv file")]
)
def test_a_plan_upload_of_the_wrong_kind_is_a_400_page(
    tmp_path: Path, field: str, expected: str
) -> None:
    # Before: 500 "Something went wrong on the server", and an empty job folder left.
    client, csrf, program = _app(tmp_path)
    folders = {p.name for p in tmp_path.iterdir()}
    response = client.post(
        f"/plan/{program}", data={"csrf": csrf}, files={field: ("what-if.txt", b"x")}
    )
    assert response.status_code == 400
    assert "what-if.txt cannot be used" in response.text
    assert f"expected {expected}, not &#39;what-if.txt&#39;" in response.text
    assert _kinds(client) == ["program"]
    assert {p.name for p in tmp_path.iterdir()} == folders


def test_a_time_limit_or_seed_the_solver_cannot_take_is_a_400_page(tmp_path: Path) -> None:
    # Before: time_limit "nan" passed min/max as NaN into a queued job; seed 2**31 was
    # queued and then failed in the worker with OR-Tools' TypeError.
    client, csrf, program = _app(tmp_path)
    for url, data in [
        (f"/program/{program}/solve", {"time_limit": "nan", "seed": "0"}),
        (f"/program/{program}/solve", {"time_limit": "5", "seed": str(2**31)}),
        (f"/plan/{program}", {"time_limit": "nan"}),
    ]:
        response = client.post(url, data={"csrf": csrf, **data})
        assert response.status_code == 400, (url, data)
        assert "Time limit: expected a number of seconds" in response.text or (
            "Seed 2147483648: expected a whole number from 0 to 2147483647" in response.text
        )
    assert _kinds(client) == ["program"]
    response = client.post(f"/program/{program}/solve", data={"csrf": csrf, "time_limit": "inf"})
    assert response.status_code == 400


def test_a_form_the_pages_never_send_is_a_page_not_json(tmp_path: Path) -> None:
    # Before: {"detail":[{"type":"value_error","loc":["body","file"],...}]} as JSON.
    client, csrf, _ = _app(tmp_path)
    response = client.post("/program", data={"csrf": csrf}, files={"file": ("", b"PK")})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "This form could not be read (file): reload the page and try again." in response.text


def test_without_a_token_only_this_computers_names_are_served(tmp_path: Path) -> None:
    # Before: a request addressed to any host name was served, so a web page of a site
    # whose name resolves to 127.0.0.1 (DNS rebinding) could read every roster.
    from scheduler.web import settings_for

    settings = settings_for("127.0.0.1", tmp_path, None)
    local = TestClient(create_app(settings), base_url="http://127.0.0.1:8000")
    assert local.get("/").status_code == 200
    assert local.get("/", headers={"host": "localhost:8000"}).status_code == 200
    refused = local.get("/", headers={"host": "evil.example:8000"})
    assert refused.status_code == 421
    assert "not the roster app's" in refused.text
    assert local.get("/static/style.css", headers={"host": "evil.example"}).status_code == 421
    # With a token (another --host) the token guards every page instead.
    assert settings_for("0.0.0.0", tmp_path, "a-long-enough-token").allowed_hosts is None


def test_serve_refuses_a_port_it_cannot_listen_on(tmp_path: Path) -> None:
    # Before: --port 99999 was a traceback (exit 1); a port in use printed "Crisis
    # roster is at ..." then uvicorn's error, exit 3 ("the hard rules cannot all hold").
    import socket

    import pytest

    from scheduler.web import RefusedToStart, check_address

    with pytest.raises(RefusedToStart, match="--port 99999: expected a port from 1 to 65535"):
        check_address("127.0.0.1", 99999)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(RefusedToStart, match=f"cannot listen on 127.0.0.1 port {port}"):
            check_address("127.0.0.1", port)

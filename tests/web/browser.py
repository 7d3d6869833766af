"""A live server in a thread and the system's Chromium, for the browser tests and screenshots."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: Debian's `chromium` package; Playwright's own browser download is not reachable here.
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
#: Set (by .ci/run) to make a missing browser a failure instead of a skip.
REQUIRE_BROWSER = "CRISIS_ROSTER_REQUIRE_BROWSER"


def chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), *CHROMIUM_CANDIDATES, shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def live_server(workspace: Path) -> Iterator[str]:
    """The web app served on 127.0.0.1 in a thread; yields its address."""
    import uvicorn

    from scheduler.web import WebSettings, create_app

    port = free_port()
    config = uvicorn.Config(
        create_app(WebSettings(workspace=workspace, parallel=1)),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)

"""The roster in a browser: a local web app over the application layer (`scheduler.app`).

`serve()` starts it (the `crisis-roster serve` command); `create_app()` builds the
FastAPI application (tests use it with its TestClient).
"""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
import webbrowser
from pathlib import Path

from scheduler.web.server import WebSettings, create_app

TOKEN_VARIABLE = "CRISIS_ROSTER_TOKEN"


class RefusedToStart(Exception):
    """A setting that would expose the rosters (names, leave, pay) on the network."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def settings_for(host: str, workspace: Path, token: str | None) -> WebSettings:
    """The app's settings; a non-loopback host without an access token is refused."""
    token = token or os.environ.get(TOKEN_VARIABLE) or None
    if not is_loopback(host) and token is None:
        raise RefusedToStart(
            f"--host {host} would let other computers see the rosters: set an access "
            f"token first (--token or the {TOKEN_VARIABLE} environment variable), or "
            "keep the default 127.0.0.1."
        )
    if token is not None and len(token) < 12:
        raise RefusedToStart("the access token must have at least 12 characters")
    return WebSettings(workspace=workspace, token=token)


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    open_browser: bool = True,
    workspace: Path = Path("outputs/web"),
    token: str | None = None,
) -> None:
    import uvicorn

    settings = settings_for(host, workspace, token)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    if open_browser:
        threading.Timer(1.5, lambda: webbrowser.open(url)).start()
    print(f"Crisis roster is at {url} (Ctrl-C stops it); files in {workspace}/")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


__all__ = ["RefusedToStart", "WebSettings", "create_app", "is_loopback", "serve", "settings_for"]

"""The roster in a browser: a local web app over the application layer (`scheduler.app`).

`serve()` starts it (the `crisis-roster serve` command); `create_app()` builds the
FastAPI application (tests use it with its TestClient).
"""

from __future__ import annotations

import ipaddress
import logging
import os
import socket
import threading
import webbrowser
from pathlib import Path

from scheduler.web.server import WebSettings, create_app

TOKEN_VARIABLE = "CRISIS_ROSTER_TOKEN"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


class RefusedToStart(Exception):
    """A setting that would expose the rosters (names, leave, pay) on the network."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_address(host: str, port: int) -> None:
    """Refuse, before saying where the app is, a port out of range or an address it
    cannot listen on (in use, not this computer's): uvicorn would print a traceback
    or exit 3, the code of "the hard rules cannot all hold"."""
    if not 1 <= port <= 65535:
        raise RefusedToStart(f"--port {port}: expected a port from 1 to 65535, e.g. 8000")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, kind, proto, _, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
            probe.bind(address)
    except OSError as error:  # gaierror included
        reason = error.strerror or str(error)
        raise RefusedToStart(
            f"cannot listen on {host} port {port} ({reason}); give another --port, or "
            "stop the program that uses it"
        ) from None


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
    # Without a token the names of this computer only (see WebSettings.allowed_hosts).
    hosts = None if token is not None else frozenset({host.lower(), *LOOPBACK_NAMES})
    return WebSettings(workspace=workspace, token=token, allowed_hosts=hosts)


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
    check_address(host, port)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    if open_browser:
        threading.Timer(1.5, lambda: webbrowser.open(url)).start()
    print(f"Crisis roster is at {url} (Ctrl-C stops it); files in {workspace}/")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


__all__ = [
    "RefusedToStart",
    "WebSettings",
    "check_address",
    "create_app",
    "is_loopback",
    "serve",
    "settings_for",
]

"""A request to stop a job, handed down to the solver (no globals, no signals).

Whoever runs a job makes a `StopToken` and passes it down: the command line's signal
handler sets it on Ctrl-C or SIGTERM (scheduler/interrupt.py), a web worker on its
Stop button. The solver polls it while it waits for a search, registers each
running search (`stoppable`) so that a request from another thread stops it at
once, and checks it between its stages. Nothing here imports OR-Tools: a search is
stopped through the callback it registers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: The exit code of a stop without a signal: what Ctrl-C gives (128 + SIGINT).
EXIT_STOPPED = 130


class StopToken:
    """Whether a stop was asked for (and the exit code it maps to), and the searches
    running under it. The first request's exit code stands."""

    def __init__(self) -> None:
        # Re-entrant: a signal handler runs in the main thread, maybe while it holds it.
        self._lock = threading.RLock()
        self._exit_code: int | None = None
        self._running: list[Callable[[], None]] = []

    def request(self, exit_code: int = EXIT_STOPPED, *, stop_running: bool = True) -> None:
        """Ask every search under this token to stop, and the solver to skip its
        remaining stages. `stop_running=False` only sets the flag (for a signal
        handler, which must call nothing: the waits see the flag within 0.2 s)."""
        with self._lock:
            if self._exit_code is None:
                self._exit_code = exit_code
            running = list(self._running) if stop_running else []
        for stop in running:
            stop()

    @property
    def requested(self) -> bool:
        return self._exit_code is not None

    @property
    def exit_code(self) -> int:
        """The first request's exit code (130 when none was made)."""
        return EXIT_STOPPED if self._exit_code is None else self._exit_code

    @contextmanager
    def stoppable(self, stop: Callable[[], None]) -> Iterator[None]:
        """Register `stop` (e.g. a CP-SAT solver's `stop_search`) while the block
        runs; called at once if a stop was already requested."""
        with self._lock:
            self._running.append(stop)
            already = self._exit_code is not None
        if already:
            stop()
        try:
            yield
        finally:
            with self._lock:
                self._running.remove(stop)


def never_stopped(stop: StopToken | None) -> StopToken:
    """`stop`, or a token nobody requests (a job run without a way to stop it)."""
    return stop if stop is not None else StopToken()

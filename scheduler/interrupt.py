"""Stopping a solve on Ctrl-C (SIGINT) or SIGTERM, keeping the best roster so far.

The command line installs the handlers around a solve (`stop_on_signals`) and
passes the `StopToken` it yields down to the job; a signal only sets that token
(scheduler/model/stop.py says how the solver polls it). Nothing here imports
OR-Tools, and the application layer never sees a signal.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import ParamSpec, TypeVar

from scheduler.model.stop import StopToken

Params = ParamSpec("Params")
Returned = TypeVar("Returned")

#: Signals that stop a solve, and the exit code each gives (128 + signal number,
#: what a shell reports for a process the signal ended).
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
EXIT_SIGINT = 128 + signal.SIGINT  # 130
EXIT_SIGTERM = 128 + signal.SIGTERM  # 143


class _SignalState:
    """One per process: the token the signal handlers set while a command runs."""

    def __init__(self) -> None:
        self.token = StopToken()
        # Set by a second signal: the process must end without the interpreter's
        # clean-up (see `run_command_line`).
        self.quitting = False

    def reset(self) -> None:
        self.token = StopToken()


_STATE = _SignalState()


def current_token() -> StopToken:
    """The token the signal handlers set (the one `stop_on_signals` yields)."""
    return _STATE.token


def request_stop(signal_number: int = signal.SIGINT) -> None:
    """Stop every running search under the current token, as a signal would (and
    at once: not from a signal handler)."""
    _STATE.token.request(128 + signal_number)


def stop_requested() -> bool:
    return _STATE.token.requested


def exit_code() -> int:
    """128 + the first stop signal received (130 for Ctrl-C, 143 for SIGTERM)."""
    return _STATE.token.exit_code


def _on_signal(signal_number: int, frame: FrameType | None) -> None:
    """The first signal only sets the flag: the handler may run in the middle of
    any Python code of the main thread, even inside the solver's own lock, so it
    calls nothing; the engine's wait for its search sees the flag within 0.2 s
    and stops it. A second signal quits at once (128 + the first signal), writing
    nothing more: a file being written is left as it was (writes are atomic)."""
    del frame
    if stop_requested():
        _STATE.quitting = True
        raise SystemExit(exit_code())
    _STATE.token.request(128 + signal_number, stop_running=False)


@contextmanager
def stop_on_signals() -> Iterator[StopToken]:
    """SIGINT and SIGTERM stop the running search instead of ending the process
    while the block runs, setting the token it yields; the previous handlers come
    back after it, and the stop is forgotten (a later solve in the same process
    runs in full). Outside the main thread, where Python cannot set handlers,
    only the state is managed."""
    _STATE.reset()
    _STATE.quitting = False
    if threading.current_thread() is not threading.main_thread():
        try:
            yield _STATE.token
        finally:
            _STATE.reset()
        return
    previous = {number: signal.getsignal(number) for number in STOP_SIGNALS}
    for number in STOP_SIGNALS:
        signal.signal(number, _on_signal)
    try:
        yield _STATE.token
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        _STATE.reset()


def stops_on_signals(command: Callable[Params, Returned]) -> Callable[Params, Returned]:
    """Run a command inside `stop_on_signals` (a decorator for the CLI's solving commands)."""

    @functools.wraps(command)
    def run(*args: Params.args, **kwargs: Params.kwargs) -> Returned:
        with stop_on_signals():
            return command(*args, **kwargs)

    return run


def run_command_line(command_line: Callable[[], object]) -> None:
    """Run the command line; after a second stop signal leave at once with its exit
    code. A search cut short by it may leave OR-Tools' threads in a state in which
    the interpreter's clean-up at exit aborts the process (exit 134, "terminate
    called without an active exception"); every file is written atomically, so
    skipping the clean-up loses nothing."""
    try:
        command_line()
    except SystemExit as done:
        if not _STATE.quitting:
            raise
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(done.code if isinstance(done.code, int) else 1)

"""The job runner's stop requests, without the web pages."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from scheduler.web.jobs import Runner, Store


def test_shutdown_returns_after_a_worker_has_exited(tmp_path: Path) -> None:
    # A plan job on a program that is not there fails at once: its worker exits
    # while the runner still lists it. Shutdown must not wait on it (a multiprocessing
    # Event's set() waited forever for the dead worker's waiter; Stop did the same).
    store = Store(tmp_path / "ws")
    runner = Runner(store, parallel=1)
    job = store.add("plan", "no program", program_id="missing")
    runner.tick()
    deadline = time.monotonic() + 60
    while not (item := store.get(job)) or not item.done:
        assert time.monotonic() < deadline, "the worker did not finish"
        time.sleep(0.2)
    process = runner.running[job][0]
    process.join(timeout=30)
    assert not process.is_alive()

    ended = threading.Thread(target=runner.close, daemon=True)
    ended.start()
    ended.join(timeout=30)
    assert not ended.is_alive(), "shutdown hung on a worker that had exited"

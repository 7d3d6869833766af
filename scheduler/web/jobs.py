"""The web app's jobs: an index in SQLite, files in a workspace folder, solves in workers.

Every item (an uploaded program, a solve, a check, a repair, a plan...) has an id,
a row in `jobs.sqlite` and a folder `<workspace>/<id>/` that only its job writes
(through the application layer, which writes atomically). Long jobs run in spawned
worker processes, a few at a time; the rest wait as "queued". A request never
names a file: downloads go by item id and the index of a file the job recorded.
"""

from __future__ import annotations

import ctypes
import json
import logging
import multiprocessing
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("scheduler.web")

#: A job's stop request: one shared byte the worker polls. Not a multiprocessing
#: Event: its set() waits for every waiter to wake, and a worker that exited while
#: waiting never does, so Stop (or the server's shutdown) hung forever.
StopFlag = ctypes.c_byte
STOP_POLL_SECONDS = 0.2

QUEUED, RUNNING, FINISHED, STOPPED, FAILED = "queued", "running", "finished", "stopped", "failed"
DONE = (FINISHED, STOPPED, FAILED)
#: Kinds that run in a worker process; the others are done in the request.
WORKER_KINDS = ("solve", "repair", "plan", "demand", "simulate")

_SCHEMA = """
create table if not exists items (
    id text primary key,
    kind text not null,
    title text not null,
    status text not null,
    created real not null,
    program_id text,
    parent_id text,
    params text not null default '{}',
    progress text not null default '[]',
    exit_code integer,
    lines text not null default '[]',
    files text not null default '[]',
    error text not null default ''
)
"""


@dataclass(frozen=True)
class Item:
    id: str
    kind: str
    title: str
    status: str
    created: float
    program_id: str | None
    parent_id: str | None
    params: dict[str, Any]
    progress: list[dict[str, Any]]
    exit_code: int | None
    lines: list[str]
    files: list[str]  # names inside the item's folder, in the order written
    error: str

    @property
    def done(self) -> bool:
        return self.status in DONE


def new_id() -> str:
    return secrets.token_hex(8)


def is_id(text: str) -> bool:
    return len(text) == 16 and all(c in "0123456789abcdef" for c in text)


class Store:
    """The jobs' index (SQLite) and their folders."""

    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace.resolve()
        self.workspace.mkdir(parents=True, exist_ok=True)
        self.db_path = self.workspace / "jobs.sqlite"
        with self.connect() as db:
            db.execute("pragma journal_mode=wal")
            db.execute(_SCHEMA)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.db_path, timeout=30)
        try:
            with db:
                yield db
        finally:
            db.close()

    def folder(self, item_id: str) -> Path:
        if not is_id(item_id):
            raise KeyError(item_id)
        return self.workspace / item_id

    def add(
        self,
        kind: str,
        title: str,
        *,
        item_id: str | None = None,
        status: str = QUEUED,
        program_id: str | None = None,
        parent_id: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> str:
        item_id = item_id or new_id()
        self.folder(item_id).mkdir(exist_ok=True)
        with self.connect() as db:
            db.execute(
                "insert into items (id, kind, title, status, created, program_id, parent_id, "
                "params) values (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    item_id,
                    kind,
                    title,
                    status,
                    time.time(),
                    program_id,
                    parent_id,
                    json.dumps(params or {}),
                ),
            )
        return item_id

    def update(self, item_id: str, **values: Any) -> None:
        encoded = {
            key: json.dumps(value) if key in ("params", "progress", "lines", "files") else value
            for key, value in values.items()
        }
        columns = ", ".join(f"{key} = ?" for key in encoded)
        with self.connect() as db:
            db.execute(f"update items set {columns} where id = ?", (*encoded.values(), item_id))

    def get(self, item_id: str) -> Item | None:
        if not is_id(item_id):
            return None
        with self.connect() as db:
            row = db.execute("select * from items where id = ?", (item_id,)).fetchone()
        return None if row is None else _item(row)

    def items(self, kind: str | None = None, status: str | None = None) -> list[Item]:
        query, args = "select * from items where 1", list[str]()
        if kind is not None:
            query, args = query + " and kind = ?", [*args, kind]
        if status is not None:
            query, args = query + " and status = ?", [*args, status]
        with self.connect() as db:
            rows = db.execute(query + " order by created desc", args).fetchall()
        return [_item(row) for row in rows]

    def file(self, item: Item, index: int) -> Path | None:
        """The `index`-th file the item's job wrote, if it still is inside its folder."""
        if not 0 <= index < len(item.files):
            return None
        folder = self.folder(item.id)
        path = (folder / item.files[index]).resolve()
        if folder not in path.parents or not path.is_file():
            return None
        return path

    def recover(self) -> None:
        """After a restart: a job that was running is stopped (its worker is gone,
        and it recorded no file, so nothing half-written is offered)."""
        for item in self.items(status=RUNNING):
            self.update(
                item.id,
                status=STOPPED,
                error="The server stopped while this job ran; start it again.",
            )


def _item(row: tuple[Any, ...]) -> Item:
    (id_, kind, title, status, created, program_id, parent_id, params, progress, exit_code) = row[
        :10
    ]
    lines, files, error = row[10:]
    return Item(
        id=id_,
        kind=kind,
        title=title,
        status=status,
        created=created,
        program_id=program_id,
        parent_id=parent_id,
        params=json.loads(params),
        progress=json.loads(progress),
        exit_code=exit_code,
        lines=json.loads(lines),
        files=json.loads(files),
        error=error,
    )


def default_parallel() -> int:
    """One job at a time per 2 cores (each solve searches with 2 threads)."""
    return max(1, (os.cpu_count() or 2) // 2)


class Runner:
    """Starts queued jobs in spawned worker processes, `parallel` at a time."""

    def __init__(self, store: Store, parallel: int | None = None) -> None:
        self.store = store
        self.parallel = parallel or default_parallel()
        self.context = multiprocessing.get_context("spawn")
        self.running: dict[str, tuple[multiprocessing.process.BaseProcess, StopFlag]] = {}
        self.lock = threading.Lock()
        self.closing = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.store.recover()
        self.thread = threading.Thread(target=self._loop, name="job-runner", daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.closing.set()
        with self.lock:
            running = list(self.running.items())
        for _, (_, stop) in running:
            stop.value = 1
        for _, (process, _) in running:
            process.join(timeout=20)
            if process.is_alive():
                process.terminate()
        if self.thread is not None:
            self.thread.join(timeout=5)

    def stop(self, item_id: str) -> bool:
        """Ask a running job to stop (it keeps its best roster), or cancel a queued one."""
        item = self.store.get(item_id)
        if item is None or item.done:
            return False
        with self.lock:
            running = self.running.get(item_id)
        if running is not None:
            running[1].value = 1
        elif item.status == QUEUED:
            self.store.update(item_id, status=STOPPED, error="Cancelled before it started.")
        return True

    def _loop(self) -> None:
        while not self.closing.is_set():
            try:
                self.tick()
            except Exception:  # the loop must go on; the job is marked failed by tick
                log.exception("job runner")
            self.closing.wait(0.3)

    def tick(self) -> None:
        with self.lock:
            for item_id, (process, _) in list(self.running.items()):
                if not process.is_alive():
                    process.join()
                    del self.running[item_id]
                    item = self.store.get(item_id)
                    if item is not None and not item.done:
                        self.store.update(
                            item_id, status=FAILED, error="The worker ended unexpectedly."
                        )
            free = self.parallel - len(self.running)
        if free <= 0:
            return
        queued = sorted(self.store.items(status=QUEUED), key=lambda item: item.created)
        for item in queued[:free]:
            stop: StopFlag = self.context.RawValue(ctypes.c_byte, 0)
            process = self.context.Process(
                target=run_worker,
                args=(str(self.store.workspace), item.id, stop),
                name=f"job-{item.id}",
                # Not a daemon: a plan starts processes of its own.
                daemon=False,
            )
            self.store.update(item.id, status=RUNNING)
            process.start()
            with self.lock:
                self.running[item.id] = (process, stop)


def run_worker(workspace: str, item_id: str, stop_flag: StopFlag) -> None:
    """A worker process: run one job through the application layer, record its outcome."""
    from scheduler.app import StopToken
    from scheduler.web.work import run_job

    logging.basicConfig(level=logging.INFO)
    store = Store(Path(workspace))
    item = store.get(item_id)
    if item is None:
        return
    token = StopToken()

    def watch() -> None:
        while not stop_flag.value:
            time.sleep(STOP_POLL_SECONDS)
        token.request(143)

    threading.Thread(target=watch, daemon=True).start()
    progress: list[dict[str, Any]] = []
    last = [0.0]

    def on_progress(event: dict[str, Any]) -> None:
        progress.append(event)
        now = time.monotonic()
        if now - last[0] >= 0.5:
            last[0] = now
            store.update(item_id, progress=progress[-200:])

    try:
        result = run_job(store, item, on_progress, token)
    except Exception as error:
        reference = new_id()[:8]
        log.exception("job %s failed (reference %s)", item_id, reference)
        lines = list(getattr(error, "lines", ()))
        status_error = (
            "\n".join(lines)
            if lines
            else f"The job failed (reference {reference}; details in the server log)."
        )
        store.update(item_id, status=FAILED, error=status_error, progress=progress[-200:])
        return
    status = STOPPED if token.requested else FINISHED
    # The server's folders are nobody's business on the page: file names only.
    here = str(store.folder(item_id)) + os.sep
    store.update(
        item_id,
        status=status,
        exit_code=result.exit_code,
        lines=[line.replace(here, "") for line in (*result.warnings_and_notes, *result.lines)],
        files=result.files,
        progress=progress[-200:],
    )


ProgressSink = Callable[[dict[str, Any]], None]

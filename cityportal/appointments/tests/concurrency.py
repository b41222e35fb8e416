"""Run one function in many threads at the same moment, each thread on its own database connection.

The threads connect first, wait at a barrier, and are released together; each records when its call
started and finished, what it returned and what it raised, so a test can show that the calls really
overlapped and check every outcome. Released threads do not all get a CPU at once (two cores, the
GIL), so the first call could finish before the last one starts; to make every call meet every
other, the harness holds the write lock of the row they all want (as a slow transaction would)
until all of them have started, then lets them race for it.

Where they connect (WorkerDatabase): on PostgreSQL the test database itself (the test must use
`django_db(transaction=True)` so that the other connections see its rows). SQLite's test database
lives in memory behind one shared cache, which hides the locking production meets, so on SQLite the
threads use a file copy of it with the portal's own SQLite options: WAL, IMMEDIATE transactions and
the busy timeout (settings.SQLITE_OPTIONS), as production does.
"""

import copy
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model

BARRIER_TIMEOUT = 60  # seconds: a thread that cannot connect breaks the barrier instead of hanging the suite


@dataclass
class Attempt:
    number: int
    started: float = 0.0
    finished: float = 0.0
    result: object = None
    error: BaseException | None = None


class WorkerDatabase:
    def __init__(self, tmp_path: Path):
        """Call after the test has written its rows: on SQLite they are copied into the file here."""
        main = connections[DEFAULT_DB_ALIAS]
        self.vendor = main.vendor
        self.wrapper_class = type(main)  # the backend's DatabaseWrapper
        settings_dict = copy.deepcopy(main.settings_dict)
        if self.vendor == "sqlite":
            self.path = tmp_path / "workers.sqlite3"
            main.ensure_connection()
            with closing(sqlite3.connect(self.path)) as target:
                main.connection.backup(target)
            settings_dict.update(NAME=str(self.path), OPTIONS=copy.deepcopy(settings.SQLITE_OPTIONS))
        self.settings_dict = settings_dict

    @contextmanager
    def as_default(self) -> Iterator:
        """Make the current thread's default connection one to the workers' database, then close it."""
        previous = connections[DEFAULT_DB_ALIAS]
        worker = self.wrapper_class(copy.deepcopy(self.settings_dict), alias=DEFAULT_DB_ALIAS)
        connections[DEFAULT_DB_ALIAS] = worker  # thread-local: other threads keep their own
        try:
            yield worker
        finally:
            worker.close()
            connections[DEFAULT_DB_ALIAS] = previous

    @contextmanager
    def holding(self, model: type[Model], pk: int) -> Iterator[None]:
        """Hold the lock a write of this row needs: on PostgreSQL the row's lock (FOR UPDATE), on
        SQLite the database's write lock (BEGIN IMMEDIATE). Writers queue behind it until it ends."""
        with self.as_default(), transaction.atomic():
            list(model.objects.select_for_update().filter(pk=pk))  # SQLite ignores FOR UPDATE
            yield

    def journal_mode(self) -> str:
        with self.as_default() as worker, worker.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            return cursor.fetchone()[0]


def run_together(
    database: WorkerDatabase, calls: list[Callable[[], object]], *, contended: tuple[type[Model], int]
) -> list[Attempt]:
    """Call each of `calls` in its own thread and connection, all released at once by a barrier,
    while the `contended` (model, pk) row stays locked until every call has started."""
    barrier = threading.Barrier(len(calls) + 1, timeout=BARRIER_TIMEOUT)
    attempts = [Attempt(number) for number in range(len(calls))]

    def work(attempt: Attempt, call: Callable[[], object]) -> None:
        try:
            with database.as_default() as worker:
                worker.ensure_connection()  # connect before the barrier: the race is between the writes
                barrier.wait()
                attempt.started = time.perf_counter()
                try:
                    attempt.result = call()
                finally:
                    attempt.finished = time.perf_counter()
        except BaseException as error:  # noqa: BLE001 - every outcome is recorded; the test judges it
            attempt.error = error

    threads = [threading.Thread(target=work, args=pair) for pair in zip(attempts, calls, strict=True)]
    for thread in threads:
        thread.start()
    with database.holding(*contended):
        barrier.wait()
        deadline = time.monotonic() + BARRIER_TIMEOUT
        while not all(attempt.started or attempt.error for attempt in attempts):
            assert time.monotonic() < deadline, "the workers did not all start"
            time.sleep(0.005)
        time.sleep(0.05)  # long enough for the last one to reach the lock
    for thread in threads:
        thread.join(BARRIER_TIMEOUT * 2)
    assert not any(thread.is_alive() for thread in threads), "a worker thread hung"
    return attempts


def overlap(attempts: list[Attempt]) -> float:
    """Seconds during which every call was running at once (negative: they did not all overlap)."""
    return min(attempt.finished for attempt in attempts) - max(attempt.started for attempt in attempts)

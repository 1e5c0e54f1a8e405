"""Real concurrency in tests: calls started at the same instant on threads, each with its own
database connection, on SQLite (a file copy of the test database) or PostgreSQL.

SQLite's in-memory test database is shared between threads through its shared cache, whose
table locks fail at once instead of waiting: nothing like production. `concurrent_database`
moves the test to a file database (WAL, BEGIN IMMEDIATE and the busy timeout of
config/settings.py) for its duration, and back.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator

import pytest
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper


def run_together(calls: list[Callable[[], object]]) -> tuple[list[object], list[BaseException]]:
    """Start every call at the same instant, each on its own thread and connection; return
    the results and the exceptions (in completion order)."""
    start = threading.Barrier(len(calls))
    results: list[object] = []
    errors: list[BaseException] = []

    def run(call: Callable[[], object]) -> None:
        try:
            start.wait()
            results.append(call())
        except BaseException as error:  # noqa: BLE001 - reported to the main thread below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.fixture
def concurrent_database(transactional_db, tmp_path) -> Iterator[str]:
    """The database vendor; on SQLite, the test runs on a file copy of the test database."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield connection.vendor
        return
    settings = connection.settings_dict  # the same dict every thread's connection is built from
    memory = settings["NAME"]
    # Holds the in-memory database while no Django connection does (it vanishes otherwise).
    keeper = sqlite3.connect(memory, uri=True)
    path = tmp_path / "concurrent.sqlite3"
    with sqlite3.connect(path) as copy:
        keeper.backup(copy)
    copy.close()
    BaseDatabaseWrapper.close(connection)  # SQLiteDatabaseWrapper.close keeps memory open
    settings["NAME"] = str(path)
    try:
        yield "sqlite"
    finally:
        connections.close_all()
        settings["NAME"] = memory
        connection.ensure_connection()
        keeper.close()

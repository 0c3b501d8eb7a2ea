"""The least a durable command costs on a database, whatever the engine does around it.

A govflow command on a five-user-task process locks its instance, writes the
instance's state back and commits (``synchronous_commit`` on, on PostgreSQL). This
measures only that: a lock read, one UPDATE of a state of the real size and the
commit, through SQLAlchemy, nothing else. No history, no task rows, no SpiffWorkflow.
It is the floor under bench/throughput.py's govflow figures: one client's command
cannot take less, so a budget per command below it cannot be met by any change to
the engine's own code.
"""

from __future__ import annotations

import time

from sqlalchemy import text

from engine.store import Database

_CREATE = "CREATE TABLE floor_instance (id INTEGER PRIMARY KEY, state TEXT, lock_version INTEGER)"
_LOCK = "SELECT lock_version FROM floor_instance WHERE id = :id"
_WRITE = "UPDATE floor_instance SET state = :state, lock_version = :seen + 1 WHERE id = :id"


def command_floor_ms(url: str, state: str, commands: int = 500) -> float:
    """Median milliseconds of a lock, a state write and a commit, ``commands`` times
    over one row in a scratch table of the database at ``url`` (dropped afterwards),
    on connections set up as govflow's writers are (SQLite's pragmas and BEGIN)."""
    database = Database(url)
    engine = database.engine.execution_options(govflow_write=True)
    lock = text(_LOCK + ("" if engine.dialect.name == "sqlite" else " FOR UPDATE"))
    with engine.begin() as connection:
        connection.execute(text(_CREATE))
        connection.execute(
            text("INSERT INTO floor_instance VALUES (1, :state, 1)"), {"state": state}
        )
    try:
        durations = []
        with engine.connect() as connection:
            for _ in range(commands):
                started = time.perf_counter()
                with connection.begin():
                    seen = connection.execute(lock, {"id": 1}).scalar_one()
                    connection.execute(text(_WRITE), {"id": 1, "state": state, "seen": seen})
                durations.append(time.perf_counter() - started)
        durations.sort()
        return durations[len(durations) // 2] * 1000
    finally:
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE floor_instance"))
        database.engine.dispose()

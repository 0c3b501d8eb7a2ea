"""Transactions: follow-ups run only for work that was committed."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from engine import store
from engine.errors import Conflict
from engine.store import Database


def test_after_commit_runs_only_for_committed_work(db_url: str) -> None:
    db = Database(db_url)
    ran: list[str] = []
    try:
        with db.writing() as session:
            db.after_commit(session, lambda: ran.append("kept"))
            with pytest.raises(RuntimeError), db.savepoint(session):
                db.after_commit(session, lambda: ran.append("rolled back to its savepoint"))
                raise RuntimeError("this row failed")
            assert ran == []  # nothing before the commit
        assert ran == ["kept"]

        with pytest.raises(RuntimeError), db.writing() as session:
            db.after_commit(session, lambda: ran.append("rolled back"))
            raise RuntimeError("the whole command failed")
        assert ran == ["kept"]
    finally:
        db.dispose()


def test_a_pooled_connection_is_pinged_only_after_idling(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A connection just used goes straight back to work; one that idled is pinged,
    and if the server cut it meanwhile, replaced instead of failing the command."""
    db = Database(postgres_url)
    pings: list[object] = []
    ping = db.engine.dialect.do_ping
    monkeypatch.setattr(db.engine.dialect, "do_ping", lambda c: pings.append(c) or ping(c))
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        first = _backend_pid(db)
        assert _backend_pid(db) == first and pings == []  # reused at once: no ping

        with admin.connect() as connection:  # the server cuts the idle connection
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        monkeypatch.setattr(store, "_PING_AFTER_IDLE_S", 0.0)  # it has idled long enough
        assert _backend_pid(db) != first
        assert len(pings) == 1
    finally:
        admin.dispose()
        db.dispose()


def _backend_pid(db: Database) -> int:
    with db.writing() as session:
        return session.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_sqlite_writers_of_one_process_take_turns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second writer waits for the first (not in SQLite's sleeping busy handler), then
    writes; one that waits longer than the busy timeout is refused as a Conflict."""
    db = Database(f"sqlite:///{tmp_path / 'turns.db'}")
    first_in, first_done, second_in = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with db.writing() as session:
            session.execute(text("CREATE TABLE turn (who TEXT)"))
            first_in.set()
            first_done.wait(5)
            session.execute(text("INSERT INTO turn VALUES ('first')"))

    def second() -> None:
        with db.writing() as session:
            second_in.set()
            session.execute(text("INSERT INTO turn VALUES ('second')"))

    try:
        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        threads[0].start()
        assert first_in.wait(5)
        monkeypatch.setattr(store, "SQLITE_BUSY_TIMEOUT_S", 0.05)
        with pytest.raises(Conflict, match="busy"), db.writing():
            pass
        monkeypatch.setattr(store, "SQLITE_BUSY_TIMEOUT_S", 5.0)
        threads[1].start()
        assert not second_in.wait(0.2)  # queued behind the first
        first_done.set()
        for thread in threads:
            thread.join(5)
        with db.reading() as session:
            assert session.execute(text("SELECT who FROM turn")).scalars().all() == [
                "first",
                "second",
            ]
    finally:
        first_done.set()
        db.dispose()


def test_sqlite_hands_the_next_command_the_connection_that_wrote_last(tmp_path: Path) -> None:
    """SQLite drops a connection's page cache when another connection wrote since it
    last read: the pool hands out the connection used last, whose cache is current."""
    db = Database(f"sqlite:///{tmp_path / 'lifo.db'}")
    try:
        with db.reading() as first, db.reading() as second:  # two connections in the pool
            one = first.connection().connection.dbapi_connection
            assert second.connection().connection.dbapi_connection is not one
        for _ in range(2):
            with db.writing() as session:
                wrote_with = session.connection().connection.dbapi_connection
            with db.writing() as session:
                assert session.connection().connection.dbapi_connection is wrote_with
    finally:
        db.dispose()


def test_an_in_memory_sqlite_database_lives_in_its_one_connection() -> None:
    """No pool to hand out connections in any order: every session sees the one database."""
    db = Database("sqlite://")
    try:
        with db.writing() as session:
            session.execute(text("CREATE TABLE kept (x INTEGER)"))
            session.execute(text("INSERT INTO kept VALUES (1)"))
        with db.reading() as session:
            assert session.execute(text("SELECT x FROM kept")).scalar_one() == 1
    finally:
        db.dispose()

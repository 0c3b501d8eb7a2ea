"""Transactions: follow-ups run only for work that was committed."""

from __future__ import annotations

import pytest

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

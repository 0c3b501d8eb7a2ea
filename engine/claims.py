"""Working through a queue table: claim due rows, handle each, commit; repeat.

Timers, task deadlines and outgoing e-mail are all rows with a due time. A batch of
rows is claimed in one transaction and each row is handled in a savepoint of it, so
one failing row does not hold back the others (its savepoint alone rolls back), and
a batch costs one commit, the one expensive step of a write on PostgreSQL (a WAL
flush). A scheduler killed mid-batch loses only its uncommitted batch, which its
rollback releases for another scheduler. On PostgreSQL the claim is ``SELECT … FOR
UPDATE SKIP LOCKED``: schedulers on several machines take different rows and never
the same one. SQLite has one writer at a time (``BEGIN IMMEDIATE``), so the plain
SELECT inside the write transaction is already exclusive.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from engine.store import Database

__all__ = ["drain"]

log = logging.getLogger(__name__)


def drain(
    db: Database,
    due: Callable[[set[int]], Select[Any]],
    handle: Callable[[Session, int], bool],
    *,
    lock_of: Any,
    limit: int | None = None,
    batch: int = 1,
) -> int:
    """Handle due rows, ``batch`` per transaction, until none is due; the count handled.

    ``due(excluded)`` selects the ids of due rows, most urgent first, leaving out
    ``excluded`` (rows that failed in this run, so a broken row cannot spin the
    loop); ``lock_of`` is the table to lock when ``due`` joins others. ``handle``
    returns False when the row turned out to need nothing (already settled). A
    handler with effects outside the database (sending mail) wants ``batch=1``: a
    crash before the commit repeats the effects of the whole batch.
    """
    failed: set[int] = set()
    handled = 0
    while limit is None or handled + len(failed) < limit:
        size = batch if limit is None else min(batch, limit - handled - len(failed))
        claimed: list[int] = []
        try:
            with db.writing() as session:
                statement = due(failed).limit(size)
                if not db.is_sqlite:  # SKIP LOCKED: two schedulers never claim one row
                    statement = statement.with_for_update(skip_locked=True, of=lock_of)
                claimed = list(session.scalars(statement))
                if not claimed:
                    return handled
                done = _handle_each(db, session, claimed, handle, lock_of, failed)
            handled += done  # counted once committed
        except Exception:
            if not claimed:
                raise  # the claim itself failed: the database is the problem, not a row
            log.exception("%s batch %s failed; it stays due", lock_of.__name__, claimed)
            failed.update(claimed)
    return handled


def _handle_each(
    db: Database,
    session: Session,
    claimed: list[int],
    handle: Callable[[Session, int], bool],
    lock_of: Any,
    failed: set[int],
) -> int:
    done = 0
    for row_id in claimed:
        try:
            with db.savepoint(session):
                done += handle(session, row_id)
        except Exception:
            log.exception("%s %s failed; it stays due", lock_of.__name__, row_id)
            failed.add(row_id)
    return done

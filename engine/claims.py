"""Working through a queue table: claim one due row, handle it, commit; repeat.

Timers, task deadlines and outgoing e-mail are all rows with a due time. Each row is
claimed and handled in its own transaction, so one failing row does not hold back
the others and a scheduler killed mid-way loses only its uncommitted row, which its
rollback releases for another scheduler. On PostgreSQL the claim is
``SELECT … FOR UPDATE SKIP LOCKED``: schedulers on several machines take different
rows and never the same one. SQLite has one writer at a time (``BEGIN IMMEDIATE``),
so the plain SELECT inside the write transaction is already exclusive.
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
) -> int:
    """Handle due rows one transaction each until none is due; the count handled.

    ``due(excluded)`` selects the ids of due rows, most urgent first, leaving out
    ``excluded`` (rows that failed in this run, so a broken row cannot spin the
    loop); ``lock_of`` is the table to lock when ``due`` joins others. ``handle``
    returns False when the row turned out to need nothing (already settled).
    """
    failed: set[int] = set()
    handled = 0
    while limit is None or handled + len(failed) < limit:
        claimed: int | None = None
        try:
            with db.writing() as session:
                statement = due(failed).limit(1)
                if not db.is_sqlite:  # SKIP LOCKED: two schedulers never claim one row
                    statement = statement.with_for_update(skip_locked=True, of=lock_of)
                claimed = session.scalars(statement).first()
                if claimed is None:
                    return handled
                done = handle(session, claimed)
            handled += done  # counted once committed
        except Exception:
            if claimed is None:
                raise  # the claim itself failed: the database is the problem, not a row
            log.exception("%s %s failed; it stays due", lock_of.__name__, claimed)
            failed.add(claimed)
    return handled

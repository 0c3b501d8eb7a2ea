"""Throttling password guessing: log-in attempts counted per username and per address.

Each attempt is written, and committed, *before* its password is checked, and is
forgotten only if it succeeds. Attempts are taken one at a time (a transaction-scoped
advisory lock on PostgreSQL; SQLite has one writer): each counts those committed before
it and is refused, and forgotten, past the limit. So however many processes share the
database, exactly the limit of attempts within the window have their password checked,
never more, and a burst of guesses never refuses them all. An unknown username is
counted like a known one, so the answers never tell whether a user exists.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, or_, select, text
from sqlalchemy.orm import Session

from engine.account_models import LoginAttempt
from engine.accounts import digest
from engine.clock import Clock
from engine.errors import TooManyAttempts
from engine.settings import Settings
from engine.store import Database

__all__ = ["LoginThrottle"]

_ONE_AT_A_TIME = text("SELECT pg_advisory_xact_lock(7130457391002)")
"""The lock that orders log-in attempts (the key is govflow's, arbitrary)."""


class LoginThrottle:
    """Counts log-in attempts in a sliding window of ``login_window_s``."""

    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        self.db = db
        self.clock = clock
        self.window = timedelta(seconds=settings.login_window_s)
        self.per_user = settings.login_failures_per_user
        self.per_address = settings.login_failures_per_address

    def begin(self, username: str, address: str | None) -> int:
        """Record an attempt before its password is checked; its id. Raises
        TooManyAttempts (and forgets the attempt) when the username or the address
        (None: not known, not counted) already failed too often."""
        now = self.clock.now()
        with self.db.writing() as session:  # refused: rolled back, so forgotten
            if not self.db.is_sqlite:
                session.execute(_ONE_AT_A_TIME)
            session.execute(
                delete(LoginAttempt).where(LoginAttempt.attempted_at <= now - self.window)
            )
            attempt = LoginAttempt(user_hash=digest(username), address=address, attempted_at=now)
            session.add(attempt)
            session.flush()
            attempt_id = attempt.id
            by_user = LoginAttempt.user_hash == digest(username)
            waits = [self._wait(session, attempt_id, by_user, self.per_user)]
            if address is not None:
                by_address = LoginAttempt.address == address
                waits.append(self._wait(session, attempt_id, by_address, self.per_address))
            if max(waits) > 0:
                raise TooManyAttempts(retry_after=max(waits))
        return attempt_id

    def succeeded(self, attempt_id: int, username: str) -> None:
        """The password was right: forget the attempt and the username's failures (not
        the address's: logging in to one's own account must not buy more guesses)."""
        self._forget(or_(LoginAttempt.id == attempt_id, LoginAttempt.user_hash == digest(username)))

    def _wait(
        self, session: Session, attempt_id: int, whose: ColumnElement[bool], limit: int
    ) -> int:
        """Seconds until fewer than ``limit`` other attempts remain in the window (0: none)."""
        now = self.clock.now()
        recent = session.scalars(
            select(LoginAttempt.attempted_at)
            .where(whose, LoginAttempt.id != attempt_id)
            .where(LoginAttempt.attempted_at > now - self.window)
            .order_by(LoginAttempt.attempted_at.desc())
            .limit(limit)
        ).all()
        if len(recent) < limit:
            return 0
        return _seconds_until(recent[-1] + self.window, now)

    def _forget(self, which: ColumnElement[bool]) -> None:
        with self.db.writing() as session:
            session.execute(delete(LoginAttempt).where(which))


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))

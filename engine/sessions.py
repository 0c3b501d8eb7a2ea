"""Log-in sessions kept in the database, so that log-out and a password change end them.

The browser's cookie carries only a random session id; the table keeps its SHA-256
(as for API tokens), whose session it is, when it began and when it was last seen.
A session ends on log-out, when its user's password changes, when an admin ends all
of a user's sessions, after ``session_idle_s`` without a request, and
``session_lifetime_s`` after log-in however busy it is. "Last seen" is written at most
once per :data:`TOUCH_INTERVAL`, not on every request, so the idle limit holds to
within that interval.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, CursorResult, delete, func, not_, or_, select, update
from sqlalchemy.orm import Session

from engine.account_models import LoginSession
from engine.accounts import digest
from engine.clock import Clock
from engine.settings import Settings
from engine.store import Database

__all__ = ["TOUCH_INTERVAL", "LoginSessions", "end_user_sessions"]

TOUCH_INTERVAL = timedelta(minutes=1)


class LoginSessions:
    """Open, look up and end log-in sessions; each call is its own transaction."""

    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        self.db = db
        self.clock = clock
        self.idle = timedelta(seconds=settings.session_idle_s)
        self.lifetime = timedelta(seconds=settings.session_lifetime_s)

    def open(self, username: str) -> str:
        """A new session for ``username``: its id, for the cookie (it is not kept)."""
        session_id = secrets.token_urlsafe(32)
        now = self.clock.now()
        with self.db.writing() as session:
            session.execute(delete(LoginSession).where(self._expired(now)))
            session.add(
                LoginSession(
                    id_hash=digest(session_id), username=username, created_at=now, last_seen_at=now
                )
            )
        return session_id

    def username_of(self, session_id: str) -> str | None:
        """Whose live session this is (None if it ended or expired); notes it was seen."""
        now = self.clock.now()
        with self.db.reading() as session:
            row = session.get(LoginSession, digest(session_id))
        if row is None:
            return None
        if now - row.last_seen_at > self.idle or now - row.created_at >= self.lifetime:
            self.end(session_id)
            return None
        if now - row.last_seen_at >= TOUCH_INTERVAL:
            self._touch(row.id_hash, now)
        return row.username

    def open_count(self, username: str) -> int:
        """How many of the user's sessions are live (not ended, idle or too old)."""
        query = select(func.count()).where(
            LoginSession.username == username, not_(self._expired(self.clock.now()))
        )
        with self.db.reading() as session:
            return session.scalar(query) or 0

    def end(self, session_id: str) -> None:
        with self.db.writing() as session:
            session.execute(delete(LoginSession).where(LoginSession.id_hash == digest(session_id)))

    def _touch(self, id_hash: str, now: datetime) -> None:
        with self.db.writing() as session:
            session.execute(
                update(LoginSession)
                .where(LoginSession.id_hash == id_hash, LoginSession.last_seen_at < now)
                .values(last_seen_at=now)
            )

    def _expired(self, now: datetime) -> ColumnElement[bool]:
        return or_(
            LoginSession.last_seen_at < now - self.idle,
            LoginSession.created_at <= now - self.lifetime,
        )


def end_user_sessions(session: Session, username: str, *, keep: str | None = None) -> int:
    """End every session of ``username`` but ``keep`` (a session id); how many ended."""
    query = delete(LoginSession).where(LoginSession.username == username)
    if keep is not None:
        query = query.where(LoginSession.id_hash != digest(keep))
    result: CursorResult[tuple[()]] = session.connection().execute(query)
    return result.rowcount

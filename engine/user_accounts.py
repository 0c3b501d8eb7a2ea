"""The people's side of the Engine API: users, passwords, log-in sessions and API
tokens (their notifications: :mod:`engine.inbox`).

A mixin of :class:`engine.api.Engine`, so that callers keep one object; it uses only
the engine's database, clock, user directory and log-in throttle.
"""

from __future__ import annotations

from engine import accounts
from engine.accounts import TokenView
from engine.audit import AuditTrail
from engine.clock import Clock
from engine.directory import UserDirectory
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.sessions import end_user_sessions
from engine.settings import Settings
from engine.store import Database
from engine.throttle import LoginThrottle
from engine.units import User

__all__ = ["UserAccounts"]


class UserAccounts(AuditTrail):
    """Users of the organisation and what they own in the database. Every change an
    admin answers for is written to the audit log in its own transaction."""

    db: Database
    clock: Clock
    directory: UserDirectory
    login_throttle: LoginThrottle
    settings: Settings

    def user(self, username: str) -> User | None:
        """An active user of the organisation, or None (unknown or deactivated)."""
        user = self.directory.current().users.get(username)
        return user if user is not None and user.is_active else None

    def authenticate(
        self, username: str, password: str, *, address: str | None = None
    ) -> User | None:
        """The user, if ``password`` is theirs; None for a wrong password or user.
        Raises TooManyAttempts, right password or not, after too many failures for the
        username or from ``address`` (the caller's network address)."""
        attempt = self.login_throttle.begin(username, address)
        user = self.user(username)
        hashing = self.settings.password_hashing
        with self.db.reading() as session:
            matches = accounts.password_matches(session, username, password, hashing)
        if not matches or user is None:
            return None
        self.login_throttle.succeeded(attempt, username)
        return user

    def set_password(
        self,
        username: str,
        password: str,
        *,
        keep_session: str | None = None,
        actor: str = "system",
    ) -> int:
        """An admin (or the CLI) sets the password; the user's log-in sessions end but
        ``keep_session`` (a session id). How many ended."""
        return self._new_password(username, password, keep_session, actor, "password_reset")

    def change_password(
        self, username: str, current: str, new: str, *, keep_session: str | None = None
    ) -> int:
        """A user changes their own password: ``current`` must be right (and is
        throttled like a log-in). Ends their other sessions; how many ended."""
        if self.authenticate(username, current) is None:
            raise Forbidden("the current password is wrong", field="current_password")
        return self._new_password(username, new, keep_session, username, "password_changed")

    def _new_password(
        self, username: str, password: str, keep: str | None, actor: str, action: str
    ) -> int:
        self._known_user(username)
        now = self.clock.now()
        with self.db.writing() as session:
            accounts.set_password(session, username, password, now, self.settings.password_hashing)
            ended = end_user_sessions(session, username, keep=keep)
            self._audit(session, actor, action, username)
            return ended

    def end_sessions(self, username: str, *, actor: str = "system") -> int:
        """End every log-in session of ``username`` (an admin's "log out everywhere")."""
        self._known_user(username)
        with self.db.writing() as session:
            ended = end_user_sessions(session, username)
            self._audit(session, actor, "sessions_ended", username, {"ended": ended})
            return ended

    def create_token(self, username: str, name: str, *, actor: str = "system") -> tuple[int, str]:
        """An API token acting for ``username``: (id, token). The token is not kept."""
        self._known_user(username)
        now = self.clock.now()
        with self.db.writing() as session:
            token_id, token = accounts.create_token(session, username, name, now)
            detail = {"token_id": token_id, "name": name}
            self._audit(session, actor, "token_created", username, detail)
            return token_id, token

    def tokens_of(self, username: str) -> list[TokenView]:
        """The user's tokens, live and revoked, newest first; never their secrets."""
        with self.db.reading() as session:
            return accounts.tokens_of(session, username)

    def user_of_token(self, token: str) -> User | None:
        with self.db.reading() as session:
            username = accounts.token_owner(session, token)
        return self.user(username) if username else None

    def revoke_token(self, token_id: int, *, actor: str = "system") -> str:
        """Revoke a live token at once; whose it was."""
        now = self.clock.now()
        with self.db.writing() as session:
            owner = accounts.revoke_token(session, token_id, now)
            if owner is None:
                raise NotFound(f"no live token {token_id}", token_id=token_id)
            self._audit(session, actor, "token_revoked", owner, {"token_id": token_id})
            return owner

    def _known_user(self, username: str) -> User:
        user = self.directory.current().users.get(username)
        if user is None:
            raise NotFound(f"no user '{username}' in the organisation", field="username")
        return user

    def seed_demo_passwords(self) -> list[str]:
        """Give every user without a password the organisation's demo password (demo
        databases only); the users that got it."""
        demo = self.directory.seed.demo_password
        if not demo:
            raise InvalidInput("the organisation file sets no demo_password", field="demo_password")
        seeded = []
        hashing = self.settings.password_hashing
        with self.db.writing() as session:
            for username in self.directory.seed.users:
                if not accounts.has_password(session, username):
                    accounts.set_password(session, username, demo, self.clock.now(), hashing)
                    seeded.append(username)
        return seeded

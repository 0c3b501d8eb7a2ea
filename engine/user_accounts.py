"""The people's side of the Engine API: users, passwords, log-in sessions and API
tokens (their notifications: :mod:`engine.inbox`).

A mixin of :class:`engine.api.Engine`, so that callers keep one object; it uses only
the engine's database, clock, organisation and log-in throttle.
"""

from __future__ import annotations

from engine import accounts
from engine.clock import Clock
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.sessions import end_user_sessions
from engine.store import Database
from engine.throttle import LoginThrottle
from engine.units import Organisation, User

__all__ = ["UserAccounts"]


class UserAccounts:
    """Users of the organisation (units.yaml) and what they own in the database."""

    db: Database
    clock: Clock
    organisation: Organisation
    login_throttle: LoginThrottle

    def user(self, username: str) -> User | None:
        """A user of the organisation (units.yaml), or None."""
        return self.organisation.users.get(username)

    def authenticate(
        self, username: str, password: str, *, address: str | None = None
    ) -> User | None:
        """The user, if ``password`` is theirs; None for a wrong password or user.
        Raises TooManyAttempts, right password or not, after too many failures for the
        username or from ``address`` (the caller's network address)."""
        attempt = self.login_throttle.begin(username, address)
        user = self.user(username)
        with self.db.reading() as session:
            matches = accounts.password_matches(session, username, password)
        if not matches or user is None:
            return None
        self.login_throttle.succeeded(attempt, username)
        return user

    def set_password(self, username: str, password: str, *, keep_session: str | None = None) -> int:
        """Set the password and end the user's log-in sessions but ``keep_session`` (a
        session id); how many ended."""
        self._known_user(username)
        with self.db.writing() as session:
            accounts.set_password(session, username, password, self.clock.now())
            return end_user_sessions(session, username, keep=keep_session)

    def change_password(
        self, username: str, current: str, new: str, *, keep_session: str | None = None
    ) -> int:
        """A user changes their own password: ``current`` must be right (and is
        throttled like a log-in). Ends their other sessions; how many ended."""
        if self.authenticate(username, current) is None:
            raise Forbidden("the current password is wrong", field="current_password")
        return self.set_password(username, new, keep_session=keep_session)

    def end_sessions(self, username: str) -> int:
        """End every log-in session of ``username`` (an admin's "log out everywhere")."""
        self._known_user(username)
        with self.db.writing() as session:
            return end_user_sessions(session, username)

    def create_token(self, username: str, name: str) -> tuple[int, str]:
        """An API token acting for ``username``: (id, token). The token is not kept."""
        self._known_user(username)
        with self.db.writing() as session:
            return accounts.create_token(session, username, name, self.clock.now())

    def user_of_token(self, token: str) -> User | None:
        with self.db.reading() as session:
            username = accounts.token_owner(session, token)
        return self.user(username) if username else None

    def revoke_token(self, token_id: int) -> None:
        with self.db.writing() as session:
            if not accounts.revoke_token(session, token_id, self.clock.now()):
                raise NotFound(f"no live token {token_id}", token_id=token_id)

    def _known_user(self, username: str) -> User:
        user = self.user(username)
        if user is None:
            raise NotFound(f"no user '{username}' in the organisation", field="username")
        return user

    def seed_demo_passwords(self) -> list[str]:
        """Give every user without a password the organisation's demo password (demo
        databases only); the users that got it."""
        demo = self.organisation.demo_password
        if not demo:
            raise InvalidInput("the organisation file sets no demo_password", field="demo_password")
        seeded = []
        with self.db.writing() as session:
            for username in self.organisation.users:
                if not accounts.has_password(session, username):
                    accounts.set_password(session, username, demo, self.clock.now())
                    seeded.append(username)
        return seeded

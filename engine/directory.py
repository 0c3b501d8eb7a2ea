"""Who the users are, once an admin manages them: the ``user_profile`` table.

``processes/units.yaml`` declares units, sets, databases and users. Units and their
databases stay the file's; users are the file's only until an admin first creates or
changes one. That change copies every user of the file into the table in its own
transaction (:func:`seed_profiles`), and from then on the table is the source: the
file is the seed, and an engine over a database nobody administered behaves exactly
as before.

Every process (web workers, schedulers) may hold the organisation in memory, so each
one asks the table for its *stamp* (row count and sum of revisions, which grows with
every change) before it trusts its copy: one small query, and no process keeps a
removed role or an ended membership.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.account_models import UserProfile
from engine.errors import InvalidInput
from engine.store import Database
from engine.units import ROLES, Organisation, User

__all__ = ["UserDirectory", "check_user", "save_profile", "seed_profiles"]

_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{0,119}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class UserDirectory:
    """The organisation with the users of the database (the seed's while it has none)."""

    def __init__(self, db: Database, seed: Organisation) -> None:
        self.db = db
        self.seed = seed
        self._lock = threading.Lock()
        self._known: tuple[tuple[int, int], Organisation] = ((0, 0), seed)

    def current(self) -> Organisation:
        """The organisation as the database holds it now (one small query)."""
        with self.db.reading() as session:
            return self.read_in(session)

    def read_in(self, session: Session) -> Organisation:
        """:meth:`current`, read in ``session``: for code inside a command's transaction
        (who is first in line for a task as it opens)."""
        stamp = _stamp(session)
        if stamp == self._known[0]:
            return self._known[1]
        organisation = self._organisation(session) if stamp[0] else self.seed
        with self._lock:
            self._known = (stamp, organisation)
        return organisation

    def cached(self) -> Organisation:
        """The organisation as last read, without a query: for code that runs inside a
        transaction (the scheduler's notifications), whose caller refreshed it first."""
        return self._known[1]

    def _organisation(self, session: Session) -> Organisation:
        order = {name: index for index, name in enumerate(self.seed.users)}
        rows = session.scalars(select(UserProfile)).all()
        rows = sorted(rows, key=lambda row: (order.get(row.username, len(order)), row.username))
        return self.seed.with_users(_user_of(row) for row in rows)


def seed_profiles(session: Session, seed: Organisation, now: datetime) -> None:
    """Copy the seed's users into an empty table (nothing when it has rows already)."""
    if session.scalar(select(func.count()).select_from(UserProfile)):
        return
    for user in seed.users.values():
        session.add(_profile_of(user, now))
    session.flush()


def save_profile(session: Session, user: User, *, is_new: bool, now: datetime) -> None:
    """Create ``user`` (InvalidInput on ``username`` if it exists) or replace their
    profile (InvalidInput on ``username`` if it does not)."""
    row = session.get(UserProfile, user.username)
    if is_new and row is not None:
        message = f"the user '{user.username}' exists already"
        raise InvalidInput(message, field="username", rule="user:taken")
    if row is None:
        if not is_new:
            raise InvalidInput(f"no user '{user.username}'", field="username")
        session.add(_profile_of(user, now))
        return
    for name, value in _columns(user).items():
        setattr(row, name, value)
    row.revision += 1
    row.updated_at = now


def check_user(user: User, organisation: Organisation) -> None:
    """Every problem of a user an admin typed, each naming its field, at once."""
    problems = list(_problems(user, organisation))
    if problems:
        first = problems[0]
        raise InvalidInput(first["message"], field=first["field"], problems=problems)


def _problems(user: User, organisation: Organisation) -> Iterable[dict[str, str]]:
    if not _USERNAME.match(user.username):
        yield _problem("username", "a username is lowercase letters, digits, . _ -")
    if not user.full_name.strip() or len(user.full_name) > 200:
        yield _problem("full_name", "the full name is required (at most 200 characters)")
    if len(user.email) > 254 or not _EMAIL.match(user.email):
        yield _problem("email", f"'{user.email}' is not an e-mail address")
    unknown = [code for code in user.units if code not in organisation.units]
    if unknown:
        yield _problem("units", f"no unit {', '.join(unknown)}")
    if not user.roles or any(role not in ROLES for role in user.roles):
        yield _problem("roles", f"choose one or more of {', '.join(ROLES)}")


def _problem(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message, "rule": f"user:{field}"}


def _stamp(session: Session) -> tuple[int, int]:
    count, revisions = session.execute(
        select(func.count(), func.coalesce(func.sum(UserProfile.revision), 0))
    ).one()
    return int(count), int(revisions)


def _profile_of(user: User, now: datetime) -> UserProfile:
    return UserProfile(**_columns(user), revision=1, updated_at=now)


def _columns(user: User) -> dict[str, Any]:
    """The profile's columns of ``user`` (JSON lists for the tuples)."""
    return {**asdict(user), "units": list(user.units), "roles": list(user.roles)}


def _user_of(row: UserProfile) -> User:
    values = {name: getattr(row, name) for name in _USER_FIELDS}
    return User(**{**values, "units": tuple(row.units), "roles": tuple(row.roles)})


_USER_FIELDS = tuple(f.name for f in fields(User))

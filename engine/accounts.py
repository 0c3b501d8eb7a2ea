"""Passwords of the organisation's users.

Who a user is (name, e-mail, units, roles) is read from ``processes/units.yaml``;
only the password hash is kept in the database. Hashing is werkzeug's (scrypt),
salted per password; a check costs tens of milliseconds on purpose, so it is done
once at log-in, never per request.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from engine.errors import InvalidInput
from engine.models import Account

__all__ = ["MIN_LENGTH", "has_password", "password_matches", "set_password"]

MIN_LENGTH = 8


def set_password(session: Session, username: str, password: str, now: datetime) -> None:
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"a password needs at least {MIN_LENGTH} characters", field="password")
    account = session.get(Account, username)
    if account is None:
        account = Account(username=username)
        session.add(account)
    account.password_hash = generate_password_hash(password)
    account.updated_at = now


def has_password(session: Session, username: str) -> bool:
    return session.get(Account, username) is not None


def password_matches(session: Session, username: str, password: str) -> bool:
    account = session.get(Account, username)
    if account is None:
        check_password_hash(_DUMMY_HASH, password)  # the same time whether or not it exists
        return False
    return check_password_hash(account.password_hash, password)


_DUMMY_HASH = generate_password_hash("not a password of anyone")

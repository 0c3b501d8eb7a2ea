"""Passwords and API tokens of the organisation's users.

Who a user is (name, e-mail, units, roles) is :mod:`engine.directory`'s; here only
the password hash and the tokens' hashes are kept. Hashing is werkzeug's, salted
per password, scrypt unless ``GOVFLOW_PASSWORD_HASHING`` says otherwise; a check
costs tens of milliseconds on purpose, so it is done once at log-in, never per
request. A hash names its own method, so hashes made before a change of method
still check.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from engine.account_models import Account, ApiToken
from engine.bounds import check_fits
from engine.errors import InvalidInput

__all__ = [
    "MIN_LENGTH",
    "TokenView",
    "check_hashing",
    "create_token",
    "digest",
    "has_password",
    "password_matches",
    "revoke_token",
    "set_password",
    "token_owner",
    "tokens_of",
]

MIN_LENGTH = 8


def set_password(
    session: Session, username: str, password: str, now: datetime, hashing: str
) -> None:
    """Keep ``password``'s hash, made with werkzeug's method ``hashing``."""
    if len(password) < MIN_LENGTH:
        message = f"a password needs at least {MIN_LENGTH} characters"
        raise InvalidInput(message, field="password", rule="minlength", limit=MIN_LENGTH)
    account = session.get(Account, username)
    if account is None:
        account = Account(username=username)
        session.add(account)
    account.password_hash = generate_password_hash(password, hashing)
    account.updated_at = now


def has_password(session: Session, username: str) -> bool:
    return session.get(Account, username) is not None


def password_matches(session: Session, username: str, password: str, hashing: str) -> bool:
    """Whether ``password`` is the user's; an unknown user costs a check too, with the
    method new hashes get, so the time taken does not tell whether a user exists."""
    account = session.get(Account, username)
    if account is None:
        check_password_hash(_dummy_hash(hashing), password)
        return False
    return check_password_hash(account.password_hash, password)


@cache
def _dummy_hash(hashing: str) -> str:
    return generate_password_hash("not a password of anyone", hashing)


_HASHING = re.compile(r"scrypt(:\d+:\d+:\d+)?|pbkdf2(:(?P<hash>\w+)(:\d+)?)?")


def check_hashing(hashing: str) -> None:
    """Refuse at start-up a method werkzeug does not know, or a hash it cannot use:
    ``scrypt[:n:r:p]`` or ``pbkdf2[:hash[:iterations]]``. The numbers are not judged
    (an ``n`` scrypt refuses still fails at the first password)."""
    match = _HASHING.fullmatch(hashing)
    if match is None or (match["hash"] or "sha256") not in hashlib.algorithms_guaranteed:
        raise ValueError(
            f"GOVFLOW_PASSWORD_HASHING={hashing!r}: expected scrypt, scrypt:n:r:p, "
            "pbkdf2, pbkdf2:sha256 or pbkdf2:sha256:iterations"
        )


_TOKEN_PREFIX = "gf_"


def create_token(session: Session, username: str, name: str, now: datetime) -> tuple[int, str]:
    """A new token for ``username``: its id and the token itself (shown this once)."""
    if not name.strip():
        raise InvalidInput("a token needs a name", field="name", rule="required")
    check_fits(name, ApiToken.name, "name")
    token = _TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(username=username, name=name, token_hash=digest(token), created_at=now)
    session.add(row)
    session.flush()
    return row.id, token


def token_owner(session: Session, token: str) -> str | None:
    """The username a live token acts for. A token is random, so a plain hash suffices."""
    if not token.startswith(_TOKEN_PREFIX):
        return None
    query = select(ApiToken.username).where(
        ApiToken.token_hash == digest(token), ApiToken.revoked_at.is_(None)
    )
    return session.scalar(query)


@dataclass(frozen=True)
class TokenView:
    """A token as its list shows it: never the secret, which is not kept."""

    id: int
    username: str
    name: str
    created_at: datetime
    revoked_at: datetime | None


def tokens_of(session: Session, username: str) -> list[TokenView]:
    """The user's tokens, live and revoked, newest first."""
    rows = session.scalars(
        select(ApiToken).where(ApiToken.username == username).order_by(ApiToken.id.desc())
    )
    return [TokenView(r.id, r.username, r.name, r.created_at, r.revoked_at) for r in rows]


def revoke_token(session: Session, token_id: int, now: datetime) -> str | None:
    """Revoke a live token; whose it was (None if there is no live token ``token_id``)."""
    row = session.get(ApiToken, token_id)
    if row is None or row.revoked_at is not None:
        return None
    row.revoked_at = now
    return row.username


def digest(token: str) -> str:
    """The SHA-256 of a random secret (token, session id): enough to find it, useless to
    someone who reads the table."""
    return hashlib.sha256(token.encode()).hexdigest()

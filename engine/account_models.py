"""The tables of the people who use govflow: passwords, API tokens, log-in sessions and
attempts, who each user is once an admin manages them, and the audit log of what
administrators changed. (The workflow's own tables are in :mod:`engine.models`.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.model_types import Base

__all__ = ["Account", "ApiToken", "AuditEntry", "LoginAttempt", "LoginSession", "UserProfile"]


class Account(Base):
    """A user's password; who the user is (name, units, roles) is :class:`UserProfile`."""

    __tablename__ = "account"
    username: Mapped[str] = mapped_column(String(120), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[datetime]


class ApiToken(Base):
    """A token another system (the National Data Portal, say) calls the API with, on
    behalf of a user. Only its SHA-256 is kept; the token is shown once."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class LoginSession(Base):
    """A user's log-in, from log-in to log-out or expiry. The browser's cookie carries
    a random id; only its SHA-256 is kept, so the table cannot be used to log in."""

    __tablename__ = "login_session"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(120), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class LoginAttempt(Base):
    """A log-in attempt not (yet) known to have succeeded: what throttles password
    guessing, shared by every process on the database. The username is kept as its
    SHA-256 (people type passwords into the username field)."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_user", "user_hash", "attempted_at"),
        Index("ix_login_attempt_address", "address", "attempted_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_hash: Mapped[str] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(64))
    attempted_at: Mapped[datetime]


class UserProfile(Base):
    """Who a user is: name, e-mail, units, roles, and whether they may log in.

    Empty until an admin first changes a user: then every user of units.yaml is copied
    here in the same transaction, and from then on this table is the source (units.yaml
    stays the seed). ``revision`` grows with each change, so that every process sees
    a change by the sum of revisions, even two changes within one clock tick.
    """

    __tablename__ = "user_profile"
    username: Mapped[str] = mapped_column(String(120), primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    units: Mapped[list[Any]]
    roles: Mapped[list[Any]]
    is_active: Mapped[bool]
    revision: Mapped[int]
    updated_at: Mapped[datetime]


class AuditEntry(Base):
    """One administrative change: who did what to which target, when. Written by
    :func:`engine.audit.record` in the transaction of the change itself."""

    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    recorded_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(255))
    detail: Mapped[dict[str, Any]]

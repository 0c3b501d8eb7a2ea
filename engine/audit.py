"""The audit log: every administrative change, who made it, when and to what.

A command that changes something an administrator answers for (users, passwords,
tokens, sessions, designers' drafts, deployments, migrations, an instance's status, a
retried incident, a task given to someone) calls :func:`record` with its own session,
so the entry is committed with the change or not at all: the log cannot claim a change that was
rolled back, nor miss one that was committed. The log is only appended to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from engine.account_models import AuditEntry
from engine.clock import Clock
from engine.paging import Keyset, Page, PageRequest, fetch_page

__all__ = ["ACTIONS", "AuditEntryView", "AuditTrail", "audit_page", "record"]

ACTIONS = (
    "user_created",
    "user_updated",
    "password_reset",
    "password_changed",
    "sessions_ended",
    "token_created",
    "token_revoked",
    "draft_saved",
    "draft_discarded",
    "deployed",
    "instances_migrated",
    "instance_suspended",
    "instance_resumed",
    "instance_cancelled",
    "incident_retried",
    "task_assigned",
    "claim_released",
)
"""What an entry may say was done; the web layer words each one."""

_entry = AuditEntry.__table__.c
NEWEST_FIRST = Keyset.of(_entry.id, descending=True)
"""Ids grow with each entry, so the newest entry has the highest id."""


@dataclass(frozen=True)
class AuditEntryView:
    id: int
    recorded_at: datetime
    actor: str
    action: str
    target: str
    detail: dict[str, Any]

    @classmethod
    def of(cls, row: Row[Any]) -> AuditEntryView:
        return cls(row.id, row.recorded_at, row.actor, row.action, row.target, row.detail)


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    target: str,
    now: datetime,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Append an entry in the caller's transaction. ``detail`` must be JSON and must
    never hold a secret (a password, a token): the log is read by people."""
    if action not in ACTIONS:
        raise ValueError(f"no audit action '{action}'")
    entry = AuditEntry(
        recorded_at=now, actor=actor, action=action, target=target[:255], detail=dict(detail or {})
    )
    session.add(entry)


class AuditTrail:
    """For the Engine's mixins: :func:`record` at the engine's clock's now."""

    clock: Clock

    def _audit(
        self,
        session: Session,
        actor: str,
        action: str,
        target: str,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        now = self.clock.now()
        record(session, actor=actor, action=action, target=target, now=now, detail=detail)


def audit_page(session: Session, page: PageRequest) -> Page[AuditEntryView]:
    """A page of the log, newest first."""
    query = select(
        _entry.id, _entry.recorded_at, _entry.actor, _entry.action, _entry.target, _entry.detail
    )
    return fetch_page(session.connection(), query, NEWEST_FIRST, page).map(AuditEntryView.of)

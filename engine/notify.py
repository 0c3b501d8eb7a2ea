"""Notifications: in the application, and by e-mail through an outbox.

Whoever decides to notify (a deadline firing) writes the in-app notification and
the e-mail's outbox row in its own transaction, so a notification exists exactly
when its cause is recorded. Sending is a separate step: each outbox row is claimed,
sent over SMTP and marked ``sent_at`` in one transaction. An SMTP failure is written
on the row and retried later with back-off; it is neither lost nor repeated. (A crash
between the SMTP server accepting a message and the COMMIT would resend it once:
SMTP offers no way to make that step atomic.)

Who receives a notification comes from a :class:`Directory`; the organisation in
``processes/units.yaml`` is one (:class:`OrganisationDirectory`).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from engine.claims import drain
from engine.errors import GovflowError
from engine.models import Notification, OutboxEmail
from engine.settings import Settings
from engine.store import Database
from engine.units import Organisation, User

__all__ = [
    "Directory",
    "Notifier",
    "OrganisationDirectory",
    "Recipient",
    "SendReport",
    "head_target",
    "overseers_target",
    "send_mail",
]

log = logging.getLogger(__name__)

_MAX_BACKOFF = timedelta(hours=1)
_FIRST_BACKOFF = timedelta(seconds=30)


@dataclass(frozen=True)
class Recipient:
    username: str
    email: str | None


class Directory(Protocol):
    def recipients_for(self, target: str) -> list[Recipient]:
        """The people behind ``target``: a unit code, ``head:CODE`` for its head, or
        ``overseers:CODE`` for its head and supervisors."""
        ...


def head_target(unit: str) -> str:
    return f"head:{unit}"


def overseers_target(unit: str) -> str:
    """Where an escalation to ``unit`` goes: those who answer for it, not its staff."""
    return f"overseers:{unit}"


class OrganisationDirectory:
    """Recipients from the organisation; an unknown code has nobody (logged).

    ``organisation`` is asked each time, so that a user an admin changed gets (or no
    longer gets) what is sent after the change."""

    def __init__(self, organisation: Callable[[], Organisation]) -> None:
        self.organisation = organisation

    def recipients_for(self, target: str) -> list[Recipient]:
        organisation = self.organisation()
        try:
            if target.startswith("head:"):
                head = organisation.head_of(target.removeprefix("head:"))
                users: tuple[User, ...] = (head,) if head else ()
            elif target.startswith("overseers:"):
                users = organisation.overseers_of(target.removeprefix("overseers:"))
            else:
                users = organisation.members_of(target)
        except GovflowError as exc:
            log.warning("no recipients for %s: %s", target, exc.message)
            return []
        return [Recipient(user.username, user.email or None) for user in users]


@dataclass(frozen=True)
class SendReport:
    sent: int = 0
    failed: int = 0


class Notifier:
    def __init__(self, db: Database, settings: Settings, directory: Directory) -> None:
        self.db = db
        self.settings = settings
        self.directory = directory

    def notify(
        self,
        session: Session,
        target: str,
        *,
        kind: str,
        subject: str,
        message: str,
        now: datetime,
        instance_id: int | None = None,
        task_id: str | None = None,
    ) -> list[Notification]:
        """Write the in-app notifications and the outbox e-mails for ``target``.

        Each person behind the target gets one of each; a target with nobody behind
        it (no users loaded) still gets one in-app notification addressed to itself.
        """
        people = self.directory.recipients_for(target)
        addressees = [(p.username, "user", p.email) for p in people] or [(target, "unit", None)]
        notifications = []
        for recipient, recipient_kind, email in addressees:
            notification = Notification(
                recipient=recipient,
                recipient_kind=recipient_kind,
                kind=kind,
                instance_id=instance_id,
                task_id=task_id,
                message=message,
                created_at=now,
            )
            session.add(notification)
            notifications.append(notification)
            if email:
                session.flush()  # the e-mail row points at the notification
                session.add(_outbox_row(notification, email, subject, now))
        return notifications

    @property
    def sends_mail(self) -> bool:
        return bool(self.settings.smtp_host)

    def send_due(self, now: datetime) -> SendReport:
        """Send every e-mail due for an attempt; nothing when no SMTP host is set."""
        if not self.sends_mail:
            return SendReport()
        failures: list[int] = []

        def send(session: Session, outbox_id: int) -> bool:
            row = session.get(OutboxEmail, outbox_id, populate_existing=True)
            if row is None or row.sent_at is not None:
                return False
            try:
                self._deliver(row)
            except (OSError, smtplib.SMTPException) as exc:
                _record_failure(row, exc, now)
                failures.append(outbox_id)
                return False
            row.sent_at, row.attempts = now, row.attempts + 1
            return True

        sent = drain(self.db, lambda excluded: _due_mail(now, excluded), send, lock_of=OutboxEmail)
        return SendReport(sent=sent, failed=len(failures))

    def next_due_at(self, session: Session) -> datetime | None:
        if not self.sends_mail:
            return None
        query = select(func.min(OutboxEmail.next_attempt_at)).where(OutboxEmail.sent_at.is_(None))
        return session.scalar(query)

    def _deliver(self, row: OutboxEmail) -> None:
        send_mail(self.settings, [row.to_address], row.subject, row.body, f"outbox-{row.id}")


def send_mail(settings: Settings, to: list[str], subject: str, body: str, key: str) -> str:
    """Send one plain-text e-mail over the configured SMTP server; its Message-ID.

    ``key`` makes the Message-ID, so a message sent twice (after a crash) is recognisably
    the same message to mail clients that drop duplicates.
    """
    message = EmailMessage()
    message["From"] = settings.smtp_sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Message-ID"] = f"<govflow-{key}@{settings.smtp_host}>"
    message.set_content(body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        smtp.send_message(message)
    return message["Message-ID"]


def _outbox_row(notification: Notification, email: str, subject: str, now: datetime) -> OutboxEmail:
    return OutboxEmail(
        notification_id=notification.id,
        to_address=email,
        subject=subject,
        body=notification.message,
        created_at=now,
        next_attempt_at=now,
        attempts=0,
    )


def _due_mail(now: datetime, excluded: set[int]) -> Select[int]:
    return (
        select(OutboxEmail.id)
        .where(OutboxEmail.sent_at.is_(None), OutboxEmail.next_attempt_at <= now)
        .where(OutboxEmail.id.not_in(excluded))
        .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
    )


def _record_failure(row: OutboxEmail, exc: Exception, now: datetime) -> None:
    """Keep the error and try again later, backing off: 30 s, 1 min, 2 min … 1 h."""
    row.attempts += 1
    row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    row.next_attempt_at = now + min(_FIRST_BACKOFF * 2 ** (row.attempts - 1), _MAX_BACKOFF)
    log.warning(
        "e-mail %s to %s failed (attempt %s): %s",
        row.id,
        row.to_address,
        row.attempts,
        row.last_error,
    )

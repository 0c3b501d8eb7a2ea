"""The focal persons of the plan's task II.7: who receives a unit's tasks first.

II.7 asks every database-owner unit to appoint a focal person for managing and sharing
data (name, e-mail, phone), and its product lists them per unit. From the moment the
latest II.7 instance completes, a task of a unit with a focal person opens assigned to
them: they are first in line. The rest of the unit sees the task in the unit's lists,
not in their inboxes; the focal person passes it back to the whole unit by releasing it,
and the unit's head or a supervisor may give it to someone else. Escalation goes on
by the unit (head, ITC, LEAD) as for any task.

The letter names a person, the organisation knows users: the focal person is the
active member of the unit whose e-mail is the one the letter gives (case ignored).
An e-mail that is no member's, or a unit that appointed nobody (or was cut off),
leaves the unit's tasks to the whole unit, as before II.7.

The appointments are read once and kept, so that opening a task costs no query: this
process forgets them when an II.7 instance completes here, and every node re-reads
them after ``REREAD_AFTER`` (an appointment made through another node reaches this
one within that time).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.models import ProcessInstance
from engine.units import Organisation

__all__ = ["APPOINTING_PROCESS", "REREAD_AFTER", "FocalPersons", "appointed_emails"]

APPOINTING_PROCESS = "one_off_focal_points"
"""The process of II.7 (processes/one_off_focal_points.bpmn)."""
REREAD_AFTER = timedelta(minutes=5)


class FocalPersons:
    """Each unit's focal person as the latest completed II.7 appointed them."""

    def __init__(self, organisation: Callable[[Session], Organisation], clock: Clock) -> None:
        self.organisation = organisation
        """The organisation as ``session`` reads it: its members are who may be appointed."""
        self.clock = clock
        self._read: tuple[datetime, dict[str, str]] | None = None
        """When the appointments were read, and what they were."""

    def first_in_line(self, session: Session, unit: str | None) -> str | None:
        """The username of ``unit``'s focal person; None when it has none (the
        organisation is read only for a unit that has an appointment)."""
        if unit is None:
            return None
        email = self._appointments(session).get(unit)
        if not email:
            return None
        member = self.organisation(session).member_with_email(unit, email)
        return member.username if member else None

    def tasks_changed(self, session: Session, instance: Any, changes: Any, now: datetime) -> None:
        """Runtime hook: an II.7 that has just completed makes the appointments new."""
        if instance.process_key == APPOINTING_PROCESS and instance.status == "completed":
            self._read = None

    def _appointments(self, session: Session) -> dict[str, str]:
        now = self.clock.now()
        if self._read is None or now - self._read[0] >= REREAD_AFTER:
            self._read = (now, appointed_emails(_latest_appointment(session)))
        return self._read[1]


def appointed_emails(variables: Mapping[str, Any] | None) -> dict[str, str]:
    """``{unit: e-mail}`` from II.7's product (``focal_emails``); empty without one."""
    product = (variables or {}).get("product")
    emails = product.get("focal_emails") if isinstance(product, dict) else None
    if not isinstance(emails, dict):
        return {}
    return {str(unit): str(email) for unit, email in emails.items() if email}


def _latest_appointment(session: Session) -> Mapping[str, Any] | None:
    query = (
        select(ProcessInstance.variables)
        .where(
            ProcessInstance.process_key == APPOINTING_PROCESS,
            ProcessInstance.status == "completed",
        )
        .order_by(ProcessInstance.started_at.desc(), ProcessInstance.id.desc())
        .limit(1)
    )
    variables: Mapping[str, Any] | None = session.scalar(query)
    return variables

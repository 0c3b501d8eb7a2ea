"""The outbox: calls to other systems, sent after the command that made them commits.

A service task's call is an :class:`~engine.models.OutboxEntry` written in the same
transaction as the instance state that waits for it, so the two exist together or not
at all. Sending happens after that commit, in three steps, none of which holds a lock
while another system answers:

1. **claim**: due entries of active instances, ``FOR UPDATE SKIP LOCKED`` on
   PostgreSQL (any number of nodes take different entries), a batch per
   transaction; each claimed entry counts an attempt and is leased (its
   ``next_attempt_at`` moves :data:`LEASE` ahead), then the claim commits;
2. **send**: the connector is called with the entry's id as idempotency key;
3. **settle**: success, a permanent error or the last attempt goes into the instance
   as a command (:meth:`engine.runtime.Runtime.settle_call`: the task completes with
   the result, or fails into an incident); any other failure makes the entry due
   again after an exponential back-off.

Nothing is lost: a node that dies before settling leaves the entry leased, and once
the lease runs out another node sends it again. So sending is at least once, and the
idempotency key (the same on every attempt) lets the receiver make it exactly once.
The loop knows entries only by ``kind``, the sender of each kind being a
:class:`Sender`, so other deliveries can share the queue.

Thrown messages and signals (kinds ``message`` and ``signal``) share the claim; their
"send" is their delivery into the receiving instances, which settles the entry in the
same transaction (:mod:`engine.runtime.delivery`), so a second claim after a lease
ran out finds it settled. A message still without a receiver is due again after the
back-off. Their sender may have ended: they are claimed whatever its status.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.connectors import Connector, ConnectorError, ConnectorRequest, load_connector
from engine.errors import GovflowError
from engine.models import OutboxEntry, ProcessInstance
from engine.runtime import Runtime
from engine.runtime.delivery import deliver_event
from engine.runtime.thrown import EVENT_KINDS
from engine.settings import Settings
from engine.statuses import ACTIVE_STATUSES
from engine.store import Database

__all__ = ["LEASE", "ConnectorSender", "Outbox", "OutboxReport", "Outcome"]

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
"""How long a claimed entry is left to the node that claimed it (longer than any call)."""
_MAX_BACKOFF = timedelta(hours=1)
_MAX_DOUBLINGS = 20


@dataclass(frozen=True)
class Claimed:
    """An entry as claimed: all a sender needs, read before the claim commits."""

    id: int
    kind: str
    target: str
    payload: dict[str, Any]
    instance_id: int | None
    element_id: str
    attempts: int


@dataclass(frozen=True)
class Outcome:
    result: Any = None
    error: str | None = None
    permanent: bool = False


@dataclass(frozen=True)
class OutboxReport:
    sent: int = 0
    """Entries whose outcome went into their instance (a result or a final error)."""
    failed: int = 0
    """Attempts that failed and will be tried again."""


class Sender(Protocol):
    def send(self, entry: Claimed) -> Outcome: ...


class ConnectorSender:
    """Sends ``connector`` entries: the service tasks' calls."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.connectors: dict[str, Connector] = {}

    def send(self, entry: Claimed) -> Outcome:
        assert entry.instance_id is not None, "a call always has its service task's instance"
        request = ConnectorRequest(
            str(entry.id), entry.payload, entry.instance_id, entry.element_id
        )
        try:
            result = self._connector(entry.target).call(request)
            json.dumps(result, allow_nan=False)
        except ConnectorError as exc:
            return Outcome(error=exc.message, permanent=exc.permanent)
        except (TypeError, ValueError) as exc:
            return Outcome(error=f"the result is not JSON: {exc}", permanent=True)
        except Exception as exc:  # a connector's own bug: logged, retried, an incident at last
            log.exception("connector %s failed on outbox entry %s", entry.target, entry.id)
            return Outcome(error=f"{type(exc).__name__}: {exc}")
        return Outcome(result=result)

    def _connector(self, name: str) -> Connector:
        if name not in self.connectors:
            self.connectors[name] = load_connector(name, self.settings)
        return self.connectors[name]


class Outbox:
    """Claims, sends and settles due outbox entries; see the module's docstring."""

    def __init__(self, db: Database, runtime: Runtime, clock: Clock, settings: Settings) -> None:
        self.db = db
        self.runtime = runtime
        self.clock = clock
        self.settings = settings
        self.senders: dict[str, Sender] = {"connector": ConnectorSender(settings)}

    def send_due(self) -> OutboxReport:
        """Send every entry due now, a batch at a time, until none is due."""
        sent = failed = 0
        while claimed := self._claim(self.clock.now()):
            for entry in claimed:
                if entry.kind in EVENT_KINDS:
                    settled = self._deliver(entry)
                else:
                    settled = self._settle(entry, self.senders[entry.kind].send(entry))
                sent, failed = sent + settled, failed + (not settled)
        return OutboxReport(sent, failed)

    def next_due_at(self, session: Session) -> datetime | None:
        query = (
            select(func.min(OutboxEntry.next_attempt_at))
            .outerjoin(ProcessInstance, ProcessInstance.id == OutboxEntry.instance_id)
            .where(OutboxEntry.status == "pending", _deliverable())
        )
        return session.scalar(query)

    def _claim(self, now: datetime) -> list[Claimed]:
        query = (
            select(OutboxEntry)
            .outerjoin(ProcessInstance, ProcessInstance.id == OutboxEntry.instance_id)
            .where(OutboxEntry.status == "pending", OutboxEntry.next_attempt_at <= now)
            .where(_deliverable())
            .order_by(OutboxEntry.next_attempt_at, OutboxEntry.id)
            .limit(self.settings.scheduler_batch)
        )
        if not self.db.is_sqlite:  # SKIP LOCKED: two nodes never claim one entry
            query = query.with_for_update(skip_locked=True, of=OutboxEntry)
        with self.db.writing() as session:
            entries = list(session.scalars(query))
            for entry in entries:
                entry.attempts += 1
                entry.next_attempt_at = now + LEASE
            return [
                Claimed(e.id, e.kind, e.target, e.payload, e.instance_id, e.element_id, e.attempts)
                for e in entries
            ]

    def _settle(self, entry: Claimed, outcome: Outcome) -> bool:
        """True when the outcome went into the instance; False when it is tried again."""
        last = outcome.permanent or entry.attempts >= self.settings.outbox_attempts
        if outcome.error is not None and not last:
            self._retry_later(entry, outcome.error)
            return False
        error = None
        if outcome.error is not None:
            error = (
                f"connector '{entry.target}' failed after {entry.attempts} attempt(s): "
                f"{outcome.error}"
            )
        try:
            with self.db.writing() as session:
                self.runtime.settle_call(session, entry.id, result=outcome.result, error=error)
        except GovflowError as exc:  # the instance busy: the lease runs out, it is sent again
            log.warning("outbox entry %s sent but not settled: %s", entry.id, exc.message)
        except Exception:  # one entry's failure must not hold back the others
            log.exception("outbox entry %s sent but not settled", entry.id)
        return True

    def _deliver(self, entry: Claimed) -> bool:
        """Deliver a message or signal; False when it waits for a receiver or failed."""
        lifetime = timedelta(seconds=self.settings.message_lifetime_s)
        try:
            with self.db.writing() as session:
                if deliver_event(self.runtime, session, entry.id, lifetime):
                    return True
            error = f"no receiver for {entry.kind} '{entry.target}' yet"
        except GovflowError as exc:  # a receiver busy: try again after the back-off
            error = exc.message
        except Exception as exc:  # one entry's failure must not hold back the others
            log.exception("outbox entry %s not delivered", entry.id)
            error = f"{type(exc).__name__}: {exc}"
        self._retry_later(entry, error)
        return False

    def _retry_later(self, entry: Claimed, error: str) -> None:
        now = self.clock.now()
        # the doubling stops once past the cap: a message waiting days for its receiver
        # is tried a hundred times, and 2 ** 100 seconds overflows a timedelta
        doublings = min(entry.attempts - 1, _MAX_DOUBLINGS)
        backoff = timedelta(seconds=self.settings.outbox_backoff_s) * 2**doublings
        log.warning("outbox entry %s failed (attempt %s): %s", entry.id, entry.attempts, error)
        with self.db.writing() as session:
            session.execute(
                update(OutboxEntry)
                .where(OutboxEntry.id == entry.id, OutboxEntry.status == "pending")
                .values(next_attempt_at=now + min(backoff, _MAX_BACKOFF), last_error=error[:2000])
            )


def _deliverable() -> ColumnElement[bool]:
    """A call matters while its instance is active; a thrown event whatever its sender."""
    return or_(OutboxEntry.kind.in_(EVENT_KINDS), ProcessInstance.status.in_(ACTIVE_STATUSES))

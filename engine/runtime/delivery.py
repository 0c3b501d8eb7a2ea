"""Handing a thrown message or signal to its receivers, after the sender committed.

One outbox row is delivered in one transaction: the row is locked and read again,
every receiving instance gets the event as a command under its own lock (in id order,
so two deliveries never wait on each other crosswise), new instances start, and the
row becomes ``sent`` in that same transaction. A node whose lease ran out and which
claims the row again finds it settled and does nothing: each event is delivered once.

**Messages** (BPMN 2.0 §9.3, §10.5.4) go to one receiver, in this order:

1. an active instance, not the sender, waiting for the message by name (intermediate
   catch event, receive task, boundary event, event-based gateway branch, event
   subprocess start). When the message carries correlation keys
   (``bpmn:correlationProperty``), SpiffWorkflow's rule picks among them: an instance
   whose own keys differ does not catch it. Without correlation keys, and when the
   sender has a business key, only instances with that business key are asked.
   The oldest such instance catches it;
2. else a new instance of the one process whose start event catches the message,
   with the sender's business key.

With no receiver, the message **waits**: the row stays pending and is tried again
with the outbox's back-off (a receiver may be on its way to its catch event), until
its lifetime (``Settings.message_lifetime_s``) runs out; it then becomes ``expired``,
its sender's history says so (``message_expired``), and it is dropped.

**Signals** (§10.5.4: "broadcast") reach every waiting instance but the sender (which
SpiffWorkflow let catch it already) and start the latest version of every process
whose start event catches them. A signal nobody waits for is simply gone, as the
standard has it.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Conflict
from engine.models import OutboxEntry, ProcessInstance
from engine.queries import latest_definitions
from engine.runtime import rows
from engine.runtime.incidents import step_or_incident
from engine.runtime.spiff_steps import send_event
from engine.runtime.thrown import bpmn_event, catches, starts_on
from engine.runtime.unit_of_work import InstanceRecord, history_row
from engine.statuses import ACTIVE_STATUSES

if TYPE_CHECKING:
    from engine.runtime.commands import Runtime

__all__ = ["deliver_event"]

log = logging.getLogger(__name__)

_ACTOR = "engine"


def deliver_event(runtime: Runtime, session: Session, entry_id: int, lifetime: timedelta) -> bool:
    """Deliver the outbox row ``entry_id`` in ``session``'s transaction.

    True when the row is settled (now or before); False when a message found no
    receiver and waits to be tried again.
    """
    entry = session.get(OutboxEntry, entry_id, with_for_update=not runtime.db.is_sqlite)
    if entry is None or entry.status != "pending":
        return True
    now = runtime.clock.now()
    if entry.kind == "signal":
        _broadcast(runtime, session, entry)
    elif not _send(runtime, session, entry):
        if now - entry.created_at < lifetime:
            return False
        _expire(session, entry, now)
        return True
    entry.status, entry.settled_at = "sent", now
    return True


def _send(runtime: Runtime, session: Session, entry: OutboxEntry) -> bool:
    body = entry.payload
    key = None if body.get("correlations") else body.get("business_key")
    for instance_id in _waiting(runtime, session, entry, business_key=key):
        if _catch(runtime, session, instance_id, entry):
            return True
    starting = _starting(runtime, session, entry)
    if len(starting) != 1:
        if starting:
            log.warning("message '%s' starts %s: not delivered", entry.target, starting)
        return False
    runtime.start_instance(
        session,
        starting[0],
        body["payload"],
        _ACTOR,
        business_key=body.get("business_key"),
        message=entry.target,
    )
    return True


def _broadcast(runtime: Runtime, session: Session, entry: OutboxEntry) -> None:
    for instance_id in _waiting(runtime, session, entry):
        _catch(runtime, session, instance_id, entry)
    for process_key in _starting(runtime, session, entry):
        runtime.start_instance(
            session, process_key, entry.payload["payload"], _actor(entry), signal=entry.target
        )


def _catch(runtime: Runtime, session: Session, instance_id: int, entry: OutboxEntry) -> bool:
    """Give the event to one instance as a command; False when it does not wait for it.

    A busy instance (its lock not granted in time) fails the whole delivery, which is
    tried again: skipping it would lose the event for that instance.
    """
    instance = InstanceRecord.of(runtime.db.lock_instance_row(session, instance_id))
    if instance.status not in ACTIVE_STATUSES:  # ended since the query
        return False
    work = runtime._unit_of_work(session, instance, _actor(entry))
    body = entry.payload
    event = bpmn_event(entry.kind, entry.target, body["payload"], body.get("correlations"))
    try:
        with step_or_incident(work):  # a step after the catch failing: the receiver's incident
            send_event(work.workflow, event, f"instance {instance_id}", work.now)
    except Conflict:  # not waiting for it (its catch event not reached, or left)
        return False
    data = {entry.kind: entry.target, "payload": body["payload"], "outbox_id": entry.id}
    work.record(f"{entry.kind}_received", data={**data, "from_instance": entry.instance_id})
    runtime._advance(work)
    return True


def _actor(entry: OutboxEntry) -> str:
    """Who delivers: the engine, or whoever sent a signal from outside."""
    return str(entry.payload.get("actor") or _ACTOR)


def _waiting(
    runtime: Runtime, session: Session, entry: OutboxEntry, *, business_key: str | None = None
) -> list[int]:
    """Active instances but the sender whose version can wait for the event, oldest first."""
    versions = session.scalars(
        select(ProcessInstance.definition_id)
        .where(ProcessInstance.status.in_(ACTIVE_STATUSES))
        .distinct()
    )
    catching = [
        definition_id
        for definition_id in versions
        if catches(runtime.specs.get(session, definition_id), entry.kind, entry.target)
    ]
    query = (
        select(ProcessInstance.id)
        .where(ProcessInstance.definition_id.in_(catching))
        .where(ProcessInstance.status.in_(ACTIVE_STATUSES))
        .order_by(ProcessInstance.id)
    )
    if entry.instance_id is not None:
        query = query.where(ProcessInstance.id != entry.instance_id)
    if business_key is not None:
        query = query.where(ProcessInstance.business_key == business_key)
    return list(session.scalars(query)) if catching else []


def _starting(runtime: Runtime, session: Session, entry: OutboxEntry) -> list[str]:
    """The processes whose latest version's start event catches the event."""
    return [
        definition.process_key
        for definition in latest_definitions(session)
        if starts_on(runtime.specs.get(session, definition.id), entry.kind, entry.target)
    ]


def _expire(session: Session, entry: OutboxEntry, now: Any) -> None:
    entry.status, entry.settled_at = "expired", now
    entry.last_error = f"no instance or process received message '{entry.target}'"
    if entry.instance_id is not None:
        data = {"message": entry.target, "outbox_id": entry.id}
        rows.append_history(
            session, [history_row(entry.instance_id, now, _ACTOR, "message_expired", data=data)]
        )

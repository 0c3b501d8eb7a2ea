"""Messages and signals an instance throws, on their way to other instances.

SpiffWorkflow catches a thrown event inside its own workflow when it can; what nothing
there catches it keeps in ``workflow.bpmn_events`` for the application, which would
store it with the state forever. Every command therefore drains that list into the
outbox (kind ``message`` or ``signal``) in its own transaction, so the event exists
exactly when the state that threw it does; :mod:`engine.runtime.delivery` hands it to
its receivers after the commit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any
from uuid import uuid4

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from sqlalchemy import insert
from sqlalchemy.orm import Session

from engine.bounds import check_fits
from engine.errors import InvalidInput
from engine.forms import clean_submission
from engine.models import Event, OutboxEntry
from engine.runtime.loading import CompiledDefinition

__all__ = [
    "EVENT_KINDS",
    "bpmn_event",
    "catches",
    "queue_event",
    "queue_signal",
    "queue_thrown",
    "starts_on",
]

EVENT_KINDS = ("message", "signal")
_DEFINITIONS = {"message": MessageEventDefinition, "signal": SignalEventDefinition}


def bpmn_event(
    kind: str, name: str, payload: dict[str, Any], correlations: dict[str, Any] | None = None
) -> BpmnEvent:
    """The Spiff event a receiver catches: a message or signal named ``name``."""
    return BpmnEvent(_DEFINITIONS[kind](name), payload, correlations or {})


def queue_thrown(
    session: Session, workflow: BpmnWorkflow, instance: Any, at: datetime
) -> list[dict[str, Any]]:
    """Move the events nothing inside ``workflow`` caught into the outbox; the rows.

    Other events left there (an error or escalation nothing caught) are dropped: they
    have no receiver outside the instance, and keeping them would grow the state.
    """
    queued = []
    for event in workflow.get_events():
        kind = _kind_of(event)
        if kind is None:
            continue
        body = {
            "payload": _json(event.payload or {}),
            "correlations": _json(event.correlations or {}),
            "business_key": instance.business_key,
        }
        queued.append(
            queue_event(session, kind, event.event_definition.name, body, at, instance.id)
        )
    return queued


def queue_event(
    session: Session,
    kind: str,
    name: str,
    body: dict[str, Any],
    at: datetime,
    sender_id: int | None,
) -> dict[str, Any]:
    """One outbox row carrying a message or signal (``sender_id`` None: from outside)."""
    row = {
        "kind": kind,
        "instance_id": sender_id,
        "task_id": str(uuid4()),
        "element_id": name[:255],
        "target": name[:255],
        "payload": body,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": at,
        "created_at": at,
    }
    row["id"] = session.scalar(insert(OutboxEntry).values(row).returning(OutboxEntry.id))
    return row


def queue_signal(
    session: Session, name: str, payload: Mapping[str, Any], actor: str, at: datetime
) -> int:
    """A signal from outside any instance (a supervisor, another system), queued."""
    if not name.strip():
        raise InvalidInput("a signal needs a name", field="name", rule="required")
    check_fits(name, OutboxEntry.target, "name")
    check_fits(actor, Event.actor, "actor")
    body = {"payload": clean_submission([], payload), "correlations": {}, "actor": actor}
    return int(queue_event(session, "signal", name, body, at, None)["id"])


def catches(compiled: CompiledDefinition, kind: str, name: str) -> bool:
    """Whether an instance of this version can wait for the event (not at its start)."""
    start = set(_top_level_starts(compiled))
    return any(spec not in start for spec in _catching(compiled, kind, name))


def starts_on(compiled: CompiledDefinition, kind: str, name: str) -> bool:
    """Whether a start event of the process itself catches the event."""
    wanted = _DEFINITIONS[kind](name)
    return any(spec.event_definition == wanted for spec in _top_level_starts(compiled))


def _catching(compiled: CompiledDefinition, kind: str, name: str) -> Iterator[Any]:
    wanted = _DEFINITIONS[kind](name)
    for process in (compiled.spec, *compiled.subprocess_specs.values()):
        for spec in process.task_specs.values():
            if isinstance(spec, CatchingEvent) and spec.event_definition == wanted:
                yield spec


def _top_level_starts(compiled: CompiledDefinition) -> Iterator[Any]:
    for spec in compiled.spec.task_specs.values():
        if isinstance(spec, StartEvent):
            yield spec


def _kind_of(event: BpmnEvent) -> str | None:
    for kind, definition in _DEFINITIONS.items():
        if isinstance(event.event_definition, definition):
            return kind
    return None


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))

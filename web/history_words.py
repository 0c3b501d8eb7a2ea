"""An instance's history in words: who (full name and units), did what (a phrase in
the page's language), when, and which data changed (old -> new; documents as links).

The stored history keeps the engine's event kinds (``task_escalated``) and usernames;
this is where they become what a supervisor reads.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext

from engine.units import Organisation
from engine.views import EventView
from web.content_names import person, unit_label

__all__ = ["Change", "HistoryLine", "in_words", "is_document", "value_text"]

_PHRASES = {
    "instance_started": lazy_gettext("started the process"),
    "instance_completed": lazy_gettext("the process was completed"),
    "instance_cancelled": lazy_gettext("cancelled the process"),
    "instance_suspended": lazy_gettext("suspended the process"),
    "instance_resumed": lazy_gettext("resumed the process"),
    "instance_failed": lazy_gettext("the process ended with an error nobody handled"),
    "instance_migrated": lazy_gettext("moved the process to another version"),
    "task_opened": lazy_gettext("the task was opened"),
    "task_claimed": lazy_gettext("took the task"),
    "task_unclaimed": lazy_gettext("gave the task back to the unit"),
    "claim_released": lazy_gettext("took the task back from its claimant"),
    "task_assigned": lazy_gettext("assigned the task"),
    "task_completed": lazy_gettext("completed the task"),
    "task_cancelled": lazy_gettext("the task was withdrawn"),
    "task_reminder_sent": lazy_gettext("a reminder was sent"),
    "task_overdue": lazy_gettext("the task became overdue"),
    "task_escalated": lazy_gettext("the overdue task was referred to the leadership"),
    "incident_raised": lazy_gettext("a step failed"),
    "incident_retried": lazy_gettext("corrected the data and ran the failed step again"),
    "timer_fired": lazy_gettext("the waiting time ended"),
    "message_received": lazy_gettext("a message arrived"),
    "message_expired": lazy_gettext("a message was not awaited any more"),
    "call_queued": lazy_gettext("a call to another system was prepared"),
    "call_answered": lazy_gettext("the other system answered"),
    "call_failed": lazy_gettext("the call to another system failed"),
    "file_attached": lazy_gettext("uploaded a document"),
    "period_started": lazy_gettext("a new period started"),
}


@dataclass(frozen=True)
class Change:
    """One value an event changed; ``old`` is absent (``had_old`` False) when the
    event gives only the new value (a completed task's form)."""

    name: str
    new: Any
    old: Any = None
    had_old: bool = False


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    who: str
    what: str
    element_id: str | None
    changes: list[Change] = field(default_factory=list)


def in_words(organisation: Organisation, events: Iterable[EventView]) -> list[HistoryLine]:
    return [
        HistoryLine(
            event.at,
            person(organisation, event.actor),
            _what(organisation, event),
            event.element_id,
            _changes(organisation, event),
        )
        for event in events
    ]


def _what(organisation: Organisation, event: EventView) -> str:
    to_whom = _to_whom(organisation, event)
    if to_whom is not None:
        return to_whom
    phrase = _PHRASES.get(event.kind)
    text = str(phrase) if phrase is not None else event.kind.replace("_", " ")
    if event.kind == "incident_raised" and event.data.get("message"):
        return f"{text}: {event.data['message']}"
    if event.kind == "instance_migrated" and {"from_version", "to_version"} <= event.data.keys():
        return _(
            "moved the process from version %(old)s to version %(new)s",
            old=event.data["from_version"],
            new=event.data["to_version"],
        )
    return text


def _to_whom(organisation: Organisation, event: EventView) -> str | None:
    """Who a deadline's message went to, for the events that name a recipient: the
    unit's name in the page's language, or its head (``head:ITC``)."""
    recipient = (event.data or {}).get("recipient")
    if not isinstance(recipient, str) or not recipient:
        return None
    if event.kind == "task_escalated":
        if recipient.startswith("head:"):
            head_of = unit_label(organisation, recipient.removeprefix("head:"))
            return _("the overdue task was referred to the head of %(unit)s", unit=head_of)
        return _(
            "the overdue task was referred to %(unit)s",
            unit=unit_label(organisation, recipient),
        )
    if event.kind == "task_reminder_sent":
        return _("a reminder was sent to %(unit)s", unit=unit_label(organisation, recipient))
    return None


def _changes(organisation: Organisation, event: EventView) -> list[Change]:
    data: Mapping[str, Any] = event.data or {}
    if event.kind == "incident_retried":
        changes = data.get("changes", {})
        return [Change(n, c.get("new"), c.get("old"), True) for n, c in changes.items()]
    if event.kind == "task_completed":
        return [Change(name, value) for name, value in data.items()]
    if event.kind in {"task_assigned", "task_claimed", "task_unclaimed", "claim_released"}:
        was, now = data.get("was"), data.get("assignee")
        label = _("Claimed by")
        return [Change(label, person(organisation, now), person(organisation, was), True)]
    if event.kind == "file_attached":
        return [Change(_("Document"), dict(data))]
    return []


def is_document(value: Any) -> bool:
    """A file field's value: the description of a document uploaded to a task."""
    return isinstance(value, Mapping) and {"id", "filename", "sha256"} <= value.keys()


def value_text(value: Any) -> str:
    """A value as the history shows it: text as it is, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

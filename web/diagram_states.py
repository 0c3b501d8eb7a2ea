"""What the diagram marks on each element of an instance, and what a click on one shows.

Each element gets the state that matters most to a supervisor: ``incident`` (its step
failed), ``overdue`` (an open task past its due time), ``active`` (an open task, or a
token waiting), ``completed`` (it ran). ``tokens`` counts its open tasks when there
are several (a multi-instance task, one per unit).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from engine.views import EventView, InstanceView, TaskView

__all__ = ["ElementState", "element_states", "states_json", "tasks_by_element"]

_RAN = {"task_completed", "timer_fired", "message_received", "call_answered"}
_PRIORITY = {"completed": 0, "active": 1, "overdue": 2, "incident": 3}


@dataclass(frozen=True)
class ElementState:
    state: str
    tokens: int = 0


def element_states(
    instance: InstanceView, history: Iterable[EventView], now: datetime
) -> dict[str, ElementState]:
    """The state of every element with something to show, by element id."""
    states: dict[str, ElementState] = {}

    def mark(element_id: str | None, state: str, tokens: int = 0) -> None:
        if not element_id:
            return
        known = states.get(element_id)
        if known is None or _PRIORITY[state] >= _PRIORITY[known.state]:
            states[element_id] = ElementState(state, max(tokens, known.tokens if known else 0))

    for event in history:
        if event.kind in _RAN:
            mark(event.element_id, "completed")
    open_counts = Counter(task.element_id for task in instance.open_tasks)
    for task in instance.open_tasks:
        overdue = task.is_overdue(now)
        mark(task.element_id, "overdue" if overdue else "active", open_counts[task.element_id])
    for incident in instance.incidents:
        mark(incident.element_id, "incident")
    return states


def states_json(states: dict[str, ElementState]) -> str:
    """The states as the page's diagram script reads them (a data attribute)."""
    return json.dumps({key: {"state": s.state, "tokens": s.tokens} for key, s in states.items()})


def tasks_by_element(tasks: Iterable[TaskView]) -> dict[str, list[TaskView]]:
    """Every task of the instance (any status) under its element, for the side panel."""
    found: dict[str, list[TaskView]] = {}
    for task in tasks:
        found.setdefault(task.element_id, []).append(task)
    return found

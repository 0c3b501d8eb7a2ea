"""Starting an instance of a process whose start event is a timer.

A timer start event means "the engine starts this when the time comes": the
scheduler (engine.periodic) decides when, once per period, and then starts the
instance. Left to itself, Spiff would make the new instance wait for the timer, and
with a cycle it would loop inside that one instance. So a started instance has its
timer start event fired at once: it begins its work, exactly once.

A process may also start on a message or a signal (III.1: its yearly timer, or the
request of the Ministry of Information and Communications). Each start is then alone:
started by its timer, the instance waits for none of its other start events; started
by an event, its none and timer start events are skipped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.simple import NoneEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.util.task import TaskState

from engine.runtime.spiff import spiff_time
from engine.runtime.spiff_steps import send_event
from engine.runtime.thrown import bpmn_event

__all__ = ["fire_start_timers", "skip_unevented_starts", "take_start"]


def take_start(
    workflow: BpmnWorkflow,
    *,
    message: str | None,
    signal: str | None,
    payload: dict[str, Any],
    now: datetime,
    process_label: str,
) -> None:
    """Begin a new workflow at the start event that fits: its timer starts when no
    message or signal started it; else only the start event catching that event,
    which gets ``payload``."""
    if message is None and signal is None:
        fire_start_timers(workflow)
        return
    kind, name = ("message", message) if message is not None else ("signal", str(signal))
    skip_unevented_starts(workflow, name)
    with spiff_time(now):
        workflow.do_engine_steps()  # up to the event's start event, which waits
    send_event(workflow, bpmn_event(kind, name, payload), process_label, now)


def fire_start_timers(workflow: BpmnWorkflow) -> None:
    """Mark the timer start events of a new workflow as fired, before its first step."""
    for task in workflow.get_tasks():
        spec = task.task_spec
        if isinstance(spec, StartEvent) and isinstance(spec.event_definition, TimerEventDefinition):
            _only_start(task)
            spec.event_definition.catch(task)
            if isinstance(spec.event_definition, CycleTimerEventDefinition):
                _add_successors_once(task)


def skip_unevented_starts(workflow: BpmnWorkflow, event_name: str) -> None:
    """Keep only the start events catching the message or signal ``event_name``: the
    new workflow starts on it, not by hand nor by a timer."""
    for task in workflow.get_tasks(state=TaskState.NOT_FINISHED_MASK):
        spec = task.task_spec
        if not isinstance(spec, StartEvent):
            continue
        definition = spec.event_definition
        unevented = isinstance(definition, NoneEventDefinition | TimerEventDefinition)
        if unevented or definition.name != event_name:
            task.cancel()
        else:
            _make_definite(task)


def _only_start(task: Any) -> None:
    """Make the timer start event the instance's one start: its sibling start events are
    cancelled, and the start no longer merely predicted (Spiff predicts each of several)."""
    siblings = task.parent.children if task.parent is not None else []
    for sibling in siblings:
        if sibling is not task and isinstance(sibling.task_spec, StartEvent):
            sibling.cancel()
    _make_definite(task)


def _make_definite(task: Any) -> None:
    """Spiff predicts each of several start events (``MAYBE``), and their successors with
    them; the one that starts the instance, and what follows it, become definite."""
    if task.has_state(TaskState.PREDICTED_MASK):
        task._set_state(TaskState.FUTURE)
    for child in task.children:
        if child.has_state(TaskState.PREDICTED_MASK):
            child._set_state(TaskState.FUTURE)
            child.task_spec._predict(child, mask=TaskState.NOT_FINISHED_MASK)


def _add_successors_once(task: Any) -> None:
    """Spiff gives a cycle event its successors per occurrence (as its own
    ``CycleTimerEventDefinition.update_task`` does); this instance has exactly one."""
    if task.children:
        return
    for output in task.task_spec.outputs:
        child = task._add_child(output, TaskState.FUTURE)
        child.task_spec._predict(child, mask=TaskState.NOT_FINISHED_MASK)

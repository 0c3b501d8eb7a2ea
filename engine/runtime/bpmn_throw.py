"""A BPMN error or escalation a script throws, thrown from its task as BPMN says.

BPMN 2.0 §10.5.3 (Error) and §10.5.4 (Escalation): the event goes to the innermost
catcher of its code (a boundary event of the task or an enclosing subprocess, an
event subprocess), a catcher without a code catching every code. An error nobody
catches ends the instance (``failed``); an escalation nobody catches has no effect.

SpiffWorkflow throws these only from end and intermediate throw events; here the
script's task throws, through the same event manager, and what the catchers did
decides how the task itself ends.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import (
    ErrorEventDefinition,
    EscalationEventDefinition,
)
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.util.task import TaskState

from engine.definitions.event_scopes import UncaughtBpmnError
from engine.scripting import ThrownBpmnEvent

__all__ = ["UncaughtBpmnError", "throw_from_task"]


def throw_from_task(task: Any, thrown: ThrownBpmnEvent) -> bool | None:
    """Throw ``thrown`` from ``task``; what the task's run returns.

    None (the task waits, and the interrupting catcher cancels it) when an
    interrupting catcher took it; True (the task completes) for an escalation taken
    by non-interrupting catchers or by none. Raises UncaughtBpmnError for an error
    nobody took.
    """
    kind = ErrorEventDefinition if thrown.kind == "error" else EscalationEventDefinition
    payload = {**deepcopy(task.data), thrown.kind: {"code": thrown.code, "message": thrown.message}}
    event = BpmnEvent(kind(thrown.code, thrown.code), payload=payload, target=task.workflow)
    top = task.workflow.top_workflow
    waiting = [t for t in top.event_manager.tasks.values() if t.state == TaskState.WAITING]
    before = set(top.subprocesses)
    try:
        top.catch(event)
    except UncaughtBpmnError:
        raise UncaughtBpmnError(thrown.code, thrown.message, task) from None
    catchers = [t for t in waiting if t.state != TaskState.WAITING or _fired(t)]
    catchers += _started_event_subprocesses(top, before)
    if event in top.bpmn_events:  # nobody caught it: Spiff keeps it for the caller
        top.bpmn_events.remove(event)
    if any(_interrupts(t) for t in catchers):
        return None
    if catchers or thrown.kind == "escalation":
        return True
    raise UncaughtBpmnError(thrown.code, thrown.message, task)


def _started_event_subprocesses(top: Any, before: set[Any]) -> list[Any]:
    """The start events of the event subprocesses the throw started (Spiff creates
    them as it catches, so they were not waiting before)."""
    return [
        task
        for key in top.subprocesses.keys() - before
        for task in top.subprocesses[key].get_tasks(state=TaskState.READY)
        if hasattr(task.task_spec, "interrupting")
    ]


def _fired(task: Any) -> bool:
    return bool(task._get_internal_data("event_fired", False))


def _interrupts(task: Any) -> bool:
    """A boundary event cancelling its activity, an interrupting event subprocess."""
    spec = task.task_spec
    return bool(getattr(spec, "cancel_activity", getattr(spec, "interrupting", True)))

"""Conditional events whose condition already holds when their scope is entered.

BPMN 2.0 §10.5.2 (Conditional) and §13.4.6 (boundary events) / §10.3.4 (event
subprocesses): a conditional boundary event is active while its activity runs, and
a conditional start event of an event subprocess while its enclosing (sub)process
runs; when the condition holds as the activity or the scope starts, the event is
triggered then, before anything inside has run. An interrupting one cancels the
activity or scope before its first task. SpiffWorkflow never evaluates such a
catcher as it is entered, and :mod:`engine.runtime.conditions` evaluates waiting ones
only once all steps have run, by when the scope had done its work.
:class:`~engine.definitions.serializer.BroadcastingWorkflow` calls
:func:`fire_on_entry` before each step.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.event_definitions.conditional import ConditionalEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.util.task import TaskState

from engine.definitions.event_scopes import start_handler

__all__ = ["condition_holds", "fire_on_entry"]

_CHECKED = "condition_checked_on_entry"
"""Internal data marking a catcher (or a scope's task) whose entry was evaluated."""

_HAS_CONDITIONAL_CATCHERS: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()
"""Per top-level spec (cached per definition version): whether it or any of its
subprocess specs has a conditional boundary or start event; most have none, and for
them the search of every step is skipped."""


def condition_holds(task: Any, expression: str, names: Mapping[str, Any]) -> bool:
    """Whether ``expression`` holds over ``names``; a failing condition is the task's error."""
    try:
        return bool(task.workflow.script_engine.environment.evaluate(expression, dict(names)))
    except Exception as exc:
        raise WorkflowTaskException(
            f"the condition {expression!r} failed", task=task, exception=exc
        ) from exc


def fire_on_entry(top: Any) -> list[Any]:
    """Make ready each conditional catcher and start each conditional event subprocess
    entered since the last call whose condition holds; the catchers made ready."""
    if not _has_conditional_catchers(top):
        return []
    fired = [task for task in _entered_catchers(top) if _holds_on_entry(task)]
    for task in fired:
        if task.state == TaskState.WAITING:
            task._ready()
    for scope in list(top.get_active_subprocesses()):
        fired += _start_conditional_handlers(top, scope)
    return fired


def _has_conditional_catchers(top: Any) -> bool:
    known = _HAS_CONDITIONAL_CATCHERS.get(top.spec)
    if known is None:
        specs = (top.spec, *top.subprocess_specs.values())
        known = any(_is_conditional_catcher(s) for p in specs for s in p.task_specs.values())
        _HAS_CONDITIONAL_CATCHERS[top.spec] = known
    return known


def _is_conditional_catcher(task_spec: Any) -> bool:
    return isinstance(task_spec, (BoundaryEvent, StartEvent)) and isinstance(
        task_spec.event_definition, ConditionalEventDefinition
    )


def _entered_catchers(top: Any) -> list[Any]:
    """Conditional catchers not seen before: waiting, or made ready by Spiff's own
    evaluation as the token arrived (which would then wait for the scope's steps)."""
    entered = [
        task
        for task in top.get_tasks(state=TaskState.WAITING | TaskState.READY)
        if _is_conditional_catcher(task.task_spec) and not task._get_internal_data(_CHECKED)
    ]
    for task in entered:
        task._set_internal_data(**{_CHECKED: True})
    return entered


def _holds_on_entry(task: Any) -> bool:
    if task.state == TaskState.READY:
        return True
    return condition_holds(task, task.task_spec.event_definition.expression, task.data)


def _start_conditional_handlers(top: Any, scope: Any) -> list[Any]:
    """Start the conditional event subprocesses of an embedded subprocess just entered
    (Spiff starts only those of the top process) whose condition holds."""
    owner = top.get_task_from_id(scope.parent_task_id) if scope.parent_task_id else None
    if owner is None or owner._get_internal_data(_CHECKED):
        return []
    owner._set_internal_data(**{_CHECKED: True})
    started = []
    for definition in _conditional_starts(top, scope):
        if condition_holds(owner, definition.expression, owner.data):
            event = BpmnEvent(definition)
            handler = start_handler(top, scope, event)
            if handler is not None:
                handler._set_internal_data(**{_CHECKED: True})
                handler.task_spec.catch(handler, event)
                handler.task_spec._update(handler)
                started.append(handler)
    return started


def _conditional_starts(top: Any, scope: Any) -> list[ConditionalEventDefinition]:
    return [
        start.event_definition
        for name in getattr(scope.spec.start, "trigger_specs", [])
        if (spec := top.subprocess_specs.get(name)) is not None
        for start in spec.bpmn_start_events
        if isinstance(start.event_definition, ConditionalEventDefinition)
    ]

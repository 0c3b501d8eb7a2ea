"""Where a thrown event goes, and when its catcher acts, as BPMN 2.0 says.

SpiffWorkflow 3.2 differs from the standard in three ways this module corrects for
:class:`~engine.definitions.serializer.BroadcastingWorkflow`:

* It starts event subprocesses only of the top process (``update_collaboration``):
  one inside an embedded subprocess never started. BPMN 2.0 §10.3.4 (Event
  Sub-Processes) puts an event subprocess in the scope of its enclosing subprocess,
  and §10.5.3 / §10.5.4 have an error or escalation go to the innermost scope that
  catches it. :func:`catch_in_scope` starts the matching event subprocess of that
  scope; :func:`start_scoped_handlers` does it for broadcast events (signals,
  messages) in every running subprocess.
* An error end or throw event nobody caught was kept for the application and the
  process went on. §10.5.3: an uncaught error ends the process abnormally;
  :func:`raise_if_uncaught` raises :class:`UncaughtBpmnError`, whose instance fails.
* It runs each subprocess to its end before the steps of its parent, so an
  interrupting boundary event on a subprocess that caught a signal or escalation
  thrown inside it fired only after the subprocess had done everything else.
  §10.5.4: an interrupting catch cancels the activity at once.
  :func:`run_interrupting` runs such catchers before anything else.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import ErrorEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.simple import CancelEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.util.task import TaskState

__all__ = [
    "UncaughtBpmnError",
    "catch_in_scope",
    "interrupting_catchers",
    "interrupting_starts",
    "raise_if_uncaught",
    "run_interrupting",
    "start_handler",
    "start_scoped_handlers",
]


class UncaughtBpmnError(Exception):
    """A BPMN error no catcher took: the instance fails (not an incident to retry)."""

    def __init__(self, code: str, message: str, task: Any) -> None:
        super().__init__(f"uncaught BPMN error {code}" + (f": {message}" if message else ""))
        self.code, self.message, self.task = code, message, task


def catch_in_scope(top: Any, event: Any) -> bool:
    """Give an error or escalation (an event with a target scope) to an event
    subprocess of the innermost embedded subprocess that has no other catcher for it;
    whether one took it (else Spiff's own walk up the scopes goes on)."""
    scope = event.target
    while scope is not None and scope is not top:
        if any(_catches(task, event) for task in _waiting_in(top, scope)):
            return False
        started = start_handler(top, scope, event)
        if started is not None:
            started.task_spec.catch(started, event)
            started.task_spec._update(started)
            return True
        scope = scope.parent_workflow
    return False


def start_scoped_handlers(top: Any, event: Any) -> None:
    """Start, in every running embedded subprocess, the event subprocess whose start
    catches this broadcast event; Spiff's catch then hands the event to it."""
    for scope in list(top.get_active_subprocesses()):
        if not any(_catches(task, event) for task in _waiting_in(top, scope, nested=True)):
            start_handler(top, scope, event)


def raise_if_uncaught(top: Any, event: Any) -> None:
    """§10.5.3: an error that reached no catcher ends the process (Spiff kept it in
    ``bpmn_events`` for the application)."""
    definition = event.event_definition
    if isinstance(definition, ErrorEventDefinition) and event in top.bpmn_events:
        top.bpmn_events.remove(event)
        raise UncaughtBpmnError(definition.code or definition.name or "", "", None)


def interrupting_catchers(top: Any) -> list[Any]:
    """The interrupting boundary events now waiting: those a catch may make ready."""
    return [
        task
        for task in top.event_manager.tasks.values()
        if isinstance(task.task_spec, BoundaryEvent)
        and task.task_spec.cancel_activity
        # a transaction's cancel boundary event waits for the compensation Spiff runs
        and not isinstance(task.task_spec.event_definition, CancelEventDefinition)
    ]


def interrupting_starts(top: Any) -> list[Any]:
    """The start events of interrupting event subprocesses a catch made ready."""
    return [
        task
        for scope in top.get_active_subprocesses()
        for task in scope.get_tasks(state=TaskState.READY)
        if getattr(task.task_spec, "interrupting", False)
    ]


def run_interrupting(candidates: list[Any]) -> int:
    """Run those of ``candidates`` that caught their event (and empty the list), so
    that what they interrupt is cancelled before any other step of it runs; how many
    ran."""
    ready = [task for task in candidates if task.state == TaskState.READY]
    candidates.clear()
    ran = 0
    for task in ready:
        if task.state == TaskState.READY:
            task.run()
            ran += 1
    return ran


def _waiting_in(top: Any, scope: Any, nested: bool = False) -> list[Any]:
    tasks = [t for t in top.event_manager.tasks.values() if t.state == TaskState.WAITING]
    if nested:
        return [t for t in tasks if t.workflow.parent_workflow is scope]
    return [t for t in tasks if t.workflow is scope]


def _catches(task: Any, event: Any) -> bool:
    return bool(task.task_spec.catches(task, event))


def start_handler(top: Any, scope: Any, event: Any) -> Any:
    """Start the event subprocess of ``scope`` whose start event catches ``event``;
    its start task, waiting for the event, or None when no event subprocess of the
    scope catches it."""
    start = scope.spec.start
    for name in getattr(start, "trigger_specs", []):
        spec = top.subprocess_specs.get(name)
        if spec is None or not any(
            s.event_definition == event.event_definition for s in spec.bpmn_start_events
        ):
            continue
        child_id = start.trigger_wf(scope.task_tree, name)
        trigger = scope.get_task_from_id(child_id)
        _predict_to_end(trigger)
        handler = top.subprocesses.get(child_id)
        if handler is None:
            continue
        for task in handler.get_tasks(state=TaskState.WAITING):
            if _catches(task, event):
                return task
    return None


def _predict_to_end(trigger: Any) -> None:
    """Give a started event subprocess its way to its scope's end (Spiff adds it only
    for event subprocesses of the top process), so that the scope ends after it."""
    trigger._sync_children(trigger.task_spec.outputs, TaskState.FUTURE)
    for child in trigger.children:
        child.task_spec._predict(child, mask=TaskState.FUTURE | TaskState.PREDICTED_MASK)

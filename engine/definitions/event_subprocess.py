"""Event subprocesses as BPMN 2.0 §10.3.4 says, where SpiffWorkflow 3.2 falls short.

* Its start event parser reads message, signal, timer and conditional triggers only:
  an error or escalation start event became a start without a trigger, which ran as
  soon as the process did. :class:`EventStartParser` reads those two as well.
* An event subprocess waiting for its timer kept its process from ending, forever
  for a repeating timer: :func:`end_idle_event_subprocesses` ends those that never
  started once the rest of the process is done.
* It ignores ``isInterrupting``: every event subprocess ran beside the process. A
  :class:`EventStart` that is interrupting (the default, as in the standard) cancels
  the rest of the enclosing process when it fires; the process then ends with the
  event subprocess.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.parser.event_parsers import (
    CONDITIONAL_EVENT_XPATH,
    ERROR_EVENT_XPATH,
    ESCALATION_EVENT_XPATH,
    MESSAGE_EVENT_XPATH,
    SIGNAL_EVENT_XPATH,
    TIMER_EVENT_XPATH,
    StartEventParser,
)
from SpiffWorkflow.bpmn.serializer.default.task_spec import EventConverter
from SpiffWorkflow.bpmn.specs.control import _EndJoin
from SpiffWorkflow.bpmn.specs.defaults import StartEvent
from SpiffWorkflow.util.task import TaskState

__all__ = ["EventStart", "EventStartConverter", "EventStartParser", "end_idle_event_subprocesses"]

_TRIGGERS = [
    MESSAGE_EVENT_XPATH,
    SIGNAL_EVENT_XPATH,
    TIMER_EVENT_XPATH,
    CONDITIONAL_EVENT_XPATH,
    ERROR_EVENT_XPATH,
    ESCALATION_EVENT_XPATH,
]


class EventStart(StartEvent):
    """A start event that knows whether it interrupts (only an event subprocess's can)."""

    def __init__(
        self,
        wf_spec: Any,
        bpmn_id: str,
        event_definition: Any,
        interrupting: bool = False,
        **kw: Any,
    ) -> None:
        super().__init__(wf_spec, bpmn_id, event_definition, **kw)
        self.interrupting = interrupting

    def _run_hook(self, my_task: Any) -> Any:
        result = super()._run_hook(my_task)
        if self.interrupting:
            _interrupt_enclosing(my_task.workflow)
        return result


def _interrupt_enclosing(workflow: Any) -> None:
    """Cancel what the process enclosing this event subprocess still has to do."""
    parent = workflow.parent_workflow
    if parent is None:
        return
    handler = parent.get_task_from_id(workflow.parent_task_id)
    if handler is None:
        return
    keep = {handler.id} | {task.id for task in handler} | _ancestor_ids(handler)
    for task in parent.get_tasks(state=TaskState.NOT_FINISHED_MASK):
        # get_tasks walks the subprocesses too: only the enclosing process's own
        mine = task.workflow is parent
        if mine and task.id not in keep and not task.has_state(TaskState.FINISHED_MASK):
            task.cancel()


def _ancestor_ids(task: Any) -> set[Any]:
    ids = set()
    while task.parent is not None:
        task = task.parent
        ids.add(task.id)
    return ids


def end_idle_event_subprocesses(workflow: Any) -> bool:
    """Cancel the event subprocesses that only wait to start in a process whose end
    waits for nothing else; whether any was (run the engine steps again then).

    BPMN 2.0 §10.3.4: an event subprocess belongs to its process's run; one that has
    not started does not keep the process alive.
    """
    if not workflow.subprocesses:  # the common case, without walking the tree
        return False
    ended = False
    for end in workflow.get_tasks(state=TaskState.WAITING):
        if isinstance(end.task_spec, _EndJoin):
            ended |= _end_idle_handlers(end)
    return ended


def _end_idle_handlers(end: Any) -> bool:
    process = end.workflow
    pending = [
        task
        for task in process.get_tasks(state=TaskState.NOT_FINISHED_MASK)
        if task.workflow is process and task is not end
    ]
    idle = [task for task in pending if _only_waits_to_start(task)]
    allowed = {task.id for root in [end, *idle] for task in root}
    if not idle or any(task.id not in allowed for task in pending):
        return False
    for handler in idle:
        handler.cancel()
    end.task_spec._update(end)
    return True


def _only_waits_to_start(task: Any) -> bool:
    subprocess = task.workflow.top_workflow.subprocesses.get(task.id)
    if subprocess is None or not task.has_state(TaskState.STARTED):
        return False
    pending = subprocess.get_tasks(state=TaskState.NOT_FINISHED_MASK)
    return bool(pending) and all(
        isinstance(t.task_spec, EventStart) and t.state == TaskState.WAITING for t in pending
    )


class EventStartParser(StartEventParser):
    """Spiff's start event parser, reading every trigger an event subprocess may have."""

    def create_task(self) -> EventStart:
        definition = self.get_event_definition(_TRIGGERS)
        task = self._create_task(definition)
        container = self.node.getparent()
        in_event_subprocess = container is not None and container.get("triggeredByEvent") == "true"
        task.interrupting = in_event_subprocess and self.node.get("isInterrupting") != "false"
        self.spec.start.connect(task)
        return task


class EventStartConverter(EventConverter):
    def to_dict(self, spec: EventStart) -> dict[str, Any]:
        return {**super().to_dict(spec), "interrupting": spec.interrupting}

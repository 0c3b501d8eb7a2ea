"""Starting an instance of a process whose start event is a timer.

A timer start event means "the engine starts this when the time comes": the
scheduler (engine.periodic) decides when, once per period, and then starts the
instance. Left to itself, Spiff would make the new instance wait for the timer, and
with a cycle it would loop inside that one instance. So a started instance has its
timer start event fired at once: it begins its work, exactly once.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.simple import NoneEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.util.task import TaskState

__all__ = ["fire_start_timers", "skip_none_starts"]


def fire_start_timers(workflow: BpmnWorkflow) -> None:
    """Mark the timer start events of a new workflow as fired, before its first step."""
    for task in workflow.get_tasks():
        spec = task.task_spec
        if isinstance(spec, StartEvent) and isinstance(spec.event_definition, TimerEventDefinition):
            spec.event_definition.catch(task)
            if isinstance(spec.event_definition, CycleTimerEventDefinition):
                _add_successors_once(task)


def skip_none_starts(workflow: BpmnWorkflow) -> None:
    """Cancel a new workflow's none start events: it starts on a message or signal."""
    for task in workflow.get_tasks(state=TaskState.NOT_FINISHED_MASK):
        spec = task.task_spec
        if isinstance(spec, StartEvent) and isinstance(spec.event_definition, NoneEventDefinition):
            task.cancel()


def _add_successors_once(task: Any) -> None:
    """Spiff gives a cycle event its successors per occurrence (as its own
    ``CycleTimerEventDefinition.update_task`` does); this instance has exactly one."""
    if task.children:
        return
    for output in task.task_spec.outputs:
        child = task._add_child(output, TaskState.FUTURE)
        child.task_spec._predict(child, mask=TaskState.NOT_FINISHED_MASK)

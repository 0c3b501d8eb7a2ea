"""What a live workflow looks like from outside: its open human tasks and waiting timers.

After every command the runtime compares these with the derived rows of the instance
and writes the difference in the same transaction as the state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.util.task import TaskState

__all__ = ["ReadyTask", "WaitingTimer", "errored_tasks", "ready_human_tasks", "waiting_timers"]


@dataclass(frozen=True)
class ReadyTask:
    task_id: str
    element_id: str
    name: str
    lane: str | None
    task: Any  # the Spiff task, for evaluating its unit and due date expressions


@dataclass(frozen=True)
class WaitingTimer:
    task_id: str
    element_id: str
    due_at: datetime


def ready_human_tasks(workflow: BpmnWorkflow) -> list[ReadyTask]:
    return [
        ReadyTask(
            task_id=str(task.id),
            element_id=task.task_spec.bpmn_id,
            name=task.task_spec.bpmn_name or task.task_spec.bpmn_id,
            lane=task.task_spec.lane,
            task=task,
        )
        for task in workflow.get_tasks(state=TaskState.READY, manual=True)
    ]


def waiting_timers(workflow: BpmnWorkflow) -> list[WaitingTimer]:
    timers = []
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if not isinstance(definition, TimerEventDefinition):
            continue
        due_at = _due_at(task, definition)
        if due_at is not None:
            timers.append(WaitingTimer(str(task.id), task.task_spec.bpmn_id, due_at))
    return timers


def errored_tasks(workflow: BpmnWorkflow) -> list[Any]:
    return workflow.get_tasks(state=TaskState.ERROR)


def _due_at(task: Any, definition: TimerEventDefinition) -> datetime | None:
    value = task.internal_data.get("event_value")
    if value is None:
        return None
    if isinstance(definition, CycleTimerEventDefinition):
        if value["cycles"] == 0:
            return None
        return datetime.fromisoformat(value["next"]).astimezone(UTC)
    moment = TimerEventDefinition.parse_time_or_duration(value)
    return moment.astimezone(UTC) if isinstance(moment, datetime) else None

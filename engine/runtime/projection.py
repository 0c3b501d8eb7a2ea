"""What a live workflow looks like from outside: its open human tasks and waiting timers.

After every command the runtime compares these with the derived rows of the instance
and writes the difference in the same transaction as the state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.util.task import TaskState

from engine.definitions.connector_task import ConnectorTask
from engine.definitions.serializer import every_task

__all__ = [
    "PendingCall",
    "ReadyTask",
    "Snapshot",
    "WaitingTimer",
    "failed_tasks",
    "snapshot",
    "stalled_tasks",
]


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


@dataclass(frozen=True)
class PendingCall:
    """A service task waiting for its connector's call (its outbox entry)."""

    task_id: str
    element_id: str
    connector: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Snapshot:
    """The externally visible parts of a workflow at one moment."""

    ready: list[ReadyTask]
    timers: list[WaitingTimer]
    errored: list[Any]
    calls: list[PendingCall]


def snapshot(workflow: BpmnWorkflow) -> Snapshot:
    """Ready human tasks, waiting timers, errored tasks and pending calls, in one pass
    (in no particular order: the runtime compares them as sets)."""
    ready, timers, errored, calls = [], [], [], []
    for task in every_task(workflow):
        if task.state == TaskState.READY and task.task_spec.manual:
            ready.append(_ready_task(task))
        elif task.state == TaskState.WAITING:
            timer = _waiting_timer(task)
            if timer is not None:
                timers.append(timer)
        elif task.state == TaskState.ERROR:
            errored.append(task)
        elif task.state == TaskState.STARTED and isinstance(task.task_spec, ConnectorTask):
            calls.append(_pending_call(task))
    return Snapshot(ready, timers, errored, calls)


def failed_tasks(workflow: BpmnWorkflow) -> list[Any]:
    """Tasks whose step failed: those that failed running (in error), then the stalled."""
    return [*workflow.get_tasks(state=TaskState.ERROR), *stalled_tasks(workflow)]


def stalled_tasks(workflow: BpmnWorkflow) -> list[Any]:
    """Tasks that failed as the workflow reached them, before they could run.

    Spiff evaluates a timer when the token arrives; when that fails (a date that is
    not one), the task is left in the future under a completed parent, in no error
    state, and nothing would ever reach it again.
    """
    return [
        task
        for task in workflow.get_tasks(state=TaskState.FUTURE)
        if task.parent is not None and task.parent.state == TaskState.COMPLETED
    ]


def _ready_task(task: Any) -> ReadyTask:
    spec = task.task_spec
    return ReadyTask(str(task.id), spec.bpmn_id, spec.bpmn_name or spec.bpmn_id, spec.lane, task)


def _pending_call(task: Any) -> PendingCall:
    spec = task.task_spec
    return PendingCall(str(task.id), spec.bpmn_id, spec.connector, task.internal_data["call"])


def _waiting_timer(task: Any) -> WaitingTimer | None:
    definition = _timer_definition(getattr(task.task_spec, "event_definition", None))
    if definition is None:
        return None
    due_at = _due_at(task, definition)
    return None if due_at is None else WaitingTimer(str(task.id), task.task_spec.bpmn_id, due_at)


def _timer_definition(definition: Any) -> TimerEventDefinition | None:
    """The timer a waiting task waits for, wherever Spiff keeps it.

    A catch or boundary event holds its timer itself; an event-based gateway (and a
    multiple event) holds the definitions of the events after it, and waits, in its
    own task, for whichever comes first (its timer's moment is in that task's data).
    """
    if isinstance(definition, TimerEventDefinition):
        return definition
    if isinstance(definition, MultipleEventDefinition):
        timers = (_timer_definition(inner) for inner in definition.event_definitions)
        return next((timer for timer in timers if timer is not None), None)
    return None


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

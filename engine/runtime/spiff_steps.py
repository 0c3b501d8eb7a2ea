"""What a command does to the Spiff workflow itself: build a new one, find a ready task,
hand it a message, gather a unit's answer into its multi-instance output."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.errors import (
    Conflict,
    DefinitionProblem,
    GovflowError,
    InvalidDefinition,
    InvalidInput,
)
from engine.runtime.loading import CompiledDefinition
from engine.runtime.projection import stalled_tasks
from engine.runtime.spiff import spiff_time

__all__ = ["cannot_start", "complete_user_task", "ready_task", "send_event", "send_message"]


def ready_task(workflow: BpmnWorkflow, task_id: str) -> Any:
    task = workflow.get_task_from_id(UUID(task_id))
    if task is None or task.state != TaskState.READY:
        raise Conflict(f"task {task_id} is not ready in the workflow", task_id=task_id)
    return task


def send_message(
    workflow: BpmnWorkflow, name: str, payload: dict[str, Any], receiver: str, now: datetime
) -> None:
    send_event(workflow, BpmnEvent(MessageEventDefinition(name), payload), receiver, now)


def send_event(workflow: BpmnWorkflow, event: BpmnEvent, receiver: str, now: datetime) -> None:
    """Hand ``event`` to the workflow's task waiting for it; Conflict when none waits."""
    name = event.event_definition.name
    kind = "message" if isinstance(event.event_definition, MessageEventDefinition) else "signal"
    with spiff_time(now):
        try:
            workflow.send_event(event)
        except WorkflowException as exc:  # Spiff's way of saying nothing caught it
            raise Conflict(
                f"{receiver} is not waiting for {kind} '{name}'", **{f"{kind}_name": name}
            ) from exc


def complete_user_task(task: Any, submitted: dict[str, Any], now: datetime) -> None:
    """Complete a ready user task with the ``submitted`` (cleaned) form.

    When SpiffWorkflow refuses the completion (an output the task's ioSpecification
    requires is missing), the command is refused as InvalidInput and nothing of it is
    kept: the task's own completion failed half-way, which no retry could repair. A
    failure of the next step, which Spiff reaches within the same call (a timer
    evaluated as the token arrives), is raised as it is: an incident at that step.
    """
    task.set_data(**submitted)
    _collect_into_output_item(task, submitted)
    with spiff_time(now):
        try:
            task.run()
        except Exception as exc:
            failed = getattr(exc, "task", None)
            if failed is not task and (failed is not None or stalled_tasks(task.workflow)):
                raise
            output = getattr(getattr(exc, "data_output", None), "bpmn_id", None)
            message = f"{task.task_spec.bpmn_id} cannot be completed: {str(exc).rstrip('. ')}"
            field = output or "data"
            raise InvalidInput(f"{message} ({output})" if output else message, field=field) from exc


def _collect_into_output_item(task: Any, submitted: dict[str, Any]) -> None:
    """One unit's answer in a multi-instance task becomes its item of the output collection.

    BPMN collects each instance's ``outputDataItem``; a form fills flat variables. So a
    submission to a multi-instance user task whose output item is not itself a form
    field is gathered into that item (with the input item, e.g. the unit, beside it).
    """
    parent_spec = task.parent.task_spec if task.parent is not None else None
    output_item = getattr(parent_spec, "output_item", None)
    if output_item is None or output_item.bpmn_id in submitted:
        return
    input_item = getattr(parent_spec, "input_item", None)
    item = {input_item.bpmn_id: task.data.get(input_item.bpmn_id)} if input_item else {}
    task.data[output_item.bpmn_id] = {**item, **submitted}


@contextmanager
def cannot_start(compiled: CompiledDefinition) -> Iterator[None]:
    """SpiffWorkflow failing to build a new instance: the version cannot run, say which."""
    try:
        yield
    except GovflowError:
        raise
    except Exception as exc:
        spec = getattr(exc, "task_spec", None)
        problem = DefinitionProblem(
            file=f"{compiled.process_key} version {compiled.version}",
            line=None,
            element_id=getattr(spec, "bpmn_id", None) or getattr(spec, "name", None),
            element_name=None,
            message=f"SpiffWorkflow cannot start this process: {str(exc).rstrip('. ')}",
            hint="deploy a corrected version; govflow validate names the element",
        )
        raise InvalidDefinition([problem]) from exc

"""Conditional events, evaluated again whenever a command has changed the data.

BPMN 2.0 §10.5.2 (Conditional): the event is triggered when its condition becomes
true. Spiff evaluates a conditional catch or boundary event only as the token
arrives, over the data the token brought: one that was false then waited forever,
whatever a user task or message in another branch set later. After each command's
engine steps, :func:`fire_conditions` evaluates the waiting ones over the instance's
latest data (as :func:`engine.runtime.loading.current_variables` shows it), and fires
those that hold: the event's path goes on with that data.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.conditional import ConditionalEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.definitions.conditional_entry import condition_holds

__all__ = ["fire_conditions"]

_MAX_ROUNDS = 100
"""Rounds of firing and stepping in one command before it is taken for a loop."""


def fire_conditions(workflow: BpmnWorkflow) -> None:
    """Fire every waiting conditional event whose condition now holds, then step on."""
    for _ in range(_MAX_ROUNDS):
        fired = [task for task in _waiting_conditions(workflow) if _holds(task)]
        if not fired:
            return
        for task in fired:
            if task.state == TaskState.WAITING:  # an earlier one may have cancelled it
                task.data.update(_latest_data(task))
                task._ready()  # not _update, whose inheriting would bring back the old data
        workflow.do_engine_steps()
    raise RuntimeError(f"conditional events fired {_MAX_ROUNDS} times in one step: a loop?")


def _waiting_conditions(workflow: BpmnWorkflow) -> list[Any]:
    """The waiting conditional events, from Spiff's list of waiting catch events (no walk)."""
    return [
        task
        for task in list(workflow.event_manager.tasks.values())
        if task.state == TaskState.WAITING
        and isinstance(task.task_spec.event_definition, ConditionalEventDefinition)
    ]


def _latest_data(task: Any) -> dict[str, Any]:
    last = task.workflow.last_task
    return dict(last.data) if last is not None else {}


def _holds(task: Any) -> bool:
    expression = task.task_spec.event_definition.expression
    return condition_holds(task, expression, {**task.data, **_latest_data(task)})

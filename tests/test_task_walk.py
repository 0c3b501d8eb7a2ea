"""``every_task`` reads a workflow's tasks off Spiff's task dictionaries instead of
walking its tree: it must find exactly the tasks the walk finds, subprocesses (and
subprocesses in subprocesses) included, at every step of a run."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

import pytest
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.definitions import load_models
from engine.definitions.event_scopes import UncaughtBpmnError
from engine.definitions.serializer import BroadcastingWorkflow, every_task, load_spec
from engine.runtime.spiff import make_script_engine

BPMN = Path(__file__).parent / "bpmn"
FILES = ["nested_scopes.bpmn", "multi_instance.bpmn", "event_scopes.bpmn", "compensation.bpmn"]
START_DATA = {"amount": 40, "items": [1, 2, 3], "limit": 2, "questions": ["a", "b"], "count": 2}
ANSWERS = {"approved": False, "flight_cancelled": True, "total": 0, "answer": "yes"}


def _models():
    for name in FILES:
        for model in load_models({name: (BPMN / name).read_bytes()}):
            yield pytest.param(model, id=f"{name}:{model.key}")


def _ids(tasks) -> set:
    return {task.id for task in tasks}


def _started(model) -> BroadcastingWorkflow:
    spec, subprocess_specs = load_spec(model.spec)
    workflow = BroadcastingWorkflow(
        spec, subprocess_specs, script_engine=make_script_engine({}, 1.0)
    )
    workflow.task_tree.set_data(**START_DATA)
    return workflow


@pytest.mark.parametrize("model", list(_models()))
def test_every_task_is_what_the_tree_walk_finds_at_every_step(model) -> None:
    workflow = _started(model)
    for _ in range(20):
        with suppress(
            WorkflowException, UncaughtBpmnError
        ):  # an error nothing catches: the tasks stay
            workflow.do_engine_steps()
        assert _ids(every_task(workflow)) == _ids(workflow.get_tasks())
        ready = workflow.get_tasks(state=TaskState.READY, manual=True)
        if not ready:
            break
        ready[0].set_data(**ANSWERS)
        ready[0].run()
    assert len(workflow.tasks) > 3


def test_the_tasks_of_a_subprocess_in_a_subprocess_are_found() -> None:
    """The case the dictionaries make easy to miss: an event subprocess started inside
    a subprocess is a subprocess two levels down, with its own task dictionary."""
    (model,) = [
        m
        for m in load_models({"n.bpmn": (BPMN / "nested_scopes.bpmn").read_bytes()})
        if m.key == "nested_error_handler"
    ]
    workflow = _started(model)
    workflow.do_engine_steps()

    assert max(sp.depth for sp in workflow.subprocesses.values()) == 2
    names = {t.task_spec.bpmn_id for t in every_task(workflow) if t.state == TaskState.READY}
    assert names == {"n_handle"}

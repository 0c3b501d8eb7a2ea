"""Multi-instance activities as BPMN 2.0 §10.3.6 (Multi-Instance Characteristics) and
§13.3.7 (their execution semantics) describe them, through the Engine's public API."""

from __future__ import annotations

import pytest

from engine.api import Engine


@pytest.fixture
def instances(engine: Engine, deploy) -> Engine:
    deploy("multi_instance.bpmn")
    return engine


def _open(engine: Engine, instance_id: int) -> list[str]:
    return sorted(t.element_id for t in engine.instance(instance_id).open_tasks)


def test_a_completion_condition_cancels_the_instances_still_running(instances: Engine):
    """§13.3.7: the completionCondition is evaluated as each instance completes; when
    true, the remaining instances are cancelled and the activity completes. It may name
    the activity's instance attributes (§10.3.6, numberOfCompletedInstances)."""
    started = instances.start("mi_parallel_condition", {}, actor="tester")
    reviews = started.open_tasks
    assert [t.element_id for t in reviews] == ["p_review"] * 3

    after_one = instances.complete(reviews[0].id, {}, actor="tester")
    assert _open(instances, after_one.id) == ["p_review", "p_review"]
    after_two = instances.complete(reviews[1].id, {}, actor="tester")

    assert [t.element_id for t in after_two.open_tasks] == ["p_after"]
    assert instances.task(reviews[2].id).status == "cancelled"


@pytest.mark.parametrize(("limit", "results"), [(100, [2, 4, 6, 8]), (5, [2, 4, 6, None])])
def test_a_sequential_activity_stops_creating_instances_once_its_condition_holds(
    instances: Engine, limit: int, results: list[int | None]
):
    """§13.3.7: a sequential activity runs one instance per item of its loopDataInputRef,
    each with its inputDataItem; each outputDataItem goes to the item's place of the
    loopDataOutputRef (an instance never run leaves None, so output lines up with input)."""
    started = instances.start(
        "mi_sequential_collection", {"items": [1, 2, 3, 4], "limit": limit}, actor="tester"
    )
    assert [t.element_id for t in started.open_tasks] == ["s_after"]
    assert started.data["results"] == results
    assert "item" not in started.data and "doubled" not in started.data


def test_parallel_outputs_are_in_the_order_of_the_inputs_not_of_completion(instances: Engine):
    """§10.3.6: the outputDataItem of each instance is the item of the output collection
    that corresponds to its item of the input collection."""
    units = ["DBO", "ITC", "NASATI"]
    started = instances.start("mi_parallel_collection", {"questions": units}, actor="tester")
    assert sorted(t.unit for t in started.open_tasks) == units
    for task in sorted(started.open_tasks, key=lambda t: t.unit, reverse=True):
        instances.complete(task.id, {"answer": f"answer of {task.unit}"}, actor="tester")

    done = instances.instance(started.id)
    assert [t.element_id for t in done.open_tasks] == ["c_after"]
    assert done.data["answers"] == [f"answer of {unit}" for unit in units]


@pytest.mark.parametrize(
    ("process", "variables", "output", "next_task"),
    [
        ("mi_parallel_collection", {"questions": []}, "answers", "c_after"),
        ("mi_sequential_collection", {"items": [], "limit": 1}, "results", "s_after"),
        ("mi_cardinality", {"count": 0, "total": 0}, "squares", "k_after"),
    ],
)
def test_an_empty_collection_or_zero_cardinality_runs_no_instance(
    instances: Engine, process: str, variables: dict, output: str, next_task: str
):
    """§13.3.7: the number of instances is the size of the input collection or the loop
    cardinality; with none, the activity completes at once with an empty output."""
    started = instances.start(process, variables, actor="tester")
    assert [t.element_id for t in started.open_tasks] == [next_task]
    assert started.data[output] == []


def test_loop_cardinality_and_loop_counter_each_time_the_activity_runs(instances: Engine):
    """§10.3.6: loopCardinality, an expression, gives the number of instances; each sees
    its loopCounter. Run again in a loop, the activity starts a new output collection."""
    started = instances.start("mi_cardinality", {"count": 3, "total": 0}, actor="tester")

    assert [t.element_id for t in started.open_tasks] == ["k_after"]
    assert started.data["total"] == 12  # (0 + 1 + 2) four times round the loop
    assert started.data["squares"] == [0, 1, 4]
    assert "loopCounter" not in started.data

"""Live workflows kept between commands: used only while nobody else wrote the instance."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from engine.api import Engine, read_files
from engine.clock import ManualClock
from engine.runtime import commands
from engine.settings import Settings

FIVE_TASKS = Path(__file__).parent / "bpmn" / "five_tasks.bpmn"


@pytest.fixture
def restores(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The ids of the instances restored from their stored JSON."""
    restored: list[int] = []
    real_restore = commands.restore

    def counting_restore(instance, compiled, script_engine):
        restored.append(instance.id)
        return real_restore(instance, compiled, script_engine)

    monkeypatch.setattr(commands, "restore", counting_restore)
    yield restored


def next_task_id(engine: Engine, instance_id: int) -> str:
    (task,) = engine.tasks(instance_id=instance_id)
    return task.id


def test_consecutive_commands_reuse_the_committed_workflow(
    engine: Engine, deploy, restores: list[int]
) -> None:
    deploy("five_tasks.bpmn")
    instance = engine.start("five_tasks", actor="an")
    for score in range(5):
        engine.complete(next_task_id(engine, instance.id), {"score": score}, actor="an")
    assert restores == []
    done = engine.instance(instance.id)
    assert done.status == "completed" and done.data["score"] == 4


def test_a_write_by_another_engine_is_seen_not_the_stale_live_workflow(
    engine: Engine, deploy, db_url: str, clock: ManualClock, restores: list[int]
) -> None:
    deploy("five_tasks.bpmn")
    instance = engine.start("five_tasks", actor="an")
    engine.complete(next_task_id(engine, instance.id), {"score": 1}, actor="an")
    other = Engine(db_url, clock=clock)  # another process on the same database
    try:
        other.complete(next_task_id(other, instance.id), {"score": 2}, actor="binh")
    finally:
        other.close()

    third = next_task_id(engine, instance.id)
    view = engine.complete(third, {"score": 3}, actor="an")

    # Restored twice: by the other engine, which never held it, and by this one, whose
    # live copy is one command behind.
    assert restores == [instance.id, instance.id]
    assert [t.element_id for t in view.open_tasks] == ["task_4"]
    completed = [e.element_id for e in engine.history(instance.id) if e.kind == "task_completed"]
    assert completed == ["task_1", "task_2", "task_3"]


def test_a_command_that_rolls_back_leaves_nothing_of_itself_in_memory(
    engine: Engine, deploy, restores: list[int]
) -> None:
    deploy("five_tasks.bpmn")
    instance = engine.start("five_tasks", actor="an")
    first = next_task_id(engine, instance.id)

    def fail_once(*_args) -> None:
        engine.runtime.on_tasks_changed.remove(fail_once)
        raise RuntimeError("the database went away after the workflow ran")

    engine.runtime.on_tasks_changed.insert(0, fail_once)
    with pytest.raises(RuntimeError):
        engine.complete(first, {"score": 9, "note": "lost"}, actor="an")

    view = engine.complete(first, {"score": 5}, actor="an")
    assert restores == [instance.id]  # the failed command's workflow was not kept
    assert view.data["score"] == 5 and "note" not in view.data
    assert [t.element_id for t in view.open_tasks] == ["task_2"]


def test_with_no_room_every_command_restores_from_the_row(
    db_url: str, clock: ManualClock, restores: list[int]
) -> None:
    settings = replace(Settings.from_env(), live_workflows=0)
    engine = Engine(db_url, clock=clock, settings=settings)
    try:
        engine.upgrade_schema()
        engine.deploy(read_files([FIVE_TASKS]))
        instance = engine.start("five_tasks", actor="an")
        engine.complete(next_task_id(engine, instance.id), {"score": 1}, actor="an")
        engine.complete(next_task_id(engine, instance.id), {}, actor="an")
    finally:
        engine.close()
    assert restores == [instance.id, instance.id]

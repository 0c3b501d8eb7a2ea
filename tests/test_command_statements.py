"""The statements a command sends, on both databases.

On PostgreSQL each statement is a round trip, and their number is most of what a
command costs beyond SpiffWorkflow's own work (see bench/throughput.py). These tests
pin the path of a task's completion and of a start: the instance and the task read
once each, under the lock, then only writes; no read of a row the command has just
written, and nothing a cache already holds (the spec, the live workflow) read again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import event

from engine.api import Engine, read_files
from engine.clock import ManualClock
from engine.settings import Settings

FIVE_USER_TASKS = Path(__file__).parent.parent / "bench" / "five_user_tasks.bpmn"
"""The process bench/throughput.py measures: five user tasks, no due dates."""

_TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE)\s+(\w+)")


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """'VERB table' of each statement sent while the block runs (BEGIN left out)."""
    sent: list[str] = []

    def record(_connection, _cursor, statement: str, *_args) -> None:
        verb = statement.split(None, 1)[0]
        if verb != "BEGIN":
            sent.append(f"{verb} {_TABLE.search(statement).group(1)}")

    event.listen(engine.db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine.db.engine, "before_cursor_execute", record)


@pytest.fixture(params=[256, 0], ids=["warm", "cold"])
def bench_engine(
    request: pytest.FixtureRequest, db_url: str, clock: ManualClock
) -> Iterator[Engine]:
    """An Engine that keeps live workflows (warm) or restores every instance (cold)."""
    settings = replace(Settings.from_env(), live_workflows=request.param)
    engine = Engine(db_url, clock=clock, settings=settings)
    engine.upgrade_schema()
    engine.deploy(read_files([FIVE_USER_TASKS]), actor="tester")
    yield engine
    engine.close()


def test_completing_a_task_reads_instance_and_task_once_then_only_writes(
    bench_engine: Engine,
) -> None:
    view = bench_engine.start("five_user_tasks", actor="an")
    view = bench_engine.complete(view.open_tasks[0].id, {"score": 1}, actor="an")
    with statements(bench_engine) as sent:
        after = bench_engine.complete(view.open_tasks[0].id, {}, actor="an")
    assert sent == [
        "SELECT process_instance",  # locked, found through the task
        "SELECT human_task",  # read under the lock
        "UPDATE human_task",  # completed
        "INSERT human_task",  # the next one opens
        "UPDATE process_instance",  # the state
        "INSERT event",  # the history, one executemany
    ]
    assert [task.element_id for task in after.open_tasks] == ["task_3"]
    assert bench_engine.instance(view.id).open_tasks == after.open_tasks


def test_starting_reads_only_the_latest_version(bench_engine: Engine) -> None:
    bench_engine.start("five_user_tasks", actor="an")  # the spec is cached from now on
    with statements(bench_engine) as sent:
        view = bench_engine.start("five_user_tasks", actor="an")
    assert sent == [
        "SELECT process_definition",
        "INSERT process_instance",
        "INSERT human_task",
        "UPDATE process_instance",
        "INSERT event",
    ]
    assert [task.element_id for task in view.open_tasks] == ["task_1"]


def test_the_last_completion_answers_a_completed_instance(bench_engine: Engine) -> None:
    view = bench_engine.start("five_user_tasks", actor="an")
    for _ in range(4):
        view = bench_engine.complete(view.open_tasks[0].id, {"score": 2}, actor="an")
    with statements(bench_engine) as sent:
        done = bench_engine.complete(view.open_tasks[0].id, {}, actor="an")
    assert done.status == "completed" and done.open_tasks == []
    assert not any(statement.startswith("SELECT") for statement in sent[2:])

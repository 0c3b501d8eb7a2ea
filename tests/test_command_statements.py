"""The statements a command sends, on both databases.

On PostgreSQL each statement is a round trip, and their number is most of what a
command costs beyond SpiffWorkflow's own work (see bench/throughput.py). These tests
pin the path of a task's completion and of a start: the instance read once, under the
lock, the task only as its completion returns it, then only writes; no read of a row
the command has just written, and nothing a cache holds (spec, live workflow) read.
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
from engine.errors import Conflict, InvalidInput
from engine.settings import Settings

FIVE_USER_TASKS = Path(__file__).parent.parent / "bench" / "five_user_tasks.bpmn"
"""The process bench/throughput.py measures: five user tasks, no due dates."""

_TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE)\s+(\w+)")
_WRITE = re.compile(r"\b(INSERT INTO|UPDATE|DELETE FROM)\s+(\w+)")
_LOCK = re.compile(r"AS\s*\(SELECT\b[^;]*?\bFROM\s+(\w+)\b[^;]*?FOR UPDATE\)")


def described(statement: str) -> str:
    """'VERB table'; a statement of several parts (CTEs) as its row locks ('SELECT
    table FOR UPDATE') and its writes, joined by ' + ', in the order written out."""
    verb = statement.split(None, 1)[0]
    if verb == "WITH":
        locks = [f"SELECT {table} FOR UPDATE" for table in _LOCK.findall(statement)]
        writes = [f"{w.split()[0]} {table}" for w, table in _WRITE.findall(statement)]
        return " + ".join(locks + writes)
    return f"{verb} {_TABLE.search(statement).group(1)}"


def saving(engine: Engine, *writes: str) -> list[str]:
    """The statements that save an instance with ``writes`` (the tasks that opened, the
    history): one on PostgreSQL, the writes as CTEs of the instance's UPDATE."""
    if engine.db.is_sqlite:
        return [*writes[:-1], "UPDATE process_instance", writes[-1]]
    return [" + ".join([*writes, "UPDATE process_instance"])]


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """'VERB table' of each statement sent while the block runs (BEGIN left out)."""
    sent: list[str] = []

    def record(_connection, _cursor, statement: str, *_args) -> None:
        if not statement.startswith("BEGIN"):
            sent.append(described(statement))

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


def test_completing_a_task_reads_the_instance_once_then_only_writes(
    bench_engine: Engine,
) -> None:
    view = bench_engine.start("five_user_tasks", actor="an")
    view = bench_engine.complete(view.open_tasks[0].id, {"score": 1}, actor="an")
    with statements(bench_engine) as sent:
        after = bench_engine.complete(view.open_tasks[0].id, {}, actor="an")
    # the task completed if open, its row and its instance's returned: not read apart;
    # on PostgreSQL the instance locked first, in the same statement
    locking = ["UPDATE human_task"]
    if not bench_engine.db.is_sqlite:
        locking = ["SELECT process_instance FOR UPDATE + UPDATE human_task"]
    assert sent == [
        *locking,
        # the next task opens, the state, the history (one multi-row INSERT)
        *saving(bench_engine, "INSERT human_task", "INSERT event"),
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
        *saving(bench_engine, "INSERT human_task", "INSERT event"),
    ]
    assert [task.element_id for task in view.open_tasks] == ["task_1"]


def test_the_last_completion_answers_a_completed_instance(bench_engine: Engine) -> None:
    view = bench_engine.start("five_user_tasks", actor="an")
    for _ in range(4):
        view = bench_engine.complete(view.open_tasks[0].id, {"score": 2}, actor="an")
    with statements(bench_engine) as sent:
        done = bench_engine.complete(view.open_tasks[0].id, {}, actor="an")
    assert done.status == "completed" and done.open_tasks == []
    assert not any(statement.startswith("SELECT") for statement in sent[1:])


def test_a_completion_refused_after_its_write_leaves_the_task_open(bench_engine: Engine) -> None:
    """The completion is written before the claimant and the data are checked: a refusal
    must roll it back with the command."""
    view = bench_engine.start("five_user_tasks", actor="an")
    task_id = view.open_tasks[0].id
    bench_engine.claim(task_id, actor="an")
    with pytest.raises(Conflict, match="claimed by an"):
        bench_engine.complete(task_id, {"score": 1}, actor="binh")
    with pytest.raises(InvalidInput):
        bench_engine.complete(task_id, {"score": 11}, actor="an")
    (task,) = bench_engine.tasks(instance_id=view.id)
    assert (task.id, task.status, task.completed_by) == (task_id, "open", None)
    done = bench_engine.complete(task_id, {"score": 1}, actor="an")
    assert [t.element_id for t in done.open_tasks] == ["task_2"]

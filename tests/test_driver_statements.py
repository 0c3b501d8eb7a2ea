"""The statements every command runs on the driver's cursor behave as through SQLAlchemy:
the same values back, the same errors, the same guards, on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import bindparam, create_engine, event, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from engine.api import Engine, read_files
from engine.errors import InvalidInput
from engine.models import Event, HumanTask, ProcessInstance
from engine.runtime import driver

FIVE_USER_TASKS = Path(__file__).parent.parent / "bench" / "five_user_tasks.bpmn"
_task = HumanTask.__table__
_instance = ProcessInstance.__table__
_TASK = select(_task).where(_task.c.id == bindparam("b_task_id"))
_INSTANCE_OF_TASK = select(
    *(c.label(f"i_{c.name}") for c in _instance.c), _task.c.form.label("t_form")
).where(_instance.c.id == _task.c.instance_id, _task.c.id == bindparam("b_task_id"))


@pytest.fixture
def task_id(engine: Engine) -> str:
    engine.deploy(read_files([FIVE_USER_TASKS]), actor="designer")
    return engine.start("five_user_tasks", actor="starter").open_tasks[0].id


def test_a_row_comes_back_as_sqlalchemy_reads_it(engine: Engine, task_id: str) -> None:
    """Aware UTC datetimes, JSON as Python values, text and numbers as they are."""
    for statement in (_TASK, _INSTANCE_OF_TASK):
        with engine.db.writing() as session:
            through_driver = driver.first_row(session, statement, {"b_task_id": task_id})
            through_sqlalchemy = session.execute(statement, {"b_task_id": task_id}).one()
        assert through_driver == dict(through_sqlalchemy._mapping)
    assert through_driver["i_started_at"].utcoffset().total_seconds() == 0
    assert isinstance(through_driver["t_form"], dict)
    assert through_driver["i_started_by"] == "starter"


def test_no_row_is_none(engine: Engine, task_id: str) -> None:
    with engine.db.writing() as session:
        assert driver.first_row(session, _TASK, {"b_task_id": "no-such-task"}) is None


def test_the_count_of_changed_rows(engine: Engine, task_id: str) -> None:
    claim = _task.update().where(_task.c.id == bindparam("b_task_id")).values(assignee="an")
    with engine.db.writing() as session:
        assert driver.row_count(session, claim, {"b_task_id": task_id}) == 1
        assert driver.row_count(session, claim, {"b_task_id": "no-such-task"}) == 0
    assert engine.task(task_id).assignee == "an"  # part of the committed transaction


def test_rows_inserted_many_read_back_as_written(engine: Engine, task_id: str) -> None:
    instance_id = engine.task(task_id).instance_id
    at = engine.clock.now()
    rows = [
        {"instance_id": instance_id, "at": at, "actor": "an", "kind": "note", "data": {"n": n}}
        for n in (1, 2)
    ]
    with engine.db.writing() as session:
        driver.insert_many(session, insert(Event.__table__), rows)
    notes = [e for e in engine.history(instance_id) if e.kind == "note"]
    assert [(e.at, e.actor, e.data) for e in notes] == [(at, "an", {"n": 1}), (at, "an", {"n": 2})]


def test_a_driver_error_is_raised_as_sqlalchemy_wraps_it(engine: Engine, task_id: str) -> None:
    with engine.db.reading() as session:
        row = dict(session.execute(_TASK, {"b_task_id": task_id}).one()._mapping)
    again = (
        insert(_task).values({name: bindparam(f"b_{name}") for name in row}).returning(_task.c.id)
    )
    with pytest.raises(IntegrityError), engine.db.writing() as session:
        driver.first_row(session, again, {f"b_{name}": value for name, value in row.items()})


def test_a_nul_in_a_parameter_is_refused_with_its_field(engine: Engine, task_id: str) -> None:
    with pytest.raises(InvalidInput) as refused, engine.db.writing() as session:
        driver.first_row(session, _TASK, {"b_task_id": "a\x00b"})
    assert refused.value.details["field"] == "task_id"


def test_the_engine_listeners_see_the_statement(engine: Engine, task_id: str) -> None:
    seen: list[str] = []

    def record(_connection, _cursor, statement: str, *_args) -> None:
        seen.append(statement)

    event.listen(engine.db.engine, "before_cursor_execute", record)
    try:
        with engine.db.writing() as session:
            driver.first_row(session, _TASK, {"b_task_id": task_id})
    finally:
        event.remove(engine.db.engine, "before_cursor_execute", record)
    assert any(s.startswith("SELECT") and "FROM human_task" in s for s in seen)


def test_a_lost_connection_is_not_handed_out_again(postgres_url: str) -> None:
    """The server cut the connection: the statement fails as SQLAlchemy's error with
    the connection invalidated, and the next transaction gets a new one."""
    engine = Engine(postgres_url)
    engine.upgrade_schema()
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    pid = text("SELECT pg_backend_pid()")
    try:
        with engine.db.writing() as session:
            first = session.execute(pid).scalar_one()
            with admin.connect() as connection:
                connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
            with pytest.raises(DBAPIError) as failed:
                driver.first_row(session, _TASK, {"b_task_id": "any"})
            assert failed.value.connection_invalidated
            session.rollback()
        with engine.db.writing() as session:
            assert session.execute(pid).scalar_one() != first
    finally:
        admin.dispose()
        engine.close()

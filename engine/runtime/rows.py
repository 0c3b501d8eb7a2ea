"""The derived rows the runtime reads and writes on every command, as prebuilt Core statements.

Every command touches the same few rows (the task being completed, the tasks that
open, the history). Built once, these statements skip SQLAlchemy's per-call statement
construction and ORM bookkeeping, which cost more than SQLite itself; see
``bench/throughput.py``. They run on the command's session connection, so they are
part of its one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    JSON,
    Row,
    String,
    Table,
    Text,
    bindparam,
    column,
    func,
    insert,
    select,
    true,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from engine.bounds import refuse_nul_parameters
from engine.errors import Conflict, missing_task
from engine.model_types import UTCDateTime
from engine.models import Event, HumanTask, OutboxEntry, ProcessInstance, Timer
from engine.runtime import driver
from engine.store import INSTANCE_OF_TASK_FOR_UPDATE

if TYPE_CHECKING:
    from engine.store import Database

__all__ = [
    "append_history",
    "cancel_calls",
    "cancel_open_rows",
    "cancel_tasks",
    "cancel_timer",
    "create_instance",
    "insert_tasks",
    "insert_timers",
    "lock_and_complete_task",
    "queue_call",
    "save_instance",
    "set_assignee",
    "task_row",
]

# Declarative maps each model to a Table; SQLAlchemy types ``__table__`` only as a FromClause.
_instance = cast(Table, ProcessInstance.__table__)
_task = cast(Table, HumanTask.__table__)
_timer = cast(Table, Timer.__table__)
_event = cast(Table, Event.__table__)
_outbox = cast(Table, OutboxEntry.__table__)

_INSERT_INSTANCE = insert(_instance)
_INSERT_TASKS = insert(_task)
_INSERT_TIMERS = insert(_timer)
_INSERT_EVENTS = insert(_event)
_INSERT_EVENTS_RETURNING = _INSERT_EVENTS.returning(_event.c.id)
"""PostgreSQL: the ids are not needed, but RETURNING makes SQLAlchemy send the events
as one multi-row INSERT (insertmanyvalues), where psycopg's executemany would open a
pipeline and wait for its two extra synchronisations. On SQLite the module's own
executemany is cheaper (0.08 ms, not 0.14, for a command's two events)."""
# Bound names carry a b_ prefix: SQLAlchemy reserves column names in UPDATE statements.
_SAVE_INSTANCE = (
    update(_instance)
    .where(_instance.c.id == bindparam("b_id"), _instance.c.lock_version == bindparam("b_seen"))
    .values(
        state=bindparam("b_state"),
        variables=bindparam("b_variables"),
        status=bindparam("b_status"),
        updated_at=bindparam("b_updated_at"),
        ended_at=bindparam("b_ended_at"),
        lock_version=bindparam("b_seen") + 1,
    )
)
_TASK_BY_ID = select(_task).where(_task.c.id == bindparam("b_task_id"))
_COMPLETE_OPEN = (
    update(_task)
    .where(_task.c.id == bindparam("b_task_id"), _task.c.status == "open")
    .values(status="completed", completed_at=bindparam("b_at"), completed_by=bindparam("b_by"))
)
_LOCKED = INSTANCE_OF_TASK_FOR_UPDATE.cte("locked")
_COMPLETED_UNDER_LOCK = (
    _COMPLETE_OPEN.where(_task.c.instance_id == select(_LOCKED.c.id).scalar_subquery())
    .returning(*_task.c)
    .cte("completed")
)
_LOCK_AND_COMPLETE = select(
    *(c.label(f"i_{c.name}") for c in _LOCKED.c),
    *(c.label(f"t_{c.name}") for c in _COMPLETED_UNDER_LOCK.c),
).select_from(_LOCKED.outerjoin(_COMPLETED_UNDER_LOCK, true()))
"""PostgreSQL: the instance of a task locked, and the task completed under that lock,
in one statement. The completion's condition reads the locked row, so the lock is
taken before the task's row is: in the order of every other command."""
_owner = _instance.alias("owner")
_COMPLETE_OPEN_WITH_INSTANCE = _COMPLETE_OPEN.returning(
    *(c.label(f"t_{c.name}") for c in _task.c),
    *(
        select(c).where(_owner.c.id == _task.c.instance_id).scalar_subquery().label(f"i_{c.name}")
        for c in _owner.c
    ),
)
"""SQLite: the task completed if open, returned with its instance's row (a subquery a
column: RETURNING takes no join). The transaction holds the write lock from its BEGIN."""
_ASSIGN = (
    update(_task)
    .where(_task.c.id == bindparam("b_task_id"))
    .values(assignee=bindparam("b_assignee"), claimed_at=bindparam("b_at"))
)
_CANCEL_TASK = (
    update(_task)
    .where(_task.c.id == bindparam("b_task_id"), _task.c.status == "open")
    .values(status="cancelled", completed_at=bindparam("b_at"))
)
_CANCEL_TIMER = (
    update(_timer)
    .where(
        _timer.c.instance_id == bindparam("b_instance_id"),
        _timer.c.task_id == bindparam("b_task_id"),
        _timer.c.due_at == bindparam("b_due"),
        _timer.c.status == "pending",
    )
    .values(status="cancelled", settled_at=bindparam("b_at"))
)
_CANCEL_OPEN_TASKS = (
    update(_task)
    .where(_task.c.instance_id == bindparam("b_instance_id"), _task.c.status == "open")
    .values(status="cancelled", completed_at=bindparam("b_at"))
)


def _cancel_pending_of_instance(table: Table) -> Any:
    """Cancel an instance's pending rows of ``table`` (timers, outbox entries)."""
    return (
        update(table)
        .where(table.c.instance_id == bindparam("b_instance_id"), table.c.status == "pending")
        .values(status="cancelled", settled_at=bindparam("b_at"))
    )


_CANCEL_PENDING_TIMERS = _cancel_pending_of_instance(_timer)

_INSERT_CALL = insert(_outbox)
_REQUEUE_CALL = (
    update(_outbox)
    .where(_outbox.c.task_id == bindparam("b_task_id"))
    .values(
        payload=bindparam("b_payload"),
        status="pending",
        attempts=0,
        next_attempt_at=bindparam("b_at"),
        settled_at=None,
    )
    .returning(_outbox.c.id)
)
_CANCEL_CALL = (
    update(_outbox)
    .where(_outbox.c.task_id == bindparam("b_task_id"), _outbox.c.status == "pending")
    .values(status="cancelled", settled_at=bindparam("b_at"))
)
_CANCEL_PENDING_CALLS = _cancel_pending_of_instance(_outbox)


def _run(session: Session, statement: Any, params: Any) -> Any:
    return session.connection().execute(statement, params)


def create_instance(session: Session, values: dict[str, Any]) -> int:
    result = _run(session, _INSERT_INSTANCE, {**values, "lock_version": 1})
    return result.inserted_primary_key[0]


def save_instance(
    session: Session,
    record: Any,
    opened: list[dict[str, Any]] | None = None,
    history: list[dict[str, Any]] | None = None,
) -> None:
    """Write the instance back, with the rows of the tasks that ``opened`` and the
    ``history``; the version check catches a write based on a stale read.

    On PostgreSQL the three are one statement (the inserts as data-modifying CTEs of
    the UPDATE): a command's writes cost one round trip, not three. SQLite has no
    such CTEs and no round trips to save, so it runs them one by one.
    """
    params = {
        "b_id": record.id,
        "b_seen": record.lock_version,
        "b_state": record.state,
        "b_variables": record.variables,
        "b_status": record.status,
        "b_updated_at": record.updated_at,
        "b_ended_at": record.ended_at,
    }
    tasks, events = opened or [], history or []
    if session.connection().dialect.name == "sqlite":
        insert_tasks(session, tasks)
        saved = driver.row_count(session, _SAVE_INSTANCE, params) == 1
        append_history(session, events)
    else:
        # By name: a trigger adds a new task name (migration 0015), and commands that
        # add the same new names add them in one order, so none waits in a circle.
        tasks = sorted(tasks, key=lambda row: row["name"])
        params |= {"b_tasks": _as_json(_task, tasks), "b_events": _as_json(_event, events)}
        saved = driver.first_row(session, _SAVE_WITH_ROWS, params) is not None
    if not saved:
        raise Conflict(f"instance {record.id} changed under this command; try again")
    record.lock_version += 1


def _inserted_from_json(table: Table, name: str) -> Any:
    """``INSERT INTO table SELECT … FROM json_to_recordset(:b_name)``, as a CTE: one
    statement for any number of rows, compiled once (a multi-row VALUES is compiled
    again on every call). Text goes in as TEXT, so the INSERT checks its length; JSON
    columns go in as their JSON text (see :func:`_as_json`)."""
    columns = [c for c in table.c if not c.primary_key or c.type.python_type is str]
    columns = [c for c in columns if c.computed is None]
    record = func.json_to_recordset(sql_cast(bindparam(f"b_{name}", type_=Text), JSON))
    rows = record.table_valued(
        *(column(c.name, Text if isinstance(c.type, String | JSON) else c.type) for c in columns)
    ).render_derived(name=name, with_types=True)
    chosen = select(
        *(
            sql_cast(rows.c[c.name], JSON) if isinstance(c.type, JSON) else rows.c[c.name]
            for c in columns
        )
    )
    return insert(table).from_select([c.name for c in columns], chosen).cte(f"{name}_inserted")


_SAVE_WITH_ROWS = _SAVE_INSTANCE.returning(_instance.c.id).add_cte(
    _inserted_from_json(_task, "tasks"), _inserted_from_json(_event, "events")
)
"""PostgreSQL: the instance's UPDATE with the opened tasks and the history as CTEs."""


def _as_json(table: Table, rows: list[dict[str, Any]]) -> str:
    """``rows`` as one JSON array, the value of a JSON column as its own JSON text.

    Nested, a ``\\u0000`` in a JSON value would be turned into text by
    ``json_to_recordset`` and refused; as text inside text it stays the escape the
    JSON column keeps. A NUL in a text column is refused as every statement's
    parameters are (:func:`engine.bounds.refuse_nul_parameters`)."""
    as_text = _JSON_COLUMNS[table.name]
    for row in rows:
        refuse_nul_parameters(row)
    flat = [{k: json.dumps(v) if k in as_text else v for k, v in row.items()} for row in rows]
    return json.dumps(flat, default=_json_datetime, separators=(",", ":"))


_JSON_COLUMNS = {
    table.name: frozenset(c.name for c in table.c if isinstance(c.type, JSON))
    for table in (_task, _event)
}


def _json_datetime(value: Any) -> str:
    """A datetime as the column stores it (aware, UTC; a naive one is refused)."""
    if isinstance(value, datetime):
        return _UTC_DATETIME.process_bind_param(value, None).isoformat()  # type: ignore[union-attr]
    raise TypeError(f"{type(value).__name__} is not JSON")


_UTC_DATETIME = UTCDateTime()


def task_row(session: Session, task_id: str) -> Row[Any] | None:
    return _run(session, _TASK_BY_ID, {"b_task_id": task_id}).first()


def lock_and_complete_task(
    db: Database, session: Session, task_id: str, at: datetime, by: str
) -> tuple[Any, Any | None]:
    """The row of the instance a task belongs to, locked, and the task's row as its
    completion wrote it (None if it was not open); NotFound without the task.

    One statement on both databases where a lock and a completion were: on PostgreSQL
    a round trip less, on SQLite a statement less (SQLAlchemy's cost per statement is
    more than SQLite's). The caller checks the task's row afterwards, and an error it
    raises rolls the completion back with the command."""
    params = {"b_task_id": task_id, "b_at": at, "b_by": by}
    statement = _COMPLETE_OPEN_WITH_INSTANCE if db.is_sqlite else _LOCK_AND_COMPLETE
    found = db.busy_as_conflict(
        f"the instance of task {task_id}",
        lambda: driver.first_row(session, statement, params),
        task_id=task_id,
    )
    if found is None and db.is_sqlite:  # not open, or no such task: nothing was written
        return db.lock_instance_of_task(session, task_id), None
    if found is None:
        raise missing_task(task_id)
    instance = SimpleNamespace(**{c.name: found[f"i_{c.name}"] for c in _instance.c})
    task = SimpleNamespace(**{c.name: found[f"t_{c.name}"] for c in _task.c})
    return instance, task if task.id is not None else None


def set_assignee(session: Session, task_id: str, assignee: str | None, at: datetime) -> None:
    claimed_at = at if assignee else None
    _run(session, _ASSIGN, {"b_task_id": task_id, "b_assignee": assignee, "b_at": claimed_at})


def insert_tasks(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        driver.insert_many(session, _INSERT_TASKS, rows)


def cancel_tasks(session: Session, task_ids: Iterable[str], at: datetime) -> None:
    params = [{"b_task_id": task_id, "b_at": at} for task_id in task_ids]
    if params:
        _run(session, _CANCEL_TASK, params)


def insert_timers(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        _run(session, _INSERT_TIMERS, rows)


def cancel_timer(
    session: Session, instance_id: int, task_id: str, due: datetime, at: datetime
) -> None:
    params = {"b_instance_id": instance_id, "b_task_id": task_id, "b_due": due, "b_at": at}
    _run(session, _CANCEL_TIMER, params)


def cancel_open_rows(session: Session, instance_id: int, at: datetime) -> None:
    """Close every open task and pending timer of an instance (it was cancelled)."""
    _run(session, _CANCEL_OPEN_TASKS, {"b_instance_id": instance_id, "b_at": at})
    _run(session, _CANCEL_PENDING_TIMERS, {"b_instance_id": instance_id, "b_at": at})
    _run(session, _CANCEL_PENDING_CALLS, {"b_instance_id": instance_id, "b_at": at})


def queue_call(session: Session, entry: dict[str, Any], at: datetime) -> int:
    """The outbox entry of a service task's call: a new one, or, when the task runs again
    after an incident, its old one due again (the same id: the same idempotency key)."""
    params = {"b_task_id": entry["task_id"], "b_payload": entry["payload"], "b_at": at}
    requeued = _run(session, _REQUEUE_CALL, params).scalar()
    if requeued is not None:
        return requeued
    values = {**entry, "status": "pending", "attempts": 0, "next_attempt_at": at, "created_at": at}
    return _run(session, _INSERT_CALL, values).inserted_primary_key[0]


def cancel_calls(session: Session, task_ids: list[str], at: datetime) -> None:
    """Cancel the pending calls of service tasks the instance left (a boundary event)."""
    params = [{"b_task_id": task_id, "b_at": at} for task_id in task_ids]
    if params:
        _run(session, _CANCEL_CALL, params)


def append_history(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert history rows in one executemany (history is append-only)."""
    if rows and session.connection().dialect.name == "sqlite":
        driver.insert_many(session, _INSERT_EVENTS, rows)
    elif rows:
        _run(session, _INSERT_EVENTS_RETURNING, rows)

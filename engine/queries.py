"""Read queries over the derived rows; they never restore a workflow."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, func, select
from sqlalchemy.orm import Session, defer

from engine.errors import Conflict, NotFound, missing_instance, missing_task
from engine.models import Event, HumanTask, Incident, ProcessDefinition, ProcessInstance, Timer
from engine.views import EventView, IncidentView, InstanceView, TaskView

__all__ = [
    "active_instance_with_key",
    "definition_source",
    "deployed_definition",
    "deployed_version",
    "due_timer_ids",
    "find_tasks",
    "instance_view",
    "latest_definition",
    "latest_definitions",
    "latest_version",
    "list_definitions",
    "list_events",
    "list_instances",
    "open_incidents",
    "process_started_by",
    "task_view",
]


_tasks = HumanTask.__table__
_OPEN_TASKS_OF = (
    select(_tasks)
    .where(_tasks.c.instance_id == bindparam("b_id"), _tasks.c.status == "open")
    .order_by(_tasks.c.due_at.is_(None), _tasks.c.due_at, _tasks.c.created_at)
)
"""Prebuilt: every command's answer lists the instance's open tasks."""
_definitions = ProcessDefinition.__table__
_instances = ProcessInstance.__table__
_LATEST_VERSION = (
    select(_definitions.c.id, _definitions.c.version)
    .where(_definitions.c.process_key == bindparam("b_key"))
    .order_by(_definitions.c.version.desc())
    .limit(1)
)


def latest_definition(session: Session, process_key: str) -> ProcessDefinition | None:
    return session.scalars(
        select(ProcessDefinition)
        .where(ProcessDefinition.process_key == process_key)
        .order_by(ProcessDefinition.version.desc())
        .limit(1)
    ).first()


def latest_version(session: Session, process_key: str) -> Row[int, int] | None:
    """``(id, version)`` of the newest version of a process, without loading its spec."""
    return session.execute(_LATEST_VERSION, {"b_key": process_key}).first()


def deployed_version(session: Session, process_key: str) -> Row[int, int]:
    """:func:`latest_version`; NotFound when none is deployed."""
    found = latest_version(session, process_key)
    if found is None:
        raise _not_deployed(process_key)
    return found


def deployed_definition(session: Session, process_key: str) -> ProcessDefinition:
    """The latest version of ``process_key``; NotFound when none is deployed."""
    definition = latest_definition(session, process_key)
    if definition is None:
        raise _not_deployed(process_key)
    return definition


def _not_deployed(process_key: str) -> NotFound:
    return NotFound(f"no process '{process_key}' is deployed", process_key=process_key)


def latest_definitions(session: Session) -> list[ProcessDefinition]:
    """The latest version of every process, without loading the specs."""
    newest = (
        select(ProcessDefinition.process_key, func.max(ProcessDefinition.version).label("version"))
        .group_by(ProcessDefinition.process_key)
        .subquery()
    )
    query = (
        select(ProcessDefinition)
        .join(
            newest,
            (ProcessDefinition.process_key == newest.c.process_key)
            & (ProcessDefinition.version == newest.c.version),
        )
        .options(defer(ProcessDefinition.spec))
        .order_by(ProcessDefinition.process_key)
    )
    return list(session.scalars(query))


def process_started_by(session: Session, message: str) -> str:
    """The process whose latest version starts on ``message``; NotFound or Conflict."""
    starting = [
        d.process_key
        for d in latest_definitions(session)
        if message in (d.meta or {}).get("start_messages", [])
    ]
    if not starting:
        raise NotFound(f"no deployed process starts on message '{message}'", message_name=message)
    if len(starting) > 1:
        raise Conflict(
            f"message '{message}' starts several processes ({', '.join(starting)}); "
            "deliver it to an instance instead",
            message_name=message,
        )
    return starting[0]


def active_instance_with_key(session: Session, business_key: str) -> int | None:
    """The running (or incident) instance with this business key; Conflict if several."""
    query = select(_instances.c.id).where(
        _instances.c.business_key == business_key,
        _instances.c.status.in_(("running", "incident")),
    )
    ids = list(session.scalars(query))
    if len(ids) > 1:
        raise Conflict(
            f"{len(ids)} running instances have business key '{business_key}'",
            business_key=business_key,
        )
    return ids[0] if ids else None


def definition_version(session: Session, process_key: str, version: int) -> ProcessDefinition:
    """One version of a process; NotFound when it does not exist."""
    definition = session.scalars(
        select(ProcessDefinition)
        .options(defer(ProcessDefinition.spec))
        .where(ProcessDefinition.process_key == process_key, ProcessDefinition.version == version)
    ).first()
    if definition is None:
        raise NotFound(
            f"no version {version} of process '{process_key}'",
            process_key=process_key,
            version=version,
        )
    return definition


def definition_source(session: Session, process_key: str, version: int) -> str:
    """The BPMN file a process version was deployed from (for its diagram)."""
    return definition_version(session, process_key, version).file.content


def list_definitions(session: Session) -> list[ProcessDefinition]:
    query = select(ProcessDefinition).order_by(
        ProcessDefinition.process_key, ProcessDefinition.version
    )
    return list(session.scalars(query))


def find_tasks(
    session: Session,
    *,
    unit: str | None = None,
    assignee: str | None = None,
    instance_id: int | None = None,
    process_key: str | None = None,
    status: str | None = "open",
) -> list[TaskView]:
    """Tasks, soonest due first (tasks with no due date last)."""
    query = select(HumanTask.__table__)  # Core rows: listing needs no ORM identity
    if unit is not None:
        query = query.where(HumanTask.unit == unit)
    if assignee is not None:
        query = query.where(HumanTask.assignee == assignee)
    if instance_id is not None:
        query = query.where(HumanTask.instance_id == instance_id)
    if process_key is not None:
        query = query.where(HumanTask.process_key == process_key)
    if status is not None:
        query = query.where(HumanTask.status == status)
    query = query.order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.created_at)
    return [TaskView.of(row) for row in session.execute(query)]


def task_view(session: Session, task_id: str) -> TaskView:
    row = session.get(HumanTask, task_id)
    if row is None:
        raise missing_task(task_id)
    return TaskView.of(row)


def list_instances(
    session: Session, *, process_key: str | None = None, status: str | None = None
) -> list[ProcessInstance]:
    query = select(ProcessInstance).order_by(ProcessInstance.id.desc())
    if process_key is not None:
        query = query.where(ProcessInstance.process_key == process_key)
    if status is not None:
        query = query.where(ProcessInstance.status == status)
    return list(session.scalars(query))


def instance_view(session: Session, instance_id: int, row: Any = None) -> InstanceView:
    """The instance with its open tasks and open incidents.

    ``row`` is the instance as a command just wrote it (any object with the instance's
    columns as attributes), which saves reading it again.
    """
    row = row if row is not None else session.get(ProcessInstance, instance_id)
    if row is None:
        raise missing_instance(instance_id)
    incidents = [] if row.status != "incident" else open_incidents(session, instance_id)
    known = getattr(row, "open_tasks", None)
    if known is not None:
        tasks = sorted((TaskView.of_values(task) for task in known), key=_soonest_due_first)
    else:
        rows = session.connection().execute(_OPEN_TASKS_OF, {"b_id": instance_id})
        tasks = [TaskView.of(task) for task in rows]
    return InstanceView.of(row, row.variables, tasks, [IncidentView.of(i) for i in incidents])


def _soonest_due_first(task: TaskView) -> tuple[bool, datetime, datetime]:
    """The order of ``_OPEN_TASKS_OF``, for task rows a command already holds."""
    return (task.due_at is None, task.due_at or task.created_at, task.created_at)


def open_incidents(session: Session, instance_id: int) -> list[Incident]:
    query = select(Incident).where(
        Incident.instance_id == instance_id, Incident.resolved_at.is_(None)
    )
    return list(session.scalars(query))


def list_events(session: Session, instance_id: int) -> list[EventView]:
    query = select(Event).where(Event.instance_id == instance_id).order_by(Event.id)
    return [EventView.of(row) for row in session.scalars(query)]


def due_timer_ids(session: Session, now: datetime, limit: int) -> list[int]:
    """Pending timers of live instances whose time has come, oldest first."""
    query = (
        select(Timer.id)
        .join(ProcessInstance, ProcessInstance.id == Timer.instance_id)
        .where(Timer.status == "pending", Timer.due_at <= now)
        .where(ProcessInstance.status.in_(("running", "incident")))
        .order_by(Timer.due_at)
        .limit(limit)
    )
    return list(session.scalars(query))

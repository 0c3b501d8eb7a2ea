"""Read queries over the derived rows; they never restore a workflow."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.models import Event, HumanTask, Incident, ProcessDefinition, ProcessInstance
from engine.views import EventView, IncidentView, InstanceView, TaskView

__all__ = [
    "find_tasks",
    "instance_view",
    "latest_definition",
    "list_definitions",
    "list_events",
    "list_instances",
    "task_view",
]


def latest_definition(session: Session, process_key: str) -> ProcessDefinition | None:
    return session.scalars(
        select(ProcessDefinition)
        .where(ProcessDefinition.process_key == process_key)
        .order_by(ProcessDefinition.version.desc())
        .limit(1)
    ).first()


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
    status: str | None = "open",
) -> list[TaskView]:
    """Tasks, soonest due first (tasks with no due date last)."""
    query = select(HumanTask)
    if unit is not None:
        query = query.where(HumanTask.unit == unit)
    if assignee is not None:
        query = query.where(HumanTask.assignee == assignee)
    if instance_id is not None:
        query = query.where(HumanTask.instance_id == instance_id)
    if status is not None:
        query = query.where(HumanTask.status == status)
    query = query.order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.created_at)
    return [TaskView.of(row) for row in session.scalars(query)]


def task_view(session: Session, task_id: str) -> TaskView:
    row = session.get(HumanTask, task_id)
    if row is None:
        raise NotFound(f"no task {task_id}", task_id=task_id)
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


def instance_view(session: Session, instance_id: int) -> InstanceView:
    row = session.get(ProcessInstance, instance_id)
    if row is None:
        raise NotFound(f"no process instance {instance_id}", instance_id=instance_id)
    incidents = (
        []
        if row.status != "incident"
        else session.scalars(
            select(Incident).where(
                Incident.instance_id == instance_id, Incident.resolved_at.is_(None)
            )
        )
    )
    return InstanceView.of(
        row,
        row.variables,
        find_tasks(session, instance_id=instance_id),
        [IncidentView.of(i) for i in incidents],
    )


def list_events(session: Session, instance_id: int) -> list[EventView]:
    query = select(Event).where(Event.instance_id == instance_id).order_by(Event.id)
    return [EventView.of(row) for row in session.scalars(query)]

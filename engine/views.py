"""Read-only pictures of engine state for callers (CLI, web); never ORM or Spiff objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from engine.instance_labels import stored_plan_tasks
from engine.models import (
    Attachment,
    Event,
    HumanTask,
    Incident,
    Notification,
    ProcessDefinition,
    ProcessInstance,
    Timer,
)

__all__ = [
    "AttachmentView",
    "DefinitionView",
    "EventView",
    "InboxCounts",
    "IncidentView",
    "InstanceView",
    "NotificationPage",
    "NotificationView",
    "TaskView",
    "TimerView",
]


@dataclass(frozen=True)
class TaskView:
    id: str
    instance_id: int
    process_key: str
    element_id: str
    name: str
    unit: str | None
    assignee: str | None
    status: str
    created_at: datetime
    due_at: datetime | None
    follow_up_at: datetime | None
    completed_at: datetime | None
    completed_by: str | None
    form: dict[str, Any] = field(repr=False)

    @classmethod
    def of(cls, row: HumanTask | Row[Any]) -> TaskView:
        """From the ORM object or a Core row of the task table (the same attribute names)."""
        return cls(
            id=row.id,
            instance_id=row.instance_id,
            process_key=row.process_key,
            element_id=row.element_id,
            name=row.name,
            unit=row.unit,
            assignee=row.assignee,
            status=row.status,
            created_at=row.created_at,
            due_at=row.due_at,
            follow_up_at=row.follow_up_at,
            completed_at=row.completed_at,
            completed_by=row.completed_by,
            form=row.form,
        )

    @classmethod
    def of_values(cls, values: dict[str, Any]) -> TaskView:
        """From a task row as a dict of its columns (as the runtime inserts it)."""
        return cls(**{name: values[name] for name in cls.__dataclass_fields__})

    def is_overdue(self, now: datetime) -> bool:
        return self.status == "open" and self.due_at is not None and self.due_at < now


@dataclass(frozen=True)
class AttachmentView:
    """A document uploaded to a task (its bytes come separately)."""

    id: str
    instance_id: int
    task_id: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime

    @classmethod
    def of(cls, row: Attachment | Row[Any]) -> AttachmentView:
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})

    def description(self) -> dict[str, Any]:
        """What a ``file`` form field holds in the workflow's data once submitted."""
        return {
            "id": self.id,
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class IncidentView:
    id: int
    task_id: str | None
    element_id: str | None
    message: str
    line: int | None
    created_at: datetime

    @classmethod
    def of(cls, row: Incident) -> IncidentView:
        return cls(row.id, row.task_id, row.element_id, row.message, row.line, row.created_at)


@dataclass(frozen=True)
class TimerView:
    id: int
    instance_id: int
    element_id: str
    due_at: datetime
    status: str

    @classmethod
    def of(cls, row: Timer) -> TimerView:
        return cls(row.id, row.instance_id, row.element_id, row.due_at, row.status)


@dataclass(frozen=True)
class InstanceView:
    id: int
    process_key: str
    version: int
    status: str
    business_key: str | None
    started_at: datetime
    started_by: str
    updated_at: datetime
    ended_at: datetime | None
    data: dict[str, Any] = field(repr=False)
    open_tasks: list[TaskView] = field(default_factory=list, repr=False)
    incidents: list[IncidentView] = field(default_factory=list, repr=False)
    title: str | None = None
    """What lists show and search finds: the variable ``title``, else the process's name."""
    plan_tasks: list[str] = field(default_factory=list)
    """The plan's task codes the instance works on (``I.8``)."""

    @classmethod
    def of(
        cls,
        row: ProcessInstance | Row[Any],
        data: dict[str, Any],
        open_tasks: list[TaskView],
        incidents: list[IncidentView],
    ) -> InstanceView:
        return cls(
            id=row.id,
            process_key=row.process_key,
            version=row.version,
            status=row.status,
            business_key=row.business_key,
            started_at=row.started_at,
            started_by=row.started_by,
            updated_at=row.updated_at,
            ended_at=row.ended_at,
            data=data,
            open_tasks=open_tasks,
            incidents=incidents,
            title=row.title,
            plan_tasks=stored_plan_tasks(row.plan_task),
        )


@dataclass(frozen=True)
class EventView:
    id: int
    instance_id: int
    at: datetime
    actor: str
    kind: str
    element_id: str | None
    task_id: str | None
    data: dict[str, Any]

    @classmethod
    def of(cls, row: Event | Row[Any]) -> EventView:
        return cls(
            row.id,
            row.instance_id,
            row.at,
            row.actor,
            row.kind,
            row.element_id,
            row.task_id,
            row.data,
        )


@dataclass(frozen=True)
class DefinitionView:
    id: int
    process_key: str
    version: int
    name: str
    deployed_at: datetime
    file_name: str
    deployed_by: str
    note: str | None
    """The change note its designer wrote when deploying it from the modeler."""

    @classmethod
    def of(cls, row: ProcessDefinition) -> DefinitionView:
        deployment = row.deployment
        return cls._made(row, row.file.name, deployment.deployed_by, deployment.note)

    @classmethod
    def of_row(cls, row: Row[Any]) -> DefinitionView:
        """From a Core row of the definition's columns with its ``file_name``,
        ``deployed_by`` and ``note``."""
        return cls._made(row, row.file_name, row.deployed_by, row.note)

    @classmethod
    def _made(cls, row: Any, file_name: str, deployed_by: str, note: str | None) -> DefinitionView:
        return cls(
            row.id, row.process_key, row.version, row.name, row.deployed_at, file_name,
            deployed_by, note,
        )  # fmt: skip


@dataclass(frozen=True)
class NotificationView:
    """A reminder, overdue mark or escalation in someone's in-app inbox, with the task
    it is about (read in the same query, for its name and who may open it)."""

    id: int
    recipient: str
    kind: str
    instance_id: int | None
    task_id: str | None
    message: str
    created_at: datetime
    read_at: datetime | None
    task: TaskView | None = field(default=None, repr=False)

    @classmethod
    def of(cls, row: Notification, task: HumanTask | None = None) -> NotificationView:
        columns = {name: getattr(row, name) for name in cls.__dataclass_fields__ if name != "task"}
        return cls(**columns, task=TaskView.of(task) if task is not None else None)


@dataclass(frozen=True)
class NotificationPage:
    """One page of an inbox, newest first; ``next_before`` is the cursor of the next
    page (None on the last)."""

    items: list[NotificationView]
    next_before: str | None


@dataclass(frozen=True)
class InboxCounts:
    """The header's badges: unread live notifications, open tasks for the user."""

    unread: int
    open_tasks: int

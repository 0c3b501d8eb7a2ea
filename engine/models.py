"""The database tables, as SQLAlchemy 2 typed models.

The Spiff state of an instance is one JSON text column; everything a screen or the
scheduler must query (open human tasks, waiting timers, incidents, history) is a
*derived row* written in the same transaction as that state, so the two never
disagree and nobody has to deserialize a workflow to list an inbox.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.model_types import Base, UTCDateTime

__all__ = [
    "Attachment",
    "Base",
    "Deadline",
    "Deployment",
    "DeploymentFile",
    "Event",
    "HumanTask",
    "Incident",
    "Notification",
    "OutboxEmail",
    "OutboxEntry",
    "ProcessDefinition",
    "ProcessDraft",
    "ProcessInstance",
    "StartedPeriod",
    "Timer",
    "UTCDateTime",
]


class Deployment(Base):
    """One call of ``deploy``: its files are stored together or not at all."""

    __tablename__ = "deployment"
    id: Mapped[int] = mapped_column(primary_key=True)
    deployed_at: Mapped[datetime]
    deployed_by: Mapped[str] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)
    """The designer's change note (required when deploying from the modeler)."""
    files: Mapped[list[DeploymentFile]] = relationship(back_populates="deployment")


class DeploymentFile(Base):
    __tablename__ = "deployment_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployment.id"))
    name: Mapped[str] = mapped_column(String(255))
    content_hash: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)
    deployment: Mapped[Deployment] = relationship(back_populates="files")


class ProcessDefinition(Base):
    """One version of one BPMN process. Immutable once written."""

    __tablename__ = "process_definition"
    __table_args__ = (UniqueConstraint("process_key", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(255), index=True)
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(255))
    content_hash: Mapped[str] = mapped_column(String(64))
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployment.id"))
    file_id: Mapped[int] = mapped_column(ForeignKey("deployment_file.id"))
    spec: Mapped[dict[str, Any]]
    """SpiffWorkflow's serialized spec and subprocess specs, stored once per version."""
    meta: Mapped[dict[str, Any]]
    """What govflow reads from the BPMN itself: units, due dates, forms, start timers."""
    deployed_at: Mapped[datetime]
    file: Mapped[DeploymentFile] = relationship()
    deployment: Mapped[Deployment] = relationship()


class ProcessDraft(Base):
    """A designer's unfinished BPMN of one process: never compiled, never executable."""

    __tablename__ = "process_draft"
    __table_args__ = (UniqueConstraint("process_key", "designer"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(255))
    designer: Mapped[str] = mapped_column(String(120))
    xml: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime]


class ProcessInstance(Base):
    __tablename__ = "process_instance"
    __table_args__ = (
        Index("ix_process_instance_cycles", "process_key", "started_at", "id"),
        Index("ix_process_instance_period", "period_start"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(255), index=True)
    version: Mapped[int]
    """The definition's version, kept here so listings need no join."""
    status: Mapped[str] = mapped_column(String(20), index=True)
    business_key: Mapped[str | None] = mapped_column(String(255), index=True)
    state: Mapped[str] = mapped_column(Text)
    """The Spiff workflow as JSON, without its spec (that lives on the definition)."""
    variables: Mapped[dict[str, Any]]
    """The latest process variables, JSON-safe, for screens that must not restore Spiff."""
    lock_version: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime]
    started_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    title: Mapped[str | None] = mapped_column(String(255))
    """What lists show and search finds: the variable ``title``, else the process's name."""
    plan_task: Mapped[str | None] = mapped_column(String(120))
    """The plan's task codes, ``,I.8,I.9,``: the variable ``task_code``, else the
    process's ``plan_task`` property (see :mod:`engine.instance_labels`)."""
    period_start: Mapped[datetime | None]
    """The start of the period a periodic instance is for, else when it started: its cycle."""
    definition: Mapped[ProcessDefinition] = relationship()

    # A second guard beside the row lock: a write based on a stale read fails.
    __mapper_args__: Mapping[str, Any] = {"version_id_col": lock_version}


class HumanTask(Base):
    """A user task as the inbox sees it; the id is Spiff's task id."""

    __tablename__ = "human_task"
    __table_args__ = (  # the inbox's orders: one unit's, everybody's, one person's
        Index("ix_human_task_unit_due", "status", "unit", "due_at", "id"),
        Index("ix_human_task_status_due", "status", "due_at", "id"),
        Index("ix_human_task_assignee_due", "assignee", "status", "due_at", "id"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(255))
    element_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    unit: Mapped[str | None] = mapped_column(String(120))
    assignee: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20))
    form: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    follow_up_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(String(120))


class Timer(Base):
    """A waiting timer of an instance; the scheduler's queue is this table."""

    __tablename__ = "timer"
    __table_args__ = (
        UniqueConstraint("instance_id", "task_id", "due_at"),
        Index("ix_timer_status_due", "status", "due_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(255))
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20))
    """``pending``, then ``fired``, or ``cancelled`` when the instance moved on first."""
    created_at: Mapped[datetime]
    settled_at: Mapped[datetime | None]


class Incident(Base):
    """A runtime error that stopped an instance until someone fixes the data and retries."""

    __tablename__ = "incident"
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    element_id: Mapped[str | None] = mapped_column(String(255))
    message: Mapped[str] = mapped_column(Text)
    line: Mapped[int | None]
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(120))


class Event(Base):
    """The history of an instance: who did what, when, with which data. Append-only."""

    __tablename__ = "event"
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(40))
    element_id: Mapped[str | None] = mapped_column(String(255))
    task_id: Mapped[str | None] = mapped_column(String(36))
    data: Mapped[dict[str, Any]]


class StartedPeriod(Base):
    """A period of a periodic process that has had its instance (or was skipped on purpose).

    The unique (process key, period start) pair is what stops two schedulers, or one
    scheduler after a restart, from starting the same period twice.
    """

    __tablename__ = "started_period"
    __table_args__ = (UniqueConstraint("process_key", "period_start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(255))
    period_start: Mapped[datetime]
    period_index: Mapped[int]
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    status: Mapped[str] = mapped_column(String(20))
    """``started``, or ``skipped`` by the catch-up policy after downtime."""
    is_late: Mapped[bool]
    created_at: Mapped[datetime]


class Deadline(Base):
    """A reminder, overdue mark or escalation step of an open human task; fired once."""

    __tablename__ = "deadline"
    __table_args__ = (
        UniqueConstraint("task_id", "kind", "step"),
        Index("ix_deadline_status_due", "status", "due_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("human_task.id"))
    kind: Mapped[str] = mapped_column(String(20))
    """``reminder``, ``overdue`` or ``escalation``."""
    step: Mapped[int]
    recipient: Mapped[str] = mapped_column(String(120))
    """A unit code, or ``head:CODE`` for the head of a unit."""
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20))
    """``pending``, then ``fired``, or ``cancelled`` when the task closed first."""
    created_at: Mapped[datetime]
    settled_at: Mapped[datetime | None]


class Notification(Base):
    """A message in a user's or a unit's in-app inbox."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_inbox", "recipient", "created_at", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(120))
    recipient_kind: Mapped[str] = mapped_column(String(10))
    """``user`` or ``unit``."""
    kind: Mapped[str] = mapped_column(String(40))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    task_id: Mapped[str | None] = mapped_column(String(36))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]


class OutboxEmail(Base):
    """An e-mail to send, written in the transaction that decided to send it.

    Sending marks ``sent_at``; a failed attempt is kept with its error and retried at
    ``next_attempt_at``, so an SMTP outage delays mail but neither loses nor repeats it.
    """

    __tablename__ = "outbox_email"
    __table_args__ = (Index("ix_outbox_email_pending", "sent_at", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notification.id"))
    to_address: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class Attachment(Base):
    """A document a unit uploaded to a human task (a report, a signed decision).

    Kept in the database, beside the task it belongs to, so that one backup and one
    transaction cover both; its size is capped (``GOVFLOW_MAX_UPLOAD_BYTES``).
    """

    __tablename__ = "attachment"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("human_task.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(255))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(120))
    uploaded_at: Mapped[datetime]


class OutboxEntry(Base):
    """A call to another system, written in the transaction of the command that made it.

    A service task waits while its entry is ``pending``; whichever node claims the
    entry sends it after that commit, and the result (or, after the last attempt, the
    error) goes back into the instance as a command: ``sent``, ``failed`` (an
    incident; a retry of the instance makes it ``pending`` again), or ``cancelled``
    when the task was left first. ``kind`` says who sends it (``connector``), so the
    same queue can carry other deliveries later. The id is the idempotency key.

    Kinds ``message`` and ``signal`` carry a thrown BPMN event to its receivers
    (:mod:`engine.runtime.delivery`): ``sent`` once delivered, ``expired`` when a
    message found no receiver within its lifetime.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("task_id"),
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    """The waiting instance; for a message or signal its sender (None: from outside)."""
    task_id: Mapped[str] = mapped_column(String(36))
    """The Spiff task that waits for the entry (a message or signal: a random id)."""
    element_id: Mapped[str] = mapped_column(String(255))
    target: Mapped[str] = mapped_column(String(255))
    """The connector's name."""
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    """When it is due; while a node sends it, the end of that node's lease."""
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    settled_at: Mapped[datetime | None]

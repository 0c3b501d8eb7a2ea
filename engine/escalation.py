"""Reminders, overdue marks and escalations of human tasks that have a due date.

When a human task with a due date opens, its deadlines are written as derived rows
in the same transaction: a reminder before the due time, the overdue mark at it, and
an escalation chain after it (by default the unit's head, then ITC, then the
Minister's office, one step every 2 working days). A chain warns someone above the
late unit: it skips the late unit itself and any step named twice, and it always ends
at the leadership (``Settings.escalation_top``, LEAD), so ITC's own late tasks go to
ITC's head and then to LEAD rather than back to ITC. A step naming a unit warns its
head and supervisors, not its staff. When the task closes, its pending
deadlines are cancelled in the closing transaction. The scheduler fires each due
deadline exactly once (row claimed with SKIP LOCKED, settled in the firing
transaction with its history event and notifications).

Per process or per task, ``camunda:properties`` override the defaults of the
settings: ``reminder`` (``3WD`` working days, an ISO duration such as ``P2D``, or
``none``), ``escalation`` (``head,ITC,LEAD``; ``head`` is the head of the task's
unit; ``none`` for no chain) and ``escalation_interval`` (``2WD`` or a duration).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from engine.calendar import WorkCalendar, to_local
from engine.claims import drain
from engine.durations import Offset, parse_offset
from engine.errors import GovflowError
from engine.models import (
    Deadline,
    Event,
    HumanTask,
    ProcessDefinition,
    ProcessInstance,
)
from engine.notify import Notifier, head_target, overseers_target
from engine.runtime.unit_of_work import TaskChanges
from engine.settings import Settings
from engine.statuses import ACTIVE_STATUSES
from engine.store import Database

__all__ = [
    "EscalationPolicy",
    "Escalations",
    "escalation_steps",
    "plan_deadlines",
    "policy_from",
]

log = logging.getLogger(__name__)

_EVENT_KINDS = {
    "reminder": "task_reminder_sent",
    "overdue": "task_overdue",
    "escalation": "task_escalated",
}


@dataclass(frozen=True)
class EscalationPolicy:
    reminder: Offset | None
    chain: tuple[str, ...]
    interval: Offset
    top: str = "LEAD"
    """Where every chain ends (unless it is ``none``): the leadership."""


def policy_from(
    task_properties: Mapping[str, Any], process_properties: Mapping[str, Any], settings: Settings
) -> EscalationPolicy:
    """The task's property, else the process's, else the setting; InvalidInput names it."""

    def pick(name: str, default: str) -> str:
        value = task_properties.get(name) or process_properties.get(name) or default
        return str(value).strip()

    reminder = pick("reminder", settings.reminder)
    chain = pick("escalation", settings.escalation)
    return EscalationPolicy(
        reminder=None if reminder.lower() == "none" else parse_offset(reminder, field="reminder"),
        chain=() if chain.lower() == "none" else tuple(s.strip() for s in chain.split(",") if s),
        interval=parse_offset(
            pick("escalation_interval", settings.escalation_interval), field="escalation_interval"
        ),
        top=settings.escalation_top,
    )


def plan_deadlines(
    policy: EscalationPolicy,
    unit: str | None,
    due_at: datetime,
    now: datetime,
    calendar: WorkCalendar,
) -> list[dict[str, Any]]:
    """The deadlines of a task opened at ``now``: (kind, step, recipient, due_at) rows.

    A reminder whose time has already passed is dropped (it would only repeat what
    the new task says); ``head`` is dropped from the chain of a task with no unit.
    """
    planned = []
    if policy.reminder is not None and unit:
        remind_at = policy.reminder.before(due_at, calendar)
        if now < remind_at < due_at:
            planned.append(_deadline("reminder", 0, unit, remind_at))
    planned.append(_deadline("overdue", 0, unit or "ITC", due_at))
    for step, target in enumerate(escalation_steps(policy, unit), start=1):
        planned.append(
            _deadline("escalation", step, target, policy.interval.after(due_at, calendar, step))
        )
    return planned


def escalation_steps(policy: EscalationPolicy, unit: str | None) -> list[str]:
    """The recipients of the chain for a task of ``unit``, in order.

    ``head`` becomes the unit's head (dropped for a task with no unit); the late unit
    itself and repeated steps are dropped (warning the late unit again tells nobody
    new); the leadership is added at the end when the chain does not reach it.
    """
    steps: list[str] = []
    for who in policy.chain:
        target = (head_target(unit) if unit else None) if who == "head" else who
        if target is not None and target != unit and target not in steps:
            steps.append(target)
    if policy.chain and policy.top != unit and steps[-1:] != [policy.top]:
        steps = [s for s in steps if s != policy.top] + [policy.top]
    return steps


def _deadline(kind: str, step: int, recipient: str, due_at: datetime) -> dict[str, Any]:
    return {"kind": kind, "step": step, "recipient": recipient, "due_at": due_at}


_deadline_table = cast(Table, Deadline.__table__)  # a Table, typed as a FromClause
_CANCEL_ALL_DEADLINES = (
    update(_deadline_table)
    .where(
        _deadline_table.c.instance_id == bindparam("b_instance"),
        _deadline_table.c.status == "pending",
    )
    .values(status="cancelled", settled_at=bindparam("b_at"))
)
_CANCEL_TASK_DEADLINES = _CANCEL_ALL_DEADLINES.where(
    _deadline_table.c.task_id.in_(bindparam("b_tasks", expanding=True))
)
_INSERT_DEADLINES = insert(_deadline_table)
"""Prebuilt: they run in the commands' hot path (see engine/runtime/rows.py)."""


class Escalations:
    """Writes task deadlines as tasks open and close, and fires the due ones."""

    def __init__(
        self, db: Database, settings: Settings, calendar: WorkCalendar, notifier: Notifier
    ) -> None:
        self.db = db
        self.settings = settings
        self.calendar = calendar
        self.notifier = notifier
        self._policies: dict[tuple[int, str], EscalationPolicy] = {}

    # -- derived rows, in the command's transaction ---------------------------------

    def tasks_changed(
        self, session: Session, instance: Any, changes: TaskChanges, now: datetime
    ) -> None:
        """Runtime hook: cancel the deadlines of closed tasks, plan those of opened ones.

        It works from the command's own diff, so a command that opens and closes no
        task costs nothing here, and one that does costs one statement each way.
        """
        connection = session.connection()
        dated = [task_id for task_id in changes.closed if task_id not in changes.undated]
        params = {"b_instance": instance.id, "b_tasks": dated, "b_at": now}
        if changes.all_closed:
            connection.execute(_CANCEL_ALL_DEADLINES, params)
        elif dated:
            connection.execute(_CANCEL_TASK_DEADLINES, params)
        if instance.status not in ACTIVE_STATUSES:
            return
        planned = [
            {
                "instance_id": instance.id,
                "task_id": row["id"],
                "status": "pending",
                "created_at": now,
                **deadline,
            }
            for row in changes.opened
            if row["due_at"] is not None
            for deadline in plan_deadlines(
                self._policy(session, instance.definition_id, row["element_id"]),
                row["unit"],
                row["due_at"],
                now,
                self.calendar,
            )
        ]
        if planned:
            connection.execute(_INSERT_DEADLINES, planned)

    def _policy(self, session: Session, definition_id: int, element_id: str) -> EscalationPolicy:
        key = (definition_id, element_id)
        if key not in self._policies:
            meta = session.scalar(
                select(ProcessDefinition.meta).where(ProcessDefinition.id == definition_id)
            )
            meta = meta or {}
            task_properties = meta.get("tasks", {}).get(element_id, {}).get("properties") or {}
            try:
                policy = policy_from(task_properties, meta.get("properties") or {}, self.settings)
            except GovflowError as exc:
                log.error("%s: bad escalation properties, using defaults: %s", element_id, exc)
                policy = policy_from({}, {}, self.settings)
            self._policies[key] = policy
        return self._policies[key]

    # -- firing, one transaction per deadline ---------------------------------------

    def fire_due(self, now: datetime) -> int:
        def due(excluded: set[int]) -> Select[int]:
            return (
                select(Deadline.id)
                .join(ProcessInstance, ProcessInstance.id == Deadline.instance_id)
                .where(ProcessInstance.status.in_(ACTIVE_STATUSES))
                .where(Deadline.status == "pending", Deadline.due_at <= now)
                .where(Deadline.id.not_in(excluded))
                .order_by(Deadline.due_at, Deadline.id)
            )

        fire = partial(self._fire, now=now)
        return drain(self.db, due, fire, lock_of=Deadline, batch=self.settings.scheduler_batch)

    def next_due_at(self, session: Session) -> datetime | None:
        return session.scalar(
            select(func.min(Deadline.due_at))
            .join(ProcessInstance, ProcessInstance.id == Deadline.instance_id)
            .where(Deadline.status == "pending", ProcessInstance.status.in_(ACTIVE_STATUSES))
        )

    def _fire(self, session: Session, deadline_id: int, now: datetime) -> bool:
        deadline = session.get(Deadline, deadline_id, populate_existing=True)
        if deadline is None or deadline.status != "pending":
            return False
        task = session.get(HumanTask, deadline.task_id)
        if task is None or task.status != "open":  # closed by a command not yet swept
            deadline.status, deadline.settled_at = "cancelled", now
            return False
        deadline.status, deadline.settled_at = "fired", now
        subject, message = _wording(deadline, task)
        session.add(
            Event(
                instance_id=deadline.instance_id,
                at=now,
                actor="scheduler",
                kind=_EVENT_KINDS[deadline.kind],
                element_id=task.element_id,
                task_id=task.id,
                data={
                    "recipient": deadline.recipient,
                    "step": deadline.step,
                    "due_at": deadline.due_at.isoformat(),
                    "task_due_at": task.due_at.isoformat() if task.due_at else None,
                },
            )
        )
        self.notifier.notify(
            session,
            _addressee(deadline),
            kind=_EVENT_KINDS[deadline.kind],
            subject=subject,
            message=message,
            now=now,
            instance_id=deadline.instance_id,
            task_id=task.id,
        )
        log.info("%s for task %s sent to %s", deadline.kind, task.id, deadline.recipient)
        return True


def _addressee(deadline: Deadline) -> str:
    """Reminders and overdue marks go to the late unit's staff, who do the work; an
    escalation step naming a unit goes to its head and supervisors, who answer for it
    and may open any task it is warned about (not to all its staff, who may not)."""
    if deadline.kind == "escalation" and not deadline.recipient.startswith("head:"):
        return overseers_target(deadline.recipient)
    return deadline.recipient


def _wording(deadline: Deadline, task: HumanTask) -> tuple[str, str]:
    """Subject and body of a deadline's notification: Vietnamese, the ministry's
    language, with the English text below it for the English-speaking staff."""
    due = to_local(task.due_at).strftime("%d/%m/%Y %H:%M") if task.due_at else "-"
    unit = task.unit or "-"
    where = f"{task.process_key} #{task.instance_id}"
    if deadline.kind == "reminder":
        subject = f"Nhắc việc: {task.name} đến hạn lúc {due}"
        vi = f"Nhiệm vụ “{task.name}” ({where}, đơn vị {unit}) đến hạn lúc {due} (giờ Hà Nội)."
        en = f"The task '{task.name}' ({where}, unit {unit}) is due on {due} (Hà Nội time)."
    elif deadline.kind == "overdue":
        subject = f"Quá hạn: {task.name}"
        vi = f"Nhiệm vụ “{task.name}” ({where}, đơn vị {unit}) đã quá hạn ({due}) mà chưa xong."
        en = f"The task '{task.name}' ({where}, unit {unit}) was due on {due} and is not done."
    else:
        subject = f"Chuyển cấp trên (bước {deadline.step}): {task.name} quá hạn"
        vi = (
            f"Nhiệm vụ “{task.name}” ({where}, đơn vị {unit}) hạn {due} vẫn chưa hoàn thành "
            f"(chuyển cấp trên, bước {deadline.step})."
        )
        en = (
            f"The task '{task.name}' ({where}, unit {unit}) was due on {due} and is still "
            f"not done (escalation step {deadline.step})."
        )
    return subject, f"{vi}\n\n{en}"

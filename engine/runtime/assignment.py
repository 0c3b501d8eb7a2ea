"""Who works a human task: claim, release, assign. These commands change only the
derived task row and the history, never the SpiffWorkflow state, under the instance lock.

A mixin of :class:`engine.runtime.commands.Runtime`, with the checks on a task row
that the Runtime's own commands share.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from engine.bounds import check_fits
from engine.clock import Clock
from engine.errors import Conflict
from engine.models import HumanTask, ProcessInstance
from engine.runtime import rows
from engine.runtime.unit_of_work import InstanceRecord, history_row
from engine.statuses import ACTIVE_STATUSES
from engine.store import Database
from engine.views import TaskView

__all__ = ["TaskAssignment", "check_active", "check_claimant", "not_open"]


class TaskAssignment:
    """Claim, release and assign human tasks."""

    db: Database
    clock: Clock

    def claim_task(self, session: Session, task_id: str, actor: str) -> TaskView:
        row, instance = self._lock_task(session, task_id)
        if row.assignee and row.assignee != actor:
            raise Conflict(
                f"task is already claimed by {row.assignee}",
                task_id=task_id,
                claimed_by=row.assignee,
            )
        return self._set_assignee(session, instance, row, actor, actor, "task_claimed")

    def unclaim_task(self, session: Session, task_id: str, claimant: str, actor: str) -> TaskView:
        """Release ``claimant``'s claim; another's claim released is ``claim_released``."""
        row, instance = self._lock_task(session, task_id)
        own = claimant == actor
        if row.assignee != claimant and not (own and row.assignee is None):
            claimed_by = row.assignee or "nobody"
            raise Conflict(
                f"task is claimed by {claimed_by}, not {claimant}",
                task_id=task_id,
                claimed_by=row.assignee,
            )
        kind = "task_unclaimed" if own else "claim_released"
        return self._set_assignee(session, instance, row, None, actor, kind)

    def assign_task(self, session: Session, task_id: str, assignee: str, actor: str) -> TaskView:
        check_fits(assignee, HumanTask.assignee, "assignee")
        row, instance = self._lock_task(session, task_id)
        return self._set_assignee(session, instance, row, assignee, actor, "task_assigned")

    def _lock_task(self, session: Session, task_id: str) -> tuple[Any, InstanceRecord]:
        """The task's row, which must be open, read under the lock of its active instance.

        Read under the lock, not before it: another worker may finish the task until
        then. The lock statement finds the instance through the task, so the task is
        read once, after it.
        """
        instance = InstanceRecord.of(self.db.lock_instance_of_task(session, task_id))
        check_active(instance)
        row = rows.task_row(session, task_id)
        if row is None or row.status != "open":
            raise not_open(session, task_id)
        return row, instance

    def _set_assignee(
        self,
        session: Session,
        instance: InstanceRecord,
        row: Any,
        assignee: str | None,
        actor: str,
        kind: str,
    ) -> TaskView:
        now = self.clock.now()
        event = history_row(
            instance.id,
            now,
            actor,
            kind,
            element_id=row.element_id,
            task_id=row.id,
            data={"assignee": assignee, "was": row.assignee},
        )
        rows.append_history(session, [event])
        rows.set_assignee(session, row.id, assignee, now)
        return replace(TaskView.of(row), assignee=assignee)


def check_active(instance: InstanceRecord | ProcessInstance) -> None:
    if instance.status not in ACTIVE_STATUSES:
        raise Conflict(
            f"instance {instance.id} is {instance.status}",
            instance_id=instance.id,
            instance_status=instance.status,
        )


def not_open(session: Session, task_id: str) -> Conflict:
    """The answer for a task no longer open (read under the instance's lock)."""
    row = rows.task_row(session, task_id)
    who = f" by {row.completed_by}" if row is not None and row.completed_by else ""
    state = row.status if row is not None else "gone"
    return Conflict(f"task {task_id} is already {state}{who}", task_id=task_id, state=state)


def check_claimant(row: Any, actor: str) -> None:
    """A claimed task is worked only by whoever claimed it."""
    if row.assignee and row.assignee != actor:
        raise Conflict(
            f"task is claimed by {row.assignee}", task_id=row.id, claimed_by=row.assignee
        )

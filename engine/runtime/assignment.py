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
from engine.errors import Conflict, missing_task
from engine.models import HumanTask, ProcessInstance
from engine.runtime import rows
from engine.runtime.unit_of_work import InstanceRecord, history_row
from engine.statuses import ACTIVE_STATUSES
from engine.store import Database
from engine.views import TaskView

__all__ = ["TaskAssignment", "check_active", "check_claimant", "human_task"]


class TaskAssignment:
    """Claim, release and assign human tasks."""

    db: Database
    clock: Clock

    def claim_task(self, session: Session, task_id: str, actor: str) -> TaskView:
        row, instance = self._lock_task(session, task_id)
        if row.assignee and row.assignee != actor:
            raise Conflict(f"task is already claimed by {row.assignee}", task_id=task_id)
        return self._set_assignee(session, instance, row, actor, actor, "task_claimed")

    def unclaim_task(self, session: Session, task_id: str, claimant: str, actor: str) -> TaskView:
        """Release ``claimant``'s claim; another's claim released is ``claim_released``."""
        row, instance = self._lock_task(session, task_id)
        own = claimant == actor
        if row.assignee != claimant and not (own and row.assignee is None):
            claimed_by = row.assignee or "nobody"
            raise Conflict(f"task is claimed by {claimed_by}, not {claimant}", task_id=task_id)
        kind = "task_unclaimed" if own else "claim_released"
        return self._set_assignee(session, instance, row, None, actor, kind)

    def assign_task(self, session: Session, task_id: str, assignee: str, actor: str) -> TaskView:
        check_fits(assignee, HumanTask.assignee, "assignee")
        row, instance = self._lock_task(session, task_id)
        return self._set_assignee(session, instance, row, assignee, actor, "task_assigned")

    def _lock_task(self, session: Session, task_id: str) -> tuple[Any, ProcessInstance]:
        row = human_task(session, task_id)
        instance = self.db.lock_instance(session, row.instance_id)
        check_active(instance)
        return self._still_open(session, row), instance

    def _still_open(self, session: Session, first_read: Any) -> Any:
        """The task row as of the instance lock, which must be open.

        Another worker may have finished the task between the first read and the lock,
        so it is read again, unless the first read was already under the lock (SQLite's
        write transactions hold it from their start).
        """
        row = first_read if self.db.locks_on_begin else rows.task_row(session, first_read.id)
        if row is None or row.status != "open":
            who = f" by {row.completed_by}" if row is not None and row.completed_by else ""
            state = row.status if row is not None else "gone"
            raise Conflict(f"task {first_read.id} is already {state}{who}", task_id=first_read.id)
        return row

    def _set_assignee(
        self,
        session: Session,
        instance: ProcessInstance,
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
        raise Conflict(f"instance {instance.id} is {instance.status}", instance_id=instance.id)


def human_task(session: Session, task_id: str) -> Any:
    row = rows.task_row(session, task_id)
    if row is None:
        raise missing_task(task_id)
    return row


def check_claimant(row: Any, actor: str) -> None:
    """A claimed task is worked only by whoever claimed it."""
    if row.assignee and row.assignee != actor:
        raise Conflict(f"task is claimed by {row.assignee}", task_id=row.id)

"""One command's work on one instance, and how it is written back.

The derived rows are a function of the workflow state and are written in the same
transaction, so the rows that exist before a command are exactly what the restored
workflow implies. Writing back is therefore a diff of the workflow before and after
the command, made in memory: no query is needed to find what changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from engine.models import Event, HumanTask, ProcessInstance, Timer
from engine.runtime.loading import CompiledDefinition, current_variables, store_state
from engine.runtime.projection import ready_human_tasks, waiting_timers

__all__ = ["UnitOfWork", "append_history", "history_row"]


@dataclass
class UnitOfWork:
    session: Session
    instance: ProcessInstance
    compiled: CompiledDefinition
    workflow: BpmnWorkflow
    actor: str
    now: datetime
    open_task_ids: set[str] = field(default_factory=set)
    """Human tasks with an open row before the command."""
    pending_timers: set[tuple[str, datetime]] = field(default_factory=set)
    """(task id, due) of timers with a pending row before the command."""
    settled_task_ids: set[str] = field(default_factory=set)
    settled_timers: set[tuple[str, datetime]] = field(default_factory=set)
    events: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def restored(
        cls,
        session: Session,
        instance: ProcessInstance,
        compiled: CompiledDefinition,
        workflow: BpmnWorkflow,
        actor: str,
        now: datetime,
    ) -> UnitOfWork:
        work = cls(session, instance, compiled, workflow, actor, now)
        work.open_task_ids = {t.task_id for t in ready_human_tasks(workflow)}
        work.pending_timers = {(t.task_id, t.due_at) for t in waiting_timers(workflow)}
        return work

    def record(
        self,
        kind: str,
        *,
        actor: str | None = None,
        element_id: str | None = None,
        task_id: str | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        self.events.append(
            history_row(
                self.instance.id,
                self.now,
                actor or self.actor,
                kind,
                element_id=element_id,
                task_id=task_id,
                data=data,
            )
        )

    def write_back(self, open_task: Any) -> None:
        """Store the state, the diff of the derived rows, and the history.

        ``open_task(ready)`` builds the row of a human task that became ready.
        """
        self._write_human_tasks(open_task)
        self._write_timers()
        store_state(self.instance, self.workflow)
        self.instance.variables = current_variables(self.workflow)
        self.instance.updated_at = self.now
        self.flush_events()

    def flush_events(self) -> None:
        append_history(self.session, self.events)
        self.events = []

    def _write_human_tasks(self, open_task: Any) -> None:
        ready = {task.task_id: task for task in ready_human_tasks(self.workflow)}
        for task_id in ready.keys() - self.open_task_ids:
            row: HumanTask = open_task(ready[task_id])
            self.session.add(row)
            due = row.due_at.isoformat() if row.due_at else None
            self.record(
                "task_opened",
                actor="engine",
                element_id=row.element_id,
                task_id=row.id,
                data={"unit": row.unit, "due_at": due},
            )
        gone = self.open_task_ids - ready.keys() - self.settled_task_ids
        if gone:
            self.session.execute(
                update(HumanTask)
                .where(HumanTask.id.in_(gone), HumanTask.status == "open")
                .values(status="cancelled", completed_at=self.now)
            )
            for task_id in sorted(gone):
                self.record("task_cancelled", actor="engine", task_id=task_id)

    def _write_timers(self) -> None:
        waiting = {(t.task_id, t.due_at): t for t in waiting_timers(self.workflow)}
        new = [waiting[key] for key in waiting.keys() - self.pending_timers]
        if new:
            self.session.execute(
                insert(Timer),
                [
                    {
                        "instance_id": self.instance.id,
                        "task_id": timer.task_id,
                        "element_id": timer.element_id,
                        "due_at": timer.due_at,
                        "status": "pending",
                        "created_at": self.now,
                    }
                    for timer in new
                ],
            )
        for task_id, due_at in self.pending_timers - waiting.keys() - self.settled_timers:
            self.session.execute(
                update(Timer)
                .where(
                    Timer.instance_id == self.instance.id,
                    Timer.task_id == task_id,
                    Timer.due_at == due_at,
                    Timer.status == "pending",
                )
                .values(status="cancelled", settled_at=self.now)
            )


def history_row(
    instance_id: int,
    at: datetime,
    actor: str,
    kind: str,
    *,
    element_id: str | None = None,
    task_id: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One history event, as a row for :func:`append_history`."""
    return {
        "instance_id": instance_id,
        "at": at,
        "actor": actor,
        "kind": kind,
        "element_id": element_id,
        "task_id": task_id,
        "data": dict(data or {}),
    }


def append_history(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert history rows in one Core executemany (history is append-only, no ORM needed)."""
    if rows:
        session.connection().execute(insert(Event.__table__), rows)

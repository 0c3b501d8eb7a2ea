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
from sqlalchemy.orm import Session

from engine.bounds import check_fits
from engine.models import Event
from engine.runtime import rows
from engine.runtime.live import LiveWorkflow
from engine.runtime.loading import CompiledDefinition, current_variables, store_state
from engine.runtime.projection import Snapshot, snapshot
from engine.runtime.thrown import queue_thrown

__all__ = ["InstanceRecord", "TaskChanges", "UnitOfWork", "history_row"]


@dataclass(frozen=True)
class TaskChanges:
    """What a command did to an instance's human tasks, for the runtime's hooks."""

    opened: list[dict[str, Any]] = field(default_factory=list)
    """The rows of the tasks that opened, inserted when the instance is saved."""
    closed: list[str] = field(default_factory=list)
    """Ids of the tasks that were completed or cancelled."""
    all_closed: bool = False
    """Every task of the instance closed (the instance was cancelled)."""
    undated: frozenset[str] = frozenset()
    """Closed tasks known to have had no due date (nothing was planned for them)."""

    def __bool__(self) -> bool:
        return bool(self.opened or self.closed or self.all_closed)


@dataclass
class InstanceRecord:
    """The instance row a command works on, read and written with Core statements."""

    id: int
    definition_id: int
    process_key: str
    version: int
    status: str
    business_key: str | None
    state: str
    variables: dict[str, Any]
    lock_version: int
    started_at: datetime
    started_by: str
    updated_at: datetime
    ended_at: datetime | None
    title: str | None
    plan_task: str | None
    open_tasks: list[dict[str, Any]] | None = None
    """The open human-task rows as the last command left them, when it knows them all
    without reading (it closed every task that was open before); None: read them."""

    @classmethod
    def of(cls, row: Any) -> InstanceRecord:
        return cls(**{name: getattr(row, name) for name in _COLUMNS})

    @classmethod
    def of_values(cls, instance_id: int, values: dict[str, Any]) -> InstanceRecord:
        fields: dict[str, Any] = {name: values.get(name) for name in _COLUMNS}
        return cls(**{**fields, "id": instance_id, "lock_version": 1})


_COLUMNS = [name for name in InstanceRecord.__dataclass_fields__ if name != "open_tasks"]


@dataclass
class UnitOfWork:
    session: Session
    instance: InstanceRecord
    compiled: CompiledDefinition
    workflow: BpmnWorkflow
    actor: str
    now: datetime
    open_task_ids: set[str] = field(default_factory=set)
    """Human tasks with an open row before the command."""
    pending_timers: set[tuple[str, datetime]] = field(default_factory=set)
    """(task id, due) of timers with a pending row before the command."""
    settled_task_ids: set[str] = field(default_factory=set)
    undated_task_ids: set[str] = field(default_factory=set)
    """Settled tasks whose row had no due date."""
    settled_timers: set[tuple[str, datetime]] = field(default_factory=set)
    pending_calls: set[str] = field(default_factory=set)
    """Task ids of service tasks with a pending outbox entry before the command."""
    settled_calls: set[str] = field(default_factory=set)
    """Service tasks whose entry this command settled (it must not be cancelled)."""
    calls_queued: int = 0
    """Calls, messages and signals this command put in the outbox (set by write_back)."""
    events: list[dict[str, Any]] = field(default_factory=list)
    has_errors: bool = False
    """Whether a task of the workflow is in error after the command (set by write_back)."""
    changes: TaskChanges = field(default_factory=TaskChanges)
    """The human tasks this command opened and closed (set by write_back)."""
    after: Snapshot | None = None
    """The workflow as written back."""

    @classmethod
    def restored(
        cls,
        session: Session,
        instance: InstanceRecord,
        compiled: CompiledDefinition,
        workflow: BpmnWorkflow,
        actor: str,
        now: datetime,
    ) -> UnitOfWork:
        work = cls(session, instance, compiled, workflow, actor, now)
        before = snapshot(workflow)
        work.open_task_ids = {t.task_id for t in before.ready}
        work.pending_timers = {(t.task_id, t.due_at) for t in before.timers}
        work.pending_calls = {call.task_id for call in before.calls}
        return work

    @classmethod
    def resumed(
        cls,
        session: Session,
        instance: InstanceRecord,
        compiled: CompiledDefinition,
        live: LiveWorkflow,
        actor: str,
        now: datetime,
    ) -> UnitOfWork:
        """From the live workflow the previous command committed: no restore, no walk."""
        work = cls(session, instance, compiled, live.workflow, actor, now)
        work.open_task_ids = set(live.open_task_ids)
        work.pending_timers = set(live.pending_timers)
        work.pending_calls = set(live.pending_calls)
        return work

    def committed(self) -> LiveWorkflow:
        """The live workflow as this command writes it (call after :meth:`save`)."""
        assert self.after is not None, "write_back first"
        return LiveWorkflow(
            definition_id=self.instance.definition_id,
            lock_version=self.instance.lock_version,
            workflow=self.workflow,
            open_task_ids=frozenset(task.task_id for task in self.after.ready),
            pending_timers=frozenset((t.task_id, t.due_at) for t in self.after.timers),
            pending_calls=frozenset(call.task_id for call in self.after.calls),
        )

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
        after = self.after = snapshot(self.workflow)
        self.has_errors = bool(after.errored)
        self._write_human_tasks(after, open_task)
        self._write_timers(after)
        self._write_calls(after)
        self._queue_thrown()
        store_state(self.instance, self.workflow)
        self.instance.variables = current_variables(self.workflow)
        self.instance.updated_at = self.now

    def save(self) -> None:
        """The last step of a command: the instance row, the tasks that opened and the
        history, written together (see :func:`rows.save_instance`)."""
        rows.save_instance(self.session, self.instance, self.changes.opened, self.events)
        self.events = []

    def flush_events(self) -> None:
        rows.append_history(self.session, self.events)
        self.events = []

    def _write_human_tasks(self, after: Snapshot, open_task: Any) -> None:
        ready = {task.task_id: task for task in after.ready}
        opened = [open_task(ready[task_id]) for task_id in ready.keys() - self.open_task_ids]
        for row in opened:
            due = row["due_at"].isoformat() if row["due_at"] else None
            self.record(
                "task_opened",
                actor="engine",
                element_id=row["element_id"],
                task_id=row["id"],
                data={"unit": row["unit"], "due_at": due},
            )
        gone = sorted(self.open_task_ids - ready.keys() - self.settled_task_ids)
        rows.cancel_tasks(self.session, gone, self.now)
        for task_id in gone:
            self.record("task_cancelled", actor="engine", task_id=task_id)
        closed = [*sorted(self.settled_task_ids), *gone]
        self.changes = TaskChanges(opened, closed, undated=frozenset(self.undated_task_ids))
        still_open = self.open_task_ids & ready.keys()
        self.instance.open_tasks = None if still_open else opened

    def _write_timers(self, after: Snapshot) -> None:
        waiting = {(t.task_id, t.due_at): t for t in after.timers}
        new = [waiting[key] for key in waiting.keys() - self.pending_timers]
        rows.insert_timers(
            self.session,
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
            rows.cancel_timer(self.session, self.instance.id, task_id, due_at, self.now)

    def _queue_thrown(self) -> None:
        """The messages and signals thrown and not caught inside: into the outbox."""
        for row in queue_thrown(self.session, self.workflow, self.instance, self.now):
            self.calls_queued += 1
            self.record(
                f"{row['kind']}_thrown",
                actor="engine",
                data={"name": row["target"], "outbox_id": row["id"]},
            )

    def _write_calls(self, after: Snapshot) -> None:
        """Queue the calls of service tasks that started; cancel those of tasks left."""
        waiting = {call.task_id: call for call in after.calls}
        for task_id in sorted(waiting.keys() - self.pending_calls):
            call = waiting[task_id]
            entry = {
                "kind": "connector",
                "instance_id": self.instance.id,
                "task_id": task_id,
                "element_id": call.element_id,
                "target": call.connector,
                "payload": call.payload,
            }
            outbox_id = rows.queue_call(self.session, entry, self.now)
            self.calls_queued += 1
            self.record(
                "call_queued",
                actor="engine",
                element_id=call.element_id,
                task_id=task_id,
                data={"connector": call.connector, "outbox_id": outbox_id},
            )
        gone = self.pending_calls - waiting.keys() - self.settled_calls
        rows.cancel_calls(self.session, sorted(gone), self.now)


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
    """One history event, as a row for :func:`append_history`.

    Every command records one with its actor, so the actor's length is checked here.
    """
    check_fits(actor, Event.actor, "actor")
    return {
        "instance_id": instance_id,
        "at": at,
        "actor": actor,
        "kind": kind,
        "element_id": element_id,
        "task_id": task_id,
        "data": dict(data or {}),
    }

"""The only code that changes a process instance.

Every command follows one path: lock the instance row, restore the Spiff workflow,
apply the command, run the engine steps, then write the state, the derived rows and
the history in the caller's transaction. The caller commits once; a crash anywhere
before that leaves the previous committed state, whole.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from uuid import UUID

from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from engine import attachments
from engine.bounds import check_fits
from engine.clock import Clock
from engine.definitions.event_subprocess import end_idle_event_subprocesses
from engine.errors import Conflict, NotFound, ScriptError
from engine.forms import clean_submission, with_choices
from engine.instance_labels import instance_labels
from engine.models import OutboxEntry, ProcessInstance, Timer
from engine.queries import deployed_version, open_incidents
from engine.runtime import rows
from engine.runtime.assignment import (
    TaskAssignment,
    check_active,
    check_claimant,
    not_open,
)
from engine.runtime.bpmn_throw import UncaughtBpmnError
from engine.runtime.conditions import fire_conditions
from engine.runtime.incidents import (
    data_changes,
    fail_instance,
    raise_incident,
    retry_failed,
    run_again,
    step_or_incident,
)
from engine.runtime.live import LiveWorkflows
from engine.runtime.loading import SpecCache, new_workflow, restore
from engine.runtime.projection import failed_tasks
from engine.runtime.spiff import make_script_engine, spiff_time
from engine.runtime.spiff_steps import (
    cannot_start,
    complete_user_task,
    ready_task,
    send_message,
)
from engine.runtime.start_events import take_start
from engine.runtime.task_attributes import FirstInLine, human_task_row, nobody_first
from engine.runtime.unit_of_work import InstanceRecord, TaskChanges, UnitOfWork, history_row
from engine.statuses import ACTIVE_STATUSES
from engine.store import Database
from engine.views import AttachmentView

__all__ = ["Runtime"]

_EPSILON = timedelta(microseconds=1)
"""Spiff fires a timer when its time is strictly before now; we fire at the due time."""


class Runtime(TaskAssignment):
    """Applies commands to instances. Stateless apart from caches: share one per process."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        functions: Mapping[str, Callable[..., Any]],
        *,
        script_timeout_s: float = 1.0,
        live_workflows: int = 256,
        picker_choices: Mapping[str, list[dict[str, str]]] | None = None,
    ) -> None:
        self.db = db
        self.picker_choices = dict(picker_choices or {})
        """The codes a start form's unit and database fields accept (the organisation's)."""
        self.clock = clock
        self.specs = SpecCache()
        self.live = LiveWorkflows(live_workflows)
        self.script_engine = make_script_engine(functions, script_timeout_s)
        self.on_tasks_changed: list[Callable[[Session, Any, TaskChanges, datetime], None]] = []
        """Hooks run in the command's transaction when tasks opened or closed (escalation)."""
        self.on_calls_queued: list[Callable[[], None]] = []
        """Hooks run after the commit of a command that queued calls (to send them now)."""
        self.first_in_line: FirstInLine = nobody_first
        """Who a unit's task opens assigned to, when the BPMN names no assignee
        (the engine sets the unit's focal person, :mod:`engine.focal_persons`)."""

    # -- commands that run the workflow ---------------------------------------------

    def start_instance(
        self,
        session: Session,
        process_key: str,
        variables: Mapping[str, Any],
        actor: str,
        *,
        business_key: str | None = None,
        message: str | None = None,
        signal: str | None = None,
    ) -> InstanceRecord:
        """Start the latest version; ``message`` (``signal``) names the message (signal)
        its start event catches (``variables`` are then the event's payload)."""
        check_fits(business_key, ProcessInstance.business_key, "business_key")
        check_fits(actor, ProcessInstance.started_by, "actor")
        definition = deployed_version(session, process_key)
        compiled = self.specs.get(session, definition.id)
        now = self.clock.now()
        form = with_choices(compiled.meta.get("start_form", []), self.picker_choices)
        rules = compiled.meta.get("start_rules", [])
        variables = clean_submission(form, variables, extra=True, rules=rules)
        with cannot_start(compiled):
            workflow = new_workflow(compiled, self.script_engine)
            take_start(
                workflow,
                message=message,
                signal=signal,
                payload=variables,
                now=now,
                process_label=f"process '{process_key}'",
            )
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(variables)
        values = {
            "definition_id": definition.id,
            "process_key": process_key,
            "version": definition.version,
            "status": "running",
            "business_key": business_key,
            "state": "{}",
            "variables": {},
            "started_at": now,
            "started_by": actor,
            "updated_at": now,
            "ended_at": None,
            **instance_labels(compiled.meta, workflow.spec.description, variables, now),
        }
        instance = InstanceRecord.of_values(rows.create_instance(session, values), values)
        work = UnitOfWork(session, instance, compiled, workflow, actor, now)
        started_by = {"message": message} if signal is None else {"signal": signal}
        work.record("instance_started", data={"variables": variables, **started_by})
        self._advance(work)
        return instance

    def deliver_message(
        self,
        session: Session,
        instance_id: int,
        name: str,
        payload: Mapping[str, Any],
        actor: str,
    ) -> InstanceRecord:
        """Hand the message ``name`` to the instance's catch event, receive task or boundary
        event waiting for it; its payload becomes variables."""
        work = self._restore(session, instance_id, actor)
        payload = clean_submission([], payload)
        with step_or_incident(work):
            send_message(work.workflow, name, payload, f"instance {instance_id}", work.now)
        work.record("message_received", data={"message": name, "payload": payload})
        self._advance(work)
        return work.instance

    def complete_task(
        self, session: Session, task_id: str, data: Mapping[str, Any], actor: str
    ) -> InstanceRecord:
        check_fits(actor, ProcessInstance.started_by, "actor")
        now = self.clock.now()
        locked, row = rows.lock_and_complete_task(self.db, session, task_id, now, actor)
        instance = InstanceRecord.of(locked)
        check_active(instance)  # the errors from here on undo the completion too
        work = self._unit_of_work(session, instance, actor)
        work.now = now  # the completion's time
        if row is None:
            raise not_open(session, task_id)
        check_claimant(row, actor)
        fields = with_choices(row.form.get("fields", []), self.picker_choices)
        submitted = clean_submission(fields, data, rules=row.form.get("rules", []))
        cleaned = attachments.describe_submitted(session, task_id, fields, submitted)
        with step_or_incident(work):  # the next step failing; a refused completion raises
            complete_user_task(ready_task(work.workflow, task_id), cleaned, work.now)
        work.settled_task_ids.add(task_id)
        if row.due_at is None:
            work.undated_task_ids.add(task_id)
        work.record("task_completed", element_id=row.element_id, task_id=task_id, data=cleaned)
        self._advance(work)
        return work.instance

    def fire_timer(self, session: Session, timer_id: int) -> bool:
        """Fire one due timer; False when it was already settled (exactly once)."""
        timer = session.get(Timer, timer_id)
        if timer is None:
            raise NotFound(f"no timer {timer_id}", timer_id=timer_id)
        instance = InstanceRecord.of(self.db.lock_instance_row(session, timer.instance_id))
        session.refresh(timer)
        if timer.status != "pending" or instance.status not in ACTIVE_STATUSES:
            return False
        work = self._unit_of_work(session, instance, "scheduler")
        work.now = max(work.now, timer.due_at + _EPSILON)
        timer.status, timer.settled_at = "fired", work.now
        work.settled_timers.add((timer.task_id, timer.due_at))
        work.record(
            "timer_fired",
            element_id=timer.element_id,
            task_id=timer.task_id,
            data={"due_at": timer.due_at.isoformat()},
        )
        with spiff_time(work.now), step_or_incident(work):
            work.workflow.refresh_timers()
        self._advance(work)
        return True

    def retry(
        self, session: Session, instance_id: int, data: Mapping[str, Any], actor: str
    ) -> ScriptError | None:
        """Fix the failed task's data and run it again.

        None when it ran; else the error to answer with once the session commits, the
        incident then saying the new error (nothing else of the retry is kept).
        """
        work = self._restore(session, instance_id, actor)
        incidents = open_incidents(session, instance_id)
        if not incidents:
            raise Conflict(
                f"instance {instance_id} has no incident to retry",
                instance_id=instance_id,
                reason="no_incident",
            )
        fixes, failed = clean_submission([], data), failed_tasks(work.workflow)
        work.record("incident_retried", data={"changes": data_changes(failed, fixes)})
        with spiff_time(work.now):
            for task in failed:
                try:
                    run_again(task, fixes)
                except UncaughtBpmnError as exc:  # the outcome, not a failure to retry
                    fail_instance(work, exc)
                    break
                except Exception as exc:
                    return retry_failed(work, incidents, task, exc)
        for incident in incidents:
            incident.resolved_at, incident.resolved_by = work.now, actor
        self._advance(work)
        return None

    def settle_call(
        self, session: Session, outbox_id: int, *, result: Any = None, error: str | None = None
    ) -> bool:
        """Give a service task its call's result and move on, or make ``error`` its incident.

        False when the call no longer matters: settled already (by a node whose lease
        ran out first) or its task was left (the instance was cancelled, a boundary
        event interrupted the task).
        """
        entry = session.get(OutboxEntry, outbox_id)
        if entry is None or entry.instance_id is None:  # None: a signal from outside
            raise NotFound(f"no outbox entry {outbox_id}", outbox_id=outbox_id)
        instance = InstanceRecord.of(self.db.lock_instance_row(session, entry.instance_id))
        session.refresh(entry)  # as of the instance lock, which every settling takes
        if entry.status != "pending" or instance.status not in ACTIVE_STATUSES:
            return False
        work = self._unit_of_work(session, instance, "engine")
        task = work.workflow.get_task_from_id(UUID(entry.task_id))
        if task is None or task.state != TaskState.STARTED:
            entry.status, entry.settled_at = "cancelled", work.now
            return False
        task.task_spec.settle(task, result=result, error=error)
        entry.status, entry.settled_at = ("sent" if error is None else "failed"), work.now
        entry.last_error = error
        work.settled_calls.add(entry.task_id)
        details = {"connector": entry.target, "outbox_id": entry.id, "attempts": entry.attempts}
        details.update({"result": result} if error is None else {"error": error})
        kind = "call_answered" if error is None else "call_failed"
        work.record(kind, element_id=entry.element_id, task_id=entry.task_id, data=details)
        self._advance(work)
        return True

    def attach_file(
        self,
        session: Session,
        task_id: str,
        filename: str,
        content: bytes,
        content_type: str | None,
        actor: str,
        max_bytes: int,
    ) -> AttachmentView:
        """Keep a document for an open task, to be named by one of its ``file`` fields."""
        row, instance = self._lock_task(session, task_id)
        check_claimant(row, actor)
        now = self.clock.now()
        stored = attachments.store(
            session, row, filename, content, content_type, actor, now, max_bytes
        )
        event = history_row(
            instance.id,
            now,
            actor,
            "file_attached",
            element_id=row.element_id,
            task_id=row.id,
            data=stored.description(),
        )
        rows.append_history(session, [event])
        return stored

    def set_status(self, session: Session, instance_id: int, status: str, actor: str) -> None:
        """Suspend, resume or cancel an instance."""
        instance = self.db.lock_instance(session, instance_id)
        allowed = {
            "suspended": {"running", "incident"},
            "running": {"suspended"},
            "cancelled": {"running", "incident", "suspended"},
        }
        if instance.status not in allowed[status]:
            raise Conflict(f"a {instance.status} instance cannot become {status}")
        now = self.clock.now()
        instance.status, instance.updated_at = status, now
        if status == "cancelled":
            instance.ended_at = now
            rows.cancel_open_rows(session, instance.id, now)
        kinds = {"suspended": "instance_suspended", "running": "instance_resumed"}
        kind = kinds.get(status, "instance_cancelled")
        rows.append_history(session, [history_row(instance.id, now, actor, kind)])
        if status == "cancelled":
            self._tasks_changed(session, instance, TaskChanges(all_closed=True), now)

    # -- the common path ------------------------------------------------------------

    def _tasks_changed(
        self, session: Session, instance: Any, changes: TaskChanges, now: datetime
    ) -> None:
        for hook in self.on_tasks_changed:
            hook(session, instance, changes, now)

    def _restore(self, session: Session, instance_id: int, actor: str) -> UnitOfWork:
        check_fits(actor, ProcessInstance.started_by, "actor")
        instance = InstanceRecord.of(self.db.lock_instance_row(session, instance_id))
        check_active(instance)
        return self._unit_of_work(session, instance, actor)

    def _unit_of_work(self, session: Session, instance: InstanceRecord, actor: str) -> UnitOfWork:
        compiled = self.specs.get(session, instance.definition_id)
        now = self.clock.now()
        live = self.live.take(instance.id, instance.definition_id, instance.lock_version)
        if live is not None:
            return UnitOfWork.resumed(session, instance, compiled, live, actor, now)
        workflow = restore(instance, compiled, self.script_engine)
        return UnitOfWork.restored(session, instance, compiled, workflow, actor, now)

    def _advance(self, work: UnitOfWork) -> None:
        """Run the engine steps, then write state, derived rows and history."""
        with spiff_time(work.now):
            try:
                work.workflow.do_engine_steps()
                if end_idle_event_subprocesses(work.workflow):
                    work.workflow.do_engine_steps()
                fire_conditions(work.workflow)
            except Exception as exc:  # a failing step is an incident, not a crash
                raise_incident(work, exc)
            work.write_back(lambda ready: human_task_row(work, ready, self.first_in_line))
        self._update_status(work)
        work.save()
        if work.changes:
            self._tasks_changed(work.session, work.instance, work.changes, work.now)
        if work.instance.status in ACTIVE_STATUSES:
            keep = partial(self.live.put, work.instance.id, work.committed())
            self.db.after_commit(work.session, keep)
        if work.calls_queued:
            for hook in self.on_calls_queued:
                self.db.after_commit(work.session, hook)

    def _update_status(self, work: UnitOfWork) -> None:
        instance = work.instance
        if instance.status == "failed":
            return
        if work.workflow.is_completed() and instance.status != "completed":
            instance.status, instance.ended_at = "completed", work.now
            work.record("instance_completed")
        elif work.has_errors or (
            instance.status == "incident" and open_incidents(work.session, instance.id)
        ):
            instance.status = "incident"
        elif instance.status == "incident":
            instance.status = "running"

"""The public face of the engine: what the CLI, the web layer and the scheduler call.

Each method is one unit of work in its own transaction; callers never see sessions,
ORM rows or SpiffWorkflow objects, only views from :mod:`engine.views`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine import attachments, queries
from engine.accounts import check_hashing
from engine.calendar import load_calendar
from engine.clock import Clock, SystemClock
from engine.deployment import read_files
from engine.directory import UserDirectory
from engine.drafts import Drafts
from engine.errors import Conflict
from engine.focal_persons import FocalPersons
from engine.form_submission import FormSubmissions
from engine.inbox import Inbox
from engine.listing import Listings
from engine.notify import OrganisationDirectory
from engine.plan_labels import PlanLabels
from engine.process_catalogue import ProcessCatalogue
from engine.runtime import Runtime
from engine.runtime import thrown as signals
from engine.runtime.migration import MigrationReport, migrate_instances
from engine.scheduler import Ticker, TickReport
from engine.scripting import installed_functions, script_functions, with_extensions
from engine.sessions import LoginSessions
from engine.settings import Settings
from engine.store import Database, upgrade_schema
from engine.throttle import LoginThrottle
from engine.unit_overview import Oversight
from engine.units import Organisation, load_organisation
from engine.user_accounts import UserAccounts
from engine.user_admin import UserAdministration
from engine.views import AttachmentView, EventView, InstanceView, TaskView

__all__ = ["Engine", "read_files"]


class Engine(
    UserAccounts,
    UserAdministration,
    ProcessCatalogue,
    Drafts,
    Listings,
    Inbox,
    Oversight,
    FormSubmissions,
    PlanLabels,
):
    """govflow's engine over one database. Thread-safe; share one per process."""

    def __init__(
        self,
        database_url: str | None = None,
        *,
        clock: Clock | None = None,
        settings: Settings | None = None,
        functions: Mapping[str, Callable[..., Any]] | None = None,
    ) -> None:
        """``functions``: a deployment's own helpers for scripts and expressions, beside
        govflow's and those installed packages register (``govflow.script_functions``)."""
        self.settings = settings or Settings.from_env()
        check_hashing(self.settings.password_hashing)
        self.clock = clock or SystemClock()
        self.db = Database(
            database_url or self.settings.database_url,
            lock_timeout_s=self.settings.lock_timeout_s,
        )
        self.directory = UserDirectory(self.db, load_organisation(self.settings.units_file))
        """Units from units.yaml; users from the database once an admin changed one."""
        self.calendar = load_calendar(self.settings.calendar_file)
        self.runtime = Runtime(
            self.db,
            self.clock,
            with_extensions(
                script_functions(self.clock, self.calendar, self.directory.seed),
                installed_functions(),
                functions or {},
            ),
            script_timeout_s=self.settings.script_timeout_s,
            picker_choices=self.directory.seed.picker_options(),
            live_workflows=self.settings.live_workflows,
        )
        recipients = OrganisationDirectory(self.directory.cached)
        self.ticker = Ticker(
            self.db, self.runtime, self.clock, self.settings, self.calendar, recipients
        )
        self.runtime.on_tasks_changed.append(self.ticker.escalations.tasks_changed)
        focal_persons = FocalPersons(self.directory.read_in, self.clock)
        self.runtime.first_in_line = focal_persons.first_in_line
        self.runtime.on_tasks_changed.append(focal_persons.tasks_changed)
        self.logins = LoginSessions(self.db, self.clock, self.settings)
        """Log-in sessions: open one, find whose a session id is, end one."""
        self.login_throttle = LoginThrottle(self.db, self.clock, self.settings)

    @property
    def organisation(self) -> Organisation:
        """The organisation as it is now: units.yaml's units, the database's users."""
        return self.directory.current()

    def upgrade_schema(self) -> None:
        upgrade_schema(self.db.url.render_as_string(hide_password=False))

    def ping(self) -> None:
        """Raise unless the database answers."""
        with self.db.reading() as session:
            session.execute(select(1))

    def close(self) -> None:
        self.db.dispose()

    # -- definitions ----------------------------------------------------------------

    def migrate(
        self,
        process_key: str,
        from_version: int,
        to_version: int | None = None,
        *,
        actor: str,
        dry_run: bool = False,
        instance_ids: Collection[int] | None = None,
    ) -> MigrationReport:
        """Move running instances of ``from_version`` to ``to_version`` (latest if None);
        only those of ``instance_ids`` when given."""
        with self._command() as session:
            report = migrate_instances(
                session,
                self.runtime,
                process_key,
                from_version,
                to_version,
                actor=actor,
                dry_run=dry_run,
                instance_ids=instance_ids,
            )
            if not dry_run:
                target = f"{process_key} v{report.from_version} → v{report.to_version}"
                detail = {"moved": report.moved, "refused": sorted(report.refused)}
                self._audit(session, actor, "instances_migrated", target, detail)
            return report

    # -- instances ------------------------------------------------------------------

    def start(
        self,
        process_key: str,
        variables: Mapping[str, Any] | None = None,
        *,
        actor: str = "system",
        business_key: str | None = None,
    ) -> InstanceView:
        with self._command() as session:
            instance = self.runtime.start_instance(
                session, process_key, variables or {}, actor, business_key=business_key
            )
            session.flush()
            return queries.instance_view(session, instance.id, instance)

    def deliver_message(
        self,
        name: str,
        payload: Mapping[str, Any] | None = None,
        *,
        instance_id: int | None = None,
        business_key: str | None = None,
        actor: str = "system",
    ) -> InstanceView:
        """Deliver the message ``name``; its payload becomes variables.

        It goes to the instance ``instance_id``, else to the running instance with
        ``business_key``, which must be waiting for it (Conflict if not). With neither,
        or when no instance has that business key, it starts the latest version of the
        process whose start event is this message, with the business key.
        """
        with self._command() as session:
            if instance_id is None and business_key is not None:
                instance_id = queries.active_instance_with_key(session, business_key)
            if instance_id is not None:
                instance = self.runtime.deliver_message(
                    session, instance_id, name, payload or {}, actor
                )
            else:
                process_key = queries.process_started_by(session, name)
                instance = self.runtime.start_instance(
                    session,
                    process_key,
                    payload or {},
                    actor,
                    business_key=business_key,
                    message=name,
                )
            session.flush()
            return queries.instance_view(session, instance.id, instance)

    def signal(
        self, name: str, payload: Mapping[str, Any] | None = None, *, actor: str = "system"
    ) -> int:
        """Broadcast the signal ``name`` (BPMN 2.0 §10.5.4): every waiting instance catches
        it and every process whose start event catches it starts, with ``payload`` as
        variables. It is queued now and delivered after the commit by the scheduler's
        outbox (:mod:`engine.runtime.delivery`); the outbox entry's id."""
        with self._command() as session:
            return signals.queue_signal(session, name, payload or {}, actor, self.clock.now())

    def instance(self, instance_id: int) -> InstanceView:
        with self.db.reading() as session:
            return queries.instance_view(session, instance_id)

    def instances(
        self, *, process_key: str | None = None, status: str | None = None
    ) -> list[InstanceView]:
        with self.db.reading() as session:
            rows = queries.list_instances(session, process_key=process_key, status=status)
            return [queries.instance_view(session, row.id) for row in rows]

    def history(self, instance_id: int) -> list[EventView]:
        with self.db.reading() as session:
            queries.instance_view(session, instance_id)  # NotFound for an unknown id
            return queries.list_events(session, instance_id)

    def suspend(self, instance_id: int, *, actor: str) -> InstanceView:
        return self._set_status(instance_id, "suspended", actor)

    def resume(self, instance_id: int, *, actor: str) -> InstanceView:
        return self._set_status(instance_id, "running", actor)

    def cancel(self, instance_id: int, *, actor: str) -> InstanceView:
        return self._set_status(instance_id, "cancelled", actor)

    def retry(
        self, instance_id: int, data: Mapping[str, Any] | None = None, *, actor: str
    ) -> InstanceView:
        """Run the failed task again with ``data``; a ScriptError (the incident, updated
        to the new error, committed) when it fails again."""
        with self._command() as session:
            failed_again = self.runtime.retry(session, instance_id, data or {}, actor)
            detail = {"succeeded": failed_again is None, "changed": sorted(data or {})}
            self._audit(session, actor, "incident_retried", f"instance #{instance_id}", detail)
            if failed_again is None:
                session.flush()
                return queries.instance_view(session, instance_id)
        raise failed_again

    # -- human tasks ----------------------------------------------------------------

    def tasks(
        self,
        *,
        unit: str | None = None,
        assignee: str | None = None,
        instance_id: int | None = None,
        process_key: str | None = None,
        status: str | None = "open",
    ) -> list[TaskView]:
        with self.db.reading() as session:
            return queries.find_tasks(
                session,
                unit=unit,
                assignee=assignee,
                instance_id=instance_id,
                process_key=process_key,
                status=status,
            )

    def task(self, task_id: str) -> TaskView:
        with self.db.reading() as session:
            return queries.task_view(session, task_id)

    def claim(self, task_id: str, *, actor: str) -> TaskView:
        with self._command() as session:
            return self.runtime.claim_task(session, task_id, actor)

    def unclaim(self, task_id: str, *, actor: str, claimant: str | None = None) -> TaskView:
        """Release ``claimant``'s claim (by default the actor's own).

        Releasing another's claim, which the web lets a unit head or a supervisor do,
        is recorded as ``claim_released`` naming whose claim it was; Conflict when the
        task is no longer claimed by ``claimant``.
        """
        with self._command() as session:
            task = self.runtime.unclaim_task(session, task_id, claimant or actor, actor)
            if claimant not in (None, actor):
                detail = {"claimant": claimant}
                self._audit(session, actor, "claim_released", f"task {task_id}", detail)
            return task

    def assign(self, task_id: str, assignee: str, *, actor: str) -> TaskView:
        """Give the task to ``assignee``, who must work for the task's unit."""
        self.organisation.check_assignee(assignee, self.task(task_id).unit)
        with self._command() as session:
            task = self.runtime.assign_task(session, task_id, assignee, actor)
            self._audit(session, actor, "task_assigned", f"task {task_id}", {"assignee": assignee})
            return task

    def complete(
        self, task_id: str, data: Mapping[str, Any] | None = None, *, actor: str
    ) -> InstanceView:
        with self._command() as session:
            instance = self.runtime.complete_task(session, task_id, data or {}, actor)
            session.flush()
            return queries.instance_view(session, instance.id, instance)

    # -- documents ------------------------------------------------------------------

    def attach(
        self,
        task_id: str,
        filename: str,
        content: bytes,
        *,
        content_type: str | None = None,
        actor: str,
    ) -> AttachmentView:
        """Upload a document to an open task; its id goes into one of the task's ``file``
        fields when the task is completed."""
        with self._command() as session:
            return self.runtime.attach_file(
                session,
                task_id,
                filename,
                content,
                content_type,
                actor,
                self.settings.max_upload_bytes,
            )

    def attachment(self, attachment_id: str) -> tuple[AttachmentView, bytes]:
        """A document and its bytes."""
        with self.db.reading() as session:
            stored = attachments.load(session, attachment_id)
            return AttachmentView.of(stored), stored.content

    def attachments(self, instance_id: int) -> list[AttachmentView]:
        """The documents uploaded to an instance's tasks, oldest first."""
        with self.db.reading() as session:
            return attachments.instance_attachments(session, instance_id)

    # -- timers ---------------------------------------------------------------------

    def due_timer_ids(self, limit: int = 100) -> list[int]:
        """Pending timers whose time has come, oldest first."""
        with self.db.reading() as session:
            return queries.due_timer_ids(session, self.clock.now(), limit)

    def fire_timer(self, timer_id: int) -> bool:
        with self._command() as session:
            return self.runtime.fire_timer(session, timer_id)

    def fire_due_timers(self, limit: int | None = None) -> int:
        """Fire every due timer, each in its own transaction; the count fired."""
        return self.ticker.fire_due_timers(limit)

    def tick(self) -> TickReport:
        """Do everything due at ``clock.now()``: periods, timers, deadlines, e-mail."""
        self.directory.current()  # notifications go to the users as they are now
        return self.ticker.tick()

    def next_due_at(self) -> datetime | None:
        """The earliest moment anything is due (in the past if something is waiting)."""
        return self.ticker.next_due_at()

    # -- plumbing -------------------------------------------------------------------

    def _set_status(self, instance_id: int, status: str, actor: str) -> InstanceView:
        with self._command() as session:
            self.runtime.set_status(session, instance_id, status, actor)
            self._audit(session, actor, _STATUS_ACTIONS[status], f"instance #{instance_id}", {})
            session.flush()
            return queries.instance_view(session, instance_id)

    @contextmanager
    def _command(self) -> Iterator[Session]:
        """A write transaction; a write based on a stale read surfaces as Conflict."""
        try:
            with self.db.writing() as session:
                yield session
        except StaleDataError as exc:
            raise Conflict("the instance changed under this command; try again") from exc


_STATUS_ACTIONS = {
    "suspended": "instance_suspended",
    "running": "instance_resumed",
    "cancelled": "instance_cancelled",
}

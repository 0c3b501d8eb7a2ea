"""The lists of the Engine API, a page at a time: tasks, instances, history, documents,
definitions and the compliance table's cycles, with the counts per filter.

A mixin of :class:`engine.api.Engine`; each list is one keyset query
(:mod:`engine.paging`) that reads the rows it shows and one more.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session

from engine import queries
from engine.calendar import WorkCalendar
from engine.clock import Clock
from engine.compliance import ComplianceTable, compliance_table
from engine.instance_lists import LISTED_COLUMNS, InstanceFilter, count_instances, instance_page
from engine.models import (
    Attachment,
    Deployment,
    DeploymentFile,
    Event,
    HumanTask,
    ProcessDefinition,
    ProcessInstance,
)
from engine.paging import Keyset, Page, PageRequest, fetch_page
from engine.store import Database
from engine.task_lists import (
    TaskCounts,
    TaskFilter,
    count_tasks,
    overdue_by_unit,
    task_page,
)
from engine.views import AttachmentView, DefinitionView, EventView, InstanceView, TaskView

__all__ = ["Listings"]

_event, _attachment = Event.__table__.c, Attachment.__table__.c
_definition, _instance = ProcessDefinition.__table__.c, ProcessInstance.__table__.c
HISTORY_ORDER = Keyset.of(_event.id)
ATTACHMENT_ORDER = Keyset.of(_attachment.uploaded_at, _attachment.id)
DEFINITION_ORDER = Keyset.of(_definition.process_key, _definition.version)
CYCLE_ORDER = Keyset.of(_instance.started_at, _instance.id, descending=True)
"""The newest cycles first; a page shows its cycles oldest first (left to right)."""

_LISTED_ATTACHMENT = [c for c in _attachment if c.key != "content"]
_LISTED_DEFINITION = [
    *(_definition[name] for name in ("id", "process_key", "version", "name", "deployed_at")),
    DeploymentFile.name.label("file_name"),
    Deployment.deployed_by,
    Deployment.note,
]


class Listings:
    """Pages of the engine's lists."""

    db: Database
    clock: Clock
    calendar: WorkCalendar

    def task_page(self, which: TaskFilter, page: PageRequest | None = None) -> Page[TaskView]:
        """Tasks soonest due first, those without a due date last."""
        with self.db.reading() as session:
            return task_page(
                session, which, page or PageRequest(), now=self.clock.now(), sqlite=self._sqlite
            )

    def task_counts(self, which: TaskFilter, *, user: str) -> TaskCounts:
        with self.db.reading() as session:
            return count_tasks(session, which, user=user, now=self.clock.now(), sqlite=self._sqlite)

    def overdue_counts(self) -> dict[str | None, int]:
        """How many open tasks are overdue in each unit."""
        with self.db.reading() as session:
            return overdue_by_unit(session, self.clock.now())

    def instance_page(
        self, which: InstanceFilter, page: PageRequest | None = None
    ) -> Page[InstanceView]:
        """Instances newest first, each with its open tasks and incidents."""
        with self.db.reading() as session:
            return instance_page(session, which, page or PageRequest(), sqlite=self._sqlite)

    def instance_counts(self, which: InstanceFilter) -> dict[str, int]:
        with self.db.reading() as session:
            return count_instances(session, which, sqlite=self._sqlite)

    def history_page(self, instance_id: int, page: PageRequest | None = None) -> Page[EventView]:
        """An instance's history, oldest first."""
        with self.db.reading() as session:
            queries.instance_view(session, instance_id)  # NotFound for an unknown id
            query = select(Event.__table__).where(Event.instance_id == instance_id)
            return self._page(session, query, HISTORY_ORDER, page).map(EventView.of)

    def completed_elements(self, instance_id: int) -> list[str]:
        """The ids of the elements whose tasks were completed (for the diagram)."""
        with self.db.reading() as session:
            query = (
                select(Event.element_id)
                .where(Event.instance_id == instance_id, Event.kind == "task_completed")
                .where(Event.element_id.is_not(None))
                .distinct()
            )
            return sorted(session.scalars(query))

    def attachment_page(
        self,
        instance_id: int,
        page: PageRequest | None = None,
        *,
        units: tuple[str, ...] | None = None,
        user: str | None = None,
    ) -> Page[AttachmentView]:
        """An instance's documents, oldest first; with ``units``, only those of tasks of
        these units or assigned to ``user`` (who sees the task sees its documents)."""
        query = select(*_LISTED_ATTACHMENT).where(Attachment.instance_id == instance_id)
        if units is not None:
            visible: ColumnElement[bool] = HumanTask.unit.in_(units) if units else false()
            if user is not None:
                visible = or_(visible, HumanTask.assignee == user)
            query = query.where(Attachment.task_id.in_(select(HumanTask.id).where(visible)))
        with self.db.reading() as session:
            return self._page(session, query, ATTACHMENT_ORDER, page).map(AttachmentView.of)

    def definition_page(self, page: PageRequest | None = None) -> Page[DefinitionView]:
        """Every version of every process, by process key and version."""
        query = (
            select(*_LISTED_DEFINITION)
            .join(DeploymentFile, DeploymentFile.id == ProcessDefinition.file_id)
            .join(Deployment, Deployment.id == ProcessDefinition.deployment_id)
        )
        with self.db.reading() as session:
            return self._page(session, query, DEFINITION_ORDER, page).map(DefinitionView.of_row)

    def compliance(self, process_key: str, page: PageRequest | None = None) -> ComplianceTable:
        """Each unit's punctuality in a page of the cycles (instances) of ``process_key``:
        the newest first, shown oldest first; ``next_cursor`` goes to older cycles."""
        query = select(*LISTED_COLUMNS).where(ProcessInstance.process_key == process_key)
        with self.db.reading() as session:
            queries.deployed_definition(session, process_key)  # NotFound for an unknown key
            cycles = self._page(session, query, CYCLE_ORDER, page)
            ids = [row.id for row in cycles.items]
            tasks = select(HumanTask.__table__).where(HumanTask.instance_id.in_(ids))
            found = [TaskView.of(t) for t in session.connection().execute(tasks)] if ids else []
            views = [InstanceView.of(row, {}, [], []) for row in reversed(cycles.items)]
            table = compliance_table(process_key, views, found, self.clock.now(), self.calendar)
        return replace(
            table, next_cursor=cycles.next_cursor, previous_cursor=cycles.previous_cursor
        )

    def _page(
        self, session: Session, query: Any, order: Keyset, page: PageRequest | None
    ) -> Page[Any]:
        return fetch_page(session.connection(), query, order, page or PageRequest())

    @property
    def _sqlite(self) -> bool:
        return self.db.is_sqlite

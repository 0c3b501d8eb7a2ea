"""The instance lists: filters, one page newest first, and the counts per status.

A page of instances is three queries whatever its size: the instances (without their
Spiff state), the open tasks of those instances, their open incidents.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, exists, func, select
from sqlalchemy.orm import Session

from engine.models import HumanTask, Incident, ProcessInstance
from engine.paging import Keyset, Page, PageRequest, fetch_page
from engine.search import instance_matches, search_words
from engine.task_lists import instance_conditions
from engine.views import IncidentView, InstanceView, TaskView

__all__ = ["LISTED_COLUMNS", "InstanceFilter", "count_instances", "instance_page"]

_instances = ProcessInstance.__table__
INSTANCE_ORDER = Keyset.of(_instances.c.id, descending=True)
LISTED_COLUMNS = [c for c in _instances.c if c.key != "state"]
"""Every column but the Spiff state, which no list shows."""


@dataclass(frozen=True)
class InstanceFilter:
    """Which instances; every field left at its default does not filter."""

    process_key: str | None = None
    plan_task: str | None = None
    cycle: str | None = None
    status: str | None = None
    has_incident: bool = False
    started_after: datetime | None = None
    started_before: datetime | None = None
    business_key: str | None = None
    text: str | None = None


def instance_page(
    session: Session, which: InstanceFilter, request: PageRequest, *, sqlite: bool
) -> Page[InstanceView]:
    query = select(*LISTED_COLUMNS).where(*_conditions(which, sqlite))
    page = fetch_page(session.connection(), query, INSTANCE_ORDER, request)
    return page.map(_viewer(session, page.items))


def count_instances(session: Session, which: InstanceFilter, *, sqlite: bool) -> dict[str, int]:
    """How many instances the filter finds in each status (its own status aside), and
    ``all``, in one ``GROUP BY``."""
    base = replace(which, status=None)
    query = (
        select(ProcessInstance.status, func.count())
        .where(*_conditions(base, sqlite))
        .group_by(ProcessInstance.status)
    )
    counts: dict[str, int] = {status: count for status, count in session.execute(query)}
    return {"all": sum(counts.values()), **counts}


def _conditions(which: InstanceFilter, sqlite: bool) -> list[ColumnElement[bool]]:
    found = instance_conditions(which.plan_task, which.cycle, which.business_key)
    if which.process_key is not None:
        found.append(ProcessInstance.process_key == which.process_key)
    if which.status is not None:
        found.append(ProcessInstance.status == which.status)
    if which.has_incident:
        unresolved = (Incident.instance_id == ProcessInstance.id, Incident.resolved_at.is_(None))
        found.append(exists().where(*unresolved))
    if which.started_after is not None:
        found.append(ProcessInstance.started_at >= which.started_after)
    if which.started_before is not None:
        found.append(ProcessInstance.started_at < which.started_before)
    words = search_words(which.text)
    if words:
        found.append(instance_matches(words, sqlite=sqlite))
    return found


def _viewer(session: Session, rows: list[Row[Any]]) -> Any:
    """A row of the page -> its view, with the open tasks and incidents read for all at once."""
    ids = [row.id for row in rows]
    tasks: dict[int, list[TaskView]] = defaultdict(list)
    incidents: dict[int, list[IncidentView]] = defaultdict(list)
    if ids:
        open_tasks = (
            select(HumanTask.__table__)
            .where(HumanTask.instance_id.in_(ids), HumanTask.status == "open")
            .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id)
        )
        for task in session.connection().execute(open_tasks):
            tasks[task.instance_id].append(TaskView.of(task))
        unresolved = select(Incident).where(
            Incident.instance_id.in_(ids), Incident.resolved_at.is_(None)
        )
        for incident in session.scalars(unresolved):
            incidents[incident.instance_id].append(IncidentView.of(incident))

    def view(row: Row[Any]) -> InstanceView:
        return InstanceView.of(row, row.variables, tasks[row.id], incidents[row.id])

    return view

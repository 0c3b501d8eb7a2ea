"""The task lists: filters, one page in the inbox's order, and the counts per filter.

Tasks are listed soonest due first, those without a due date last (by id), a keyset
the indexes ``(status, unit, due_at, id)``, ``(status, due_at, id)`` and
``(assignee, status, due_at, id)`` answer for one unit, every unit and one person.
Everything is a condition of the one SQL query; no row is filtered in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session

from engine.instance_labels import cycle_bounds, plan_task_pattern
from engine.models import HumanTask, ProcessInstance
from engine.paging import Keyset, Page, PageRequest, fetch_page
from engine.search import search_words, task_matches
from engine.views import TaskView

__all__ = [
    "TASK_ORDER",
    "TaskCounts",
    "TaskFilter",
    "count_tasks",
    "overdue_by_unit",
    "task_page",
]

_tasks = HumanTask.__table__
TASK_ORDER = Keyset.nulls_last(_tasks.c.due_at, _tasks.c.id)


@dataclass(frozen=True)
class TaskFilter:
    """Which tasks; every field left at its default does not filter."""

    visible_units: tuple[str, ...] | None = None
    """Only tasks of these units or assigned to ``visible_user`` (None: every task)."""
    visible_user: str | None = None
    unit: str | None = None
    assignee: str | None = None
    unassigned: bool = False
    process_key: str | None = None
    plan_task: str | None = None
    """A code of the plan (``I.3``): the tasks of instances working on it."""
    cycle: str | None = None
    """``2023`` or ``2023-H1``: the tasks of instances of that period."""
    status: str | None = "open"
    overdue: bool = False
    """Only open tasks past their due time (at ``now``)."""
    due_before: datetime | None = None
    due_after: datetime | None = None
    business_key: str | None = None
    instance_id: int | None = None
    text: str | None = None
    """Words, each in the task's name or each in its instance's title or business key."""


@dataclass(frozen=True)
class TaskCounts:
    """How many tasks the filter finds, and how many of them are overdue, unassigned,
    the user's own: what the inbox's filter links show beside their names."""

    all: int
    overdue: int
    unassigned: int
    mine: int


def task_page(
    session: Session, which: TaskFilter, request: PageRequest, *, now: datetime, sqlite: bool
) -> Page[TaskView]:
    query = select(_tasks).where(*_conditions(which, now, sqlite))
    return fetch_page(session.connection(), query, TASK_ORDER, request).map(TaskView.of)


def count_tasks(
    session: Session, which: TaskFilter, *, user: str, now: datetime, sqlite: bool
) -> TaskCounts:
    """The counts of :class:`TaskCounts`, in one query over the filter without its
    own overdue and assignee conditions."""
    base = replace(which, overdue=False, assignee=None, unassigned=False)
    query = select(
        func.count(),
        func.count().filter(_overdue(now)),
        func.count().filter(HumanTask.assignee.is_(None)),
        func.count().filter(HumanTask.assignee == user),
    ).where(*_conditions(base, now, sqlite))
    return TaskCounts(*session.execute(query).one())


def overdue_by_unit(session: Session, now: datetime) -> dict[str | None, int]:
    """How many open tasks are overdue in each unit, in one ``GROUP BY``."""
    query = select(HumanTask.unit, func.count()).where(_overdue(now)).group_by(HumanTask.unit)
    return {unit: count for unit, count in session.execute(query)}


def _overdue(now: datetime) -> ColumnElement[bool]:
    return and_(HumanTask.status == "open", HumanTask.due_at < now)


def _conditions(which: TaskFilter, now: datetime, sqlite: bool) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if which.visible_units is not None:
        visible: ColumnElement[bool] = (
            HumanTask.unit.in_(which.visible_units) if which.visible_units else false()
        )
        if which.visible_user is not None:
            visible = or_(visible, HumanTask.assignee == which.visible_user)
        found.append(visible)
    equal: dict[Any, Any] = {
        HumanTask.unit: which.unit,
        HumanTask.assignee: which.assignee,
        HumanTask.process_key: which.process_key,
        HumanTask.status: which.status,
        HumanTask.instance_id: which.instance_id,
    }
    found.extend(column == value for column, value in equal.items() if value is not None)
    if which.unassigned:
        found.append(HumanTask.assignee.is_(None))
    if which.overdue:
        found.append(_overdue(now))
    if which.due_before is not None:
        found.append(HumanTask.due_at < which.due_before)
    if which.due_after is not None:
        found.append(HumanTask.due_at >= which.due_after)
    of_instances = instance_conditions(which.plan_task, which.cycle, which.business_key)
    if of_instances:
        found.append(HumanTask.instance_id.in_(select(ProcessInstance.id).where(*of_instances)))
    words = search_words(which.text)
    if words:
        found.append(task_matches(words, sqlite=sqlite))
    return found


def instance_conditions(
    plan_task: str | None, cycle: str | None, business_key: str | None
) -> list[ColumnElement[bool]]:
    """The conditions on instances that tasks and instances are both filtered by."""
    found: list[ColumnElement[bool]] = []
    if plan_task is not None:
        found.append(ProcessInstance.plan_task.like(plan_task_pattern(plan_task)))
    if cycle is not None:
        start, end = cycle_bounds(cycle)
        found.append(ProcessInstance.period_start >= start)
        found.append(ProcessInstance.period_start < end)
    if business_key is not None:
        found.append(ProcessInstance.business_key == business_key)
    return found

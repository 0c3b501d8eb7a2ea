"""Which unit is behind: each unit's tasks in each cycle (instance) of one process.

A cycle of a periodic process is one instance (one per period, see
``engine.periodic``). For every unit that had tasks in it, the cell says how the unit
did, the worst of its tasks: missing (never done: the step's cut-off closed it after
its due time and the process went on without the unit), overdue (open past its due
time), late (done after it), pending (open, not yet due) or on time; with the days
late, in working days on the Hà Nội calendar (a task done late on its due day is one
day late).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from engine.calendar import WorkCalendar, to_local
from engine.views import InstanceView, TaskView

__all__ = ["Cell", "ComplianceTable", "compliance_table", "was_cut_off"]

_SEVERITY = {"on_time": 0, "pending": 1, "late": 2, "overdue": 3, "missing": 4}


@dataclass(frozen=True)
class Cell:
    state: str
    """``on_time``, ``pending``, ``late``, ``overdue`` or ``missing``."""
    days_late: int = 0
    tasks: int = 1


@dataclass(frozen=True)
class ComplianceTable:
    process_key: str
    cycles: list[InstanceView]
    units: list[str]
    cells: dict[tuple[str, int], Cell] = field(default_factory=dict)
    """(unit, instance id) -> how the unit did in that cycle."""
    next_cursor: str | None = None
    """The page of older cycles, if there are any."""
    previous_cursor: str | None = None
    """The page of newer cycles, if there are any."""

    def behind(self, unit: str) -> int:
        """In how many cycles ``unit`` was late, is overdue or went missing."""
        return sum(
            1
            for (cell_unit, _), cell in self.cells.items()
            if cell_unit == unit and cell.state in {"late", "overdue", "missing"}
        )


def compliance_table(
    process_key: str,
    cycles: list[InstanceView],
    tasks: Iterable[TaskView],
    now: datetime,
    calendar: WorkCalendar,
) -> ComplianceTable:
    """The table of ``cycles`` (oldest first) from their human ``tasks`` (any status)."""
    cell_of = partial(_cell, now=now, days=partial(_working_days_late, calendar))
    cells: dict[tuple[str, int], Cell] = {}
    cancelled_cycles = {cycle.id for cycle in cycles if cycle.status == "cancelled"}
    for task in tasks:
        if task.unit is None or task.due_at is None or task.instance_id in cancelled_cycles:
            continue
        if task.status == "cancelled" and not was_cut_off(task):
            continue  # withdrawn before its time (an interrupting event): not the unit's fault
        key = (task.unit, task.instance_id)
        cells[key] = _worse(cells.get(key), cell_of(task))
    units = sorted({unit for unit, _ in cells})
    return ComplianceTable(process_key, cycles, units, cells)


def was_cut_off(task: TaskView) -> bool:
    """Cancelled at or after its due time: a cut-off went on without the unit's answer."""
    return (
        task.status == "cancelled"
        and task.due_at is not None
        and task.completed_at is not None
        and task.completed_at >= task.due_at
    )


def _cell(task: TaskView, *, now: datetime, days: Callable[[datetime, datetime], int]) -> Cell:
    assert task.due_at is not None
    if task.status == "cancelled":
        return Cell("missing", days(task.due_at, task.completed_at or now))
    if task.status == "open":
        if task.due_at < now:
            return Cell("overdue", days(task.due_at, now))
        return Cell("pending")
    done = task.completed_at or now
    if done > task.due_at:
        return Cell("late", days(task.due_at, done))
    return Cell("on_time")


def _worse(current: Cell | None, new: Cell) -> Cell:
    if current is None:
        return new
    worst = max(current, new, key=lambda c: (_SEVERITY[c.state], c.days_late))
    return Cell(worst.state, worst.days_late, current.tasks + new.tasks)


def _working_days_late(calendar: WorkCalendar, due: datetime, done: datetime) -> int:
    """Working days from the due day to the day it was done, on the Hà Nội calendar:
    at least one, for a task done late on its due day."""
    return max(1, calendar.working_days_between(to_local(due).date(), to_local(done).date()))

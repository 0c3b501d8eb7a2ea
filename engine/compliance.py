"""Which unit is behind: each unit's tasks in each cycle (instance) of one process.

A cycle of a periodic process is one instance (one per period, see
``engine.periodic``). For every unit that had tasks in it, the cell says how the unit
did, the worst of its tasks: overdue (open past its due time), late (done after it),
pending (open, not yet due) or on time; with the days late.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from engine.views import InstanceView, TaskView

__all__ = ["Cell", "ComplianceTable", "compliance_table"]

_SEVERITY = {"on_time": 0, "pending": 1, "late": 2, "overdue": 3}


@dataclass(frozen=True)
class Cell:
    state: str
    """``on_time``, ``pending``, ``late`` or ``overdue``."""
    days_late: int = 0
    tasks: int = 1


@dataclass(frozen=True)
class ComplianceTable:
    process_key: str
    cycles: list[InstanceView]
    units: list[str]
    cells: dict[tuple[str, int], Cell] = field(default_factory=dict)
    """(unit, instance id) -> how the unit did in that cycle."""

    def behind(self, unit: str) -> int:
        """In how many cycles ``unit`` was late or is overdue."""
        return sum(
            1
            for (cell_unit, _), cell in self.cells.items()
            if cell_unit == unit and cell.state in {"late", "overdue"}
        )


def compliance_table(
    process_key: str,
    cycles: list[InstanceView],
    tasks: Iterable[TaskView],
    now: datetime,
) -> ComplianceTable:
    """The table of ``cycles`` (oldest first) from their human ``tasks`` (any status)."""
    cells: dict[tuple[str, int], Cell] = {}
    for task in tasks:
        if task.unit is None or task.status == "cancelled" or task.due_at is None:
            continue
        key = (task.unit, task.instance_id)
        cells[key] = _worse(cells.get(key), _cell(task, now))
    units = sorted({unit for unit, _ in cells})
    return ComplianceTable(process_key, cycles, units, cells)


def _cell(task: TaskView, now: datetime) -> Cell:
    assert task.due_at is not None
    if task.status == "open":
        if task.due_at < now:
            return Cell("overdue", _days(now - task.due_at))
        return Cell("pending")
    done = task.completed_at or now
    if done > task.due_at:
        return Cell("late", _days(done - task.due_at))
    return Cell("on_time")


def _worse(current: Cell | None, new: Cell) -> Cell:
    if current is None:
        return new
    worst = max(current, new, key=lambda c: (_SEVERITY[c.state], c.days_late))
    return Cell(worst.state, worst.days_late, current.tasks + new.tasks)


def _days(late: timedelta) -> int:
    return math.ceil(late / timedelta(days=1))

"""Which unit is behind: each unit's punctuality in each cycle of a process."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from engine.api import Engine, read_files
from engine.clock import ManualClock
from engine.compliance import Cell

# units_review's due date, local_deadline(2021, 6, 15): before Tuesday 15/06, so Monday 17:00
DUE = datetime(2021, 6, 14, 17, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def unit_task(engine: Engine, instance_id: int, unit: str) -> str:
    (task,) = [t for t in engine.tasks(instance_id=instance_id) if t.unit == unit]
    return task.id


def test_on_time_late_overdue_and_pending_per_unit_and_cycle(
    plan_engine: Engine, clock: ManualClock
) -> None:
    plan_engine.deploy(read_files([Path(__file__).parent / "bpmn" / "units_review.bpmn"]))
    units = ["NASATI", "PFD", "LEGAL"]
    first = plan_engine.start("units_review", {"units": units}, actor="itc").id
    plan_engine.complete(unit_task(plan_engine, first, "NASATI"), {"changes": 1}, actor="n")
    second = plan_engine.start("units_review", {"units": ["NASATI"]}, actor="itc").id
    assert plan_engine.compliance("units_review").cells[("LEGAL", first)] == Cell("pending")
    clock.set(DUE + timedelta(days=2, hours=1))
    plan_engine.complete(unit_task(plan_engine, first, "PFD"), {"changes": 2}, actor="p")
    clock.set(DUE + timedelta(days=4))  # LEGAL never answered the first cycle

    table = plan_engine.compliance("units_review")

    assert [cycle.id for cycle in table.cycles] == [first, second]
    assert table.units == ["LEGAL", "NASATI", "PFD"]
    assert table.cells[("NASATI", first)] == Cell("on_time")
    assert table.cells[("PFD", first)] == Cell("late", days_late=2)  # Tue, Wed: working days
    assert table.cells[("LEGAL", first)] == Cell("overdue", days_late=4)
    assert table.cells[("NASATI", second)].state == "overdue"  # due 15/06 too, still open
    assert ("PFD", second) not in table.cells  # not asked in that cycle
    assert [table.behind(u) for u in table.units] == [1, 1, 1]

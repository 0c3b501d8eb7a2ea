"""II.4: the yearly data-quality inspection, started by I.6's plan of the year, its 25/12
and 31/12 deadlines, late units."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from plan_driving import (
    HANOI,
    INSPECTION_PLAN,
    at,
    before,
    complete_one,
    open_tasks,
    start_on_inspection_plan,
)

from engine.api import Engine
from engine.calendar import load_calendar
from engine.clock import ManualClock

PROCESS = "data_quality_inspection"
DBO = ["NASATI", "DBO:STAMEQ", "DBO:NOIP", "DBO:VARANS", "DBO:NATEC", "DBO:NAFOSTED"]
MINISTRY_REPORT = {"ministry_report_number": "88/BC-BKHCN", "summary": "Dữ liệu đạt yêu cầu"}


def _report(unit: str) -> dict[str, object]:
    return {
        "unit_report_number": f"7/{unit}",
        "databases_inspected": 2,
        "records_checked": 10_000,
        "records_with_errors": 12,
        "quality": "acceptable",
        "maintenance_proposals": "Chuẩn hóa mã đơn vị",
    }


def _reports_open(year: int) -> datetime:
    """20 working days before the units' deadline (before 25/12)."""
    return load_calendar().add_working_days_at(before(year, 12, 25), -20)


def _start(engine: Engine, clock: ManualClock, year: int = 2021) -> int:
    """I.6's plan starts the cycle; the unit reports open 20 working days before 25/12."""
    instance_id = start_on_inspection_plan(engine, PROCESS, year)
    assert open_tasks(engine, instance_id, "inspect") == []
    clock.set(_reports_open(year))
    engine.fire_due_timers()
    return instance_id


def _report_for(engine: Engine, instance_id: int, unit: str) -> None:
    (task,) = [t for t in open_tasks(engine, instance_id, "inspect") if t.unit == unit]
    engine.complete(task.id, _report(unit), actor=f"{unit.lower()}.staff")


def _advance_to(engine: Engine, clock: ManualClock, moment: datetime) -> int:
    clock.set(moment)
    return engine.fire_due_timers()


def test_units_report_before_25_december_and_itc_before_31_december(
    plan_engine: Engine, clock: ManualClock
) -> None:
    assert _reports_open(2021) == datetime(2021, 11, 26, 17, tzinfo=HANOI)
    instance_id = _start(plan_engine, clock)
    reports = open_tasks(plan_engine, instance_id, "inspect")
    shown = {f["id"]: f for f in reports[0].form["fields"] if f.get("readonly")}
    assert set(shown) == {"plan_decision_number", "plan_scope"}  # I.6's plan, on each task
    data = plan_engine.instance(instance_id).data
    assert (data["plan_decision_number"], data["plan_scope"]) == (
        INSPECTION_PLAN["plan_decision_number"],
        INSPECTION_PLAN["plan_scope"],
    )
    assert sorted(t.unit for t in reports) == sorted(DBO)
    # "trước 25/12": 25/12/2021 is a Saturday, so by Friday 24/12 at 17:00 in Hà Nội
    due = datetime(2021, 12, 24, 10, 0, tzinfo=UTC)
    assert {t.due_at for t in reports} == {due} == {before(2021, 12, 25)}

    clock.set(at(2021, 12, 10))
    for unit in DBO:
        _report_for(plan_engine, instance_id, unit)
    (ministry,) = open_tasks(plan_engine, instance_id, "report_to_ministry")
    assert ministry.unit == "ITC"
    # "trước 31/12": by Thursday 30/12/2021 at 17:00
    assert ministry.due_at == datetime(2021, 12, 30, 10, 0, tzinfo=UTC) == before(2021, 12, 31)
    complete_one(plan_engine, instance_id, "report_to_ministry", MINISTRY_REPORT, "ITC")

    instance = plan_engine.instance(instance_id)
    assert instance.status == "completed"
    product = instance.data["product"]
    assert (product["task"], product["kind"]) == ("II.4", "inspection report")
    assert product["number"] == "88/BC-BKHCN"
    assert product["inspection_plan"] == "03/QĐ-BCĐ"
    assert sorted(product["on_time"]) == sorted(DBO)
    assert product["late"] == product["missing"] == []
    assert instance.data["reported_on"] == "2021-12-10"
    assert {r["records_checked"] for r in product["reports"]} == {10_000}


def test_a_late_unit_is_urged_by_itc_and_a_silent_one_recorded_missing(
    plan_engine: Engine, clock: ManualClock
) -> None:
    instance_id = _start(plan_engine, clock)
    on_time, late, silent = DBO[:4], "DBO:NATEC", "DBO:NAFOSTED"
    clock.set(at(2021, 12, 20))
    for unit in on_time:
        _report_for(plan_engine, instance_id, unit)

    assert _advance_to(plan_engine, clock, datetime(2021, 12, 24, 16, 59, tzinfo=HANOI)) == 0
    assert open_tasks(plan_engine, instance_id, "urge") == []
    # one refresh may fire both
    assert _advance_to(plan_engine, clock, before(2021, 12, 25)) >= 1
    urges = open_tasks(plan_engine, instance_id, "urge")
    assert [t.unit for t in urges] == ["ITC", "ITC"]
    # the deadline was Friday 24/12 at 17:00: ITC urges by the end of the next working
    # day, Monday 27/12, a whole working day (not Saturday 00:00 to Monday 00:00)
    assert {t.due_at for t in urges} == {datetime(2021, 12, 27, 17, tzinfo=HANOI)}
    assert sorted(t.unit for t in open_tasks(plan_engine, instance_id, "inspect")) == sorted(
        [late, silent]
    )

    clock.set(datetime(2021, 12, 27, 9, tzinfo=HANOI))
    for urge in urges:
        plan_engine.complete(urge.id, {"urged_by": "phone"}, actor="itc.staff")
    _report_for(plan_engine, instance_id, late)
    assert open_tasks(plan_engine, instance_id, "report_to_ministry") == []

    # two working days before the ministry's deadline (Thursday 30/12, 17:00): Tuesday
    # 28/12 at 17:00, leaving ITC two working days to write the report
    assert _advance_to(plan_engine, clock, datetime(2021, 12, 28, 16, 59, tzinfo=HANOI)) == 0
    assert _advance_to(plan_engine, clock, datetime(2021, 12, 28, 17, tzinfo=HANOI)) >= 1
    assert open_tasks(plan_engine, instance_id, "inspect") == []
    (ministry,) = open_tasks(plan_engine, instance_id, "report_to_ministry")
    assert ministry.due_at == before(2021, 12, 31)
    complete_one(plan_engine, instance_id, "report_to_ministry", MINISTRY_REPORT, "ITC")

    product = plan_engine.instance(instance_id).data["product"]
    assert sorted(product["on_time"]) == sorted(on_time)
    assert product["late"] == [late]
    assert product["missing"] == [silent]

    table = plan_engine.compliance(PROCESS)
    assert table.cells[(silent, instance_id)].state == "missing"  # cut off, never sent
    assert table.cells[(late, instance_id)].state == "late"
    assert {table.cells[(unit, instance_id)].state for unit in on_time} == {"on_time"}
    assert table.behind(silent) == 1


@pytest.mark.parametrize("year", [2022, 2025])
def test_deadlines_follow_the_cycle_year(
    plan_engine: Engine, clock: ManualClock, year: int
) -> None:
    instance_id = _start(plan_engine, clock, year)
    reports = open_tasks(plan_engine, instance_id, "inspect")
    assert {t.due_at for t in reports} == {before(year, 12, 25)}

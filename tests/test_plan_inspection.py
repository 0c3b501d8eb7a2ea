"""II.4: the yearly data-quality inspection, its 25/12 and 31/12 deadlines, late units."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from plan_driving import HANOI, at, before, complete_one, deploy_processes, open_tasks

from engine.api import Engine
from engine.clock import ManualClock

PROCESS = "data_quality_inspection"
DBO = ["NASATI", "DBO:STAMEQ", "DBO:NOIP", "DBO:VARANS", "DBO:NATEC", "DBO:NAFOSTED"]
YEAR_2021 = {
    "year": 2021,
    "period_start": "2021-01-01T00:00:00+07:00",
    "period_end": "2022-01-01T00:00:00+07:00",
}
PLAN = {"plan_decision_number": "03/QĐ-BCĐ", "plan_approved_on": "2021-01-15"}
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


def _start(engine: Engine) -> int:
    deploy_processes(engine, PROCESS)
    instance = engine.start(PROCESS, YEAR_2021, actor="periodic")
    complete_one(engine, instance.id, "approve_plan", PLAN, "EGOV")
    return instance.id


def _report_for(engine: Engine, instance_id: int, unit: str) -> None:
    (task,) = [t for t in open_tasks(engine, instance_id, "inspect") if t.unit == unit]
    engine.complete(task.id, _report(unit), actor=f"{unit.lower()}.staff")


def _advance_to(engine: Engine, clock: ManualClock, moment: datetime) -> int:
    clock.set(moment)
    return engine.fire_due_timers()


def test_units_report_before_25_december_and_itc_before_31_december(
    plan_engine: Engine, clock: ManualClock
) -> None:
    instance_id = _start(plan_engine)
    reports = open_tasks(plan_engine, instance_id, "inspect")
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
    instance_id = _start(plan_engine)
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
def test_deadlines_follow_the_cycle_year(plan_engine: Engine, year: int) -> None:
    deploy_processes(plan_engine, PROCESS)
    instance = plan_engine.start(PROCESS, {**YEAR_2021, "year": year}, actor="tester")
    approval = complete_one(plan_engine, instance.id, "approve_plan", PLAN, "EGOV")
    assert approval.due_at == before(year, 4, 16)  # EGOV approves by 15/4, as I.6 issues
    reports = open_tasks(plan_engine, instance.id, "inspect")
    assert {t.due_at for t in reports} == {before(year, 12, 25)}

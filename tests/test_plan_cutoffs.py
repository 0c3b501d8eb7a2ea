"""Every step that waits for all units has a cut-off: a silent unit is recorded as
missing (in the step's list, the product and the compliance table) and the process
goes on without it, as II.4 does at 31/12."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

import pytest
from plan_driving import (
    HANOI,
    PROCESSES,
    deploy_processes,
    feed_catalogue,
    plan_tasks,
    start_on_inspection_plan,
)

from engine.api import Engine
from engine.calendar import load_calendar
from engine.clock import ManualClock
from engine.simulation import answers

SILENT = "DBO:NOIP"
HALF_YEAR = {
    "year": 2021,
    "period_start": "2021-01-01T00:00:00+07:00",
    "period_end": "2021-07-01T00:00:00+07:00",
}


class Step(NamedTuple):
    process: str
    variables: dict[str, Any]
    task: str
    collection: str
    cut_off: datetime
    """When the silent unit is cut off (Hà Nội)."""


def hanoi(*args: int) -> datetime:
    return datetime(*args, tzinfo=HANOI)


STEPS = [
    # the end of the 20th working day of the period (5 after the units' deadline)
    Step("open_data_catalogue", HALF_YEAR, "propose", "proposals", hanoi(2021, 1, 29, 17)),
    Step("default_sharing_catalogue", HALF_YEAR, "propose", "proposals", hanoi(2021, 1, 29, 17)),
    # the end of the 5th working day before the half-year ends, 4 before ITC's consolidation
    Step(
        "public_feedback_consolidation", HALF_YEAR, "summarise", "summaries", hanoi(2021, 6, 24, 17)
    ),
    # 5 working days before the next step's fixed deadline, at its 17:00
    Step(
        "yearly_inspection_plan", {"year": 2021}, "contribute", "proposals", hanoi(2021, 3, 5, 17)
    ),
    # 5 working days after the units' deadline, when that comes first
    Step("yearly_portal_registration", {"year": 2021}, "provide", "entries", hanoi(2021, 4, 6, 17)),
    Step(
        "yearly_infrastructure_report", {"year": 2021}, "report", "reports", hanoi(2021, 11, 19, 17)
    ),
    Step("yearly_data_protection", {"year": 2021}, "report", "reports", hanoi(2021, 12, 6, 17)),
    # 15 working days before the task's own due date (5 after the contributions')
    Step(
        "one_off_decision",
        plan_tasks()["I.4"]["variables"],
        "contribute",
        "contributions",
        hanoi(2021, 12, 10, 17),
    ),
    # due 31/12/2020, started on 4/1/2021 at 08:00: still 5 working days from then
    Step(
        "one_off_status_review",
        plan_tasks()["II.1"]["variables"],
        "submit",
        "submissions",
        hanoi(2021, 1, 11, 8),
    ),
    Step(
        "one_off_focal_points",
        plan_tasks()["II.7"]["variables"],
        "submit",
        "submissions",
        hanoi(2021, 1, 11, 8),
    ),
]


def _run_to(engine: Engine, instance_id: int, element_id: str) -> list[Any]:
    """Complete every other open task, as the units would, until ``element_id`` opens."""
    for _ in range(20):
        tasks = engine.tasks(instance_id=instance_id)
        mine = [t for t in tasks if t.element_id == element_id]
        if mine:
            return mine
        assert tasks, "the process waits for nothing"
        for task in tasks:
            engine.complete(task.id, answers(task), actor=f"{task.unit}.staff")
    raise AssertionError(f"{element_id} never opened")


def _run_to_the_end(engine: Engine, instance_id: int) -> None:
    """Complete every task, and let the scheduler send the letters to counterparts."""
    for _ in range(20):
        engine.tick()
        for task in engine.tasks(instance_id=instance_id):
            engine.complete(task.id, answers(task), actor=f"{task.unit}.staff")


@pytest.mark.parametrize("step", STEPS, ids=[s.process for s in STEPS])
def test_a_silent_unit_is_cut_off_and_recorded_missing(
    plan_engine: Engine, clock: ManualClock, step: Step
) -> None:
    deploy_processes(plan_engine, "public_feedback" if "feedback" in step.process else step.process)
    instance = plan_engine.start(step.process, step.variables, actor="scheduler")
    if step.process == "open_data_catalogue":
        feed_catalogue(plan_engine, instance.id, {})
    if step.process == "public_feedback_consolidation":
        clock.set(hanoi(2021, 6, 9, 17))  # 16 working days before the half-year ends
        plan_engine.fire_due_timers()
    asked = _run_to(plan_engine, instance.id, step.task)
    assert SILENT in {t.unit for t in asked}
    for task in asked:
        if task.unit != SILENT:
            plan_engine.complete(task.id, answers(task), actor=f"{task.unit}.staff")

    clock.set(step.cut_off - timedelta(minutes=1))
    plan_engine.fire_due_timers()
    assert [t.unit for t in plan_engine.tasks(instance_id=instance.id)] == [SILENT]
    clock.set(step.cut_off)
    assert plan_engine.fire_due_timers() == 1

    after = plan_engine.instance(instance.id)
    assert after.status == "running"
    assert {t.element_id for t in after.open_tasks} - {step.task}, "the next step opened"
    assert SILENT not in {t.unit for t in after.open_tasks}
    items = after.data[step.collection]
    assert {"unit": SILENT, "status": "missing"} in items
    assert len(items) == len(asked)  # the others' answers are all there
    table = plan_engine.compliance(step.process)
    assert table.cells[(SILENT, instance.id)].state == "missing"

    _run_to_the_end(plan_engine, instance.id)
    done = plan_engine.instance(instance.id)
    assert done.status == "completed"
    assert done.data["product"]["missing"] == [SILENT]


@pytest.mark.parametrize(
    ("process", "collection"),
    [("yearly_training", "registrations"), ("yearly_monitoring", "reports")],
)
def test_a_step_due_after_it_opens_cuts_off_5_working_days_after_its_due_date(
    plan_engine: Engine, clock: ManualClock, process: str, collection: str
) -> None:
    if process == "yearly_monitoring":  # started by I.6's plan, opens on 1/8
        instance_id = start_on_inspection_plan(plan_engine, process)
        clock.set(hanoi(2021, 8, 1))
        plan_engine.fire_due_timers()
    else:
        deploy_processes(plan_engine, process)
        instance_id = plan_engine.start(process, {"year": 2021}, actor="scheduler").id
    silent, *others = _run_to(plan_engine, instance_id, "report")
    for task in others:
        plan_engine.complete(task.id, answers(task), actor=f"{task.unit}.staff")
    assert silent.due_at is not None
    cut_off = load_calendar(PROCESSES / "calendar.yaml").add_working_days_at(silent.due_at, 5)

    clock.set(cut_off - timedelta(minutes=1))
    assert plan_engine.fire_due_timers() == 0
    clock.set(cut_off)
    assert plan_engine.fire_due_timers() == 1
    items = plan_engine.instance(instance_id).data[collection]
    assert {"unit": silent.unit, "status": "missing"} in items


def test_a_returned_unit_that_does_not_resubmit_is_cut_off(
    plan_engine: Engine, clock: ManualClock
) -> None:
    deploy_processes(plan_engine, "one_off_focal_points")
    variables = plan_tasks()["II.7"]["variables"]
    instance = plan_engine.start("one_off_focal_points", variables, actor="itc.head")
    for task in _run_to(plan_engine, instance.id, "submit"):
        plan_engine.complete(task.id, answers(task), actor=f"{task.unit}.staff")
    (check,) = plan_engine.tasks(instance_id=instance.id)
    returned = {"check_result": "returned", "returned_units": SILENT, "check_comments": "?"}
    plan_engine.complete(check.id, returned, actor="itc.staff")
    (resubmit,) = plan_engine.tasks(instance_id=instance.id)
    assert (resubmit.element_id, resubmit.unit) == ("resubmit", SILENT)

    assert resubmit.due_at is not None
    clock.set(load_calendar(PROCESSES / "calendar.yaml").add_working_days_at(resubmit.due_at, 5))
    assert plan_engine.fire_due_timers() == 1
    _run_to_the_end(plan_engine, instance.id)
    product = plan_engine.instance(instance.id).data["product"]
    assert product["missing"] == [SILENT]
    assert SILENT not in product["focal_persons"]

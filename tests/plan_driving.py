"""Driving the plan's shipped processes in tests: deploy them, and act as the units would."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from engine.api import Engine, read_files
from engine.calendar import load_calendar
from engine.views import InstanceView, TaskView

PROCESSES = Path(__file__).parent.parent / "processes"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def deploy_processes(engine: Engine, *names: str) -> None:
    engine.deploy(read_files(PROCESSES / f"{name}.bpmn" for name in names), actor="tester")


def plan_tasks() -> dict[str, Any]:
    return yaml.safe_load((PROCESSES / "plan_tasks.yaml").read_text(encoding="utf-8"))["tasks"]


def organisation_set(code: str) -> list[str]:
    """The unit codes of a set in units.yaml (a unit stands for itself)."""
    document = yaml.safe_load((PROCESSES / "units.yaml").read_text(encoding="utf-8"))
    sets = document["sets"]
    if code not in sets:
        return [code]
    return [unit for member in sets[code]["units"] for unit in organisation_set(member)]


def local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(HANOI) if moment is not None else None


def at(year: int, month: int, day: int) -> datetime:
    """Midnight starting that day in Hà Nội."""
    return datetime(year, month, day, tzinfo=HANOI)


def before(year: int, month: int, day: int) -> datetime:
    """17:00 in Hà Nội on the last working day before that date: how the processes'
    ``local_deadline(year, month, day)`` reads "trước 25/12" (before 25 December)."""
    last_day = load_calendar(PROCESSES / "calendar.yaml").previous_working_day(
        date(year, month, day)
    )
    return datetime.combine(last_day, time(17), HANOI)


def open_tasks(engine: Engine, instance_id: int, element_id: str) -> list[TaskView]:
    return [t for t in engine.tasks(instance_id=instance_id) if t.element_id == element_id]


def complete_one(
    engine: Engine, instance_id: int, element_id: str, data: Mapping[str, Any], unit: str
) -> TaskView:
    """Complete the single open task ``element_id``, checking that ``unit`` has it."""
    (task,) = open_tasks(engine, instance_id, element_id)
    assert task.unit == unit, f"{element_id} is for {task.unit}, expected {unit}"
    engine.complete(task.id, data, actor=f"{unit.lower()}.staff")
    return task


def complete_each(
    engine: Engine,
    instance_id: int,
    element_id: str,
    data_for: Callable[[str], Mapping[str, Any]],
) -> list[TaskView]:
    """Complete every open task ``element_id`` (one per unit), each with its unit's data."""
    tasks = open_tasks(engine, instance_id, element_id)
    for task in tasks:
        assert task.unit is not None
        engine.complete(task.id, data_for(task.unit), actor=f"{task.unit.lower()}.staff")
    return tasks


def reject_then_approve(
    engine: Engine,
    instance_id: int,
    approver: str,
    reviser: str,
    revision: Mapping[str, Any],
    prefix: str = "",
) -> None:
    """The approval loop every plan process shares: returned once, revised, approved."""
    complete_one(
        engine,
        instance_id,
        f"{prefix}approve",
        {"decision": "rejected", "comments": "Please cite Decree 47"},
        approver,
    )
    assert open_tasks(engine, instance_id, f"{prefix}approve") == []
    revise = complete_one(engine, instance_id, f"{prefix}revise", revision, reviser)
    assert engine.instance(instance_id).data["comments"] == "Please cite Decree 47"
    assert revise.due_at is not None
    complete_one(engine, instance_id, f"{prefix}approve", {"decision": "approved"}, approver)


def product_of(instance: InstanceView) -> dict[str, Any]:
    assert instance.status == "completed", instance.status
    return instance.data["product"]


INSPECTION_PLAN = {
    "plan_decision_number": "03/QĐ-BCĐ",
    "plan_approved_on": "2021-04-14",
    "plan_scope": "CSDL sở hữu công nghiệp, CSDL tiêu chuẩn",
}


def start_on_inspection_plan(engine: Engine, process: str, year: int = 2021) -> int:
    """Start II.4 or IV.2 as I.6's issued plan does: the signal ``inspection_plan_issued``
    with the year and the plan's decision and scope, delivered by the scheduler."""
    deploy_processes(engine, process)
    engine.signal("inspection_plan_issued", {"year": year, **INSPECTION_PLAN}, actor="tester")
    engine.tick()
    (instance,) = engine.instances(process_key=process)
    return instance.id


def feed_catalogue(engine: Engine, instance_id: int, feedback: Mapping[str, Any]) -> None:
    """Hand an I.3 cycle II.8's consolidated feedback, as the relay does when it starts."""
    payload = {"catalogue_feedback": dict(feedback), "feedback_for_period": "2021-01-01"}
    engine.deliver_message("catalogue_feedback", payload, instance_id=instance_id)

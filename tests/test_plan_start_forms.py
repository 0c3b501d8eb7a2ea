"""Every process a supervisor starts by hand starts cleanly from its start form alone."""

from __future__ import annotations

from typing import Any

import pytest
from plan_driving import PROCESSES

from engine.api import Engine, read_files
from engine.errors import InvalidInput

HAND_STARTED = {
    "data_upgrade_plan",
    "database_in_operation",
    "one_off_decision",
    "one_off_focal_points",
    "one_off_status_review",
    "public_feedback",
    "sharing_service_publication",
}


def filled(form: list[dict[str, Any]]) -> dict[str, Any]:
    """What a supervisor types: the first choice of each list, some text, a date."""
    values: dict[str, Any] = {}
    for field in form:
        if field.get("options"):
            values[field["id"]] = field["options"][0]["id"]
        elif field["type"] == "date":
            values[field["id"]] = "2021-03-11"
        elif field["type"] in {"long", "double"}:
            values[field["id"]] = 2021
        elif field["type"] == "units":
            values[field["id"]] = "LEGAL, DBO"
        elif field["type"] == "boolean":
            values[field["id"]] = True
        else:
            at = "2021-12-31T17:00:00+07:00"
            values[field["id"]] = at if field["id"].endswith("_at") else "Nội dung"
    return values


@pytest.fixture
def plan(plan_engine: Engine) -> Engine:
    plan_engine.deploy(read_files([PROCESSES]), actor="tester")
    return plan_engine


def test_the_hand_started_processes_are_the_seven(plan: Engine) -> None:
    assert {d.process_key for d in plan.startable()} == HAND_STARTED


@pytest.mark.parametrize("process_key", sorted(HAND_STARTED))
def test_each_starts_from_its_start_form_without_incident(plan: Engine, process_key: str) -> None:
    form = plan.start_form(process_key)
    instance = plan.start(process_key, filled(form), actor="tester")
    assert instance.status == "running", instance.incidents
    assert instance.incidents == []
    assert instance.open_tasks


@pytest.mark.parametrize(
    ("process_key", "field_id", "kind"),
    [
        ("database_in_operation", "database", "database"),
        ("sharing_service_publication", "database", "database"),
        ("public_feedback", "database", "database"),
        ("data_upgrade_plan", "owner_unit", "unit"),
    ],
)
def test_the_start_form_offers_the_organisation_and_refuses_anything_else(
    plan: Engine, process_key: str, field_id: str, kind: str
) -> None:
    form = plan.start_form(process_key)
    (picker,) = [field for field in form if field["id"] == field_id]
    assert picker["type"] == kind and picker["required"]
    codes = {option["id"] for option in picker["options"]}
    assert ("industrial_property" if kind == "database" else "DBO:NOIP") in codes
    with pytest.raises(InvalidInput) as refused:
        plan.start(process_key, {**filled(form), field_id: "NO_SUCH"}, actor="tester")
    assert refused.value.details["field"] == field_id
    assert refused.value.details["rule"] == "choice"
    with pytest.raises(InvalidInput) as missing:
        plan.start(process_key, {}, actor="tester")
    assert missing.value.details["rule"] == "required"


def test_the_processes_an_event_starts_by_hand_start_cleanly_with_no_data(plan: Engine) -> None:
    """I.5 (the signal a supervisor sends when the national data strategy is issued),
    III.4.đ (a report requested) and III.1 on MIC's request: each event may come with
    no data at all (processes/README.md, the 21 tasks)."""
    plan.signal("national_data_strategy_issued", {}, actor="itc.head")
    plan.deliver_message("report_requested", {}, actor="itc.head")
    plan.deliver_message("mic_infrastructure_request", {}, actor="itc.head")
    plan.tick()  # the signal is delivered by the outbox

    for key in ("ministry_data_strategy", "report_on_request", "yearly_infrastructure_report"):
        (started,) = plan.instances(process_key=key)
        instance = plan.instance(started.id)
        assert instance.status == "running" and instance.incidents == [], key
        assert instance.open_tasks, key

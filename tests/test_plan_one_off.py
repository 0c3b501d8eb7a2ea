"""The plan's one-off tasks (I.1, I.2, I.4, II.5; II.1, II.7) run as the seed says; I.5
waits for the national data strategy."""

from __future__ import annotations

from datetime import datetime

import pytest
from plan_driving import (
    at,
    complete_each,
    complete_one,
    deploy_processes,
    local,
    open_tasks,
    organisation_set,
    plan_tasks,
    product_of,
    reject_then_approve,
)

from engine.api import Engine
from engine.calendar import load_calendar
from engine.errors import InvalidInput

TASKS = plan_tasks()
DECISION_TASKS = [code for code, task in TASKS.items() if task["process"] == "one_off_decision"]
CALENDAR = load_calendar()


def _contributors(variables: dict) -> list[str]:
    units = [unit for code in variables["cooperating"] for unit in organisation_set(code)]
    return [u for u in dict.fromkeys(units) if u != variables["lead_unit"]]


def _working_days_before(due_at: str, days: int) -> datetime:
    return local(CALENDAR.add_working_days_at(datetime.fromisoformat(due_at), -days))


def test_every_one_off_task_of_the_seed_is_mapped() -> None:
    one_off = {code for code, task in TASKS.items() if task["start"] == "once"}
    assert one_off == {"I.1", "I.2", "I.4", "II.1", "II.5", "II.7"}
    assert (TASKS["I.5"]["start"], TASKS["I.5"]["signal"]) == (
        "on_signal",
        "national_data_strategy_issued",
    )
    assert TASKS["I.1"]["variables"]["lead_unit"] == "NASATI"
    assert TASKS["I.1"]["variables"]["send_to"] == "MIC"
    assert TASKS["II.5"]["variables"]["cooperating"] == ["LEGAL", "OFFICE", "DBO"]


@pytest.mark.parametrize("code", DECISION_TASKS)
def test_decision_task_is_drafted_contributed_approved_and_issued(
    engine: Engine, code: str
) -> None:
    variables = TASKS[code]["variables"]
    lead, due_at = variables["lead_unit"], variables["due_at"]
    deploy_processes(engine, "one_off_decision")
    instance = engine.start("one_off_decision", variables, actor="itc.head")

    draft = complete_one(engine, instance.id, "draft", {"draft_summary": "v1"}, lead)
    assert local(draft.due_at) == _working_days_before(due_at, 30)

    contributions = open_tasks(engine, instance.id, "contribute")
    assert sorted(t.unit for t in contributions) == sorted(_contributors(variables))
    assert {local(t.due_at) for t in contributions} == {_working_days_before(due_at, 20)}
    complete_each(
        engine,
        instance.id,
        "contribute",
        lambda unit: {"contribution_text": f"{unit} agrees", "agrees_with_draft": True},
    )

    complete_one(engine, instance.id, "finalise", {"final_summary": "v2"}, lead)
    (approval,) = open_tasks(engine, instance.id, "approve")
    assert local(approval.due_at) == _working_days_before(due_at, 5)
    reject_then_approve(engine, instance.id, variables["approver"], lead, {"final_summary": "v3"})

    (issue,) = open_tasks(engine, instance.id, "issue")
    assert local(issue.due_at) == datetime.fromisoformat(due_at)
    complete_one(
        engine,
        instance.id,
        "issue",
        {"document_number": f"{code}/QĐ-BKHCN", "signed_on": "2021-02-01"},
        lead,
    )
    delivery = "internal"
    if variables["send_to"] == "MIC":  # I.1: no MIC endpoint here, so ITC sends it by hand
        engine.tick()
        complete_one(
            engine, instance.id, "confirm_sent_by_hand", {"sent_by_hand_on": "2021-02-02"}, "ITC"
        )
        delivery = "by_hand"
    done = engine.instance(instance.id)
    assert product_of(done) == {
        "task": code,
        "kind": variables["product_kind"],
        "title": variables["title"],
        "number": f"{code}/QĐ-BKHCN",
        "signed_on": "2021-02-01",
        "approved_by": "LEAD",
        "sent_to": variables["send_to"],
        "missing": [],
        "delivery": delivery,
        "counterpart_receipt": "",
    }
    assert len(done.data["contributions"]) == len(contributions)
    assert done.data["final_summary"] == "v3"


def _assessment(unit: str) -> dict:
    return {"systems_count": 2, "databases_count": 1, "assessment": f"{unit}: ok"}


def _letter(unit: str) -> dict:
    return {"letter_number": f"{unit}-1", "focal_person": f"Focal {unit}", "focal_email": "a@b.vn"}


def test_status_review_returns_a_unit_then_consolidates(engine: Engine) -> None:
    deploy_processes(engine, "one_off_status_review")
    instance = engine.start("one_off_status_review", TASKS["II.1"]["variables"], actor="itc")
    dbo = organisation_set("DBO")

    submitted = complete_each(engine, instance.id, "submit", _assessment)
    assert sorted(t.unit for t in submitted) == sorted(dbo)
    assert {local(t.due_at) for t in submitted} == {at(2020, 12, 31).replace(hour=17)}
    returned = {"check_result": "returned", "returned_units": "DBO:NOIP", "check_comments": "?"}
    complete_one(engine, instance.id, "check", returned, "ITC")

    (again,) = open_tasks(engine, instance.id, "resubmit")
    assert again.unit == "DBO:NOIP"
    engine.complete(again.id, {**_assessment("DBO:NOIP"), "systems_count": 5}, actor="noip")
    complete_one(engine, instance.id, "check", {"check_result": "accepted"}, "ITC")
    report = {"report_number": "12/BC-TTCNTT", "report_summary": "all assessed"}
    complete_one(engine, instance.id, "finish", report, "ITC")

    product = product_of(engine.instance(instance.id))
    assert product["task"] == "II.1" and product["number"] == "12/BC-TTCNTT"
    assert product["units"] == sorted(dbo)
    assert product["systems"] == 2 * (len(dbo) - 1) + 5


def test_focal_points_are_listed_per_unit(engine: Engine) -> None:
    deploy_processes(engine, "one_off_focal_points")
    instance = engine.start("one_off_focal_points", TASKS["II.7"]["variables"], actor="itc")
    complete_each(engine, instance.id, "submit", _letter)
    complete_one(engine, instance.id, "check", {"check_result": "accepted"}, "ITC")
    complete_one(engine, instance.id, "finish", {"list_reference": "DS-01"}, "ITC")

    product = product_of(engine.instance(instance.id))
    assert product["sent_to"] == "ITC"
    assert product["focal_persons"] == {unit: f"Focal {unit}" for unit in organisation_set("DBO")}


def test_returning_a_unit_that_did_not_submit_is_an_incident(engine: Engine) -> None:
    deploy_processes(engine, "one_off_focal_points")
    instance = engine.start("one_off_focal_points", TASKS["II.7"]["variables"], actor="itc")
    complete_each(engine, instance.id, "submit", _letter)
    bad = {"check_result": "returned", "returned_units": "LEGAL"}
    complete_one(engine, instance.id, "check", bad, "ITC")

    stuck = engine.instance(instance.id)
    assert stuck.status == "incident"
    assert "LEGAL did not submit" in stuck.incidents[0].message


def test_a_start_without_the_variables_the_start_form_requires_is_refused(
    plan_engine: Engine,
) -> None:
    deploy_processes(plan_engine, "one_off_decision")
    with pytest.raises(InvalidInput) as missing:
        plan_engine.start("one_off_decision", {"task_code": "I.4"}, actor="itc.head")
    assert (missing.value.details["field"], missing.value.details["rule"]) == ("title", "required")
    assert plan_engine.instances(process_key="one_off_decision") == []  # nothing started

    variables = TASKS["I.4"]["variables"]
    started = plan_engine.start("one_off_decision", variables, actor="itc.head")
    assert started.status == "running" and started.data["cooperating"] == ["DBO"]  # passed on


def test_cooperating_units_typed_in_a_form_become_the_list_of_codes(
    plan_engine: Engine,
) -> None:
    deploy_processes(plan_engine, "one_off_decision")
    typed = {**TASKS["II.5"]["variables"], "cooperating": "LEGAL, OFFICE DBO"}
    started = plan_engine.start("one_off_decision", typed, actor="itc.head")
    assert started.data["cooperating"] == ["LEGAL", "OFFICE", "DBO"]
    with pytest.raises(InvalidInput) as lowercase:
        plan_engine.start("one_off_decision", {**typed, "cooperating": "legal"}, actor="x")
    assert lowercase.value.details["rule"] == "type:units"

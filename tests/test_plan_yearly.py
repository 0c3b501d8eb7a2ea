"""The plan's yearly tasks (I.6, II.3, III.1, III.2, IV.1, IV.2), one cycle each."""

from __future__ import annotations

from datetime import timedelta

from plan_driving import (
    INSPECTION_PLAN,
    at,
    before,
    complete_each,
    complete_one,
    deploy_processes,
    local,
    open_tasks,
    organisation_set,
    plan_tasks,
    product_of,
    reject_then_approve,
    start_on_inspection_plan,
)

from engine.api import Engine
from engine.clock import ManualClock

YEAR = 2021


def _start(engine: Engine, process: str) -> int:
    deploy_processes(engine, process)
    return engine.start(process, {"year": YEAR}, actor="scheduler").id


def test_yearly_tasks_are_mapped_to_timer_started_processes() -> None:
    yearly = {code for code, task in plan_tasks().items() if task["start"] == "yearly"}
    assert yearly == {"I.6", "II.3", "III.1", "III.2", "IV.1"}
    on_the_plan = {
        code
        for code, task in plan_tasks().items()
        if task.get("signal") == "inspection_plan_issued"
    }
    assert on_the_plan == {"II.4", "IV.2"}  # each year, once I.6's plan is issued


def test_inspection_plan_is_approved_by_the_steering_committee(engine: Engine) -> None:
    instance_id = _start(engine, "yearly_inspection_plan")
    draft = complete_one(engine, instance_id, "draft", {"draft_summary": "v1"}, "ITC")
    assert local(draft.due_at) == before(YEAR, 2, 1)
    proposals = complete_each(
        engine, instance_id, "contribute", lambda unit: {"databases_to_inspect": unit}
    )
    assert sorted(t.unit for t in proposals) == sorted(organisation_set("DBO"))
    assert {local(t.due_at) for t in proposals} == {before(YEAR, 3, 1)}
    complete_one(engine, instance_id, "finalise", {"plan_summary": "v2"}, "ITC")
    reject_then_approve(engine, instance_id, "EGOV", "ITC", {"plan_summary": "v3"})
    (issue,) = open_tasks(engine, instance_id, "issue")
    assert local(issue.due_at) == before(YEAR, 4, 15)
    decision = {"decision_number": "01/QĐ-BCĐ", "signed_on": "2021-04-10"}
    complete_one(engine, instance_id, "issue", decision, "ITC")

    product = product_of(engine.instance(instance_id))
    assert product["task"] == "I.6" and product["approved_by"] == "EGOV"
    assert (product["year"], product["number"]) == (YEAR, "01/QĐ-BCĐ")


def test_portal_registration_letter_is_signed_and_sent_to_the_portal(engine: Engine) -> None:
    instance_id = _start(engine, "yearly_portal_registration")
    entries = complete_each(
        engine, instance_id, "provide", lambda unit: {"datasets": 4, "open_datasets": 2}
    )
    assert {local(t.due_at) for t in entries} == {before(YEAR, 3, 31)}
    complete_one(engine, instance_id, "draft_letter", {"letter_summary": "v1"}, "ITC")
    reject_then_approve(engine, instance_id, "LEAD", "ITC", {"letter_summary": "v2"})
    sent = {"letter_number": "99/TTCNTT", "sent_on": "2021-05-20", "connection_status": "connected"}
    send = complete_one(engine, instance_id, "send", sent, "ITC")
    assert local(send.due_at) == before(YEAR, 5, 31)
    engine.tick()  # no portal endpoint configured: the letter is to be sent by hand
    confirmed = {"sent_by_hand_on": "2021-05-21", "acknowledged": True}
    complete_one(engine, instance_id, "confirm_sent_by_hand", confirmed, "ITC")

    product = product_of(engine.instance(instance_id))
    assert product["sent_to"] == "NDP" and product["connection"] == "connected"
    assert (product["delivery"], product["acknowledged"]) == ("by_hand", True)
    assert product["open_datasets"] == 2 * len(entries)


def _report_cycle(engine: Engine, process: str, unit_data, report_due, consolidate_due):
    instance_id = _start(engine, process)
    reports = complete_each(engine, instance_id, "report", unit_data)
    assert {local(t.due_at) for t in reports} == {report_due}
    summary = {"report_number": "7/BC", "report_summary": "done"}
    consolidate = complete_one(engine, instance_id, "consolidate", summary, "ITC")
    assert local(consolidate.due_at) == consolidate_due
    return reports, product_of(engine.instance(instance_id))


def test_infrastructure_readiness_report_goes_to_mic(engine: Engine) -> None:
    def readiness(unit: str) -> dict:
        ready = unit != "DBO:NOIP"
        return {"systems_ready": ready, "network_ready": True, "connected_systems": 1}

    reports, product = _report_cycle(
        engine, "yearly_infrastructure_report", readiness, before(YEAR, 11, 15), before(YEAR, 12, 1)
    )
    assert sorted(t.unit for t in reports) == sorted(organisation_set("DBO"))
    assert product["sent_to"] == "MIC" and product["task"] == "III.1"
    assert product["ready_units"] == sorted(set(organisation_set("DBO")) - {"DBO:NOIP"})


def test_data_protection_reports_are_consolidated_by_itc(engine: Engine) -> None:
    def protection(unit: str) -> dict:
        return {"protection_measures": "TLS, backups", "incidents": 1}

    reports, product = _report_cycle(
        engine, "yearly_data_protection", protection, before(YEAR, 11, 30), before(YEAR, 12, 15)
    )
    assert product["task"] == "III.2" and product["sent_to"] == "ITC"
    assert product["incidents"] == len(reports)
    # Section III.2 of the appendix: the database owners lead, every affiliated unit
    # cooperates (each one's information systems take part in the sharing).
    assert sorted(t.unit for t in reports) == sorted(organisation_set("UNITS"))
    assert product["lead_units"] == organisation_set("DBO")
    assert set(product["cooperating_units"]) == set(organisation_set("UNITS")) - set(
        organisation_set("DBO")
    )


def test_training_is_planned_attended_and_reported(engine: Engine, clock: ManualClock) -> None:
    instance_id = _start(engine, "yearly_training")
    plan = {"training_on": "2021-09-15", "venue": "Hà Nội"}
    assert local(complete_one(engine, instance_id, "plan_training", plan, "ITC").due_at) == before(
        YEAR, 6, 30
    )
    registrations = complete_each(engine, instance_id, "report", lambda unit: {"participants": 2})
    assert sorted(t.unit for t in registrations) == sorted(organisation_set("UNITS"))
    # 10 working days from 4 January 2021 (a Monday, no holiday): 18 January
    assert {local(t.due_at) for t in registrations} == {clock.now() + timedelta(days=14)}
    _report_opens(engine, clock, instance_id)
    summary = {"report_number": "3/BC", "report_summary": "held"}
    complete_one(engine, instance_id, "consolidate", summary, "ITC")

    product = product_of(engine.instance(instance_id))
    assert product["training_on"] == "2021-09-15"
    assert product["registered"] == 2 * len(registrations)


def test_monitoring_asks_the_units_then_reports_the_inspection(
    engine: Engine, clock: ManualClock
) -> None:
    instance_id = start_on_inspection_plan(engine, "yearly_monitoring")
    assert engine.tasks(instance_id=instance_id) == []  # IV.2 opens on 1/8
    clock.set(at(YEAR, 8, 1))
    engine.fire_due_timers()
    (asked,) = open_tasks(engine, instance_id, "request")
    shown = [f["id"] for f in asked.form["fields"] if f.get("readonly")]
    assert shown == ["plan_decision_number", "plan_scope"]
    data = engine.instance(instance_id).data
    assert data["plan_decision_number"] == INSPECTION_PLAN["plan_decision_number"]
    request = complete_one(engine, instance_id, "request", {"scope": "all"}, "ITC")
    assert local(request.due_at) == before(YEAR, 9, 1)
    complete_each(
        engine,
        instance_id,
        "report",
        lambda unit: {"connected_systems": 1, "shared_datasets": 3},
    )
    _report_opens(engine, clock, instance_id)
    summary = {"report_number": "9/BC", "report_summary": "fine"}
    complete_one(engine, instance_id, "consolidate", summary, "ITC")

    product = product_of(engine.instance(instance_id))
    assert product["task"] == "IV.2"
    assert product["shared_datasets"] == 3 * len(organisation_set("DBO"))


def _report_opens(engine: Engine, clock: ManualClock, instance_id: int) -> None:
    """IV.1's and IV.2's reports open 10 working days before 15/12 (1/12 in 2021), not
    as soon as the units have answered."""
    assert open_tasks(engine, instance_id, "consolidate") == []
    clock.set(before(YEAR, 12, 1) - timedelta(minutes=1))
    engine.fire_due_timers()
    assert open_tasks(engine, instance_id, "consolidate") == []
    clock.set(before(YEAR, 12, 1))
    engine.fire_due_timers()
    (report,) = open_tasks(engine, instance_id, "consolidate")
    assert local(report.due_at) == before(YEAR, 12, 15)

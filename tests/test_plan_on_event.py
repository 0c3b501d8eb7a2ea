"""The plan's on-demand task II.2 and the tasks I.8/I.9 of a database going live."""

from __future__ import annotations

from datetime import datetime

import pytest
from plan_driving import (
    complete_one,
    deploy_processes,
    local,
    open_tasks,
    product_of,
    reject_then_approve,
)

from engine.api import Engine
from engine.calendar import load_calendar
from engine.clock import ManualClock
from engine.errors import InvalidInput

CALENDAR = load_calendar()
LIVE_AT = "2021-03-01T09:00:00+07:00"


def _working_days_after(moment: str, days: int) -> datetime:
    return local(CALENDAR.add_working_days_at(datetime.fromisoformat(moment), days))


def test_upgrade_plan_is_reviewed_by_itc_then_carried_out(engine: Engine) -> None:
    deploy_processes(engine, "data_upgrade_plan")
    instance = engine.start("data_upgrade_plan", {"owner_unit": "DBO:NOIP"}, actor="noip")
    plan = {"plan_summary": "v1", "datasets_to_standardise": 3, "completion_on": "2021-09-30"}
    complete_one(engine, instance.id, "draft", plan, "DBO:NOIP")
    reject_then_approve(engine, instance.id, "ITC", "DBO:NOIP", {**plan, "plan_summary": "v2"})
    (execute,) = open_tasks(engine, instance.id, "execute")
    assert local(execute.due_at) == datetime.fromisoformat("2021-09-30T00:00:00+07:00")
    report = {"report_number": "5/BC-SHTT", "results": "3 datasets standardised"}
    complete_one(engine, instance.id, "execute", report, "DBO:NOIP")

    product = product_of(engine.instance(instance.id))
    assert product == {
        "task": "II.2",
        "kind": "upgrade plan and execution report",
        "unit": "DBO:NOIP",
        "plan": "v2",
        "number": "5/BC-SHTT",
        "sent_to": "ITC",
    }


def test_database_going_live_gets_usage_and_technical_rules(
    engine: Engine, clock: ManualClock
) -> None:
    deploy_processes(engine, "database_in_operation")
    start = {"database": "industrial_property", "live_at": LIVE_AT}
    instance = engine.start("database_in_operation", start, actor="noip")
    owner = "DBO:NOIP"  # units.yaml: NOIP owns the industrial property database

    drafts = {t.element_id: t for t in engine.tasks(instance_id=instance.id)}
    assert set(drafts) == {"draft_usage", "draft_technical"}
    assert {t.unit for t in drafts.values()} == {owner}
    assert local(drafts["draft_usage"].due_at) == _working_days_after(LIVE_AT, 20)

    # I.8: usage rules, commented by ITC, returned once by the leadership
    complete_one(engine, instance.id, "draft_usage", {"usage_rules": "v1"}, owner)
    complete_one(engine, instance.id, "review_usage", {"usage_comments": "ok"}, "ITC")
    reject_then_approve(engine, instance.id, "LEAD", owner, {"usage_rules": "v2"}, "usage_")
    complete_one(engine, instance.id, "issue_usage", {"usage_rules_number": "QC-01"}, owner)
    assert engine.instance(instance.id).status == "running"  # I.9 still open

    # I.9: technical rules, co-signed by ITC and the Ministry Office
    complete_one(engine, instance.id, "draft_technical", {"technical_rules": "v1"}, owner)
    cosign = {"agrees": True}
    complete_one(engine, instance.id, "cosign_itc", cosign, "ITC")
    assert open_tasks(engine, instance.id, "technical_approve") == []  # waits for both
    complete_one(engine, instance.id, "cosign_office", cosign, "OFFICE")
    complete_one(engine, instance.id, "technical_approve", {"decision": "approved"}, "LEAD")
    (issue,) = open_tasks(engine, instance.id, "issue_technical")
    assert local(issue.due_at) == _working_days_after(LIVE_AT, 40)
    decision = {"decision_number": "12/QĐ-SHTT", "signed_on": "2021-04-20"}
    complete_one(engine, instance.id, "issue_technical", decision, owner)
    assert engine.instance(instance.id).status == "running"  # the database is not live yet
    clock.set(datetime.fromisoformat(LIVE_AT))
    engine.tick()  # live: the message starting II.6 is thrown, and the rules are recorded

    product = product_of(engine.instance(instance.id))
    assert product["database"] == "industrial_property" and product["unit"] == owner
    assert (product["usage_rules"], product["number"]) == ("QC-01", "12/QĐ-SHTT")


def test_an_unknown_database_is_refused_at_the_start(engine: Engine) -> None:
    """The start form's database picker offers only units.yaml's databases."""
    deploy_processes(engine, "database_in_operation")
    start = {"database": "no_such_db", "live_at": LIVE_AT}
    with pytest.raises(InvalidInput) as refused:
        engine.start("database_in_operation", start, actor="noip")
    assert (refused.value.details["field"], refused.value.details["rule"]) == ("database", "choice")
    assert engine.instances() == []

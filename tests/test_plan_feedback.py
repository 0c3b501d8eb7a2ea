"""II.8: feedback items routed to the owning unit, and the 6-monthly consolidation."""

from __future__ import annotations

from datetime import datetime

from plan_driving import HANOI, complete_each, complete_one, deploy_processes, open_tasks

from engine.api import Engine
from engine.clock import ManualClock

DBO = ["NASATI", "DBO:STAMEQ", "DBO:NOIP", "DBO:VARANS", "DBO:NATEC", "DBO:NAFOSTED"]
FEEDBACK = {
    "sender": "cong.dan@example.vn",
    "channel": "portal",
    "database": "industrial_property",
    "text": "Xin công bố dữ liệu văn bằng bảo hộ dạng mở",
}
ANSWER = {"priority": "high", "answer_text": "Sẽ công bố trong quý III", "action": "publish"}


def test_feedback_goes_to_the_owner_who_answers_it(plan_engine: Engine) -> None:
    deploy_processes(plan_engine, "public_feedback")
    instance = plan_engine.start("public_feedback", FEEDBACK, actor="api")
    (answer,) = open_tasks(plan_engine, instance.id, "answer")
    # 10 working days from Monday 4/1/2021 08:00
    assert (answer.unit, answer.due_at) == ("DBO:NOIP", datetime(2021, 1, 18, 8, tzinfo=HANOI))
    complete_one(plan_engine, instance.id, "answer", ANSWER, "DBO:NOIP")

    done = plan_engine.instance(instance.id)
    assert done.status == "completed"
    product = done.data["product"]
    assert (product["task"], product["owner"], product["action"]) == ("II.8", "DBO:NOIP", "publish")
    assert product["answer"] == "Sẽ công bố trong quý III"
    assert product["sender"] == "cong.dan@example.vn"


def test_feedback_about_another_units_data_is_rerouted_by_itc(plan_engine: Engine) -> None:
    deploy_processes(plan_engine, "public_feedback")
    instance = plan_engine.start("public_feedback", FEEDBACK, actor="api")
    forward = {"priority": "low", "answer_text": "Không thuộc CSDL của Cục", "action": "forward"}
    complete_one(plan_engine, instance.id, "answer", forward, "DBO:NOIP")
    (reroute,) = open_tasks(plan_engine, instance.id, "reroute")
    assert reroute.unit == "ITC"
    complete_one(plan_engine, instance.id, "reroute", {"database": "national_standards"}, "ITC")

    complete_one(
        plan_engine, instance.id, "answer", {**ANSWER, "action": "no_change"}, "DBO:STAMEQ"
    )
    product = plan_engine.instance(instance.id).data["product"]
    assert (product["owner"], product["database"], product["action"]) == (
        "DBO:STAMEQ",
        "national_standards",
        "no_change",
    )


def _summary(unit: str) -> dict[str, object]:
    return {"items_received": 3, "items_answered": 2, "datasets_published": 1}


def test_every_six_months_units_summarise_and_itc_consolidates(
    plan_engine: Engine, clock: ManualClock
) -> None:
    deploy_processes(plan_engine, "public_feedback")
    period = {
        "year": 2021,
        "period_start": "2021-01-01T00:00:00+07:00",
        "period_end": "2021-07-01T00:00:00+07:00",
    }
    instance = plan_engine.start("public_feedback_consolidation", period, actor="periodic")
    assert plan_engine.tasks(instance_id=instance.id) == []

    # within the half-year: asked 16 working days before its end, by the 10th
    clock.set(datetime(2021, 6, 9, 16, 59, tzinfo=HANOI))
    plan_engine.fire_due_timers()
    assert plan_engine.tasks(instance_id=instance.id) == []
    clock.set(datetime(2021, 6, 9, 17, tzinfo=HANOI))
    assert plan_engine.fire_due_timers() == 1
    summaries = open_tasks(plan_engine, instance.id, "summarise")
    assert sorted(t.unit for t in summaries) == sorted(DBO)
    assert {t.due_at for t in summaries} == {datetime(2021, 6, 17, 17, tzinfo=HANOI)}

    complete_each(plan_engine, instance.id, "summarise", _summary)
    (consolidate,) = open_tasks(plan_engine, instance.id, "consolidate")
    assert (consolidate.unit, consolidate.due_at) == (
        "ITC",
        datetime(2021, 6, 30, 17, tzinfo=HANOI),  # the last working day of the half-year
    )
    report = {
        "report_number": "15/BC-CNTT",
        "report_summary": "Tiếp thu 12 ý kiến",
        "catalogue_changes": "Bổ sung dữ liệu văn bằng bảo hộ",
    }
    complete_one(plan_engine, instance.id, "consolidate", report, "ITC")

    product = plan_engine.instance(instance.id).data["product"]
    assert (product["task"], product["number"]) == ("II.8", "15/BC-CNTT")
    assert product["items_received"] == 3 * len(DBO)
    assert product["period_end"] == "2021-07-01T00:00:00+07:00"

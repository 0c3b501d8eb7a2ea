"""Tasks that feed others and counterparts outside the ministry, as BPMN events: I.1's
proposal to MIC, I.5 after the national data strategy, II.8's feedback into the next
I.3, and III.1 on MIC's request."""

from __future__ import annotations

from datetime import datetime, timedelta

from plan_driving import (
    HANOI,
    complete_each,
    complete_one,
    deploy_processes,
    open_tasks,
    plan_tasks,
)

from engine.api import Engine
from engine.clock import ManualClock
from engine.simulation import answers
from web.receiver import Receiver


def _run(engine: Engine, instance_id: int) -> None:
    """Every open task done as its unit would, letters posted, until nothing is left."""
    for _ in range(20):
        engine.tick()
        tasks = engine.tasks(instance_id=instance_id)
        if not tasks:
            return
        for task in tasks:
            engine.complete(task.id, answers(task), actor=f"{task.unit}.staff")


def test_i1_proposal_is_posted_to_mic(wired: Engine, receiver: Receiver) -> None:
    deploy_processes(wired, "one_off_decision")
    instance = wired.start("one_off_decision", plan_tasks()["I.1"]["variables"], actor="itc")
    _run(wired, instance.id)

    (letter,) = receiver.letters
    assert letter.path == "/mic/proposals"
    assert letter.body["task"] == "I.1" and letter.body["reply_to"]["instance_id"] == instance.id
    product = wired.instance(instance.id).data["product"]
    assert (product["delivery"], product["counterpart_receipt"]) == ("sent", letter.reference)
    history = [t.element_id for t in wired.tasks(instance_id=instance.id, status=None)]
    assert "confirm_sent_by_hand" not in history


def test_i4_goes_to_no_counterpart(plan_engine: Engine) -> None:
    deploy_processes(plan_engine, "one_off_decision")
    instance = plan_engine.start("one_off_decision", plan_tasks()["I.4"]["variables"], actor="itc")
    _run(plan_engine, instance.id)
    assert plan_engine.instance(instance.id).data["product"]["delivery"] == "internal"


def test_i5_waits_for_the_national_data_strategy(plan_engine: Engine) -> None:
    deploy_processes(plan_engine, "one_off_decision", "ministry_data_strategy")
    plan_engine.tick()
    assert plan_engine.instances() == []  # nothing until the strategy is issued

    issued = {"national_strategy_decision": "142/QĐ-TTg"}
    plan_engine.signal("national_data_strategy_issued", issued, actor="itc.head")
    plan_engine.tick()

    (strategy,) = plan_engine.instances(process_key="ministry_data_strategy")
    (draft,) = open_tasks(plan_engine, strategy.id, "draft")
    assert draft.unit == "ITC"
    assert strategy.data["task_code"] == "I.5"
    assert draft.due_at is not None and draft.due_at < datetime(2026, 1, 1, tzinfo=HANOI)
    _run(plan_engine, strategy.id)
    product = plan_engine.instance(strategy.id).data["product"]
    assert product["task"] == "I.5" and product["kind"] == "Minister's decision"


FIRST_HALF_2021 = {
    "year": 2021,
    "period_start": "2021-01-01T00:00:00+07:00",
    "period_end": "2021-07-01T00:00:00+07:00",
}


def _consolidate_first_half(engine: Engine, clock: ManualClock, done_at: datetime) -> None:
    """II.8's consolidation of H1 2021: the units' summaries on 9/6, ITC's at ``done_at``."""
    consolidation = engine.start("public_feedback_consolidation", FIRST_HALF_2021, actor="periodic")
    clock.set(datetime(2021, 6, 9, 17, tzinfo=HANOI))
    engine.fire_due_timers()
    complete_each(
        engine,
        consolidation.id,
        "summarise",
        lambda unit: {"items_received": 2, "items_answered": 2, "datasets_published": 1},
    )
    clock.set(done_at)
    done = {"report_number": "7/BC-CNTT", "report_summary": "ok", "catalogue_changes": "Thêm X"}
    complete_one(engine, consolidation.id, "consolidate", done, "ITC")
    engine.tick()  # the relay keeps it until the next half-year
    assert engine.instance(consolidation.id).status == "completed"


def test_ii8_consolidation_feeds_the_next_i3_review(
    plan_engine: Engine, clock: ManualClock
) -> None:
    deploy_processes(plan_engine, "public_feedback", "open_data_catalogue")
    _consolidate_first_half(plan_engine, clock, datetime(2021, 6, 25, 17, tzinfo=HANOI))

    clock.set(datetime(2021, 7, 1, tzinfo=HANOI))
    for _ in range(3):  # the periodic starter opens the review, the relay hands it over
        plan_engine.tick()
        clock.advance(timedelta(minutes=1))
    (review,) = [
        i
        for i in plan_engine.instances(process_key="open_data_catalogue")
        if i.data["period_start"] == "2021-07-01T00:00:00+07:00"
    ]

    fed = plan_engine.instance(review.id)
    assert fed.data["catalogue_feedback"]["number"] == "7/BC-CNTT"
    assert fed.data["period_start"] == "2021-07-01T00:00:00+07:00"  # its own, kept
    assert "product" not in fed.data
    assert open_tasks(plan_engine, review.id, "propose")  # the units are asked at once
    for task in open_tasks(plan_engine, review.id, "propose"):
        plan_engine.complete(task.id, answers(task), actor=f"{task.unit}.staff")
    (consolidate,) = open_tasks(plan_engine, review.id, "consolidate")
    shown = [f["id"] for f in consolidate.form["fields"] if f.get("readonly")]
    assert shown == ["feedback_number", "feedback_changes"]
    assert (fed.data["feedback_number"], fed.data["feedback_changes"]) == ("7/BC-CNTT", "Thêm X")


def test_a_consolidation_too_late_for_the_next_review_goes_to_the_one_after(
    plan_engine: Engine, clock: ManualClock
) -> None:
    """H2 2021's review stopped waiting on 5/7 (two working days); a consolidation of
    H1 done on 12/7 is kept for the review of H1 2022 instead of being dropped."""
    deploy_processes(plan_engine, "public_feedback", "open_data_catalogue")
    _consolidate_first_half(plan_engine, clock, datetime(2021, 7, 12, 17, tzinfo=HANOI))

    (relay,) = plan_engine.instances(process_key="catalogue_feedback_relay")
    assert relay.status == "running"
    assert relay.data["feedback_for_period"] == "2022-01-01T00:00:00+07:00"
    assert relay.data["catalogue_feedback"]["number"] == "7/BC-CNTT"


def test_i3_without_feedback_goes_on_after_two_working_days(
    plan_engine: Engine, clock: ManualClock
) -> None:
    deploy_processes(plan_engine, "open_data_catalogue")
    first_half = {
        "year": 2021,
        "period_start": "2021-01-01T00:00:00+07:00",
        "period_end": "2021-07-01T00:00:00+07:00",
    }
    review = plan_engine.start("open_data_catalogue", first_half, actor="periodic")
    assert plan_engine.tasks(instance_id=review.id) == []
    clock.set(datetime(2021, 1, 6, tzinfo=HANOI))  # 1/1 is a holiday: 4/1 and 5/1
    plan_engine.fire_due_timers()
    assert open_tasks(plan_engine, review.id, "propose")
    assert plan_engine.instance(review.id).data["feedback_number"] == ""


def test_iii1_starts_on_mics_request_as_well_as_on_its_timer(plan_engine: Engine) -> None:
    deploy_processes(plan_engine, "yearly_infrastructure_report")
    yearly = plan_engine.start("yearly_infrastructure_report", {"year": 2021}, actor="periodic")
    requested = plan_engine.deliver_message("mic_infrastructure_request", {}, actor="mic")

    for instance in (yearly, requested):
        assert instance.status == "running" and instance.incidents == []
        assert len(open_tasks(plan_engine, instance.id, "report")) == 6
    assert requested.data["year"] == plan_engine.clock.now().astimezone(HANOI).year
    _run(plan_engine, yearly.id)
    assert plan_engine.instance(yearly.id).status == "completed"  # waits for no request


def test_iii4_report_on_request_goes_from_every_unit_through_itc_to_mic(
    wired: Engine, receiver: Receiver
) -> None:
    deploy_processes(wired, "one_off_decision", "report_on_request")
    requested = wired.deliver_message("report_requested", {}, actor="lead")

    (draft,) = open_tasks(wired, requested.id, "draft")
    assert draft.unit == "ITC"
    due_at = wired.calendar.add_working_days_at(wired.clock.now(), 20)
    assert draft.due_at is not None and draft.due_at < due_at
    _run(wired, requested.id)

    product = wired.instance(requested.id).data["product"]
    assert (product["task"], product["kind"]) == ("III.4", "implementation report")
    (letter,) = receiver.letters
    assert letter.path == "/mic/proposals" and letter.body["task"] == "III.4"
    contributors = {
        t.unit
        for t in wired.tasks(instance_id=requested.id, status=None)
        if t.element_id == "contribute"
    }
    assert "UNITS:VAEA" in contributors  # every affiliated unit reports

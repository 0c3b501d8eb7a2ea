"""MIC and the National Data Portal as participants: letters go to them through the
``counterpart`` connector (here a real local HTTP receiver), and II.3 waits for the
portal's acknowledgement, with a deadline."""

from __future__ import annotations

from datetime import timedelta

from plan_driving import PROCESSES, complete_each, complete_one, deploy_processes, open_tasks

from engine.api import Engine
from engine.calendar import load_calendar
from engine.clock import ManualClock
from web.receiver import Receiver


def _registration_sent(engine: Engine) -> int:
    """II.3 up to ITC's letter: the units answered, LEAD signed, ITC sent it."""
    deploy_processes(engine, "yearly_portal_registration")
    instance_id = engine.start("yearly_portal_registration", {"year": 2021}, actor="periodic").id
    complete_each(engine, instance_id, "provide", lambda unit: {"datasets": 3, "open_datasets": 1})
    complete_one(engine, instance_id, "draft_letter", {"letter_summary": "v1"}, "ITC")
    complete_one(engine, instance_id, "approve", {"decision": "approved"}, "LEAD")
    sent = {"letter_number": "9/TTCNTT", "sent_on": "2021-05-20", "connection_status": "connected"}
    complete_one(engine, instance_id, "send", sent, "ITC")
    engine.tick()  # the outbox posts the letter
    return instance_id


def test_the_registration_reaches_the_portal_and_its_acknowledgement_ends_ii3(
    wired: Engine, receiver: Receiver
) -> None:
    instance_id = _registration_sent(wired)

    (letter,) = receiver.letters
    assert letter.path == "/portal/registrations"
    assert letter.key is not None  # the Idempotency-Key, for the portal to drop repeats
    assert (letter.body["year"], letter.body["letter_number"]) == (2021, "9/TTCNTT")
    assert letter.body["reply_to"]["instance_id"] == instance_id
    waiting = wired.instance(instance_id)
    assert waiting.status == "running" and waiting.open_tasks == []  # for the portal

    answer = {"acknowledged": True}
    wired.deliver_message("portal_acknowledgement", answer, instance_id=instance_id, actor="portal")

    product = wired.instance(instance_id).data["product"]
    assert (product["delivery"], product["acknowledged"]) == ("sent", True)
    assert product["portal_receipt"] == letter.reference


def test_without_acknowledgement_itc_follows_up_after_ten_working_days(
    wired: Engine, receiver: Receiver, clock: ManualClock
) -> None:
    instance_id = _registration_sent(wired)
    assert len(receiver.letters) == 1
    silence_ends = load_calendar(PROCESSES / "calendar.yaml").add_working_days_at(clock.now(), 10)

    clock.set(silence_ends - timedelta(minutes=1))
    wired.tick()
    assert open_tasks(wired, instance_id, "follow_up_portal") == []
    clock.set(silence_ends)
    wired.tick()
    (follow_up,) = open_tasks(wired, instance_id, "follow_up_portal")
    assert follow_up.unit == "ITC" and follow_up.due_at is not None

    notes = {"follow_up_notes": "Cổng chưa nhận; đã gửi lại", "acknowledged": False}
    complete_one(wired, instance_id, "follow_up_portal", notes, "ITC")
    product = wired.instance(instance_id).data["product"]
    assert (product["delivery"], product["acknowledged"]) == ("sent", False)
    assert len(receiver.letters) == 1  # sent once


def test_with_no_portal_configured_the_letter_is_to_be_sent_by_hand(
    plan_engine: Engine,
) -> None:
    instance_id = _registration_sent(plan_engine)

    (confirm,) = open_tasks(plan_engine, instance_id, "confirm_sent_by_hand")
    assert confirm.unit == "ITC"
    assert plan_engine.instance(instance_id).data["delivery"] == "by_hand"
    complete_one(
        plan_engine, instance_id, "confirm_sent_by_hand", {"sent_by_hand_on": "2021-05-21"}, "ITC"
    )
    product = plan_engine.instance(instance_id).data["product"]
    assert (product["delivery"], product["acknowledged"]) == ("by_hand", False)

"""Messages and signals thrown by one instance reach others (BPMN 2.0 §10.5.4).

The standard: a message "is sent from one Participant to another" and is caught by the
one catch event, receive task or start event waiting for it (§9.3, §10.3.3, §10.5.4);
a signal is "broadcast" and every catching event "listening" for it receives it
(§10.5.4). govflow delivers both after the sender's command committed (the outbox).
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.api import Engine
from engine.clock import ManualClock
from engine.errors import Conflict
from engine.models import OutboxEntry, ProcessInstance


@pytest.fixture
def events(engine: Engine, deploy) -> Engine:
    deploy("order_messages.bpmn", "notices.bpmn", "strategy_signals.bpmn")
    return engine


def _outbox(engine: Engine) -> list[OutboxEntry]:
    with engine.db.reading() as session:
        return list(session.scalars(select(OutboxEntry).order_by(OutboxEntry.id)))


def _stored_state(engine: Engine, instance_id: int) -> dict:
    with engine.db.reading() as session:
        return json.loads(session.get(ProcessInstance, instance_id).state)


def _kinds(engine: Engine, instance_id: int) -> list[str]:
    return [event.kind for event in engine.history(instance_id)]


def test_a_thrown_message_starts_the_process_whose_start_event_catches_it(events: Engine):
    buyer = events.start("buyer", {"order_id": 1}, actor="an")
    assert "message_thrown" in _kinds(events, buyer.id)
    assert [i.process_key for i in events.instances()] == ["buyer"]  # not before the commit

    events.tick()

    (seller,) = [i for i in events.instances() if i.process_key == "seller"]
    assert seller.data["order_id"] == 1
    assert [t.element_id for t in seller.open_tasks] == ["confirm"]
    started = events.history(seller.id)[0]
    assert (started.kind, started.data["message"]) == ("instance_started", "order_request")
    assert [e.status for e in _outbox(events)] == ["sent"]


def test_a_send_task_answers_the_instance_with_the_same_correlation_key(events: Engine):
    """§8.3.2: correlation keys, not arrival order, choose the conversation."""
    first = events.start("buyer", {"order_id": 1})
    second = events.start("buyer", {"order_id": 2})
    events.tick()
    sellers = {i.data["order_id"]: i for i in events.instances() if i.process_key == "seller"}

    events.complete(sellers[2].open_tasks[0].id, {"price": 20}, actor="itc")
    events.tick()

    assert events.instance(second.id).status == "completed"
    assert events.instance(second.id).data["price"] == 20
    assert events.instance(first.id).status == "running"
    events.complete(sellers[1].open_tasks[0].id, {"price": 10}, actor="itc")
    events.tick()
    assert events.instance(first.id).status == "completed"
    assert events.instance(first.id).data["price"] == 10
    received = [e for e in events.history(first.id) if e.kind == "message_received"]
    assert [(e.data["message"], e.data["from_instance"]) for e in received] == [
        ("order_reply", sellers[1].id)
    ]


def test_a_message_end_event_reaches_the_receive_task_with_the_senders_business_key(
    events: Engine,
):
    other = events.start("notice_receiver", business_key="K1")
    mine = events.start("notice_receiver", business_key="K2")
    sender = events.start("notice_sender", business_key="K2")
    assert sender.status == "completed"

    events.tick()

    assert events.instance(mine.id).status == "completed"
    assert events.instance(other.id).status == "running"
    assert [e.status for e in _outbox(events)] == ["sent"]


def test_a_message_waits_for_its_receiver_then_expires_without_one(
    events: Engine, clock: ManualClock
):
    """No receiver yet: the message waits (its lifetime a setting), then expires."""
    sender = events.start("notice_sender", business_key="K3")
    events.tick()
    (entry,) = _outbox(events)
    assert entry.status == "pending" and "no receiver" in entry.last_error

    receiver = events.start("notice_receiver", business_key="K3")
    clock.advance(timedelta(minutes=1))
    events.tick()
    assert events.instance(receiver.id).status == "completed"

    lost = events.start("lost_sender")
    clock.advance(timedelta(seconds=events.settings.message_lifetime_s + 1))
    events.tick()
    assert [e.status for e in _outbox(events)] == ["sent", "expired"]
    assert "message_expired" in _kinds(events, lost.id)
    assert "message_expired" not in _kinds(events, sender.id)


def test_a_signal_reaches_every_waiting_instance_and_starts_its_process(events: Engine):
    waiting = events.start("wait_for_strategy")
    drafting = events.start("draft_until_strategy")
    events.start("issue_strategy", actor="lead")

    events.tick()

    assert events.instance(waiting.id).status == "completed"
    dropped = events.instance(drafting.id)
    assert dropped.status == "completed" and dropped.open_tasks == []
    assert "signal_received" in _kinds(events, drafting.id)
    (applying,) = [i for i in events.instances() if i.process_key == "apply_strategy"]
    assert [t.element_id for t in applying.open_tasks] == ["apply"]
    assert events.history(applying.id)[0].data["signal"] == "strategy_issued"


def test_a_signal_its_own_instance_catches_is_still_broadcast(events: Engine):
    """A signal is not consumed by its first catcher: the sender's boundary event and
    every other waiting instance all receive it (SpiffWorkflow stops at the first)."""
    waiting = events.start("wait_for_strategy")
    sender = events.start("issue_and_follow")
    assert sender.status == "completed"

    events.tick()

    assert events.instance(waiting.id).status == "completed"
    assert [i.process_key for i in events.instances()].count("apply_strategy") == 1
    assert "signal_received" not in _kinds(events, sender.id)  # caught once, inside


def test_a_supervisor_broadcasts_a_signal_by_hand(events: Engine):
    waiting = events.start("wait_for_strategy")
    events.signal("strategy_issued", {"decision": "QD-1"}, actor="lead")
    assert events.instance(waiting.id).status == "running"  # delivered after the commit

    events.tick()

    done = events.instance(waiting.id)
    assert done.status == "completed" and done.data["decision"] == "QD-1"
    received = [e for e in events.history(waiting.id) if e.kind == "signal_received"]
    assert [(e.actor, e.data["signal"]) for e in received] == [("lead", "strategy_issued")]
    events.tick()
    assert len([e for e in events.history(waiting.id) if e.kind == "signal_received"]) == 1


def test_a_signal_nobody_waits_for_is_gone(events: Engine):
    events.signal("unheard", {}, actor="lead")
    events.tick()
    assert [e.status for e in _outbox(events)] == ["sent"]
    assert events.instances() == []


def test_thrown_events_do_not_stay_in_the_stored_state(events: Engine):
    receiver = events.start("notice_receiver", business_key="K4")
    events.start("buyer", {"order_id": 7})
    events.start("lost_sender")
    for instance in events.instances():
        assert _stored_state(events, instance.id).get("bpmn_events", []) == []
    events.tick()
    assert events.instance(receiver.id).status == "running"


def test_an_event_subprocess_and_an_event_based_gateway_receive(engine: Engine, deploy):
    """§10.3.6: a non-interrupting message start event of an event subprocess runs it
    beside the process; §10.6.6: the signal decides the event-based gateway."""
    deploy("strategy_signals.bpmn", "watch_strategy.bpmn")
    watcher = engine.start("watch_strategy", business_key="W1")
    engine.start("amend_plan", business_key="W1")
    engine.tick()
    amended = engine.instance(watcher.id)
    assert amended.status == "running" and [t.element_id for t in amended.open_tasks] == ["review"]
    assert "message_received" in _kinds(engine, watcher.id)

    engine.complete(amended.open_tasks[0].id, {}, actor="itc")
    engine.signal("strategy_issued", {}, actor="lead")
    engine.tick()

    assert engine.instance(watcher.id).status == "completed"
    assert "signal_received" in _kinds(engine, watcher.id)


def test_a_busy_receiver_gets_the_signal_later_not_never(
    events: Engine, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
):
    """A receiver whose lock is not granted in time (another command holds it) makes
    the whole delivery come again; nothing of it is kept meanwhile, so the process it
    starts starts once."""
    waiting = events.start("wait_for_strategy")
    events.signal("strategy_issued", {}, actor="lead")
    lock = events.db.lock_instance_row

    def busy(session, instance_id):
        raise Conflict(f"instance {instance_id} is busy with another command; try again")

    monkeypatch.setattr(events.db, "lock_instance_row", busy)
    assert events.ticker.outbox.send_due().failed == 1
    monkeypatch.setattr(events.db, "lock_instance_row", lock)
    assert events.instance(waiting.id).status == "running"
    assert [i.process_key for i in events.instances()].count("apply_strategy") == 0

    clock.advance(timedelta(seconds=events.settings.outbox_backoff_s + 1))
    events.tick()

    assert events.instance(waiting.id).status == "completed"
    assert [i.process_key for i in events.instances()].count("apply_strategy") == 1

"""Messages: one starts a process, another reaches the instance waiting for it."""

from __future__ import annotations

import pytest

from engine.api import Engine
from engine.errors import Conflict, NotFound


@pytest.fixture
def feedback(engine: Engine, deploy) -> Engine:
    deploy("messages.bpmn")
    return engine


def test_a_message_starts_its_process_with_the_payload_and_business_key(feedback: Engine):
    started = feedback.deliver_message(
        "feedback_received", {"text": "The portal is down"}, business_key="FB-1", actor="portal"
    )
    assert started.process_key == "feedback_by_message"
    assert started.business_key == "FB-1"
    assert started.data["text"] == "The portal is down"
    (task,) = started.open_tasks
    assert (task.element_id, task.unit) == ("answer", "ITC")
    (first,) = feedback.history(started.id)[:1]
    assert (first.kind, first.actor) == ("instance_started", "portal")
    assert first.data["message"] == "feedback_received"


def test_a_message_reaches_the_instance_waiting_for_it(feedback: Engine) -> None:
    started = feedback.deliver_message("feedback_received", {"text": "hi"}, business_key="FB-2")
    waiting = feedback.complete(started.open_tasks[0].id, {"answer_text": "fixed"}, actor="itc")
    assert waiting.status == "running" and waiting.open_tasks == []

    done = feedback.deliver_message(
        "citizen_reply", {"reply": "thanks"}, business_key="FB-2", actor="portal"
    )

    assert done.id == started.id and done.status == "completed"
    assert done.data["reply"] == "thanks" and done.data["answer_text"] == "fixed"
    received = [e for e in feedback.history(done.id) if e.kind == "message_received"]
    assert [(e.actor, e.data["message"]) for e in received] == [("portal", "citizen_reply")]


def test_a_message_nobody_waits_for_is_refused_and_changes_nothing(feedback: Engine) -> None:
    started = feedback.deliver_message("feedback_received", {"text": "hi"})
    history = feedback.history(started.id)

    with pytest.raises(Conflict, match="is not waiting for message 'citizen_reply'"):
        feedback.deliver_message("citizen_reply", {"reply": "early"}, instance_id=started.id)

    assert feedback.history(started.id) == history
    assert feedback.instance(started.id) == started
    answered = feedback.complete(started.open_tasks[0].id, {}, actor="itc")
    assert answered.status == "running"  # the instance went on as if nothing had come


def test_unknown_messages_and_suspended_instances(feedback: Engine) -> None:
    with pytest.raises(NotFound, match="no deployed process starts on message 'nothing'"):
        feedback.deliver_message("nothing", {})
    started = feedback.deliver_message("feedback_received", {}, business_key="FB-3")
    feedback.complete(started.open_tasks[0].id, {}, actor="itc")
    feedback.suspend(started.id, actor="itc.head")
    with pytest.raises(Conflict, match="suspended"):
        feedback.deliver_message("citizen_reply", {}, instance_id=started.id)


def test_a_process_starts_by_hand_or_on_its_message_each_start_alone(
    engine: Engine, deploy
) -> None:
    """Started by its message, the none start event does not run first (and cancel the
    message start); started by hand, the message start does not keep it waiting."""
    deploy("hand_or_message.bpmn")
    by_hand = engine.start("hand_or_message", {}, actor="itc.head")
    assert [t.element_id for t in by_hand.open_tasks] == ["work"]
    assert engine.complete(by_hand.open_tasks[0].id, {}, actor="itc").status == "completed"

    on_message = engine.deliver_message("database_live", {"database": "X"}, actor="portal")
    assert [t.element_id for t in on_message.open_tasks] == ["work"]
    assert on_message.data["database"] == "X"
    done = engine.complete(on_message.open_tasks[0].id, {}, actor="itc")
    assert done.status == "completed"

"""Event-based gateways whose branches wait for a message and a timer.

BPMN 2.0 §10.6.6 (Event-Based Gateway): the gateway waits for the first of the events
that follow it; that event's branch is taken and the others are no longer waited for.
A timer branch must therefore fire at its time, and be withdrawn when the message wins.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.api import Engine
from engine.clock import ManualClock
from engine.models import Timer


@pytest.fixture
def awaiting(engine: Engine, deploy) -> Engine:
    deploy("event_gateway_timer.bpmn")
    return engine


def _timer_rows(engine: Engine, instance_id: int) -> list[tuple[str, str]]:
    with engine.db.reading() as session:
        rows = session.execute(
            select(Timer.element_id, Timer.status).where(Timer.instance_id == instance_id)
        )
        return [tuple(row) for row in rows]


def test_the_timer_branch_fires_when_no_message_comes(awaiting: Engine, clock: ManualClock):
    started = awaiting.start("await_reply")
    assert started.open_tasks == [] and _timer_rows(awaiting, started.id) == [("wait", "pending")]

    clock.advance(timedelta(days=3))
    assert awaiting.tick().timers_fired == 1

    after = awaiting.instance(started.id)
    assert [task.element_id for task in after.open_tasks] == ["chase"]
    assert _timer_rows(awaiting, started.id) == [("wait", "fired")]
    with pytest.raises(Exception, match="not waiting for message"):
        awaiting.deliver_message("citizen_reply", {"text": "late"}, instance_id=started.id)


def test_the_message_branch_withdraws_the_timer(awaiting: Engine, clock: ManualClock):
    started = awaiting.start("await_reply")

    replied = awaiting.deliver_message("citizen_reply", {"text": "hi"}, instance_id=started.id)

    assert [task.element_id for task in replied.open_tasks] == ["read_reply"]
    assert replied.data["text"] == "hi"
    assert _timer_rows(awaiting, started.id) == [("wait", "cancelled")]
    clock.advance(timedelta(days=4))
    assert awaiting.tick().timers_fired == 0
    assert [t.element_id for t in awaiting.instance(started.id).open_tasks] == ["read_reply"]

"""Compensation, BPMN 2.0 §10.7 and §13.5.5: the handler of an activity (marked
isForCompensation, associated with a compensation boundary event on it) undoes the
activity's work once it has completed, when a compensation event is thrown."""

from __future__ import annotations

import pytest
from bpmn_text import process

from engine.api import Engine


@pytest.fixture
def trips(engine: Engine, deploy) -> Engine:
    deploy("compensation.bpmn")
    return engine


def _element_history(engine: Engine, instance_id: int) -> list[tuple[str, str | None]]:
    return [(e.kind, e.element_id) for e in engine.history(instance_id) if e.element_id]


def test_a_compensation_throw_runs_the_handlers_in_reverse_order_then_goes_on(trips: Engine):
    """§13.5.5: compensation of the completed activities of the level runs their
    handlers in the reverse order of completion; the throw event waits for them."""
    started = trips.start("trip_booking", {}, actor="tester")
    assert started.data["booked"] == ["hotel", "flight"]

    refused = trips.complete(started.open_tasks[0].id, {"approved": False}, actor="tester")
    # the flight, booked last, is undone first: its handler is a user task
    assert [t.element_id for t in refused.open_tasks] == ["cancel_flight"]
    assert refused.data["undone"] == []

    undone = trips.complete(refused.open_tasks[0].id, {"flight_cancelled": True}, actor="t")
    assert [t.element_id for t in undone.open_tasks] == ["tell"]
    assert undone.data["undone"] == ["hotel"] and undone.data["flight_cancelled"] is True
    assert ("task_completed", "cancel_flight") in _element_history(trips, undone.id)
    assert trips.complete(undone.open_tasks[0].id, {}, actor="t").status == "completed"


def test_no_compensation_is_thrown_no_handler_runs(trips: Engine) -> None:
    started = trips.start("trip_booking", {}, actor="tester")
    done = trips.complete(started.open_tasks[0].id, {"approved": True}, actor="tester")

    assert done.status == "completed"
    assert done.data["undone"] == []
    assert all(element != "cancel_flight" for _, element in _element_history(trips, done.id))


def test_a_compensation_end_event_with_an_activity_ref_compensates_only_that_one(
    trips: Engine,
) -> None:
    """§10.7: a compensation event that names an activity (activityRef) compensates
    only it; an end event compensates, then ends its path."""
    done = trips.start("order_refund", {"amount": 40}, actor="tester")

    assert done.status == "completed"
    assert done.data["balance"] == 0  # charged, then refunded
    assert done.data["reserved"] is True  # the reservation is not undone


def test_a_cancelled_transaction_compensates_its_completed_activities(engine: Engine) -> None:
    """§10.3.5 (Transaction) and §10.5.3 (Cancel end event): cancelling a transaction
    rolls it back, running the handlers of its completed activities, before the cancel
    boundary event's flow goes on."""
    engine.deploy(
        {
            "cancelled.bpmn": process(
                "cancelled",
                """    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="booking"/>
    <bpmn:transaction id="booking">
      <bpmn:startEvent id="t_start"/>
      <bpmn:sequenceFlow id="t0" sourceRef="t_start" targetRef="book"/>
      <bpmn:scriptTask id="book"><bpmn:script>booked = True</bpmn:script></bpmn:scriptTask>
      <bpmn:boundaryEvent id="undo_book" attachedToRef="book">
        <bpmn:compensateEventDefinition/>
      </bpmn:boundaryEvent>
      <bpmn:userTask id="unbook" isForCompensation="true"/>
      <bpmn:sequenceFlow id="t1" sourceRef="book" targetRef="give_up"/>
      <bpmn:endEvent id="give_up"><bpmn:cancelEventDefinition/></bpmn:endEvent>
      <bpmn:association id="a0" sourceRef="undo_book" targetRef="unbook"/>
    </bpmn:transaction>
    <bpmn:boundaryEvent id="on_cancel" attachedToRef="booking">
      <bpmn:cancelEventDefinition/>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="on_cancel" targetRef="after_cancel"/>
    <bpmn:userTask id="after_cancel"/>
    <bpmn:sequenceFlow id="f2" sourceRef="after_cancel" targetRef="end"/>
    <bpmn:sequenceFlow id="f3" sourceRef="booking" targetRef="end"/>
    <bpmn:endEvent id="end"/>""",
            )
        },
        actor="tester",
    )

    started = engine.start("cancelled", {}, actor="tester")

    assert [t.element_id for t in started.open_tasks] == ["unbook"]  # the rollback first
    undone = engine.complete(started.open_tasks[0].id, {}, actor="tester")
    assert [t.element_id for t in undone.open_tasks] == ["after_cancel"]

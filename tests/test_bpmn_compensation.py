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


def _booking_in_a_subprocess(engine: Engine, key: str, *, compensated: bool) -> None:
    after_review = """<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="undo"/>
    <bpmn:intermediateThrowEvent id="undo"><bpmn:compensateEventDefinition/>
    </bpmn:intermediateThrowEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="undo" targetRef="end"/>"""
    if not compensated:
        after_review = '<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>'
    engine.deploy(
        {
            f"{key}.bpmn": process(
                key,
                f"""    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="booking"/>
    <bpmn:subProcess id="booking">
      <bpmn:startEvent id="b_start"/>
      <bpmn:sequenceFlow id="b0" sourceRef="b_start" targetRef="book"/>
      <bpmn:scriptTask id="book"><bpmn:script>booked = True
undone = False</bpmn:script></bpmn:scriptTask>
      <bpmn:sequenceFlow id="b1" sourceRef="book" targetRef="b_end"/>
      <bpmn:endEvent id="b_end"/>
      <bpmn:subProcess id="undo_booking" triggeredByEvent="true">
        <bpmn:startEvent id="u_start"><bpmn:compensateEventDefinition/></bpmn:startEvent>
        <bpmn:sequenceFlow id="u0" sourceRef="u_start" targetRef="cancel"/>
        <bpmn:userTask id="cancel"/>
        <bpmn:sequenceFlow id="u1" sourceRef="cancel" targetRef="mark"/>
        <bpmn:scriptTask id="mark"><bpmn:script>undone = True</bpmn:script></bpmn:scriptTask>
        <bpmn:sequenceFlow id="u2" sourceRef="mark" targetRef="u_end"/>
        <bpmn:endEvent id="u_end"/>
      </bpmn:subProcess>
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="f1" sourceRef="booking" targetRef="review"/>
    <bpmn:userTask id="review"/>
    {after_review}
    <bpmn:endEvent id="end"/>""",
            )
        },
        actor="tester",
    )


def test_a_compensation_event_subprocess_undoes_its_completed_subprocess(engine: Engine):
    """§10.3.4 (Event Sub-Process, compensation start) and §10.7.1: the compensation
    handler of a subprocess may be an event subprocess inside it. It does not start
    with the subprocess; once the subprocess has completed, a compensation throw of the
    level around it runs it, and the throw goes on when it is done."""
    _booking_in_a_subprocess(engine, "booking_undone", compensated=True)

    started = engine.start("booking_undone", {}, actor="tester")
    assert [t.element_id for t in started.open_tasks] == ["review"]
    assert started.data == {"booked": True, "undone": False}

    undoing = engine.complete(started.open_tasks[0].id, {}, actor="tester")
    assert [t.element_id for t in undoing.open_tasks] == ["cancel"]
    done = engine.complete(undoing.open_tasks[0].id, {}, actor="tester")
    assert done.status == "completed"
    assert done.data["undone"] is True


def test_a_compensation_event_subprocess_never_runs_unless_compensated(engine: Engine):
    """§10.7.1: compensation is triggered only by a compensation throw; a subprocess
    that completes and is never compensated keeps its work."""
    _booking_in_a_subprocess(engine, "booking_kept", compensated=False)

    started = engine.start("booking_kept", {}, actor="tester")
    done = engine.complete(started.open_tasks[0].id, {}, actor="tester")

    assert done.status == "completed"
    assert done.data == {"booked": True, "undone": False}
    assert ("task_opened", "cancel") not in _element_history(engine, done.id)


def test_a_compensation_event_subprocess_of_a_whole_process_does_not_start_with_it(
    engine: Engine,
) -> None:
    """§10.3.4: an event subprocess starts only when its start event's trigger occurs;
    at the top of a process, compensation comes only from a calling process, which
    govflow does not send (SpiffWorkflow started the handler with the process)."""
    engine.deploy(
        {
            "whole.bpmn": process(
                "whole",
                """    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="work"/>
    <bpmn:userTask id="work"/>
    <bpmn:sequenceFlow id="f1" sourceRef="work" targetRef="end"/>
    <bpmn:endEvent id="end"/>
    <bpmn:subProcess id="undo_all" triggeredByEvent="true">
      <bpmn:startEvent id="u_start"><bpmn:compensateEventDefinition/></bpmn:startEvent>
      <bpmn:sequenceFlow id="u0" sourceRef="u_start" targetRef="undo"/>
      <bpmn:userTask id="undo"/>
      <bpmn:sequenceFlow id="u1" sourceRef="undo" targetRef="u_end"/>
      <bpmn:endEvent id="u_end"/>
    </bpmn:subProcess>""",
            )
        },
        actor="tester",
    )

    started = engine.start("whole", {}, actor="tester")
    assert [t.element_id for t in started.open_tasks] == ["work"]
    assert engine.complete(started.open_tasks[0].id, {}, actor="tester").status == "completed"


def test_a_throw_in_a_compensation_event_subprocess_undoes_the_subprocess_s_activities(
    db_url: str, engine: Engine, clock
) -> None:
    """§10.7.1: a compensation event subprocess undoes the subprocess it is drawn in,
    and a compensation throw inside it compensates that subprocess's completed
    activities with their own handlers, even though the subprocess has completed.
    A restart between the steps reads every part of it back."""
    engine.deploy(
        {
            "undo_inside.bpmn": process(
                "undo_inside",
                """    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="booking"/>
    <bpmn:subProcess id="booking">
      <bpmn:startEvent id="b_start"/>
      <bpmn:sequenceFlow id="b0" sourceRef="b_start" targetRef="book"/>
      <bpmn:scriptTask id="book"><bpmn:script>log = ["book"]</bpmn:script></bpmn:scriptTask>
      <bpmn:boundaryEvent id="book_undo" attachedToRef="book">
        <bpmn:compensateEventDefinition/>
      </bpmn:boundaryEvent>
      <bpmn:userTask id="unbook" isForCompensation="true"/>
      <bpmn:sequenceFlow id="b1" sourceRef="book" targetRef="b_end"/>
      <bpmn:endEvent id="b_end"/>
      <bpmn:subProcess id="undo_booking" triggeredByEvent="true">
        <bpmn:startEvent id="u_start"><bpmn:compensateEventDefinition/></bpmn:startEvent>
        <bpmn:sequenceFlow id="u0" sourceRef="u_start" targetRef="u_throw"/>
        <bpmn:intermediateThrowEvent id="u_throw"><bpmn:compensateEventDefinition/>
        </bpmn:intermediateThrowEvent>
        <bpmn:sequenceFlow id="u1" sourceRef="u_throw" targetRef="u_log"/>
        <bpmn:scriptTask id="u_log"><bpmn:script>log = log + ["undone"]</bpmn:script>
        </bpmn:scriptTask>
        <bpmn:sequenceFlow id="u2" sourceRef="u_log" targetRef="u_end"/>
        <bpmn:endEvent id="u_end"/>
      </bpmn:subProcess>
      <bpmn:association id="a0" sourceRef="book_undo" targetRef="unbook"/>
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="f1" sourceRef="booking" targetRef="undo"/>
    <bpmn:intermediateThrowEvent id="undo"><bpmn:compensateEventDefinition/>
    </bpmn:intermediateThrowEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="undo" targetRef="end"/>
    <bpmn:endEvent id="end"/>""",
            )
        },
        actor="tester",
    )

    started = engine.start("undo_inside", {}, actor="tester")
    assert [t.element_id for t in started.open_tasks] == ["unbook"]

    restarted = Engine(db_url, clock=clock)  # nothing held in memory
    try:
        done = restarted.complete(started.open_tasks[0].id, {}, actor="tester")
    finally:
        restarted.close()
    assert done.status == "completed"
    assert done.data["log"] == ["book", "undone"]


def test_a_throw_that_does_not_wait_goes_on_while_the_handlers_run(engine: Engine):
    """§10.5.5 (waitForCompletion): a throw with waitForCompletion="false" triggers
    the compensation and continues at once; the handlers still run, one after
    another, and the process ends only once they have (§10.5.3: a process ends when
    every token is consumed)."""
    engine.deploy(
        {
            "no_wait.bpmn": process(
                "no_wait",
                """    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="book_hotel"/>
    <bpmn:scriptTask id="book_hotel"><bpmn:script>booked = 1</bpmn:script></bpmn:scriptTask>
    <bpmn:boundaryEvent id="hotel_undo" attachedToRef="book_hotel">
      <bpmn:compensateEventDefinition/>
    </bpmn:boundaryEvent>
    <bpmn:userTask id="cancel_hotel" isForCompensation="true"/>
    <bpmn:sequenceFlow id="f1" sourceRef="book_hotel" targetRef="book_flight"/>
    <bpmn:scriptTask id="book_flight"><bpmn:script>booked = 2</bpmn:script></bpmn:scriptTask>
    <bpmn:boundaryEvent id="flight_undo" attachedToRef="book_flight">
      <bpmn:compensateEventDefinition/>
    </bpmn:boundaryEvent>
    <bpmn:userTask id="cancel_flight" isForCompensation="true"/>
    <bpmn:sequenceFlow id="f2" sourceRef="book_flight" targetRef="undo"/>
    <bpmn:intermediateThrowEvent id="undo">
      <bpmn:compensateEventDefinition waitForCompletion="false"/>
    </bpmn:intermediateThrowEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="undo" targetRef="tell"/>
    <bpmn:userTask id="tell"/>
    <bpmn:sequenceFlow id="f4" sourceRef="tell" targetRef="end"/>
    <bpmn:endEvent id="end"/>
    <bpmn:association id="a0" sourceRef="hotel_undo" targetRef="cancel_hotel"/>
    <bpmn:association id="a1" sourceRef="flight_undo" targetRef="cancel_flight"/>""",
            )
        },
        actor="tester",
    )

    def open_ids(view) -> dict[str, str]:
        return {t.element_id: t.id for t in view.open_tasks}

    started = engine.start("no_wait", {}, actor="tester")
    assert open_ids(started).keys() == {"cancel_flight", "tell"}  # the path went on

    told = engine.complete(open_ids(started)["tell"], {}, actor="tester")
    assert told.status == "running"  # a handler is still at work
    assert open_ids(told).keys() == {"cancel_flight"}

    flight = engine.complete(open_ids(told)["cancel_flight"], {}, actor="tester")
    assert open_ids(flight).keys() == {"cancel_hotel"}  # then the one completed before
    done = engine.complete(open_ids(flight)["cancel_hotel"], {}, actor="tester")
    assert done.status == "completed"

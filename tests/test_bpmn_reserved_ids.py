"""Element ids SpiffWorkflow uses for its own task specs, BPMN 2.0 §8.2.1 (BaseElement:
an id is any name unique in its definitions): a start event ``Start``, a task ``End``,
an end event ``Root`` run as drawn and keep their id in tasks and history."""

from __future__ import annotations

from datetime import timedelta

from bpmn_text import process

from engine.api import Engine
from engine.clock import ManualClock
from engine.definitions import validate_files

SPIFF_NAMES = process(
    "spiff_names",
    """    <bpmn:startEvent id="Start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="Start" targetRef="End"/>
    <bpmn:userTask id="End" name="Review"/>
    <bpmn:boundaryEvent id="late.BoundaryEventSplit" attachedToRef="End">
      <bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="End" targetRef="Root"/>
    <bpmn:sequenceFlow id="f2" sourceRef="late.BoundaryEventSplit" targetRef="Root"/>
    <bpmn:endEvent id="Root"/>""",
)


def test_ids_spiff_uses_itself_are_accepted() -> None:
    assert validate_files({"spiff_names.bpmn": SPIFF_NAMES}) == []


def test_elements_with_spiff_names_run_and_keep_their_ids(engine: Engine) -> None:
    engine.deploy({"spiff_names.bpmn": SPIFF_NAMES}, actor="tester")

    started = engine.start("spiff_names", {}, actor="tester")
    assert started.status == "running"
    assert [(t.element_id, t.name) for t in started.open_tasks] == [("End", "Review")]

    done = engine.complete(started.open_tasks[0].id, {}, actor="tester")
    assert done.status == "completed"


def test_a_boundary_event_with_a_spiff_suffix_in_its_id_fires(
    engine: Engine, clock: ManualClock
) -> None:
    engine.deploy({"spiff_names.bpmn": SPIFF_NAMES}, actor="tester")
    started = engine.start("spiff_names", {}, actor="tester")

    clock.advance(timedelta(days=1, minutes=1))
    engine.tick()

    assert engine.instance(started.id).status == "completed"

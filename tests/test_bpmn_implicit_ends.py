"""Implicit ends, BPMN 2.0 §10.5.3 (End Event): end events are optional, and "activities
without outgoing Sequence Flows mark the end of a path"; the process instance completes
when all its paths have ended (§13.2)."""

from __future__ import annotations

from bpmn_text import process

from engine.api import Engine
from engine.definitions import validate_files

PARALLEL_PATHS = process(
    "implicit_end",
    """    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="split"/>
    <bpmn:parallelGateway id="split"/>
    <bpmn:sequenceFlow id="f1" sourceRef="split" targetRef="mark"/>
    <bpmn:scriptTask id="mark" scriptFormat="python"><bpmn:script>marked = True</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="review"/>
    <bpmn:userTask id="review"/>""",
)


def test_an_activity_without_outgoing_flow_ends_its_path_with_a_warning_only() -> None:
    problems = validate_files({"implicit_end.bpmn": PARALLEL_PATHS})

    assert not [p for p in problems if p.is_error], problems
    assert {p.element_id for p in problems} == {"mark", "review"}
    assert all("implicit end" in p.message for p in problems)


def test_the_instance_completes_when_every_implicit_end_is_reached(engine: Engine) -> None:
    engine.deploy({"implicit_end.bpmn": PARALLEL_PATHS}, actor="tester")

    started = engine.start("implicit_end", {}, actor="tester")
    assert started.status == "running"
    assert started.data["marked"] is True
    assert [t.element_id for t in started.open_tasks] == ["review"]

    done = engine.complete(started.open_tasks[0].id, {}, actor="tester")
    assert done.status == "completed"

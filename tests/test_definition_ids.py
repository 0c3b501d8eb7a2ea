"""Element ids SpiffWorkflow keeps for its own task specs, and ids or names too long to
store, are refused by validation with file, line, element and hint; they never reach
``start``. Deploying runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from bpmn_text import process

from engine.api import Engine
from engine.definitions import validate_files
from engine.errors import InvalidDefinition


def _three_nodes(start: str = "start", task: str = "task", end: str = "end", name: str = "") -> str:
    return f"""    <bpmn:startEvent id="{start}"/>
    <bpmn:sequenceFlow id="f0" sourceRef="{start}" targetRef="{task}"/>
    <bpmn:userTask id="{task}" name="{name}" camunda:candidateGroups="ITC"/>
    <bpmn:sequenceFlow id="f1" sourceRef="{task}" targetRef="{end}"/>
    <bpmn:endEvent id="{end}"/>"""


@pytest.mark.parametrize(
    ("nodes", "element_id", "line"),
    [
        (_three_nodes(start="Start"), "Start", 5),
        (_three_nodes(task="End"), "End", 7),
        (_three_nodes(end="Root"), "Root", 9),
        (_three_nodes(task="ids.EndJoin"), "ids.EndJoin", 7),
        (_three_nodes(task="t.BoundaryEventSplit"), "t.BoundaryEventSplit", 7),
        (_three_nodes(task="t.BoundaryEventJoin"), "t.BoundaryEventJoin", 7),
    ],
)
def test_ids_spiff_reserves_are_refused_with_their_line(
    nodes: str, element_id: str, line: int
) -> None:
    (problem,) = validate_files({"ids.bpmn": process("ids", nodes)})
    assert (problem.file, problem.line, problem.element_id) == ("ids.bpmn", line, element_id)
    assert "SpiffWorkflow" in problem.message and problem.hint


def test_a_reserved_id_inside_a_subprocess_is_refused_too() -> None:
    inner = _three_nodes(start="Start", task="inner_task", end="inner_end").replace("f0", "g0")
    nodes = f"""    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="sub"/>
    <bpmn:subProcess id="sub">
{inner.replace('id="f1"', 'id="g1"')}
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="f1" sourceRef="sub" targetRef="end"/>
    <bpmn:endEvent id="end"/>"""
    problems = validate_files({"ids.bpmn": process("ids", nodes)})
    assert [p.element_id for p in problems] == ["Start"]


def test_ids_and_names_longer_than_their_columns_are_refused() -> None:
    long_id, long_name = "t" * 256, "N" * 256
    problems = validate_files({"ids.bpmn": process("ids", _three_nodes(task=long_id))})
    assert [p.element_id for p in problems] == [long_id]
    assert "at most 255" in problems[0].message
    (problem,) = validate_files({"ids.bpmn": process("ids", _three_nodes(name=long_name))})
    assert problem.element_id == "task" and "name" in problem.message
    assert validate_files({"ids.bpmn": process("ids", _three_nodes(name="N" * 255))}) == []


def test_a_start_event_named_start_never_deploys(engine: Engine) -> None:
    with pytest.raises(InvalidDefinition) as refused:
        engine.deploy({"ids.bpmn": process("ids", _three_nodes(start="Start"))}, actor="tester")
    assert refused.value.problems[0].element_id == "Start"
    assert engine.definitions() == []

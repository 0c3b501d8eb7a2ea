"""Ids or names too long to store are refused by validation with file, line, element
and hint; they never reach ``start``. (Ids SpiffWorkflow keeps for its own task specs
are renamed inside it: tests/test_bpmn_reserved_ids.py.)"""

from __future__ import annotations

from bpmn_text import process

from engine.definitions import validate_files


def _three_nodes(start: str = "start", task: str = "task", end: str = "end", name: str = "") -> str:
    return f"""    <bpmn:startEvent id="{start}"/>
    <bpmn:sequenceFlow id="f0" sourceRef="{start}" targetRef="{task}"/>
    <bpmn:userTask id="{task}" name="{name}" camunda:candidateGroups="ITC"/>
    <bpmn:sequenceFlow id="f1" sourceRef="{task}" targetRef="{end}"/>
    <bpmn:endEvent id="{end}"/>"""


def test_ids_and_names_longer_than_their_columns_are_refused() -> None:
    long_id, long_name = "t" * 256, "N" * 256
    problems = validate_files({"ids.bpmn": process("ids", _three_nodes(task=long_id))})
    assert [p.element_id for p in problems] == [long_id]
    assert "at most 255" in problems[0].message
    (problem,) = validate_files({"ids.bpmn": process("ids", _three_nodes(name=long_name))})
    assert problem.element_id == "task" and "name" in problem.message
    assert validate_files({"ids.bpmn": process("ids", _three_nodes(name="N" * 255))}) == []

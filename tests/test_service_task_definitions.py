"""Service tasks in a definition: one without a connector is refused where it is, and
every task spec SpiffWorkflow parses can be stored."""

from __future__ import annotations

import pytest
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.bpmn.parser.TaskParser import TaskParser
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.specs.defaults import NoneTask

from engine.api import Engine
from engine.definitions import validate_files
from engine.definitions.serializer import SERIALIZER
from engine.definitions.services import GovflowParser
from engine.errors import InvalidDefinition

BARE_SERVICE_TASK = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="x">
  <bpmn:process id="bare" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
    <bpmn:serviceTask id="call" name="Call the ministry" />
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_deploying_a_service_task_without_connector_is_refused_not_crashed(
    engine: Engine,
) -> None:
    with pytest.raises(InvalidDefinition) as refused:
        engine.deploy({"bare.bpmn": BARE_SERVICE_TASK}, actor="tester")
    (problem,) = refused.value.problems
    assert (problem.file, problem.line, problem.element_id) == ("bare.bpmn", 6, "call")
    assert problem.message == "this service task names no connector"
    assert "known connectors: counterpart, email, http" in problem.hint
    assert engine.validate({"bare.bpmn": BARE_SERVICE_TASK}) == [problem]
    assert engine.definitions() == []


def test_every_task_spec_spiff_parses_can_be_stored() -> None:
    """A spec class without a converter would reach the database as an object."""
    classes = {spec_class for _, spec_class in BpmnParser.PARSER_CLASSES.values()}
    classes |= {spec_class for _, spec_class in GovflowParser.OVERRIDE_PARSER_CLASSES.values()}
    overridden = {  # the library's classes govflow replaces (it adds some tags, too)
        BpmnParser.PARSER_CLASSES[tag][1]
        for tag in GovflowParser.OVERRIDE_PARSER_CLASSES
        if tag in BpmnParser.PARSER_CLASSES
    }
    unknown = classes - overridden - set(SERIALIZER.registry.typenames)
    assert not unknown, f"no converter for {sorted(c.__name__ for c in unknown)}"


def test_an_unstorable_element_is_a_definition_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    class Unknown(NoneTask):
        pass

    overrides = {**GovflowParser.OVERRIDE_PARSER_CLASSES, full_tag("task"): (TaskParser, Unknown)}
    monkeypatch.setattr(GovflowParser, "OVERRIDE_PARSER_CLASSES", overrides)
    text = BARE_SERVICE_TASK.replace(
        b'<bpmn:serviceTask id="call" name="Call the ministry" />', b'<bpmn:task id="call" />'
    )
    (problem,) = validate_files({"odd.bpmn": text})
    assert (problem.line, problem.element_id) == (6, "call")
    assert "govflow cannot run this element (SpiffWorkflow builds a Unknown)" in problem.message

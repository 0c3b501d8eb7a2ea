"""Two versions of a small process for the version and migration tests.

Version 1: ITC drafts, the leadership signs. Version 2 drops the signature and adds a
check by NASATI after the draft, with a form field and a due date of 5 working days:
an instance at "draft" can move to it, one at "sign" cannot.
"""

# ruff: noqa: E501 -- BPMN XML is kept as a designer would see it
from __future__ import annotations

from engine.api import Engine

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="approval" name="Approval" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="draft"/>
    <bpmn:userTask id="draft" name="Draft" camunda:candidateGroups="ITC"/>
"""
_V1_BODY = """    <bpmn:sequenceFlow id="f1" sourceRef="draft" targetRef="sign"/>
    <bpmn:userTask id="sign" name="Sign" camunda:candidateGroups="LEAD"/>
    <bpmn:sequenceFlow id="f2" sourceRef="sign" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
"""
_V2_BODY = """    <bpmn:sequenceFlow id="f1" sourceRef="draft" targetRef="check"/>
    <bpmn:userTask id="check" name="Check the draft" camunda:candidateGroups="NASATI" camunda:dueDate="${add_working_days(now(), 5)}">
      <bpmn:extensionElements>
        <camunda:formData>
          <camunda:formField id="remarks" label="Remarks" type="string"/>
        </camunda:formData>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="check" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
"""
_SHAPES = {"start": (100, 100, 36, 36), "draft": (180, 80, 100, 80), "end": (560, 100, 36, 36)}
_V1_SHAPES = {**_SHAPES, "sign": (360, 80, 100, 80)}
_V2_SHAPES = {**_SHAPES, "check": (360, 80, 100, 80)}


def _diagram(shapes: dict[str, tuple[int, int, int, int]]) -> str:
    """Shapes only (no edges): enough for bpmn-js to draw and mark each element."""
    drawn = "".join(
        f'<bpmndi:BPMNShape id="{element}_di" bpmnElement="{element}">'
        f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/></bpmndi:BPMNShape>\n'
        for element, (x, y, w, h) in shapes.items()
    )
    return (
        '  <bpmndi:BPMNDiagram id="diagram"><bpmndi:BPMNPlane id="plane" bpmnElement="approval">\n'
        f"{drawn}  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>\n</bpmn:definitions>\n"
    )


V1 = (_HEAD + _V1_BODY + _diagram(_V1_SHAPES)).encode()
V2 = (_HEAD + _V2_BODY + _diagram(_V2_SHAPES)).encode()


def deploy_v1_with_two_instances(engine: Engine) -> tuple[int, int]:
    """Version 1 with one instance at "draft" and one at "sign", then version 2; the ids."""
    engine.deploy({"approval.bpmn": V1}, actor="itc.designer")
    at_draft = engine.start("approval", actor="itc.head")
    at_sign = engine.start("approval", actor="itc.head")
    engine.complete(engine.tasks(instance_id=at_sign.id)[0].id, actor="itc.staff")
    engine.deploy({"approval.bpmn": V2}, actor="itc.designer")
    return at_draft.id, at_sign.id

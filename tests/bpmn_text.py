"""BPMN written in a test, for cases that differ only in a script or an element."""

from __future__ import annotations

from xml.sax.saxutils import escape

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="t">"""


def process(process_id: str, body: str) -> bytes:
    """A file with one executable process whose elements are ``body``."""
    return (
        f'{HEADER}\n  <bpmn:process id="{process_id}" isExecutable="true">\n{body}\n'
        "  </bpmn:process>\n</bpmn:definitions>"
    ).encode()


def script_between_tasks(process_id: str, script: str, first_task: str = "") -> bytes:
    """Start, a user task ``first`` (with ``first_task`` inside it), a script task
    ``compute`` running ``script``, a user task ``review``, end."""
    return process(
        process_id,
        f"""    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="first"/>
    <bpmn:userTask id="first" camunda:candidateGroups="ITC">{first_task}</bpmn:userTask>
    <bpmn:sequenceFlow id="f1" sourceRef="first" targetRef="compute"/>
    <bpmn:scriptTask id="compute" scriptFormat="python">
      <bpmn:script>{escape(script)}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="compute" targetRef="review"/>
    <bpmn:userTask id="review" camunda:candidateGroups="ITC"/>
    <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end"/>
    <bpmn:endEvent id="end"/>""",
    )

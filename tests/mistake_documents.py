"""Definition validation's corpus of mistakes: the files they are made of.

Each case is a process body in a Camunda Modeler-shaped file; the line the error must
point at carries the marker ``<!--!-->``, so the expected line is visible in the case
itself and cannot drift when a case is edited.
"""

from __future__ import annotations

from dataclasses import dataclass

MARK = "<!--!-->"
HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
    ' xmlns:camunda="http://camunda.org/schema/1.0/bpmn"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' id="defs" targetNamespace="http://bpmn.io/schema/bpmn">\n'
)
PROCESS = '<bpmn:process id="p" name="P" isExecutable="true">\n{body}\n</bpmn:process>\n'
TAIL = "</bpmn:definitions>\n"
UNITS = frozenset({"ITC", "DBO", "DBO:STAMEQ"})


def document(body: str) -> str:
    return HEAD + PROCESS.format(body=body.strip("\n")) + TAIL


def around(middle: str, node: str = "t") -> str:
    """start → ``middle`` (whose node is ``node``) → end."""
    return (
        '<bpmn:startEvent id="start"/>\n'
        f'<bpmn:sequenceFlow id="f_in" sourceRef="start" targetRef="{node}"/>\n'
        f"{middle.strip()}\n"
        f'<bpmn:sequenceFlow id="f_out" sourceRef="{node}" targetRef="end"/>\n'
        '<bpmn:endEvent id="end"/>'
    )


def user_task(attributes: str = "", inner: str = "") -> str:
    return around(f'<bpmn:userTask id="t" name="Review" {attributes}>{inner}</bpmn:userTask>')


def form(*fields: str) -> str:
    lines = "\n".join(fields)
    return (
        "\n<bpmn:extensionElements><camunda:formData>\n"
        f"{lines}\n</camunda:formData></bpmn:extensionElements>\n"
    )


def timer_event(definition: str) -> str:
    return around(
        '<bpmn:intermediateCatchEvent id="t" name="Wait">\n'
        f"<bpmn:timerEventDefinition>{definition}</bpmn:timerEventDefinition>\n"
        "</bpmn:intermediateCatchEvent>"
    )


def gateway(flows: str, attributes: str = "") -> str:
    return (
        '<bpmn:startEvent id="start"/>\n'
        '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="gw"/>\n'
        f'<bpmn:exclusiveGateway id="gw" name="Approved?" {attributes}/>\n'
        f"{flows.strip()}\n"
        '<bpmn:endEvent id="yes"/>\n<bpmn:endEvent id="no"/>'
    )


def flow(flow_id: str, target: str, condition: str | None = None, mark: bool = False) -> str:
    marker = MARK if mark else ""
    if condition is None:
        return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="gw" targetRef="{target}"/>{marker}'
    return (
        f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="gw" targetRef="{target}">\n'
        f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}'
        f"</bpmn:conditionExpression>{marker}\n</bpmn:sequenceFlow>"
    )


def script(text: str, attributes: str = 'scriptFormat="python"') -> str:
    return around(
        f'<bpmn:scriptTask id="t" name="Compute" {attributes}>\n'
        f"<bpmn:script>{text}</bpmn:script>\n</bpmn:scriptTask>"
    )


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    fragment: str
    count: int = 1
    """How many problems the file has in all: a mistake must not drown in noise."""

    @property
    def line(self) -> int:
        (line,) = [n for n, text in enumerate(self.text.splitlines(), 1) if MARK in text]
        return line


def case(name: str, body: str, fragment: str, count: int = 1) -> Case:
    return Case(name, document(body), fragment, count)

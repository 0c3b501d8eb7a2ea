"""Small models for the standard's rules: flows, events and the definitions they refer to."""

# ruff: noqa: E501 -- each XML snippet keeps its lines
from __future__ import annotations

from mistake_documents import MARK, document

START = '<bpmn:startEvent id="start"/>\n'
END = '<bpmn:endEvent id="end"/>'


def flow(flow_id: str, source: str, target: str) -> str:
    return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}"/>'


def event(tag: str, definition: str, attributes: str = "") -> str:
    return f'<bpmn:{tag} id="t" {attributes}>{MARK}<bpmn:{definition}/></bpmn:{tag}>'


def with_definitions(body: str) -> str:
    """A document whose definitions also declare a message, signal, escalation and error."""
    return document(body).replace(
        "<bpmn:process ",
        '<bpmn:message id="m" name="M"/><bpmn:signal id="s" name="S"/>'
        '<bpmn:escalation id="x" escalationCode="X"/><bpmn:error id="e" errorCode="E"/>\n'
        "<bpmn:process ",
        1,
    )


def event_gateway(targets: str, extra: str = "") -> str:
    return (
        START
        + flow("f0", "start", "gw")
        + "\n"
        + f'<bpmn:eventBasedGateway id="gw"/>{extra}\n'
        + flow("f1", "gw", "a")
        + "\n"
        + flow("f2", "gw", "b")
        + "\n"
        + targets
        + "\n"
        + flow("fa", "a", "end")
        + "\n"
        + flow("fb", "b", "end")
        + "\n"
        + END
    )


TIMER = "<bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>"
MESSAGE = '<bpmn:messageEventDefinition messageRef="m"/>'

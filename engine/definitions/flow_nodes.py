"""The flow nodes of a BPMN process: their kinds, and one scope's nodes and flows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from lxml import etree

from engine.definitions.dialect import BPMN_NS

__all__ = [
    "ACTIVITIES",
    "CONDITIONAL_GATEWAYS",
    "CONTAINERS",
    "FLOW_NODES",
    "NOT_NODES",
    "Scope",
    "local_name",
]

GATEWAYS = {
    "exclusiveGateway",
    "inclusiveGateway",
    "parallelGateway",
    "eventBasedGateway",
    "complexGateway",
}
CONTAINERS = {"subProcess", "transaction", "adHocSubProcess"}
ACTIVITIES = {
    "task",
    "userTask",
    "manualTask",
    "scriptTask",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "businessRuleTask",
    "callActivity",
} | CONTAINERS
EVENTS = {
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
}
FLOW_NODES = frozenset(GATEWAYS | ACTIVITIES | EVENTS)
CONDITIONAL_GATEWAYS = {"exclusiveGateway", "inclusiveGateway", "complexGateway"}
NOT_NODES = {
    "sequenceFlow",
    "laneSet",
    "dataObject",
    "dataObjectReference",
    "dataStoreReference",
    "textAnnotation",
    "association",
    "group",
    "property",
    "ioSpecification",
    "ioBinding",
    "multiInstanceLoopCharacteristics",
    "standardLoopCharacteristics",
    "resourceRole",
    "performer",
    "humanPerformer",
    "potentialOwner",
    "correlationSubscription",
}
"""Children of a process that are not flow nodes. Any other child with an id counts as
a node, so a misspelt element (already a schema error) does not also break every
flow that touches it."""


def local_name(element: etree._Element) -> str:
    """``userTask`` for a BPMN element, "" for anything else (comments, other namespaces)."""
    tag = element.tag
    if isinstance(tag, str) and tag.startswith(f"{{{BPMN_NS}}}"):
        return tag[len(BPMN_NS) + 2 :]
    return ""


@dataclass
class Scope:
    """One process or subprocess: the nodes and flows directly inside it."""

    element: etree._Element
    nodes: dict[str, etree._Element] = field(default_factory=dict)
    flows: list[etree._Element] = field(default_factory=list)
    outgoing: dict[str, list[etree._Element]] = field(default_factory=lambda: defaultdict(list))
    incoming: dict[str, list[etree._Element]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, element: etree._Element) -> Scope:
        scope = cls(element)
        for child in element:
            kind = local_name(child)
            if kind == "sequenceFlow":
                scope.flows.append(child)
            elif kind and kind not in NOT_NODES and child.get("id"):
                scope.nodes[child.get("id")] = child
        for flow in scope.flows:
            scope.outgoing[flow.get("sourceRef", "")].append(flow)
            scope.incoming[flow.get("targetRef", "")].append(flow)
        return scope

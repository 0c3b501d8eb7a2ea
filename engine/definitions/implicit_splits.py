"""Activities and events with several outgoing sequence flows, as BPMN 2.0 runs them.

§10.2.1 (Sequence Flow) and §13.2.1: a token leaves an activity or event on every
outgoing sequence flow without a condition (an uncontrolled parallel split) and on
each conditional one whose condition holds; the activity's ``default`` flow is taken
when none of its conditional flows holds. SpiffWorkflow follows only one outgoing flow
of a non-gateway element. Before its parser sees a file, each such element gets the
gateway it stands for after it: a parallel gateway when no flow has a condition, else
an inclusive gateway (unconditional flows always taken; §13.2.1: the default when no
conditional flow's condition holds, whatever the unconditional ones).
"""

from __future__ import annotations

from lxml import etree

from engine.definitions.dialect import BPMN_NS, NSMAP
from engine.definitions.flow_nodes import FLOW_NODES

__all__ = ["BRANCHING_NODES", "split_implicitly"]

BRANCHING_NODES = frozenset(
    kind for kind in FLOW_NODES if not kind.endswith("Gateway") and kind != "endEvent"
)
"""Elements whose outgoing flows BPMN lets branch without a gateway."""


def split_implicitly(root: etree._Element) -> None:
    """Put the gateway each branching element stands for after it (in place)."""
    for level in root.iter(f"{{{BPMN_NS}}}process", f"{{{BPMN_NS}}}subProcess"):
        outgoing: dict[str, list[etree._Element]] = {}
        for flow in level.iterfind("bpmn:sequenceFlow", NSMAP):
            outgoing.setdefault(flow.get("sourceRef", ""), []).append(flow)
        for node in level:
            if not isinstance(node.tag, str):  # a comment
                continue
            flows = outgoing.get(node.get("id", ""), [])
            if etree.QName(node).localname in BRANCHING_NODES and _branches(flows):
                _insert_gateway(level, node, flows)


def _branches(flows: list[etree._Element]) -> bool:
    return len(flows) > 1 or any(_condition(flow) is not None for flow in flows)


def _condition(flow: etree._Element) -> etree._Element | None:
    return flow.find("bpmn:conditionExpression", NSMAP)


def _insert_gateway(level: etree._Element, node: etree._Element, flows: list) -> None:
    node_id = node.get("id", "")
    default = node.attrib.pop("default", None)
    conditions = [c.text or "" for f in flows if (c := _condition(f)) is not None]
    kind = "inclusiveGateway" if default or conditions else "parallelGateway"
    gateway = etree.SubElement(level, f"{{{BPMN_NS}}}{kind}", id=f"{node_id}__split")
    for reference in node.iterfind("bpmn:outgoing", NSMAP):
        node.remove(reference)
    link = etree.SubElement(level, f"{{{BPMN_NS}}}sequenceFlow", id=f"{node_id}__to_split")
    link.set("sourceRef", node_id)
    link.set("targetRef", gateway.get("id", ""))
    etree.SubElement(node, f"{{{BPMN_NS}}}outgoing").text = link.get("id")
    etree.SubElement(gateway, f"{{{BPMN_NS}}}incoming").text = link.get("id")
    for flow in flows:
        flow.set("sourceRef", gateway.get("id", ""))
        etree.SubElement(gateway, f"{{{BPMN_NS}}}outgoing").text = flow.get("id")
        if kind == "inclusiveGateway" and _condition(flow) is None:
            # Spiff's inclusive gateway wants a condition on every flow: an
            # unconditional one is always taken, the default when no condition holds
            taken = _none_of(conditions) if flow.get("id") == default else "True"
            etree.SubElement(flow, f"{{{BPMN_NS}}}conditionExpression").text = taken


def _none_of(conditions: list[str]) -> str:
    if not conditions:
        return "True"
    return "not (" + " or ".join(f"({c.strip()})" for c in conditions) + ")"

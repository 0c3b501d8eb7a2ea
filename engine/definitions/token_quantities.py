"""An activity's ``startQuantity`` and ``completionQuantity`` (BPMN 2.0 §10.3.1, Table 10.3).

``startQuantity`` tokens must arrive, on any of its incoming flows, before the
activity starts (once per that many tokens); ``completionQuantity`` tokens leave it on
its outgoing flow when it completes. SpiffWorkflow reads neither, so before its parser
sees a file:

* an activity with a ``startQuantity`` above 1 gets a joining complex gateway before
  it that lets a token through once that many have arrived
  (:class:`~engine.definitions.complex_gateway.ComplexJoin`);
* one with a ``completionQuantity`` above 1 gets a parallel gateway after it whose
  flows all lead to the activity's target, each but one through a none intermediate
  event (Spiff gives one gateway one token per target), so the target receives that
  many tokens.
"""

from __future__ import annotations

from lxml import etree

from engine.definitions.dialect import BPMN_NS, NSMAP

__all__ = ["prepare_token_quantities"]


def prepare_token_quantities(root: etree._Element) -> None:
    """Insert the gateways the quantities of each activity stand for (in place)."""
    for scope in root.iter(f"{{{BPMN_NS}}}process", f"{{{BPMN_NS}}}subProcess"):
        for node in list(scope):
            if not isinstance(node.tag, str):
                continue
            start, completion = (
                _quantity(node, "startQuantity"),
                _quantity(node, "completionQuantity"),
            )
            if start > 1:
                _wait_for_tokens(scope, node, start)
            outgoing = _flows(scope, "sourceRef", node)
            if completion > 1 and len(outgoing) == 1:
                _multiply_tokens(scope, node, outgoing[0], completion)


def _quantity(node: etree._Element, name: str) -> int:
    try:
        return int(node.get(name, "1"))
    except ValueError:
        return 1


def _flows(scope: etree._Element, end: str, node: etree._Element) -> list[etree._Element]:
    return [f for f in scope.iterfind("bpmn:sequenceFlow", NSMAP) if f.get(end) == node.get("id")]


def _add(scope: etree._Element, kind: str, element_id: str) -> etree._Element:
    return etree.SubElement(scope, f"{{{BPMN_NS}}}{kind}", id=element_id)


def _connect(scope: etree._Element, flow_id: str, source: str, target: str) -> None:
    flow = _add(scope, "sequenceFlow", flow_id)
    flow.set("sourceRef", source)
    flow.set("targetRef", target)


def _wait_for_tokens(scope: etree._Element, node: etree._Element, quantity: int) -> None:
    node_id = node.get("id", "")
    gateway = _add(scope, "complexGateway", f"{node_id}__start_quantity")
    etree.SubElement(
        gateway, f"{{{BPMN_NS}}}activationCondition"
    ).text = f"activationCount >= {quantity}"
    for flow in _flows(scope, "targetRef", node):
        flow.set("targetRef", gateway.get("id", ""))
    _drop_references(node, "incoming")
    _connect(scope, f"{node_id}__to_start", gateway.get("id", ""), node_id)


def _multiply_tokens(
    scope: etree._Element, node: etree._Element, flow: etree._Element, quantity: int
) -> None:
    node_id, target = node.get("id", ""), flow.get("targetRef", "")
    gateway = _add(scope, "parallelGateway", f"{node_id}__completion_quantity")
    flow.set("targetRef", gateway.get("id", ""))
    _connect(scope, f"{node_id}__token_1", gateway.get("id", ""), target)
    for number in range(2, quantity + 1):
        relay = _add(scope, "intermediateThrowEvent", f"{node_id}__token_{number}")
        _connect(scope, f"{relay.get('id')}__in", gateway.get("id", ""), relay.get("id", ""))
        _connect(scope, f"{relay.get('id')}__out", relay.get("id", ""), target)


def _drop_references(node: etree._Element, kind: str) -> None:
    for reference in node.iterfind(f"bpmn:{kind}", NSMAP):
        node.remove(reference)

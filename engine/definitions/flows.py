"""The BPMN 2.0 rules of sequence flows around gateways, events and compensation.

:mod:`.graph` checks that every flow connects two nodes of one (sub)process and
that tokens can get from a start to an end; this module checks what the standard
says about the shape of those connections (§10.6 gateways, §10.5 events, §10.7
compensation, and the ``incoming``/``outgoing`` lists of §8.3.13).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from lxml import etree

from engine.definitions.dialect import BPMN_NS, NSMAP
from engine.definitions.events import definitions_of
from engine.definitions.findings import Findings
from engine.definitions.flow_nodes import FLOW_NODES, local_name

__all__ = ["check_flows"]

_CONTAINERS = {"process", "subProcess", "transaction", "adHocSubProcess"}
_GATEWAY_TARGET_TRIGGERS = {"message", "timer", "signal", "conditional"}


@dataclass
class _Level:
    """The flow nodes and sequence flows directly inside one (sub)process."""

    nodes: dict[str, etree._Element] = field(default_factory=dict)
    incoming: dict[str, list[etree._Element]] = field(default_factory=lambda: defaultdict(list))
    outgoing: dict[str, list[etree._Element]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, container: etree._Element) -> _Level:
        level = cls()
        for child in container:
            kind = local_name(child)
            if kind in FLOW_NODES and child.get("id"):
                level.nodes[child.get("id")] = child
            elif kind == "sequenceFlow":
                level.outgoing[child.get("sourceRef", "")].append(child)
                level.incoming[child.get("targetRef", "")].append(child)
        return level


def check_flows(process: etree._Element, findings: Findings) -> None:
    """Report the flow rules ``process`` and its subprocesses break."""
    listed = _lists_flows(process)
    for container in process.iter(*(f"{{{BPMN_NS}}}{kind}" for kind in _CONTAINERS)):
        level = _Level.of(container)
        for node_id, node in level.nodes.items():
            incoming, outgoing = level.incoming[node_id], level.outgoing[node_id]
            if listed:
                _check_lists(node, incoming, outgoing, findings)
            kind = local_name(node)
            if kind.endswith("Gateway"):
                _check_gateway_shape(node, incoming, outgoing, findings)
            if kind == "eventBasedGateway":
                _check_event_gateway(level, node, outgoing, findings)
            _check_node_flows(node, kind, incoming, outgoing, findings)
            _check_compensation(node, findings)


def _lists_flows(process: etree._Element) -> bool:
    """Whether the file writes the ``incoming``/``outgoing`` lists, as every modeler does.

    A hand-written file that leaves them all out is read from the flows alone; one
    that writes them must keep them true, or tools disagree about the model.
    """
    return process.find(".//bpmn:incoming", NSMAP) is not None or (
        process.find(".//bpmn:outgoing", NSMAP) is not None
    )


def _check_lists(
    node: etree._Element,
    incoming: list[etree._Element],
    outgoing: list[etree._Element],
    findings: Findings,
) -> None:
    for tag, flows in (("incoming", incoming), ("outgoing", outgoing)):
        listed = {(ref.text or "").strip() for ref in node.findall(f"bpmn:{tag}", NSMAP)}
        actual = {flow.get("id") for flow in flows}
        for flow_id in sorted(actual - listed):
            findings.add(
                node,
                f"sequence flow '{flow_id}' is not listed in its {tag} (BPMN 2.0 §8.3.13)",
                f"add <bpmn:{tag}>{flow_id}</bpmn:{tag}>, or redraw the flow in the modeler",
            )
        for flow_id in sorted(listed - actual):
            findings.add(
                node,
                f"{tag} lists '{flow_id}', which is no sequence flow of this element",
                "remove the stale entry, or redraw the flow in the modeler",
            )


def _check_gateway_shape(
    gateway: etree._Element,
    incoming: list[etree._Element],
    outgoing: list[etree._Element],
    findings: Findings,
) -> None:
    """§10.6: a gateway merges or splits, as its ``gatewayDirection`` says."""
    direction = gateway.get("gatewayDirection", "Unspecified")
    ins, outs = len(incoming), len(outgoing)
    if ins < 2 and outs < 2:
        findings.add(
            gateway,
            "a gateway must merge (several incoming flows) or split (several outgoing) "
            "(BPMN 2.0 §10.6)",
            "remove the gateway and connect its flows directly",
        )
    broken = {
        "Converging": outs > 1,
        "Diverging": ins > 1,
        "Mixed": ins < 2 or outs < 2,
    }.get(direction, False)
    if broken:
        findings.add(
            gateway,
            f"a {direction.lower()} gateway has {ins} incoming and {outs} outgoing flows "
            "(BPMN 2.0 §10.6, gatewayDirection)",
            "set the gateway direction to match its flows, or leave it Unspecified",
        )


def _check_event_gateway(
    level: _Level, gateway: etree._Element, outgoing: list[etree._Element], findings: Findings
) -> None:
    """§10.6.6: an event-based gateway waits for one of two or more events or receive tasks."""
    if len(outgoing) < 2:
        findings.add(
            gateway,
            "an event-based gateway needs two or more outgoing flows (BPMN 2.0 §10.6.6)",
            "add the other events it waits for, or use an intermediate catch event alone",
        )
    kinds = set()
    for flow in outgoing:
        if flow.find("bpmn:conditionExpression", NSMAP) is not None:
            findings.add(
                flow,
                "a flow out of an event-based gateway must not have a condition",
                "remove the condition: the first event to occur chooses the path",
            )
        target = level.nodes.get(flow.get("targetRef", ""))
        if target is None:
            continue
        kinds.add(_gateway_target_kind(target, findings))
        if len(level.incoming[target.get("id")]) > 1:
            findings.add(
                target,
                "a target of an event-based gateway must have no other incoming flow",
                "merge the other flows before the gateway, not into its target",
            )
    if {"message", "receiveTask"} <= kinds:
        findings.add(
            gateway,
            "an event-based gateway must not wait for both message events and receive tasks",
            "use message catch events only, or receive tasks only (BPMN 2.0 §10.6.6)",
        )


def _gateway_target_kind(target: etree._Element, findings: Findings) -> str:
    kind = local_name(target)
    if kind == "receiveTask":
        if (
            target.getparent() is not None
            and target.getparent().find(
                f"bpmn:boundaryEvent[@attachedToRef='{target.get('id')}']", NSMAP
            )
            is not None
        ):
            findings.add(
                target,
                "a receive task after an event-based gateway must have no boundary events",
                "remove the boundary event (BPMN 2.0 §10.6.6)",
            )
        return kind
    triggers = {trigger for trigger, _ in definitions_of(target)}
    if (
        kind != "intermediateCatchEvent"
        or len(triggers) != 1
        or not (triggers <= _GATEWAY_TARGET_TRIGGERS)
    ):
        findings.add(
            target,
            f"an event-based gateway cannot lead to this {kind}",
            "lead its flows to message, timer, signal or conditional catch events "
            "or to receive tasks (BPMN 2.0 §10.6.6)",
        )
        return kind
    return triggers.pop()


def _check_node_flows(
    node: etree._Element,
    kind: str,
    incoming: list[etree._Element],
    outgoing: list[etree._Element],
    findings: Findings,
) -> None:
    triggers = {trigger for trigger, _ in definitions_of(node)}
    if kind == "boundaryEvent" and incoming:
        findings.add(node, "a boundary event cannot have incoming flows (§10.5.4)", "remove them")
    if kind == "boundaryEvent" and "compensate" in triggers and outgoing:
        findings.add(
            node,
            "a compensation boundary event has no outgoing flows (BPMN 2.0 §10.7)",
            "connect its handler with an association, and remove the flows",
        )
    if "link" in triggers and kind == "intermediateCatchEvent" and incoming:
        findings.add(node, "a catching link event has no incoming flows", "remove them")
    if "link" in triggers and kind == "intermediateThrowEvent" and outgoing:
        findings.add(node, "a throwing link event has no outgoing flows", "remove them")
    if node.get("instantiate") == "true" and incoming:
        findings.add(
            node,
            f"an instantiating {kind} cannot have incoming flows (BPMN 2.0 §10.3.3)",
            "remove the flows, or set instantiate to false",
        )
    if node.get("isForCompensation") == "true" and (incoming or outgoing):
        findings.add(
            node,
            "a compensation handler has no sequence flows (BPMN 2.0 §10.7)",
            "connect it to its compensation boundary event with an association only",
        )
    default = node.get("default")
    if default and not kind.endswith("Gateway") and default not in {f.get("id") for f in outgoing}:
        findings.add(
            node,
            f"default flow '{default}' does not leave this {kind}",
            "choose one of the element's outgoing flows as its default",
        )


def _check_compensation(node: etree._Element, findings: Findings) -> None:
    """§10.7: a compensation boundary event hangs on an association to its handler."""
    if (
        local_name(node) != "boundaryEvent"
        or node.find("bpmn:compensateEventDefinition", NSMAP) is None
    ):
        return
    root = node.getroottree().getroot()
    targets = [
        root.xpath("//*[@id=$id]", id=association.get("targetRef"))
        for association in root.iter(f"{{{BPMN_NS}}}association")
        if association.get("sourceRef") == node.get("id")
    ]
    handlers = [found[0] for found in targets if found]
    if not handlers:
        findings.add(
            node,
            "a compensation boundary event needs an association to its handler",
            "draw an association from the event to an activity marked 'for compensation'",
        )
    for handler in handlers:
        if handler.get("isForCompensation") != "true":
            findings.add(
                handler,
                "the activity a compensation event leads to must be marked for compensation",
                'set isForCompensation="true" on it (BPMN 2.0 §10.7)',
            )

"""Structural checks: ids, sequence flows, gateways, reachability, call activities.

SpiffWorkflow accepts many models BPMN forbids and runs some of them wrongly (see
SPIFF.md: it follows only one outgoing flow of a task, and reaches a dead end
silently), so every process and subprocess is checked as a graph before Spiff sees it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from lxml import etree

from engine.definitions.dialect import NSMAP
from engine.definitions.findings import Findings
from engine.definitions.flow_nodes import (
    ACTIVITIES,
    CONDITIONAL_GATEWAYS,
    CONTAINERS,
    Scope,
    local_name,
)

__all__ = ["check_graph"]


def check_graph(root: etree._Element, findings: Findings, process_ids: frozenset[str]) -> None:
    """Report every structural problem of one file; ``process_ids`` are the deployment's."""
    _check_unique_ids(root, findings)
    processes = root.findall("bpmn:process", NSMAP)
    executable = [p for p in processes if _is_executable(p)]
    if not executable:
        findings.add(
            processes[0] if processes else root,
            "the file has no executable process",
            "tick 'Executable' on the process in the modeler (isExecutable=\"true\")",
        )
    for process in executable:
        for scope_element in _scopes(process):
            _check_scope(Scope.of(scope_element), findings, process_ids)


def _is_executable(process: etree._Element) -> bool:
    return process.get("isExecutable", "true") != "false"


def _scopes(process: etree._Element) -> Iterator[etree._Element]:
    yield process
    for element in process.iter():
        if local_name(element) in CONTAINERS:
            yield element


def _check_unique_ids(root: etree._Element, findings: Findings) -> None:
    first_line: dict[str, int | None] = {}
    for element in root.iter():
        element_id = element.get("id") if local_name(element) or _is_diagram(element) else None
        if not element_id:
            continue
        if element_id in first_line:
            findings.add(
                element,
                f"id '{element_id}' is already used on line {first_line[element_id]}",
                "give every element its own id",
            )
        else:
            first_line[element_id] = element.sourceline


def _is_diagram(element: etree._Element) -> bool:
    return isinstance(element.tag, str) and "/BPMN/20100524/DI" in element.tag


def _check_scope(scope: Scope, findings: Findings, process_ids: frozenset[str]) -> None:
    """The scope's flows and nodes, then its reachability.

    Reachability is judged only when every flow is whole: one broken ``targetRef``
    would otherwise strand every node after it, each reported as "not reachable",
    when the designer has one thing to fix. An ad-hoc subprocess has no order to
    check: BPMN 2.0 §10.3.5 leaves its activities to be started in any order.
    """
    whole = _check_flows(scope, findings)
    for node in scope.nodes.values():
        _check_node(scope, node, findings, process_ids)
    if whole and local_name(scope.element) != "adHocSubProcess":
        _check_reachability(scope, findings)


def _check_flows(scope: Scope, findings: Findings) -> bool:
    """Report the flows' problems; False when a flow's end is broken (already reported)."""
    whole = True
    for flow in scope.flows:
        for end in ("sourceRef", "targetRef"):
            ref = flow.get(end)
            if ref is None:
                whole = False  # the schema reports the missing attribute
            elif ref not in scope.nodes:
                whole = False
                where = "outside this (sub)process" if _exists(flow, ref) else "not in the file"
                findings.add(
                    flow,
                    f"sequence flow {end} '{ref}' is {where}",
                    "connect the flow to an element of the same process or subprocess",
                )
        condition = flow.find("bpmn:conditionExpression", NSMAP)
        source = scope.nodes.get(flow.get("sourceRef", ""))
        if condition is not None and source is not None:
            _check_condition_source(flow, condition, source, findings)
    return whole


def _exists(element: etree._Element, element_id: str) -> bool:
    return bool(element.getroottree().getroot().xpath("//*[@id=$id]", id=element_id))


def _check_condition_source(
    flow: etree._Element, condition: etree._Element, source: etree._Element, findings: Findings
) -> None:
    kind = local_name(source)
    if kind == "parallelGateway":
        findings.warn(
            condition,
            "a condition on a flow out of a parallel gateway is ignored: every flow is taken",
            "remove the condition, or use an inclusive gateway to choose the flows",
        )
        return
    if kind in CONDITIONAL_GATEWAYS or kind in ACTIVITIES:  # §10.2.1
        if source.get("default") == flow.get("id"):
            findings.add(
                condition,
                "the default flow of a gateway must not have a condition",
                "remove the condition: the default is taken when no other condition holds",
            )
        return
    findings.add(
        condition,
        f"a condition on a flow out of a {kind} is not supported",
        "put an exclusive or inclusive gateway after the element and the condition on its flow",
    )


def _check_node(
    scope: Scope, node: etree._Element, findings: Findings, process_ids: frozenset[str]
) -> None:
    kind = local_name(node)
    node_id = node.get("id")
    outgoing = scope.outgoing.get(node_id, [])
    if kind == "startEvent" and scope.incoming.get(node_id):
        findings.add(node, "a start event cannot have incoming sequence flows", "remove them")
    if kind == "endEvent" and outgoing:
        findings.add(node, "an end event cannot have outgoing sequence flows", "remove them")
    if kind in CONDITIONAL_GATEWAYS:
        _check_gateway(node, outgoing, findings)
    if kind in ACTIVITIES:
        _check_activity_flows(scope, node, outgoing, findings)
    if kind == "callActivity":
        _check_call(node, findings, process_ids)
    if kind == "boundaryEvent":
        _check_boundary(scope, node, findings)


def _check_activity_flows(
    scope: Scope, node: etree._Element, outgoing: list[etree._Element], findings: Findings
) -> None:
    """§10.3.4: an event subprocess has no incoming or outgoing sequence flow; §10.2.1:
    a conditional flow out of an activity needs another flow out of it."""
    if node.get("triggeredByEvent") == "true":
        if outgoing or scope.incoming.get(node.get("id")):
            findings.add(
                node,
                "an event subprocess cannot have incoming or outgoing sequence flows",
                "remove them: its start event's trigger starts it",
            )
        return
    conditional = [f for f in outgoing if f.find("bpmn:conditionExpression", NSMAP) is not None]
    if conditional and len(outgoing) < 2:
        findings.add(
            conditional[0],
            "a conditional sequence flow out of an activity needs another outgoing flow",
            "add a default flow, or remove the condition",
        )


def _check_gateway(
    gateway: etree._Element, outgoing: list[etree._Element], findings: Findings
) -> None:
    default = gateway.get("default")
    flow_ids = {flow.get("id") for flow in outgoing}
    if default is not None and default not in flow_ids:
        findings.add(
            gateway,
            f"default flow '{default}' does not leave this gateway",
            "choose one of the gateway's outgoing flows as its default",
        )
    if len(outgoing) < 2:
        return
    for flow in outgoing:
        if flow.get("id") != default and flow.find("bpmn:conditionExpression", NSMAP) is None:
            findings.add(
                flow,
                f"flow out of gateway '{gateway.get('id')}' has neither a condition "
                "nor is the default",
                "give the flow a condition such as ${approved}, or make it the gateway's default",
            )


def _check_call(node: etree._Element, findings: Findings, process_ids: frozenset[str]) -> None:
    called = node.get("calledElement")
    if not called:
        findings.add(node, "call activity names no process to call", "set 'Called element'")
    elif called not in process_ids:
        findings.add(
            node,
            f"call activity calls '{called}', which is not a process of this deployment",
            "deploy the called process's file together with this one",
        )


def _check_boundary(scope: Scope, node: etree._Element, findings: Findings) -> None:
    host = scope.nodes.get(node.get("attachedToRef", ""))
    if host is None or local_name(host) not in ACTIVITIES:
        findings.add(
            node,
            f"boundary event is attached to '{node.get('attachedToRef')}', not to a task here",
            "attach the event to a task or subprocess of the same process",
        )


def _check_reachability(scope: Scope, findings: Findings) -> None:
    nodes = {i: n for i, n in scope.nodes.items() if not _outside_the_flow(n)}
    starts = [i for i, n in nodes.items() if local_name(n) == "startEvent"]
    if not starts:
        findings.add(scope.element, "no start event", "add a start event")
        return
    successors = _successors(scope, nodes)
    predecessors: dict[str, set[str]] = defaultdict(set)
    for source, targets in successors.items():
        for target in targets:
            predecessors[target].add(source)
    reached = _closure(starts, successors)
    path_ends = {i for i, n in nodes.items() if not successors[i] or local_name(n) == "endEvent"}
    dead_ends = [i for i in reached & path_ends if not _may_end_a_path(nodes[i])]
    ends = [i for i in path_ends if _may_end_a_path(nodes[i])]
    finishing = _closure(ends, predecessors)
    stuck_at_dead_end = _closure(dead_ends, predecessors)
    for node_id, node in nodes.items():
        if node_id not in reached:
            findings.add(node, "not reachable from a start event", "connect it, or delete it")
        elif node_id in dead_ends:
            findings.add(
                node,
                "no outgoing sequence flow, and not an end event",
                "connect it to the next step or to an end event",
            )
        elif not successors[node_id] and local_name(node) != "endEvent":
            findings.warn(
                node,
                "no outgoing sequence flow: its path ends here (an implicit end event)",
                "connect it to an end event to show where the process ends",
            )
        elif node_id not in finishing | stuck_at_dead_end and _on_cycle(node_id, successors):
            findings.add(
                node,
                "cannot reach an end event (a loop with no way out)",
                "add a gateway with a flow that leaves the loop",
            )


def _may_end_a_path(node: etree._Element) -> bool:
    """An end event, or an activity: one with no outgoing flow ends its path implicitly.

    BPMN 2.0 §10.5.3 makes end events optional: "activities without outgoing
    Sequence Flows mark the end of a path", and the process ends when all its paths
    have (§13.2). Gateways and intermediate events have no such reading.
    """
    return local_name(node) == "endEvent" or local_name(node) in ACTIVITIES


def _on_cycle(node_id: str, successors: dict[str, set[str]]) -> bool:
    """Whether the node is in the loop itself, not on the way into it."""
    return node_id in _closure(successors[node_id], successors)


def _outside_the_flow(node: etree._Element) -> bool:
    """Nodes no sequence flow leads to, by the standard's design.

    An event subprocess starts on its event (§10.3.4); a compensation handler
    (``isForCompensation``) and the compensation boundary event it hangs on are
    joined by an association, not by flows (§10.7.1).
    """
    kind = local_name(node)
    if kind in CONTAINERS and node.get("triggeredByEvent") == "true":
        return True
    if node.get("isForCompensation") == "true":
        return True
    return (
        kind == "boundaryEvent" and node.find("bpmn:compensateEventDefinition", NSMAP) is not None
    )


def _successors(scope: Scope, nodes: dict[str, etree._Element]) -> dict[str, set[str]]:
    """Flows, plus task → its boundary events, plus link throw → link catch."""
    successors: dict[str, set[str]] = {node_id: set() for node_id in nodes}
    for flow in scope.flows:
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        if source in successors and target in successors:
            successors[source].add(target)
    catches = defaultdict(set)
    for node_id, node in nodes.items():
        if local_name(node) == "boundaryEvent" and node.get("attachedToRef") in successors:
            successors[node.get("attachedToRef")].add(node_id)
        link = _link_name(node)
        if link is not None and local_name(node) == "intermediateCatchEvent":
            catches[link].add(node_id)
    for node_id, node in nodes.items():
        link = _link_name(node)
        if link is not None and local_name(node) == "intermediateThrowEvent":
            successors[node_id] |= catches[link]
    return successors


def _link_name(node: etree._Element) -> str | None:
    link = node.find("bpmn:linkEventDefinition", NSMAP)
    return None if link is None else link.get("name", "")


def _closure(roots: Iterable[str], edges: dict[str, set[str]]) -> set[str]:
    seen = set(roots)
    stack = list(seen)
    while stack:
        for target in edges.get(stack.pop(), ()):
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen

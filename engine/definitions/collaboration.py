"""The BPMN 2.0 rules of message flows between pools (§9.4) and of process attributes.

A message flow connects two participants: it never stays inside one pool, and each
end must be able to send or receive (a start event receives, an end event sends).
The attribute rules are the constraints of the element tables that the XML Schema
cannot say (quantities, public processes, collections, imports).
"""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

from engine.definitions.dialect import BPMN_NS, NSMAP
from engine.definitions.events import definitions_of
from engine.definitions.findings import Findings
from engine.definitions.flow_nodes import local_name

__all__ = ["check_collaboration", "check_imports"]

_NEVER_SENDS = {"startEvent", "intermediateCatchEvent", "boundaryEvent"}
_NEVER_RECEIVES = {"endEvent", "intermediateThrowEvent"}
_EXPRESSIONS = {"transformation", "from", "to", "loopCondition", "activationCondition"}
_BPMN_IMPORT = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def check_collaboration(root: etree._Element, findings: Findings) -> None:
    """Message flows, and the attributes of every element of the file."""
    pools = _pools(root)
    for flow in root.iter(f"{{{BPMN_NS}}}messageFlow"):
        _check_message_flow(root, flow, pools, findings)
    _check_message_references(root, findings)
    _check_attributes(root, findings)


def _pools(root: etree._Element) -> dict[str, str]:
    """Element id → the id of the participant (pool) it belongs to."""
    owner: dict[str, str] = {}
    for participant in root.iter(f"{{{BPMN_NS}}}participant"):
        pool = participant.get("id", "")
        owner[pool] = pool
        process = _by_id(root, participant.get("processRef", ""))
        if process is not None:
            owner[process.get("id", "")] = pool
            for element in process.iter():
                if isinstance(element.tag, str) and element.get("id"):
                    owner[element.get("id")] = pool
    return owner


def _by_id(root: etree._Element, element_id: str) -> etree._Element | None:
    found = root.xpath("//*[@id=$id]", id=element_id) if element_id else []
    return found[0] if found else None


def _check_message_flow(
    root: etree._Element, flow: etree._Element, pools: Mapping[str, str], findings: Findings
) -> None:
    source_id, target_id = flow.get("sourceRef", ""), flow.get("targetRef", "")
    source_pool, target_pool = pools.get(source_id), pools.get(target_id)
    if source_pool is not None and source_pool == target_pool:
        findings.add(
            flow,
            "a message flow connects two pools; both ends are in the same one (BPMN 2.0 §9.4)",
            "use a sequence flow inside a pool, or move one end to another pool",
        )
    source, target = _by_id(root, source_id), _by_id(root, target_id)
    if source is not None and local_name(source) in _NEVER_SENDS:
        findings.add(
            flow,
            f"a {local_name(source)} cannot send a message flow (BPMN 2.0 §10.5)",
            "start the message flow at a task, a throw event or an end event",
        )
    if target is not None and local_name(target) in _NEVER_RECEIVES:
        findings.add(
            flow,
            f"a {local_name(target)} cannot receive a message flow (BPMN 2.0 §10.5)",
            "end the message flow at a task, a catch event or a start event",
        )
    for end, kind in ((target, "startEvent"), (source, "endEvent")):
        if end is not None and local_name(end) == kind and "message" not in _triggers(end):
            findings.add(
                flow,
                f"the {kind} '{end.get('id')}' at this message flow has no message trigger",
                "give the event a message event definition (BPMN 2.0 §10.5.2, §10.5.3)",
            )


def _check_message_references(root: etree._Element, findings: Findings) -> None:
    """A message event is caught by its message's name, so it must name a declared one."""
    messages = {m.get("id"): m.get("name") for m in root.findall("bpmn:message", NSMAP)}
    for definition in root.iter(f"{{{BPMN_NS}}}messageEventDefinition"):
        reference = definition.get("messageRef")
        if reference not in messages:
            named = f"message '{reference}', which is not declared" if reference else "no message"
            findings.add(
                definition,
                f"the message event names {named}",
                "pick or create the message in the modeler (a <bpmn:message> with a name)",
            )
        elif not messages[reference]:
            findings.add(
                definition,
                f"message '{reference}' has no name",
                "give the message a name: senders deliver it by that name",
            )


def _triggers(event: etree._Element) -> set[str]:
    return {kind for kind, _ in definitions_of(event)}


def _check_attributes(root: etree._Element, findings: Findings) -> None:
    for element in root.iter():
        for name in ("startQuantity", "completionQuantity"):
            value = element.get(name)
            if value is not None and value.strip().lstrip("-").isdigit() and int(value) < 1:
                findings.add(
                    element,
                    f"{name} is {value}; it must be at least 1 (BPMN 2.0 §10.3.1)",
                    f"set {name} to 1 or remove it",
                )
        if local_name(element) in _EXPRESSIONS and not (element.text or "").strip():
            findings.add(
                element,
                "an expression needs a body (BPMN 2.0 §8.3.8)",
                "write the expression, or remove the element",
            )
        if local_name(element) == "sequenceFlow" and element.get("isImmediate") == "false":
            findings.add(
                element,
                'isImmediate="false" is not allowed in an executable process (BPMN 2.0 §8.3.13)',
                "remove the attribute",
            )
    for process in root.iterfind("bpmn:process", NSMAP):
        if process.get("processType") == "Public" and process.get("isExecutable") == "true":
            findings.add(
                process,
                "a public process cannot be executable (BPMN 2.0 §10.2)",
                'set processType to "Private", or isExecutable to false',
            )
    _check_collections(root, findings)


def _check_collections(root: etree._Element, findings: Findings) -> None:
    """§10.4.1: an item-aware element is a collection exactly when its item definition is."""
    for element in root.iter(
        f"{{{BPMN_NS}}}dataObject", f"{{{BPMN_NS}}}dataInput", f"{{{BPMN_NS}}}dataOutput"
    ):
        item = _by_id(root, element.get("itemSubjectRef", ""))
        if item is None or local_name(item) != "itemDefinition":
            continue
        mine = element.get("isCollection", "false") == "true"
        its = item.get("isCollection", "false") == "true"
        if mine != its:
            findings.add(
                element,
                f"isCollection is {str(mine).lower()}, but its item definition "
                f"'{item.get('id')}' says {str(its).lower()} (BPMN 2.0 §10.4.1)",
                "make isCollection the same on both",
            )


def check_imports(root: etree._Element, findings: Findings, namespaces: Mapping[str, str]) -> None:
    """A BPMN import (§8.3.4) must name a file of the deployment with that namespace.

    ``namespaces``: the target namespace of each file of the deployment, by file name.
    """
    for item in root.iterfind("bpmn:import", NSMAP):
        if item.get("importType") != _BPMN_IMPORT:
            continue
        location = (item.get("location") or "").strip()
        name = _base_name(location)
        found = {f: ns for f, ns in namespaces.items() if _base_name(f) == name}
        if not name or not found:
            findings.add(
                item,
                f"the imported file '{location}' is not part of this deployment",
                "deploy the imported file together with this one",
            )
        elif item.get("namespace") not in found.values():
            findings.add(
                item,
                f"'{location}' has target namespace {next(iter(found.values()))!r}, "
                f"not {item.get('namespace')!r}",
                "make the import's namespace the imported file's targetNamespace",
            )


def _base_name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]

"""The BPMN 2.0 rule that a reference names an element of the kind its attribute says.

The XML Schema types most references as a bare id (QName or IDREF), so it accepts a
message flow whose ``messageRef`` names a participant, or a data association whose
``targetRef`` names a start event. The element tables of the specification say which
class each reference must name; this module checks the references govflow or a
reader of the model follows. A reference that names no element of the file is not
judged here: it may name an imported element, and the checks of each construct
(flows, events, call activities) report the unresolved ones they use.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from lxml import etree

from engine.definitions.dialect import BPMN_NS
from engine.definitions.findings import Findings
from engine.definitions.flow_nodes import FLOW_NODES, local_name

__all__ = ["check_reference_kinds"]

_EVENTS = frozenset(kind for kind in FLOW_NODES if kind.endswith("Event"))
_ACTIVITIES = frozenset(kind for kind in FLOW_NODES if not kind.endswith(("Event", "Gateway")))
_INTERACTION_NODES = (
    _EVENTS | _ACTIVITIES | {"participant", "conversation", "subConversation", "callConversation"}
)
"""§9.4, Table 9.17: a message flow connects InteractionNodes: participants, tasks,
events and conversation nodes (bpmn-js also lets it touch a subprocess or call
activity, which the standard does not forbid from the process side)."""
_ITEM_AWARE = frozenset(
    {"dataObject", "dataObjectReference", "dataStore", "dataStoreReference", "property"}
    | {"dataInput", "dataOutput"}
)
"""§10.4.1: the ItemAwareElements a data association reads from or writes to."""
_EVENT_DEFINITIONS = frozenset(
    f"{kind}EventDefinition"
    for kind in [
        "message",
        "timer",
        "error",
        "escalation",
        "cancel",
        "compensate",
        "conditional",
        "link",
        "signal",
        "terminate",
    ]
)


_GROUPS: dict[str, tuple[frozenset[str], str]] = {
    "interactionNode": (_INTERACTION_NODES, "a participant, task or event"),
    "activity": (_ACTIVITIES, "an activity"),
    "itemAware": (_ITEM_AWARE, "a data element"),
    "flowNode": (FLOW_NODES, "a flow node"),
    "eventDefinition": (_EVENT_DEFINITIONS, "an event definition"),
}
"""Targets a reference may name that are several classes of the standard."""


@dataclass(frozen=True)
class _Reference:
    owners: tuple[str, ...]
    names: tuple[str, ...]
    """``@attr`` for an attribute, a tag for a child element holding the id."""
    wanted: frozenset[str]
    words: str
    section: str


def _table(rows: str) -> tuple[_Reference, ...]:
    """``owners | names | wanted class or group | section`` rows, one per line."""
    references = []
    for row in rows.strip().splitlines():
        owners, names, wanted, section = (cell.strip() for cell in row.split("|"))
        kinds, words = _GROUPS.get(wanted, (frozenset({wanted}), f"{_article(wanted)} {wanted}"))
        references.append(
            _Reference(tuple(owners.split()), tuple(names.split()), kinds, words, section)
        )
    return tuple(references)


def _article(kind: str) -> str:
    return "an" if kind[:1] in "aeiou" else "a"


_REFERENCES = _table(
    """
    message | @itemRef | itemDefinition | §8.3.11
    error | @structureRef | itemDefinition | §8.3.3
    escalation | @structureRef | itemDefinition | §8.3.4
    signal | @structureRef | itemDefinition | §10.5.1
    dataObject dataInput dataOutput property dataStore | @itemSubjectRef | itemDefinition | §10.4.1
    messageFlow | @messageRef | message | §9.4
    messageFlow | @sourceRef @targetRef | interactionNode | §9.4
    participant | @processRef | process | §9.2
    process | @definitionalCollaborationRef | collaboration | §10.2
    group | @categoryValueRef | categoryValue | §8.3.1
    performer humanPerformer potentialOwner resourceRole | resourceRef | resource | §10.2
    participant process | interfaceRef | interface | §8.4
    process | supportedInterfaceRef | interface | §8.4
    partnerEntity partnerRole | participantRef | participant | §9.2
    choreographyTask | participantRef | participant | §11.4
    collaboration | choreographyRef | choreography | §9.2
    sendTask receiveTask serviceTask | @operationRef | operation | §10.3.3
    sendTask receiveTask | @messageRef | message | §10.3.3
    operation | inMessageRef outMessageRef | message | §8.4
    operation | errorRef | error | §8.4
    messageEventDefinition | @messageRef | message | §10.5.4
    messageEventDefinition | operationRef | operation | §10.5.4
    errorEventDefinition | @errorRef | error | §10.5.4
    escalationEventDefinition | @escalationRef | escalation | §10.5.4
    signalEventDefinition | @signalRef | signal | §10.5.4
    compensateEventDefinition | @activityRef | activity | §10.5.4
    dataObjectReference | @dataObjectRef | dataObject | §10.4.1
    dataStoreReference | @dataStoreRef | dataStore | §10.4.1
    dataInputAssociation dataOutputAssociation | sourceRef targetRef | itemAware | §10.4.1
    inputSet | dataInputRefs | dataInput | §10.4.1
    outputSet | dataOutputRefs | dataOutput | §10.4.1
    ioBinding | @operationRef | operation | §10.4.1
    ioBinding | @inputDataRef | dataInput | §10.4.1
    ioBinding | @outputDataRef | dataOutput | §10.4.1
    lane | flowNodeRef | flowNode | §10.8
    correlationPropertyRetrievalExpression | @messageRef | message | §8.3.2
    correlationKey | correlationPropertyRef | correlationProperty | §8.3.2
    multiInstanceLoopCharacteristics | @oneBehaviorEventRef | eventDefinition | §10.3.6
    multiInstanceLoopCharacteristics | @noneBehaviorEventRef | eventDefinition | §10.3.6
    """
)
"""Which element may own the reference, its attribute or child, what it must name,
and the section whose element table says so."""


def check_reference_kinds(root: etree._Element, findings: Findings) -> None:
    """Report each reference of the file that names an element of the wrong kind."""
    ids = _ids(root)
    by_owner: dict[str, list[_Reference]] = {}
    for reference in _REFERENCES:
        for owner in reference.owners:
            by_owner.setdefault(owner, []).append(reference)
    for element in root.iter(f"{{{BPMN_NS}}}*"):
        for reference in by_owner.get(local_name(element), ()):
            for name in reference.names:
                for place, target_id in _targets(element, name):
                    _check_target(place, reference, name, target_id, ids, findings)
    _check_event_definition_refs(root, ids, findings)


def _ids(root: etree._Element) -> Mapping[str, etree._Element]:
    """The BPMN elements by id (an extension's ids, such as a form value's, are no BPMN ids)."""
    ids: dict[str, etree._Element] = {}
    for element in root.iter(f"{{{BPMN_NS}}}*"):
        if element.get("id"):
            ids.setdefault(element.get("id", ""), element)
    return ids


def _targets(element: etree._Element, name: str) -> Iterator[tuple[etree._Element, str]]:
    """(element to report at, the id named) for each value of the reference."""
    if name.startswith("@"):
        value = element.get(name[1:])
        if value:
            yield element, value
        return
    for child in element.iterfind(f"{{{BPMN_NS}}}{name}"):
        if (child.text or "").strip():
            yield child, (child.text or "").strip()


def _bare(target_id: str) -> str:
    """``tns:Message_1`` → ``Message_1``: a QName names an id of this file by its local part."""
    return target_id.rpartition(":")[2]


def _check_target(
    place: etree._Element,
    reference: _Reference,
    name: str,
    target_id: str,
    ids: Mapping[str, etree._Element],
    findings: Findings,
) -> None:
    target = ids.get(target_id) if target_id in ids else ids.get(_bare(target_id))
    if target is None:
        return
    found = local_name(target) or etree.QName(target).localname
    if found in reference.wanted:
        return
    name = name.lstrip("@")
    kind = f"{_article(found)} {found}"
    findings.add(
        place,
        f"{name} '{target_id}' names {kind}, where BPMN 2.0 {reference.section} "
        f"asks for {reference.words}",
        f"point {name} at {reference.words} of this file",
    )


def _check_event_definition_refs(
    root: etree._Element, ids: Mapping[str, etree._Element], findings: Findings
) -> None:
    """§10.5.1: ``eventDefinitionRef`` names a reusable event definition, which is a
    root element (a child of ``definitions``), never the definition inside another event."""
    for reference in root.iter(f"{{{BPMN_NS}}}eventDefinitionRef"):
        target_id = (reference.text or "").strip()
        target = ids.get(target_id)
        if target is None or target.getparent() is root:
            continue
        owner = target.getparent()
        findings.add(
            reference,
            f"eventDefinitionRef '{target_id}' names the event definition inside "
            f"'{owner.get('id') if owner is not None else ''}', where BPMN 2.0 §10.5.1 "
            "asks for one defined at the top of the file",
            "move the event definition to the top of the file, or define it inline here",
        )

"""The BPMN 2.0 rules of events: which triggers each kind of event may carry, where.

The tables of §10.5 (Table 10.84 for start events of a process, 10.86 for event
subprocesses, 10.88 for end events, 10.89 for boundary events, 10.90 and 10.91 for
intermediate events) list the event definitions each event may hold; a model that
breaks them is refused before SpiffWorkflow, which accepts most of them and then
either ignores the trigger or waits forever.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from lxml import etree

from engine.definitions.dialect import BPMN_NS, NSMAP
from engine.definitions.findings import Findings
from engine.definitions.flow_nodes import local_name

__all__ = ["check_events", "definitions_of"]

_CONTAINERS = {"process", "subProcess", "transaction", "adHocSubProcess"}
_PROCESS_STARTS = {"message", "timer", "conditional", "signal"}
_EVENT_SUBPROCESS_STARTS = {"message", "timer", "escalation", "error", "compensate"}
_EVENT_SUBPROCESS_STARTS |= {"conditional", "signal"}
_ONLY_INTERRUPTING = {"error", "compensate"}
_ENDS = {"message", "escalation", "error", "cancel", "compensate", "signal", "terminate"}
_CATCHES = {"message", "timer", "conditional", "link", "signal"}
_THROWS = {"message", "escalation", "compensate", "link", "signal"}
_BOUNDARY_NEVER = {"link", "terminate"}
_BOUNDARY_NEVER_NON_INTERRUPTING = _BOUNDARY_NEVER | {"error", "cancel", "compensate"}


def definitions_of(event: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    """(kind, element) of each event definition: inline, or named by eventDefinitionRef.

    ``kind`` is ``message`` for a ``messageEventDefinition``; a reference that names
    no event definition yields ("", the reference), reported by :func:`check_events`.
    """
    for child in event:
        kind = local_name(child)
        if kind.endswith("EventDefinition"):
            yield kind[: -len("EventDefinition")], child
        elif kind == "eventDefinitionRef":
            target = _by_id(event, (child.text or "").strip())
            target_kind = local_name(target) if target is not None else ""
            if target is not None and target_kind.endswith("EventDefinition"):
                yield target_kind[: -len("EventDefinition")], target
            else:
                yield "", child


def _by_id(element: etree._Element, element_id: str) -> etree._Element | None:
    found = element.getroottree().getroot().xpath("//*[@id=$id]", id=element_id)
    return found[0] if found else None


def check_events(process: etree._Element, findings: Findings) -> None:
    """Report every event of ``process`` (at any depth) that breaks the tables of §10.5."""
    for event in process.iter(*(f"{{{BPMN_NS}}}{kind}" for kind in _CHECKS)):
        definitions = list(definitions_of(event))
        for kind, element in definitions:
            if not kind:
                findings.add(
                    element,
                    f"eventDefinitionRef '{(element.text or '').strip()}' names no event "
                    "definition of the file",
                    "declare the event definition at the top of the file, or define it inline",
                )
        kinds = [kind for kind, _ in definitions if kind]
        _CHECKS[local_name(event)](event, kinds, findings)
        _check_event_data(event, len(kinds), findings)
    _check_links(process, findings)


def _refuse_kinds(
    event: etree._Element, kinds: list[str], allowed: set[str], where: str, findings: Findings
) -> None:
    for kind in sorted(set(kinds) - allowed):
        findings.add(
            event,
            f"a {kind} trigger is not allowed on {where} (BPMN 2.0 §10.5)",
            f"use one of: {', '.join(sorted(allowed)) or 'none'}",
        )


def _check_start(event: etree._Element, kinds: list[str], findings: Findings) -> None:
    parent = event.getparent()
    container = local_name(parent) if parent is not None else ""
    if container == "process":
        _refuse_kinds(event, kinds, _PROCESS_STARTS, "the start event of a process", findings)
    elif container == "adHocSubProcess":
        findings.add(
            event,
            "an ad-hoc subprocess has no start event (BPMN 2.0 §10.3.5)",
            "remove it: the activities of an ad-hoc subprocess start in any order",
        )
    elif parent is not None and parent.get("triggeredByEvent") == "true":
        _check_event_subprocess_start(event, kinds, findings)
    elif kinds:
        findings.add(
            event,
            "the start event of a subprocess must have no trigger (BPMN 2.0 §10.5.2)",
            "remove the event definition, or make the subprocess an event subprocess",
        )


def _check_event_subprocess_start(
    event: etree._Element, kinds: list[str], findings: Findings
) -> None:
    if not kinds:
        findings.add(
            event,
            "the start event of an event subprocess needs a trigger (BPMN 2.0 §10.3.4)",
            "give it a message, timer, signal, error, escalation or conditional definition",
        )
        return
    allowed = set(_EVENT_SUBPROCESS_STARTS)
    if event.get("isInterrupting") == "false":
        allowed -= _ONLY_INTERRUPTING
    _refuse_kinds(event, kinds, allowed, "this event subprocess's start event", findings)


def _check_end(event: etree._Element, kinds: list[str], findings: Findings) -> None:
    _refuse_kinds(event, kinds, _ENDS, "an end event", findings)
    parent = event.getparent()
    if "cancel" in kinds and parent is not None and local_name(parent) != "transaction":
        findings.add(
            event,
            "a cancel end event is only allowed inside a transaction (BPMN 2.0 §10.5.3)",
            "put it in a transaction subprocess, or use a terminate or error end event",
        )
    _check_escalation_codes(event, findings)


def _check_intermediate_catch(event: etree._Element, kinds: list[str], findings: Findings) -> None:
    if not kinds:
        findings.add(
            event,
            "an intermediate catch event needs a trigger (BPMN 2.0 §10.5.4)",
            "give it a message, timer, signal, conditional or link definition",
        )
    _refuse_kinds(event, kinds, _CATCHES, "an intermediate catch event", findings)


def _check_intermediate_throw(event: etree._Element, kinds: list[str], findings: Findings) -> None:
    _refuse_kinds(event, kinds, _THROWS, "an intermediate throw event", findings)
    _check_escalation_codes(event, findings)


def _check_boundary(event: etree._Element, kinds: list[str], findings: Findings) -> None:
    if not kinds:
        findings.add(
            event,
            "a boundary event needs a trigger (BPMN 2.0 §10.5.4)",
            "give it a timer, message, signal, error, escalation or conditional definition",
        )
    interrupting = event.get("cancelActivity") != "false"
    never = _BOUNDARY_NEVER if interrupting else _BOUNDARY_NEVER_NON_INTERRUPTING
    where = "a boundary event" if interrupting else "a non-interrupting boundary event"
    for kind in sorted(set(kinds) & never):
        findings.add(
            event,
            f"a {kind} trigger is not allowed on {where} (BPMN 2.0 §10.5.4, Table 10.89)",
            "use a timer, message, signal, escalation or conditional trigger",
        )
    host = _by_id(event, event.get("attachedToRef", ""))
    if "cancel" in kinds and host is not None and local_name(host) != "transaction":
        findings.add(
            event,
            "a cancel boundary event must be attached to a transaction (BPMN 2.0 §10.5.4)",
            "attach it to a transaction subprocess, or use an error boundary event",
        )


def _check_escalation_codes(event: etree._Element, findings: Findings) -> None:
    """A thrown escalation is caught by its code, so it must name an escalation with one."""
    for definition in event.iterfind("bpmn:escalationEventDefinition", NSMAP):
        reference = definition.get("escalationRef")
        escalation = _by_id(event, reference) if reference else None
        if escalation is None or not escalation.get("escalationCode"):
            findings.add(
                definition,
                "a thrown escalation must name an escalation with a code (BPMN 2.0 §10.5.4)",
                'declare <bpmn:escalation id="…" escalationCode="…"/> and reference it',
            )


def _check_event_data(event: etree._Element, definition_count: int, findings: Findings) -> None:
    """§10.5.1: a catch event with data outputs has one per trigger; a throw, inputs."""
    for tag in ("dataOutput", "dataInput"):
        data = event.findall(f"bpmn:{tag}", NSMAP)
        if data and len(data) < definition_count:
            findings.add(
                data[0],
                f"{len(data)} {tag}(s) for {definition_count} event definitions; "
                "each event definition needs its own",
                f"add a {tag} for each trigger, or remove them",
            )


def _check_links(process: etree._Element, findings: Findings) -> None:
    """§10.5.4: a link throw goes to exactly one catch of the same name and level."""
    catches: dict[tuple[int, str], list[etree._Element]] = defaultdict(list)
    throws: list[tuple[etree._Element, str]] = []
    for event in process.iter(f"{{{BPMN_NS}}}intermediateCatchEvent"):
        for definition in event.iterfind("bpmn:linkEventDefinition", NSMAP):
            catches[(id(event.getparent()), definition.get("name", ""))].append(event)
    for event in process.iter(f"{{{BPMN_NS}}}intermediateThrowEvent"):
        for definition in event.iterfind("bpmn:linkEventDefinition", NSMAP):
            throws.append((event, definition.get("name", "")))
    for event, name in throws:
        if not catches.get((id(event.getparent()), name)):
            findings.add(
                event,
                f"link '{name}' has no catching link event of that name at this level",
                "add an intermediate catch link event with the same name in the same (sub)process",
            )
    for (_, name), events in catches.items():
        for event in events[1:]:
            findings.add(
                event,
                f"link '{name}' is caught twice at this level; a link has one target",
                "give each catching link event its own name",
            )


_CHECKS = {
    "startEvent": _check_start,
    "endEvent": _check_end,
    "intermediateCatchEvent": _check_intermediate_catch,
    "intermediateThrowEvent": _check_intermediate_throw,
    "boundaryEvent": _check_boundary,
}

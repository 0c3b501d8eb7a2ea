"""The BPMN 2.0 rules of the data a message, signal, error or escalation carries.

A send task, receive task or event that declares data inputs or outputs passes the
payload of its message (or signal, error, escalation) through them: §10.3.3 and
§10.5.1 ask for one input or output for it, of the payload's item definition.
"""

from __future__ import annotations

from lxml import etree

from engine.definitions.dialect import BPMN_NS, NSMAP
from engine.definitions.events import definitions_of
from engine.definitions.findings import Findings

__all__ = ["check_data", "check_io_bindings", "same_structure"]

_PAYLOAD = {
    "message": ("messageRef", "itemRef"),
    "signal": ("signalRef", "structureRef"),
    "error": ("errorRef", "structureRef"),
    "escalation": ("escalationRef", "structureRef"),
}
_TASK_DATA = {"sendTask": ("dataInput", "inputSet"), "receiveTask": ("dataOutput", "outputSet")}


def check_data(process: etree._Element, findings: Findings) -> None:
    """Report message tasks and events whose data does not fit their payload."""
    for kind, (data_tag, set_tag) in _TASK_DATA.items():
        for task in process.iter(f"{{{BPMN_NS}}}{kind}"):
            if task.get("messageRef"):
                payload = _item_of(task, task.get("messageRef", ""), "itemRef")
                _check_task(task, kind, data_tag, set_tag, payload, "its message", findings)
    for task in process.iter(f"{{{BPMN_NS}}}serviceTask"):
        _check_service_task(task, findings)
    for tag in ("startEvent", "intermediateCatchEvent", "boundaryEvent"):
        for event in process.iter(f"{{{BPMN_NS}}}{tag}"):
            _check_event(event, "dataOutput", findings)
    for tag in ("endEvent", "intermediateThrowEvent"):
        for event in process.iter(f"{{{BPMN_NS}}}{tag}"):
            _check_event(event, "dataInput", findings)


def check_io_bindings(owner: etree._Element, findings: Findings) -> None:
    """§10.4.1 (InputOutputBinding): a process or global task bound to an operation takes
    the operation's in-message as its bound data input and gives its out-message as
    the bound data output, so each carries the item definition of its message."""
    root = owner.getroottree().getroot()
    for binding in owner.iterfind("bpmn:ioBinding", NSMAP):
        operations = root.xpath(
            "//bpmn:operation[@id=$id]", namespaces=NSMAP, id=binding.get("operationRef", "")
        )
        if not operations:
            continue
        for data_ref, message_tag in (
            ("inputDataRef", "inMessageRef"),
            ("outputDataRef", "outMessageRef"),
        ):
            data = owner.xpath(
                "./bpmn:ioSpecification/*[@id=$id]", namespaces=NSMAP, id=binding.get(data_ref, "")
            )
            message = (operations[0].findtext(f"bpmn:{message_tag}", "", NSMAP) or "").strip()
            if data and message:
                payload = _item_of(owner, message, "itemRef")
                _check_item(
                    data[0],
                    payload,
                    f"the {message_tag} of operation '{binding.get('operationRef')}'",
                    findings,
                )


def _operation(task: etree._Element) -> etree._Element | None:
    root = task.getroottree().getroot()
    found = root.xpath("//bpmn:operation[@id=$id]", namespaces=NSMAP, id=task.get("operationRef"))
    return found[0] if found else None


def _check_service_task(task: etree._Element, findings: Findings) -> None:
    """§10.3.3 (Service Task): a service task that invokes an operation has one data
    input for the operation's in-message and, if it has one, one data output for
    its out-message, each of the message's item definition."""
    operation = _operation(task) if task.get("operationRef") else None
    if operation is None:
        return
    for data_tag, set_tag, message_tag in (
        ("dataInput", "inputSet", "inMessageRef"),
        ("dataOutput", "outputSet", "outMessageRef"),
    ):
        message = (operation.findtext(f"bpmn:{message_tag}", "", NSMAP) or "").strip()
        if not message:
            continue
        if task.find(f"bpmn:ioSpecification/bpmn:{data_tag}", NSMAP) is None:
            findings.add(
                task,
                f"the operation's {message_tag} '{message}' needs a {data_tag} of this "
                "service task (BPMN 2.0 §10.3.3)",
                f"add one {data_tag} of the message's item definition to the ioSpecification",
            )
            continue
        payload = _item_of(task, message, "itemRef")
        what = f"the {message_tag} of operation '{operation.get('id')}'"
        _check_task(task, "serviceTask", data_tag, set_tag, payload, what, findings)


def _check_task(
    task: etree._Element,
    kind: str,
    data_tag: str,
    set_tag: str,
    payload: etree._Element | None,
    what: str,
    findings: Findings,
) -> None:
    specification = task.find("bpmn:ioSpecification", NSMAP)
    if specification is None:
        return
    for tag in (data_tag, set_tag):
        found = specification.findall(f"bpmn:{tag}", NSMAP)
        if len(found) > 1:
            findings.add(
                found[1],
                f"a {kind} with a message has at most one {tag} (BPMN 2.0 §10.3.3)",
                f"keep one {tag}: it carries the message",
            )
    for data in specification.findall(f"bpmn:{data_tag}", NSMAP)[:1]:
        _check_item(data, payload, what, findings)


def _check_event(event: etree._Element, data_tag: str, findings: Findings) -> None:
    data = event.findall(f"bpmn:{data_tag}", NSMAP)
    for item_data, (kind, definition) in zip(data, definitions_of(event), strict=False):
        if kind in _PAYLOAD:
            reference, attribute = _PAYLOAD[kind]
            payload = _item_of(event, definition.get(reference, ""), attribute)
            _check_item(item_data, payload, f"its {kind}", findings)


def _item_of(element: etree._Element, reference: str, attribute: str) -> etree._Element | None:
    """The item definition the message/signal/error/escalation ``reference`` carries."""
    root = element.getroottree().getroot()
    found = root.xpath("//*[@id=$id]", id=reference) if reference else []
    item_id = found[0].get(attribute, "") if found else ""
    items = root.xpath("//bpmn:itemDefinition[@id=$id]", namespaces=NSMAP, id=item_id)
    return items[0] if item_id and items else None


def same_structure(one: etree._Element, other: etree._Element) -> bool:
    """Two item definitions of one declared structure are equivalent; two that declare
    none say nothing of being alike."""
    return bool(one.get("structureRef")) and one.get("structureRef") == other.get("structureRef")


def _check_item(
    data: etree._Element, payload: etree._Element | None, what: str, findings: Findings
) -> None:
    if payload is None:
        return
    mine = data.get("itemSubjectRef")
    if mine == payload.get("id"):
        return
    root = data.getroottree().getroot()
    items = root.xpath("//bpmn:itemDefinition[@id=$id]", namespaces=NSMAP, id=mine or "")
    if mine and items and same_structure(items[0], payload):
        return
    findings.add(
        data,
        f"'{data.get('id')}' has item definition '{mine or 'none'}', not "
        f"'{payload.get('id')}' of {what} (BPMN 2.0 §10.3.3, §10.5.1)",
        f'set itemSubjectRef="{payload.get("id")}"',
    )

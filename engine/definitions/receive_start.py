"""A receive task that instantiates its process, as BPMN 2.0 §10.3.3 (Receive Task) has it.

With ``instantiate="true"`` and no incoming flow, the receive task starts a new
instance of its process when its message arrives: it stands where a message start
event would, and the process needs no other start event (§13.2.3). SpiffWorkflow
knows only start events, so as a file is read, before it is checked, such a task
becomes the message start event it means, with its id and line.
"""

from __future__ import annotations

from lxml import etree

from engine.definitions.dialect import BPMN_NS, NSMAP

__all__ = ["instantiating_receives_as_starts"]

_MOVED = ("instantiate", "messageRef", "operationRef", "implementation")


def instantiating_receives_as_starts(root: etree._Element) -> None:
    """Make each instantiating receive task without incoming flows a message start event."""
    for task in list(root.iter(f"{{{BPMN_NS}}}receiveTask")):
        if task.get("instantiate") != "true" or _has_incoming(task):
            continue
        message = task.get("messageRef")
        for name in _MOVED:
            task.attrib.pop(name, None)
        task.tag = f"{{{BPMN_NS}}}startEvent"
        definition = etree.SubElement(task, f"{{{BPMN_NS}}}messageEventDefinition")
        if message:
            definition.set("messageRef", message)


def _has_incoming(task: etree._Element) -> bool:
    scope = task.getparent()
    if scope is None:
        return False
    return any(
        flow.get("targetRef") == task.get("id")
        for flow in scope.iterfind("bpmn:sequenceFlow", NSMAP)
    )

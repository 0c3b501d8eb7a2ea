"""What a BPMN file names outside itself: messages and signals other processes may
share, and the processes its call activities call.

A message or signal links processes only when both sides spell its name the same,
so the modeler offers the names the deployed processes already use; and a file
drawn in the modeler is validated and deployed with the deployed files of the
processes it calls, as ``govflow deploy`` validates a directory together.
"""

from __future__ import annotations

from lxml import etree

from engine.definitions.dialect import NSMAP
from engine.definitions.xmlsafe import XmlRefused, parse_xml

__all__ = ["called_processes", "event_names"]


def event_names(file_name: str, content: bytes) -> dict[str, set[str]]:
    """``{"message": names, "signal": names}`` of ``content`` (empty if unreadable)."""
    root = _root(file_name, content)
    if root is None:
        return {"message": set(), "signal": set()}
    return {kind: _names(root, kind) for kind in ("message", "signal")}


def called_processes(file_name: str, content: bytes) -> set[str]:
    """The processes ``content``'s call activities call that it does not define."""
    root = _root(file_name, content)
    if root is None:
        return set()
    called = {
        call.get("calledElement") or "" for call in root.iterfind(".//bpmn:callActivity", NSMAP)
    }
    defined = {process.get("id") for process in root.iterfind("bpmn:process", NSMAP)}
    return called - defined - {""}


def _root(file_name: str, content: bytes) -> etree._Element | None:
    try:
        return parse_xml(file_name, content).getroot()
    except XmlRefused:
        return None


def _names(root: etree._Element, kind: str) -> set[str]:
    return {
        name for element in root.iterfind(f"bpmn:{kind}", NSMAP) if (name := element.get("name"))
    }

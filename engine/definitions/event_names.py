"""The messages and signals a BPMN file names, for the modeler's pickers.

A message or signal links processes only when both sides spell its name the same,
so the modeler offers the names the deployed processes already use.
"""

from __future__ import annotations

from lxml import etree

from engine.definitions.dialect import NSMAP
from engine.definitions.xmlsafe import XmlRefused, parse_xml

__all__ = ["event_names"]


def event_names(file_name: str, content: bytes) -> dict[str, set[str]]:
    """``{"message": names, "signal": names}`` of ``content`` (empty if unreadable)."""
    try:
        root = parse_xml(file_name, content).getroot()
    except XmlRefused:
        return {"message": set(), "signal": set()}
    return {kind: _names(root, kind) for kind in ("message", "signal")}


def _names(root: etree._Element, kind: str) -> set[str]:
    return {
        name for element in root.iterfind(f"bpmn:{kind}", NSMAP) if (name := element.get("name"))
    }

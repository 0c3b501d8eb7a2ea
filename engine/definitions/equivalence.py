"""When two BPMN files define the same thing: equal but for formatting and drawing.

The modeler (bpmn-js) writes a file back in its own way: other quotes and spacing,
attributes reordered, ``exporter`` on the definitions, ``incoming``/``outgoing``
references on every flow node (they repeat the sequence flows' ``sourceRef`` and
``targetRef``), and shapes moved in the diagram interchange. None of that changes
what runs, so a deployment of such a file is "unchanged". Everything else counts:
ids, names, documentation, expressions, extension elements, their order.
"""

from __future__ import annotations

import hashlib

from lxml import etree

from engine.definitions.dialect import BPMN_NS
from engine.definitions.xmlsafe import parse_xml

__all__ = ["semantic_digest"]

_DRAWING_NAMESPACES = frozenset(
    {
        "http://www.omg.org/spec/BPMN/20100524/DI",
        "http://www.omg.org/spec/DD/20100524/DI",
        "http://www.omg.org/spec/DD/20100524/DC",
    }
)
_DERIVED_REFERENCES = frozenset({f"{{{BPMN_NS}}}incoming", f"{{{BPMN_NS}}}outgoing"})
_TOOL_ATTRIBUTES = frozenset({"exporter", "exporterVersion"})
_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


def semantic_digest(file_name: str, content: bytes) -> str:
    """A SHA-256 of what ``content`` defines, blind to formatting and the drawing;
    raises XmlRefused (engine.definitions.xmlsafe) for a file that is not XML."""
    root = parse_xml(file_name, content).getroot()
    return hashlib.sha256(repr(_canonical(root)).encode("utf-8")).hexdigest()


def _canonical(element: etree._Element) -> tuple[object, ...]:
    attributes = sorted(
        (name, _attribute_value(element, name, value))
        for name, value in element.attrib.items()
        if name not in _TOOL_ATTRIBUTES
    )
    children = tuple(
        _canonical(child) for child in element if isinstance(child.tag, str) and _is_semantic(child)
    )
    return (element.tag, tuple(attributes), (element.text or "").strip(), children)


def _is_semantic(element: etree._Element) -> bool:
    namespace = etree.QName(element).namespace
    return namespace not in _DRAWING_NAMESPACES and element.tag not in _DERIVED_REFERENCES


def _attribute_value(element: etree._Element, name: str, value: str) -> str:
    """An ``xsi:type`` names a type by prefix: compared by namespace instead."""
    if name != _XSI_TYPE or ":" not in value:
        return value
    prefix, local = value.split(":", 1)
    return f"{{{element.nsmap.get(prefix, prefix)}}}{local}"

"""What changed between two versions of a BPMN file: elements added, removed, changed,
and each changed property with its old and new value.

Computed here from the two deployed XMLs rather than in the browser (bpmn-js-differ),
because that library ships as modules that need a bundler, and because the server
already reads the Camunda and govflow extensions the table must list (units, due
dates, form fields, timers, scripts).

An *element* is anything with an id that the model places: the processes and
collaborations, each flow node, flow, lane, participant and message flow, and the
messages, signals and errors declared at the top. Everything beneath an element that
is not itself an element (attributes, extension elements, timer and condition texts,
scripts) is flattened into named *properties*, so a new form field or a changed
``PT2H`` is one row. The diagram's layout (``bpmndi``) is not compared: moving a
shape changes nothing that runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from lxml import etree

from engine.definitions.dialect import BPMN_NS, CAMUNDA_NS, GOVFLOW_NS
from engine.definitions.xmlsafe import XmlRefused, parse_xml
from engine.errors import InvalidDefinition

__all__ = ["ElementChange", "PropertyChange", "VersionDiff", "diff_versions"]

ChangeKind = Literal["added", "removed", "changed"]

_CONTAINERS = {"process", "subProcess", "transaction", "adHocSubProcess", "collaboration"}
_CONTAINERS |= {"laneSet"}
_SKIPPED_CHILDREN = {"incoming", "outgoing"}
"""Repeat what the flows' ``sourceRef``/``targetRef`` say."""
_PREFIXES = {BPMN_NS: "", CAMUNDA_NS: "camunda:", GOVFLOW_NS: "govflow:"}
_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
"""``tFormalExpression`` on every timer and condition: says nothing a designer changed."""


@dataclass(frozen=True)
class PropertyChange:
    """``name`` is a path such as ``camunda:dueDate`` or ``formField[budget].type``;
    ``old`` is None for a property added, ``new`` None for one removed."""

    name: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class ElementChange:
    element_id: str
    kind: ChangeKind
    element_type: str
    """The BPMN tag, such as ``userTask``."""
    name: str
    properties: tuple[PropertyChange, ...]


@dataclass(frozen=True)
class VersionDiff:
    changes: tuple[ElementChange, ...]

    def ids(self, kind: ChangeKind) -> list[str]:
        return [change.element_id for change in self.changes if change.kind == kind]


@dataclass(frozen=True)
class _Element:
    element_type: str
    properties: dict[str, str]


def diff_versions(old_xml: str, new_xml: str) -> VersionDiff:
    """The changes from ``old_xml`` to ``new_xml``, removed first, then changed, then
    added, each in document order."""
    old, new = _elements(old_xml), _elements(new_xml)
    removed = [_whole(i, old[i], "removed") for i in old if i not in new]
    changed = [_changed(i, old[i], new[i]) for i in new if i in old]
    added = [_whole(i, new[i], "added") for i in new if i not in old]
    return VersionDiff(tuple(removed + [c for c in changed if c.properties] + added))


def _whole(element_id: str, element: _Element, kind: ChangeKind) -> ElementChange:
    values = element.properties.items()
    if kind == "added":
        properties = tuple(PropertyChange(name, None, value) for name, value in values)
    else:
        properties = tuple(PropertyChange(name, value, None) for name, value in values)
    return ElementChange(element_id, kind, element.element_type, _name(element), properties)


def _changed(element_id: str, old: _Element, new: _Element) -> ElementChange:
    names = list(old.properties) + [n for n in new.properties if n not in old.properties]
    properties = tuple(
        PropertyChange(name, old.properties.get(name), new.properties.get(name))
        for name in names
        if old.properties.get(name) != new.properties.get(name)
    )
    if old.element_type != new.element_type:
        properties = (PropertyChange("type", old.element_type, new.element_type), *properties)
    return ElementChange(element_id, "changed", new.element_type, _name(new), properties)


def _name(element: _Element) -> str:
    return element.properties.get("name", "")


def _elements(xml: str) -> dict[str, _Element]:
    """Every element of the file by id, with its flattened properties."""
    try:
        root = parse_xml("version.bpmn", xml.encode()).getroot()
    except XmlRefused as exc:
        raise InvalidDefinition([exc.problem]) from exc
    found: dict[str, _Element] = {}
    for node in root.iter():
        if _is_element(node):
            properties: dict[str, str] = {}
            _flatten(node, "", properties, top=True)
            found[node.get("id", "")] = _Element(_tag(node), properties)
    return found


def _is_element(node: etree._Element) -> bool:
    parent = node.getparent()
    if parent is None or not node.get("id") or not _in_bpmn(node):
        return False
    return parent.getparent() is None or _tag(parent) in _CONTAINERS


def _in_bpmn(node: etree._Element) -> bool:
    return isinstance(node.tag, str) and node.tag.startswith(f"{{{BPMN_NS}}}")


def _flatten(node: etree._Element, path: str, into: dict[str, str], *, top: bool) -> None:
    """Add ``node``'s attributes, text and children (but other elements) to ``into``."""
    identity = None if top else _identity(node)
    known = len(into)
    for attribute, value in node.attrib.items():
        if attribute not in ("id", _XSI_TYPE, identity):
            _put(into, _join(path, _prefixed(str(attribute))), value)
    text = (node.text or "").strip()
    if text and not top:
        _put(into, path, text)
    for child in node:
        if not isinstance(child.tag, str) or _is_element(child):
            continue
        if _tag(child) in _SKIPPED_CHILDREN:
            continue
        _flatten(child, _join(path, _step(child)), into, top=False)
    if identity and len(into) == known:
        _put(into, path, "")  # a bare constraint such as required: being there is all


def _identity(node: etree._Element) -> str | None:
    """The attribute that tells a child from its siblings: a form field's ``id`` (its
    variable), a constraint's or property's ``name``; None for a BPMN child, whose
    ``id`` is the Modeler's random one."""
    if node.get("name") is not None:
        return "name"
    return "id" if node.get("id") is not None and not _in_bpmn(node) else None


def _step(child: etree._Element) -> str:
    """How a child shows in a property's path: ``formField[budget]``; "" for a mere
    wrapper (extensionElements, formData: no attributes, no text)."""
    if not child.attrib and not (child.text or "").strip():
        return ""
    identity = _identity(child)
    tag = _tag(child)
    return f"{tag}[{child.get(identity)}]" if identity else tag


def _put(into: dict[str, str], name: str, value: str) -> None:
    """A repeated path (two ``flowNodeRef`` of a lane) gets ``#2``, ``#3``..."""
    key, count = name, 1
    while key in into:
        count += 1
        key = f"{name}#{count}"
    into[key] = value


def _join(path: str, step: str) -> str:
    return f"{path}.{step}" if path and step else path or step


def _tag(node: etree._Element) -> str:
    return etree.QName(node).localname


def _prefixed(qualified: str) -> str:
    """``camunda:dueDate`` for a Camunda name, ``dueDate`` for a BPMN one or a plain one."""
    name = etree.QName(qualified)
    if name.namespace is None:
        return name.localname
    return f"{_PREFIXES.get(name.namespace, name.namespace + ':')}{name.localname}"

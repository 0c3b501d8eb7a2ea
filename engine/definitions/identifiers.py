"""Element ids and names that SpiffWorkflow and the database can hold.

SpiffWorkflow keys the task specs of a process by element id, next to specs of its
own with fixed names: ``Start`` and ``End``, ``<process id>.EndJoin``, a
``<task id>.BoundaryEventSplit`` and ``.BoundaryEventJoin`` around each task with
boundary events; its serializer also drops a spec named ``Root``. An element with one
of those ids would replace Spiff's own spec without a word (a start event ``Start``
fails when an instance starts, a task ``End`` makes the instance complete at once).
BPMN 2.0 §8.2.1 lets an id be any unique name, so such elements are renamed for
Spiff only (:func:`rename_reserved_ids`) and keep their own id as ``bpmn_id``
(:func:`restore_reserved_ids`), which is what tasks, history and incidents show.
Ids and names longer than the columns that store them are refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lxml import etree

from engine.definitions.findings import Findings
from engine.definitions.flow_nodes import FLOW_NODES, local_name

__all__ = ["MAX_ID_LENGTH", "check_identifiers", "rename_reserved_ids", "restore_reserved_ids"]

RESERVED_IDS = frozenset({"Start", "End", "Root"})
RESERVED_SUFFIXES = (".EndJoin", ".BoundaryEventSplit", ".BoundaryEventJoin")
MAX_ID_LENGTH = 255
"""Element ids and names are stored in columns of this length (``engine.models``)."""

_SPIFF_SUFFIX = "__element"
_REFERENCE_TEXTS = {"incoming", "outgoing", "flowNodeRef", "sourceRef", "targetRef"}
"""Elements whose text is a flow node id; attributes (``sourceRef``, ``attachedToRef``,
``default``, ``bpmnElement``...) are found by value."""


def check_identifiers(root: etree._Element, findings: Findings) -> None:
    """Report flow nodes and processes whose id or name is too long to store."""
    for element in root.iter(etree.Element):
        kind = local_name(element)
        if kind in FLOW_NODES or kind == "process":
            _check_length(element, findings)


def rename_reserved_ids(root: etree._Element) -> dict[str, str]:
    """Give flow nodes with an id Spiff reserves another one, everywhere it is used.

    Returns the new ids, each mapped to the element's own id.
    """
    taken = {element.get("id") for element in root.iter(etree.Element)}
    renamed = {}
    for element in root.iter(etree.Element):
        element_id = element.get("id") or ""
        if local_name(element) in FLOW_NODES and _reserved(element_id):
            new_id = element_id + _SPIFF_SUFFIX
            while new_id in taken:
                new_id += "_"
            taken.add(new_id)
            renamed[element_id] = new_id
    if renamed:
        _replace_references(root, renamed)
    return {new: old for old, new in renamed.items()}


def restore_reserved_ids(specs: Iterable[Any], renamed: dict[str, str]) -> None:
    """Give the task specs of renamed elements their element's own id as ``bpmn_id``."""
    for spec in specs:
        for task_spec in spec.task_specs.values():
            original = renamed.get(getattr(task_spec, "bpmn_id", None) or "")
            if original is not None:
                task_spec.bpmn_id = original


def _reserved(element_id: str) -> bool:
    return element_id in RESERVED_IDS or element_id.endswith(RESERVED_SUFFIXES)


def _replace_references(root: etree._Element, renamed: dict[str, str]) -> None:
    for element in root.iter(etree.Element):
        for attribute, value in element.attrib.items():
            if attribute != "name" and "}" not in attribute and value in renamed:
                element.set(attribute, renamed[value])
        text = (element.text or "").strip()
        if local_name(element) in _REFERENCE_TEXTS and text in renamed:
            element.text = renamed[text]


def _check_length(element: etree._Element, findings: Findings) -> None:
    for attribute in ("id", "name"):
        value = element.get(attribute) or ""
        if len(value) > MAX_ID_LENGTH:
            findings.add(
                element,
                f"the {attribute} is {len(value)} characters long; at most {MAX_ID_LENGTH} fit",
                f"shorten the {attribute}; put longer text in the documentation",
            )

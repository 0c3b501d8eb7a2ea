"""Element ids and names that SpiffWorkflow and the database can hold.

SpiffWorkflow keys the task specs of a process by element id, next to specs of its
own with fixed names: ``Start`` and ``End``, ``<process id>.EndJoin``, a
``<task id>.BoundaryEventSplit`` and ``.BoundaryEventJoin`` around each task with
boundary events; its serializer also drops a spec named ``Root``. An element with one
of those ids replaces Spiff's own spec without a word: a start event ``Start`` fails
when an instance starts, a task ``End`` makes the instance complete at once. So these
ids are refused, as are ids and names longer than the columns that store them.
"""

from __future__ import annotations

from lxml import etree

from engine.definitions.findings import Findings
from engine.definitions.graph import FLOW_NODES, local_name

__all__ = ["MAX_ID_LENGTH", "check_identifiers"]

RESERVED_IDS = frozenset({"Start", "End", "Root"})
RESERVED_SUFFIXES = (".EndJoin", ".BoundaryEventSplit", ".BoundaryEventJoin")
MAX_ID_LENGTH = 255
"""Element ids and names are stored in columns of this length (``engine.models``)."""

_HINT = "rename the element, e.g. start_event; the id is never shown to users"


def check_identifiers(root: etree._Element, findings: Findings) -> None:
    """Report flow nodes whose id SpiffWorkflow reserves, and ids or names too long."""
    for element in root.iter(etree.Element):
        kind = local_name(element)
        if kind in FLOW_NODES:
            _check_reserved(element, findings)
        if kind in FLOW_NODES or kind == "process":
            _check_length(element, findings)


def _check_reserved(element: etree._Element, findings: Findings) -> None:
    element_id = element.get("id") or ""
    if element_id in RESERVED_IDS:
        findings.add(element, f"id '{element_id}' is the name of a SpiffWorkflow task", _HINT)
    elif element_id.endswith(RESERVED_SUFFIXES):
        suffix = element_id[element_id.rindex(".") :]
        findings.add(
            element,
            f"ids ending in '{suffix}' are kept for SpiffWorkflow's own tasks",
            _HINT,
        )


def _check_length(element: etree._Element, findings: Findings) -> None:
    for attribute in ("id", "name"):
        value = element.get(attribute) or ""
        if len(value) > MAX_ID_LENGTH:
            findings.add(
                element,
                f"the {attribute} is {len(value)} characters long; at most {MAX_ID_LENGTH} fit",
                f"shorten the {attribute}; put longer text in the documentation",
            )

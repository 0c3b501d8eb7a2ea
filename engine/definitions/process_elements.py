"""Elements of a collaboration or choreography that never stand inside a process.

BPMN 2.0 §11.4 and §11.5: choreography tasks, call choreographies and
sub-choreographies are the activities of a choreography; a process (§10) and its
subprocesses hold none of them, so a process holding one is no process.
"""

from __future__ import annotations

from lxml import etree

from engine.definitions.dialect import BPMN_NS, NSMAP
from engine.definitions.findings import Findings

__all__ = ["check_process_elements"]

_CHOREOGRAPHY_ACTIVITIES = ("choreographyTask", "callChoreography", "subChoreography")


def check_process_elements(root: etree._Element, findings: Findings) -> None:
    """Report every choreography activity inside a process or its subprocesses."""
    for process in root.iterfind("bpmn:process", NSMAP):
        for element in process.iter(*(f"{{{BPMN_NS}}}{t}" for t in _CHOREOGRAPHY_ACTIVITIES)):
            kind = etree.QName(element).localname
            findings.add(
                element,
                f"a process cannot hold a {kind}: it belongs to a choreography (BPMN 2.0 §11.4)",
                "model the exchange with send and receive tasks, or move it to a choreography",
            )

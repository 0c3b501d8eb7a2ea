"""The BPMN 2.0 rule of what a call activity may start (§10.3.6 Call Activity, §10.5.2).

A call activity starts the process it calls the way a token starts a subprocess:
through a none start event. A called process whose start events all wait for a
trigger (a message, a timer, a signal...) cannot be started by the call. Only a
process of the same file is judged here; one that is missing from the deployment
is reported by the structure checks, and one without any start event by them too.
"""

from __future__ import annotations

from lxml import etree

from engine.definitions.dialect import BPMN_NS, NSMAP
from engine.definitions.events import definitions_of
from engine.definitions.findings import Findings

__all__ = ["check_call_activities"]


def check_call_activities(root: etree._Element, findings: Findings) -> None:
    """Report call activities whose called process of this file has no none start event."""
    processes = {process.get("id"): process for process in root.iterfind("bpmn:process", NSMAP)}
    for call in root.iter(f"{{{BPMN_NS}}}callActivity"):
        called = processes.get(call.get("calledElement"))
        if called is None:
            continue
        starts = called.findall("bpmn:startEvent", NSMAP)
        if starts and all(_waits_for_a_trigger(start) for start in starts):
            findings.add(
                call,
                f"'{call.get('calledElement')}' has no none start event, so a call activity "
                "cannot start it (BPMN 2.0 §10.5.2)",
                "add a start event without trigger to the called process",
            )


def _waits_for_a_trigger(start: etree._Element) -> bool:
    return next(definitions_of(start), None) is not None

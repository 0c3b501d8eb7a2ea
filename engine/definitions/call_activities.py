"""The BPMN 2.0 rules of what a call activity may start (§10.3.6 Call Activity, §10.5.2).

A call activity starts the process it calls the way a token starts a subprocess:
through a none start event. A called process whose start events all wait for a
trigger (a message, a timer, a signal...) cannot be started by the call. Only a
process of the same file is judged here; one that is missing from the deployment
is reported by the structure checks, and one without any start event by them too.
When both the call activity and the called process declare data inputs and outputs,
they must be the same ones.
"""

from __future__ import annotations

from lxml import etree

from engine.definitions.dialect import BPMN_NS, NSMAP
from engine.definitions.events import definitions_of
from engine.definitions.findings import Findings

__all__ = ["check_call_activities"]


def check_call_activities(root: etree._Element, findings: Findings) -> None:
    """Report call activities whose called process of this file has no none start event,
    or other data inputs and outputs."""
    processes = {process.get("id"): process for process in root.iterfind("bpmn:process", NSMAP)}
    for call in root.iter(f"{{{BPMN_NS}}}callActivity"):
        called = processes.get(call.get("calledElement"))
        if called is None:
            continue
        _check_data_interface(call, called, findings)
        starts = called.findall("bpmn:startEvent", NSMAP)
        if starts and all(_waits_for_a_trigger(start) for start in starts):
            findings.add(
                call,
                f"'{call.get('calledElement')}' has no none start event, so a call activity "
                "cannot start it (BPMN 2.0 §10.5.2)",
                "add a start event without trigger to the called process",
            )


def _check_data_interface(call: etree._Element, called: etree._Element, findings: Findings) -> None:
    """The call activity's data inputs and outputs must be those of the element it
    calls, by item (§10.3.6: its ioSpecification matches the called element's)."""
    ours, theirs = (e.find("bpmn:ioSpecification", NSMAP) for e in (call, called))
    if ours is None or theirs is None:
        return
    for kind in ("dataInput", "dataOutput"):
        if _items(ours, kind) != _items(theirs, kind):
            findings.add(
                ours,
                f"its {kind}s do not match those of '{call.get('calledElement')}' "
                "(BPMN 2.0 §10.3.6)",
                f"give the call activity one {kind} per {kind} of the called element, "
                "with the same itemSubjectRef",
            )


def _items(io_specification: etree._Element, kind: str) -> list[str]:
    return sorted(
        data.get("itemSubjectRef") or ""
        for data in io_specification.iterfind(f"bpmn:{kind}", NSMAP)
    )


def _waits_for_a_trigger(start: etree._Element) -> bool:
    return next(definitions_of(start), None) is not None

"""The rules of the BPMN 2.0 standard beyond the XML Schema, in one pass per file.

Each rule cites the section of the specification (OMG BPMN 2.0.2) it comes from;
a rule that is a matter of style, or that the standard leaves open, is a warning
at most, so no model the standard allows is refused for it.
"""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

from engine.definitions.call_activities import check_call_activities
from engine.definitions.collaboration import check_collaboration, check_imports
from engine.definitions.data import check_data, check_io_bindings
from engine.definitions.data_associations import check_data_associations
from engine.definitions.dialect import NSMAP
from engine.definitions.events import check_events
from engine.definitions.findings import Findings
from engine.definitions.flow_nodes import FLOW_NODES, local_name
from engine.definitions.flows import check_flows
from engine.definitions.io_specification import check_io_specifications
from engine.definitions.literal_values import check_literal_values
from engine.definitions.process_elements import check_process_elements
from engine.definitions.reference_kinds import check_reference_kinds

__all__ = ["check_standard"]

_NEVER_AD_HOC = {"endEvent"}
"""Choreography activities never stand in any process: :mod:`.process_elements`."""


def check_standard(root: etree._Element, findings: Findings, namespaces: Mapping[str, str]) -> None:
    """Report what ``root``'s executable processes break of the standard's static rules."""
    check_imports(root, findings, namespaces)
    check_collaboration(root, findings)
    check_reference_kinds(root, findings)
    check_literal_values(root, findings)
    check_io_specifications(root, findings)
    check_data_associations(root, findings)
    check_process_elements(root, findings)
    check_call_activities(root, findings)
    for process in root.iterfind("bpmn:process", NSMAP):
        if process.get("isExecutable", "true") != "false":
            check_events(process, findings)
            check_flows(process, findings)
            check_data(process, findings)
            check_io_bindings(process, findings)
            check_ad_hoc(process, findings)
            check_loop_counts(process, findings)


def check_loop_counts(process: etree._Element, findings: Findings) -> None:
    """§10.3.6: a loop's ``loopMaximum`` and a multi-instance activity's
    ``loopCardinality`` count executions: a negative number is no count."""
    for loop in process.iterfind(".//bpmn:standardLoopCharacteristics[@loopMaximum]", NSMAP):
        if _negative(loop.get("loopMaximum")):
            findings.add(
                loop, "loopMaximum cannot be negative", "give the most iterations, 0 or more"
            )
    for cardinality in process.iterfind(".//bpmn:loopCardinality", NSMAP):
        if _negative(cardinality.text):
            findings.add(
                cardinality,
                "loopCardinality cannot be negative",
                "give the number of instances, 0 or more",
            )


def _negative(text: str | None) -> bool:
    try:
        return int((text or "").strip()) < 0
    except ValueError:  # an expression: its value is known only at run time
        return False


def check_ad_hoc(process: etree._Element, findings: Findings) -> None:
    """§10.3.5: an ad-hoc subprocess holds activities, and no start or end events."""
    for ad_hoc in process.iterfind(".//bpmn:adHocSubProcess", NSMAP):
        kinds = {local_name(child): child for child in ad_hoc}
        for kind in sorted(_NEVER_AD_HOC & kinds.keys()):
            findings.add(
                kinds[kind],
                f"an ad-hoc subprocess cannot hold a {kind} (BPMN 2.0 §10.3.5)",
                "remove it: the ad-hoc subprocess ends when its activities are done",
            )
        if not any(
            kind in FLOW_NODES and not kind.endswith(("Event", "Gateway")) for kind in kinds
        ):
            findings.add(
                ad_hoc,
                "an ad-hoc subprocess needs at least one activity (BPMN 2.0 §10.3.5)",
                "add the tasks it offers, or remove it",
            )

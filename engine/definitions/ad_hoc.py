"""Ad-hoc subprocesses as BPMN 2.0 §10.3.5 runs them, where SpiffWorkflow falls short.

* Without a ``completionCondition`` the subprocess ends when its activities are done:
  Spiff evaluates the missing condition and fails, so it gets one that never holds
  before then.
* ``ordering="Sequential"`` (one activity at a time), which Spiff refuses: the
  activities that no flow leads to are chained in the order of the file, so each runs
  once and only after the one before it.
"""

from __future__ import annotations

from itertools import pairwise

from lxml import etree

from engine.definitions.dialect import BPMN_NS, NSMAP

__all__ = ["prepare_ad_hoc"]


def prepare_ad_hoc(root: etree._Element) -> None:
    """Rewrite each ad-hoc subprocess into what Spiff's ad-hoc parser runs (in place)."""
    for ad_hoc in root.iter(f"{{{BPMN_NS}}}adHocSubProcess"):
        if ad_hoc.find("bpmn:completionCondition", NSMAP) is None:
            condition = etree.SubElement(ad_hoc, f"{{{BPMN_NS}}}completionCondition")
            condition.text = "False"
        if ad_hoc.get("ordering") == "Sequential":
            ad_hoc.set("ordering", "Parallel")
            _chain(ad_hoc)


def _chain(ad_hoc: etree._Element) -> None:
    targets = {flow.get("targetRef") for flow in ad_hoc.iterfind("bpmn:sequenceFlow", NSMAP)}
    sources = {flow.get("sourceRef") for flow in ad_hoc.iterfind("bpmn:sequenceFlow", NSMAP)}
    free = [
        node
        for node in ad_hoc
        if isinstance(node.tag, str)
        and node.get("id") not in targets | sources
        and etree.QName(node).localname.endswith(("Task", "task", "SubProcess", "subProcess"))
    ]
    for before, after in pairwise(free):
        flow = etree.SubElement(ad_hoc, f"{{{BPMN_NS}}}sequenceFlow")
        flow.set("id", f"{before.get('id')}__then__{after.get('id')}")
        flow.set("sourceRef", before.get("id", ""))
        flow.set("targetRef", after.get("id", ""))
        etree.SubElement(before, f"{{{BPMN_NS}}}outgoing").text = flow.get("id")
        etree.SubElement(after, f"{{{BPMN_NS}}}incoming").text = flow.get("id")

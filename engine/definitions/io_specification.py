"""The BPMN 2.0 rules that tie an ``ioSpecification``'s data to its input and output sets.

§10.4.1 (InputOutputSpecification, InputSet, OutputSet): every data input belongs to
an input set and every data output to an output set; the inputs a set marks optional
or read while executing are inputs of that set (the same for outputs); an input set
that names an output set is named back by it. A process's own data inputs are what
it is given, and its data outputs what it returns: inside the process, an input is
only read from and an output only written to (§10.4.1, Data Input and Data Output
of a process).
"""

from __future__ import annotations

from lxml import etree

from engine.definitions.dialect import BPMN_NS, NSMAP
from engine.definitions.findings import Findings

__all__ = ["check_io_specifications"]

_SETS = (
    ("dataInput", "inputSet", "dataInputRefs", ("optionalInputRefs", "whileExecutingInputRefs")),
    (
        "dataOutput",
        "outputSet",
        "dataOutputRefs",
        ("optionalOutputRefs", "whileExecutingOutputRefs"),
    ),
)


_WRONG_ENDS = (
    ("dataOutputAssociation", "targetRef", "dataInput"),
    ("dataInputAssociation", "sourceRef", "dataOutput"),
)
"""A data association end that names the process's own data the wrong way round."""


def check_io_specifications(root: etree._Element, findings: Findings) -> None:
    """Report data outside every set, set members named only as optional or
    while-executing, one-sided set pairings, and a process's own data used backwards."""
    for specification in root.iter(f"{{{BPMN_NS}}}ioSpecification"):
        for data_tag, set_tag, members_tag, subsets in _SETS:
            _check_membership(specification, data_tag, set_tag, members_tag, findings)
            for data_set in specification.iterfind(f"bpmn:{set_tag}", NSMAP):
                _check_subsets(data_set, members_tag, subsets, findings)
        _check_pairing(specification, findings)
    for process in root.iterfind("bpmn:process", NSMAP):
        _check_process_data_direction(process, findings)


def _texts(element: etree._Element, tag: str) -> list[tuple[etree._Element, str]]:
    return [
        (child, (child.text or "").strip())
        for child in element.iterfind(f"bpmn:{tag}", NSMAP)
        if (child.text or "").strip()
    ]


def _check_membership(
    specification: etree._Element, data_tag: str, set_tag: str, members_tag: str, findings: Findings
) -> None:
    members = {
        member
        for data_set in specification.iterfind(f"bpmn:{set_tag}", NSMAP)
        for _, member in _texts(data_set, members_tag)
    }
    for data in specification.iterfind(f"bpmn:{data_tag}", NSMAP):
        if data.get("id") not in members:
            findings.add(
                data,
                f"{data_tag} '{data.get('id')}' is in no {set_tag} (BPMN 2.0 §10.4.1)",
                f"list it in the {members_tag} of an {set_tag}, or remove it",
            )


def _check_subsets(
    data_set: etree._Element, members_tag: str, subsets: tuple[str, ...], findings: Findings
) -> None:
    members = {member for _, member in _texts(data_set, members_tag)}
    for subset in subsets:
        for place, member in _texts(data_set, subset):
            if member not in members:
                findings.add(
                    place,
                    f"{subset} names '{member}', which is not among the {members_tag} "
                    "of this set (BPMN 2.0 §10.4.1)",
                    f"add '{member}' to the {members_tag} of this set, or remove it here",
                )


def _check_pairing(specification: etree._Element, findings: Findings) -> None:
    sets = {
        data_set.get("id"): data_set
        for tag in ("inputSet", "outputSet")
        for data_set in specification.iterfind(f"bpmn:{tag}", NSMAP)
        if data_set.get("id")
    }
    pairs = (
        ("inputSet", "outputSetRefs", "inputSetRefs"),
        ("outputSet", "inputSetRefs", "outputSetRefs"),
    )
    for tag, forward, backward in pairs:
        for data_set in specification.iterfind(f"bpmn:{tag}", NSMAP):
            for place, other_id in _texts(data_set, forward):
                other = sets.get(other_id)
                named_back = other is not None and data_set.get("id") in {
                    name for _, name in _texts(other, backward)
                }
                if other is not None and not named_back:
                    findings.add(
                        place,
                        f"{forward} names '{other_id}', whose {backward} do not name "
                        f"'{data_set.get('id')}' back (BPMN 2.0 §10.4.1)",
                        f"add '{data_set.get('id')}' to the {backward} of '{other_id}'",
                    )


def _check_process_data_direction(process: etree._Element, findings: Findings) -> None:
    """A process's data input is never written inside it, its data output never read."""
    own = {
        data.get("id"): etree.QName(data).localname
        for data in process.iterfind("bpmn:ioSpecification/*", NSMAP)
        if etree.QName(data).localname in ("dataInput", "dataOutput")
    }
    for association_tag, end, forbidden in _WRONG_ENDS:
        for association in process.iter(f"{{{BPMN_NS}}}{association_tag}"):
            for place, named in _texts(association, end):
                if own.get(named) == forbidden:
                    _report_wrong_end(findings, place, end, named)


def _report_wrong_end(findings: Findings, place: etree._Element, end: str, named: str) -> None:
    """Whole sentences, so that each reads well in the page's language."""
    hint = "use a data object for what the process computes"
    if end == "targetRef":
        message = (
            f"{end} '{named}' is a dataInput of the process itself, "
            "which the process only reads (BPMN 2.0 §10.4.1)"
        )
        findings.add(place, message, hint)
    else:
        message = (
            f"{end} '{named}' is a dataOutput of the process itself, "
            "which the process only writes (BPMN 2.0 §10.4.1)"
        )
        findings.add(place, message, hint)

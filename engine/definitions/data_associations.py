"""The BPMN 2.0 rules of data associations without a transformation (§10.4.1).

A data association copies its source to its target. Without a ``transformation`` it
can copy one source only, and only into a target of the same item definition: an item
of another structure needs a transformation that says how to convert it. Elements
whose item definition is not given, or not in the file, are not judged.
"""

from __future__ import annotations

from lxml import etree

from engine.definitions.data import same_structure
from engine.definitions.dialect import BPMN_NS, NSMAP
from engine.definitions.findings import Findings

__all__ = ["check_data_associations"]


def check_data_associations(root: etree._Element, findings: Findings) -> None:
    """Report associations with several sources, or of two structures, and no transformation."""
    ids = {element.get("id"): element for element in root.iter(f"{{{BPMN_NS}}}*")}
    for tag in ("dataInputAssociation", "dataOutputAssociation"):
        for association in root.iter(f"{{{BPMN_NS}}}{tag}"):
            if association.find("bpmn:transformation", NSMAP) is not None:
                continue
            sources = association.findall("bpmn:sourceRef", NSMAP)
            if len(sources) > 1:
                findings.add(
                    sources[1],
                    f"a {tag} with {len(sources)} sources needs a transformation "
                    "(BPMN 2.0 §10.4.1)",
                    "keep one sourceRef, or add the transformation that combines them",
                )
            elif sources:
                _check_same_item(association, sources[0], ids, findings)


def _item(element_id: str, ids: dict[str | None, etree._Element]) -> etree._Element | None:
    """The item definition of an item-aware element (through a data object reference)."""
    element = ids.get(element_id.strip())
    if element is None:
        return None
    item_id = element.get("itemSubjectRef")
    if not item_id and element.get("dataObjectRef"):
        data_object = ids.get(element.get("dataObjectRef"))
        item_id = data_object.get("itemSubjectRef") if data_object is not None else None
    item = ids.get(item_id) if item_id else None
    return item if item is not None and etree.QName(item).localname == "itemDefinition" else None


def _check_same_item(
    association: etree._Element,
    source: etree._Element,
    ids: dict[str | None, etree._Element],
    findings: Findings,
) -> None:
    target = association.find("bpmn:targetRef", NSMAP)
    if target is None:
        return
    source_item = _item(source.text or "", ids)
    target_item = _item(target.text or "", ids)
    if source_item is None or target_item is None or source_item is target_item:
        return
    if same_structure(source_item, target_item):
        return
    findings.add(
        association,
        f"'{(source.text or '').strip()}' is of item definition '{source_item.get('id')}' and "
        f"'{(target.text or '').strip()}' of '{target_item.get('id')}': without a "
        "transformation both ends have the same structure (BPMN 2.0 §10.4.1)",
        "give both ends the same item definition, or add a transformation",
    )

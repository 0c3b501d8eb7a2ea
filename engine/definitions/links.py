"""Link events (BPMN 2.0 §10.5.4) as the sequence flows they stand for.

"A Link Event is a mechanism for connecting two sections of a Process": a throwing
link goes on at the catching link of the same name in the same process level. Spiff
parses neither: the throw ends its token, and the catch, which no flow reaches, is
never parsed, so the instance completed early, silently. Before Spiff's parser sees a
file, each throwing link gets a sequence flow to its catch, and the catch becomes a
none event, which the token passes through (validation has checked the pairs).
"""

from __future__ import annotations

from lxml import etree

from engine.definitions.dialect import BPMN_NS, NSMAP

__all__ = ["join_links"]

_LINK = "bpmn:linkEventDefinition"


def join_links(root: etree._Element) -> None:
    """Rewrite every link pair of ``root`` (in place) into a sequence flow."""
    for level in {event.getparent() for event in root.iterfind(f".//*[{_LINK}]", NSMAP)}:
        _join_level(level)


def _join_level(level: etree._Element) -> None:
    catches: dict[str, etree._Element] = {}
    for catch in level.iterfind(f"bpmn:intermediateCatchEvent[{_LINK}]", NSMAP):
        definition = catch.find(_LINK, NSMAP)
        catches.setdefault(definition.get("name", ""), catch)
        catch.remove(definition)
    for throw in level.iterfind(f"bpmn:intermediateThrowEvent[{_LINK}]", NSMAP):
        definition = throw.find(_LINK, NSMAP)
        throw.remove(definition)
        catch = catches.get(definition.get("name", ""))
        if catch is not None:
            _add_flow(level, throw, catch)


def _add_flow(level: etree._Element, source: etree._Element, target: etree._Element) -> None:
    flow_id = f"{source.get('id')}__link__{target.get('id')}"
    flow = etree.SubElement(level, f"{{{BPMN_NS}}}sequenceFlow", id=flow_id)
    flow.set("sourceRef", source.get("id", ""))
    flow.set("targetRef", target.get("id", ""))
    for element, tag in ((source, "outgoing"), (target, "incoming")):
        reference = etree.SubElement(element, f"{{{BPMN_NS}}}{tag}")
        reference.text = flow_id

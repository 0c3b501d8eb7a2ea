"""Event definitions an event names by reference, as the ones it holds.

BPMN 2.0 §10.5.1 (Event Definitions): an event's trigger is either an
``eventDefinition`` it contains or an ``eventDefinitionRef`` to one defined at the top
of the file, for reuse. SpiffWorkflow reads only the contained kind: a referenced error
end event was a none end event, a referenced signal boundary event was refused.
Before its parser sees a file, each reference is replaced by a copy of the definition.
"""

from __future__ import annotations

import copy

from lxml import etree

from engine.definitions.dialect import NSMAP

__all__ = ["inline_event_definitions"]


def inline_event_definitions(root: etree._Element) -> None:
    """Replace (in place) each ``eventDefinitionRef`` by the definition it names."""
    for reference in root.iterfind(".//bpmn:eventDefinitionRef", NSMAP):
        target = (reference.text or "").strip()
        found = root.xpath("./*[@id=$id]", id=target)
        if not found:
            continue  # validation reports what a reference does not find
        inlined = copy.deepcopy(found[0])
        event = reference.getparent()
        inlined.set("id", f"{event.get('id', '')}__{target}")
        event.replace(reference, inlined)

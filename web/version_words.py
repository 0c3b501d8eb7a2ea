"""The words of the version comparison: each changed property, element type and kind
of change as a designer reads them, in the page's language.

The engine names a property by its path in the XML (``camunda:dueDate``,
``formField[budget].type``, ``timerEventDefinition.timeCycle``); the common ones get a
label, a form field's path says which field, anything else shows as its path.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

__all__ = ["change_label", "property_label", "type_label"]

_PROPERTIES = {
    "name": _l("Name"),
    "type": _l("Kind of element"),
    "camunda:candidateGroups": _l("Unit(s)"),
    "camunda:candidateUsers": _l("Candidate users"),
    "camunda:assignee": _l("Assignee"),
    "camunda:dueDate": _l("Due date"),
    "camunda:followUpDate": _l("Follow-up date"),
    "sourceRef": _l("From"),
    "targetRef": _l("To"),
    "attachedToRef": _l("Attached to"),
    "conditionExpression": _l("Condition"),
    "script": _l("Script"),
    "scriptFormat": _l("Script language"),
    "documentation": _l("Description"),
    "flowNodeRef": _l("Element in the lane"),
    "timerEventDefinition.timeDuration": _l("Timer: after"),
    "timerEventDefinition.timeDate": _l("Timer: at"),
    "timerEventDefinition.timeCycle": _l("Timer: cycle"),
}
_TYPES = {
    "userTask": _l("user task"),
    "scriptTask": _l("script task"),
    "serviceTask": _l("service task"),
    "sequenceFlow": _l("flow"),
    "startEvent": _l("start event"),
    "endEvent": _l("end event"),
    "boundaryEvent": _l("boundary event"),
    "exclusiveGateway": _l("exclusive gateway"),
    "parallelGateway": _l("parallel gateway"),
    "subProcess": _l("subprocess"),
    "lane": _l("lane"),
}
_KINDS = {"added": _l("added"), "removed": _l("removed"), "changed": _l("changed")}
_FORM_FIELD = re.compile(r"^formField\[(?P<field>[^\]]+)\](?:\.(?P<rest>.+))?$")
_REPEAT = re.compile(r"#\d+$")


def property_label(name: str) -> str:
    """``Due date`` for ``camunda:dueDate``; ``Form field «budget»: type`` for a field."""
    plain = _REPEAT.sub("", name)
    label = _PROPERTIES.get(plain)
    if label is not None:
        return str(label)
    field = _FORM_FIELD.match(plain)
    if field is None:
        return plain
    rest = field["rest"]
    heading = _("Form field «%(field)s»", field=field["field"])
    return f"{heading}: {rest}" if rest else heading


def type_label(element_type: str) -> str:
    label = _TYPES.get(element_type)
    return str(label) if label is not None else element_type


def change_label(kind: str) -> str:
    return str(_KINDS.get(kind, kind))

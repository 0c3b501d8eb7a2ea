"""Checks of the Camunda dialect and of constructs govflow does not run.

Forms, units and Camunda features that the plain SpiffWorkflow parser would ignore
without a word (listeners, input/output mappings, Java delegates) are refused here,
so a model never deploys with a part that silently does nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from lxml import etree

from engine import sandbox
from engine.definitions.complex_gateway import joins_and_splits
from engine.definitions.dialect import (
    CAMUNDA_NS,
    NSMAP,
    expression_of,
    form_rules,
    unit_from_lane,
)
from engine.definitions.findings import Findings, owner_of
from engine.definitions.flow_nodes import local_name
from engine.durations import parse_offset
from engine.errors import InvalidInput, ScriptError
from engine.form_rules import rule_names
from engine.forms import FIELD_TYPES, is_variable_name

__all__ = ["check_extensions"]

_ORDERED_TYPES = {"long", "double", "date"}
_LENGTH_TYPES = {"string"}
_FLAGS = {"required", "readonly"}
_IGNORED_CAMUNDA = {
    "inputOutput": "input/output mappings are not applied outside service tasks",
    "executionListener": "execution listeners are not run",
    "taskListener": "task listeners are not run",
    "in": "call activity variable mappings are not applied (all variables are passed)",
    "out": "call activity variable mappings are not applied (all variables are returned)",
    "connector": "connectors are not run",
}
_DELEGATES = ("class", "delegateExpression", "expression", "topic", "formKey")
_UNIT_HINT = "use a unit code or set name from processes/units.yaml, e.g. DBO"


def check_extensions(
    root: etree._Element, findings: Findings, known_units: frozenset[str] | None
) -> None:
    """Report Camunda extensions govflow cannot honour, bad forms and unknown units."""
    for start in root.iterfind(".//bpmn:startEvent", NSMAP):
        _check_form(start, findings)
    for user_task in root.iterfind(".//bpmn:userTask", NSMAP):
        _check_form(user_task, findings)
        if known_units is not None:
            _check_candidate_groups(user_task, findings, known_units)
    if known_units is not None:
        for lane in root.iterfind(".//bpmn:lane", NSMAP):
            _check_lane(lane, findings, known_units)
    for prop in root.iterfind(
        ".//bpmn:extensionElements/camunda:properties/camunda:property", NSMAP
    ):
        _check_escalation_property(prop, findings, known_units)
    _check_unsupported(root, findings)


# -- forms ------------------------------------------------------------------------------


def _check_form(element: etree._Element, findings: Findings) -> None:
    seen: set[str] = set()
    for form_field in element.iterfind(".//camunda:formField", NSMAP):
        field_id = form_field.get("id") or ""
        if not is_variable_name(field_id):
            findings.add(
                form_field,
                f"form field id {field_id!r} is not a variable name",
                "use letters, digits and _ starting with a letter, e.g. changes_count",
            )
        elif field_id in seen:
            findings.add(form_field, f"form field '{field_id}' appears twice", "rename one")
        seen.add(field_id)
        _check_field_type(form_field, field_id, findings)
    _check_rules(element, seen, findings)


def _check_rules(element: etree._Element, field_ids: set[str], findings: Findings) -> None:
    """Each ``govflow:rule`` (see :mod:`engine.form_rules`) compiles in the sandbox,
    names a field of its form to show its message beside, and reads some field."""
    nodes = element.iterfind("bpmn:extensionElements/govflow:rule", NSMAP)
    for rule, node in zip(form_rules(element), nodes, strict=True):
        if rule["field"] not in field_ids:
            findings.add(
                node,
                f"form rule field {rule['field']!r} is not a field of this form",
                f"set field= to the field whose value breaks it: {', '.join(sorted(field_ids))}",
            )
        if not rule["message"]:
            findings.add(node, "form rule has no message", "write what the person must correct")
        try:
            sandbox.check(rule["expression"], "eval")
            read = rule_names(rule["expression"])
        except (ScriptError, SyntaxError) as exc:
            message = exc.message if isinstance(exc, ScriptError) else str(exc)
            findings.add(node, f"form rule does not compile: {message}", _RULE_HINT)
            continue
        if not read & field_ids:
            findings.add(node, "form rule reads no field of this form", _RULE_HINT)


_RULE_HINT = "write a Python condition over the form's fields, e.g. ${open_datasets <= datasets}"


def _check_field_type(form_field: etree._Element, field_id: str, findings: Findings) -> None:
    field_type = form_field.get("type") or "string"
    if field_type not in FIELD_TYPES:
        findings.add(
            form_field,
            f"form field '{field_id}' has unknown type '{field_type}'",
            f"use one of {', '.join(sorted(FIELD_TYPES))}",
        )
        return
    values = form_field.findall("camunda:value", NSMAP)
    if field_type == "enum" and not values:
        findings.add(
            form_field,
            f"enum form field '{field_id}' has no values",
            "add the choices as values (id and name)",
        )
    for constraint in form_field.iterfind("camunda:validation/camunda:constraint", NSMAP):
        _check_constraint(constraint, field_id, field_type, findings)
    time_of_day = "camunda:properties/camunda:property[@id='time_of_day']"
    for prop in form_field.iterfind(time_of_day, NSMAP):
        if field_type != "datetime" or not re.fullmatch(r"\d{2}:\d{2}", prop.get("value") or ""):
            findings.add(
                prop,
                f"time_of_day {prop.get('value')!r} of field '{field_id}' is not a time",
                "a datetime field's time_of_day is a time such as 08:00",
            )


def _check_constraint(
    constraint: etree._Element, field_id: str, field_type: str, findings: Findings
) -> None:
    name = constraint.get("name") or ""
    config = constraint.get("config")
    if name in _FLAGS:
        return
    rule = _CONSTRAINTS.get(name)
    if rule is None:
        findings.add(
            constraint,
            f"form field '{field_id}' has unknown constraint '{name}'",
            f"use one of {', '.join(sorted(_FLAGS | _CONSTRAINTS.keys()))}",
        )
        return
    types, parse = rule
    if field_type not in types:
        findings.add(
            constraint,
            f"constraint '{name}' does not apply to the {field_type} field '{field_id}'",
            f"'{name}' applies to {', '.join(sorted(types))} fields only",
        )
        return
    try:
        parse(field_type, config or "")
    except ValueError:
        findings.add(
            constraint,
            f"constraint '{name}' of field '{field_id}' has config {config!r}, not a limit",
            "write a number (or a date YYYY-MM-DD for date fields)",
        )


def _limit(field_type: str, config: str) -> None:
    if field_type == "date":
        date.fromisoformat(config)
    else:
        float(config)


def _length(_field_type: str, config: str) -> None:
    if not config.isdigit():
        raise ValueError(config)


_CONSTRAINTS: dict[str, tuple[set[str], Callable[[str, str], None]]] = {
    "min": (_ORDERED_TYPES, _limit),
    "max": (_ORDERED_TYPES, _limit),
    "minlength": (_LENGTH_TYPES, _length),
    "maxlength": (_LENGTH_TYPES, _length),
}


# -- units ------------------------------------------------------------------------------


def _check_candidate_groups(
    user_task: etree._Element, findings: Findings, known_units: frozenset[str]
) -> None:
    raw = user_task.get(f"{{{CAMUNDA_NS}}}candidateGroups")
    if not raw or expression_of(raw) is not None:
        return
    for code in (part.strip() for part in raw.split(",")):
        if code and code not in known_units:
            findings.add(user_task, f"candidate group '{code}' is not a known unit", _UNIT_HINT)


def _check_lane(lane: etree._Element, findings: Findings, known_units: frozenset[str]) -> None:
    name = lane.get("name")
    code = unit_from_lane(name)
    if code is None:
        unassigned = _tasks_without_group(lane)
        if unassigned:
            findings.add(
                lane,
                f"lane {name!r} names no unit, and its task(s) {', '.join(unassigned)} "
                "have no candidate group: nobody would receive them",
                "name the lane 'CODE' or 'Unit name (CODE)', or set the tasks' candidate groups",
            )
    elif code not in known_units:
        findings.add(lane, f"lane unit '{code}' is not a known unit", _UNIT_HINT)


# -- escalation properties (see engine/escalation.py) ----------------------------------

_OFFSET_HINT = "write a number of working days such as 3WD, an ISO duration such as P2D"


def _check_escalation_property(
    prop: etree._Element, findings: Findings, known_units: frozenset[str] | None
) -> None:
    name, value = prop.get("name"), (prop.get("value") or "").strip()
    if name in ("reminder", "escalation_interval"):
        if name == "reminder" and value.lower() == "none":
            return
        try:
            parse_offset(value, field=name)
        except InvalidInput:
            extra = ", or none" if name == "reminder" else ""
            findings.add(prop, f"{name} {value!r} is not an offset", _OFFSET_HINT + extra)
    elif name == "escalation" and value.lower() != "none":
        for step in (part.strip() for part in value.split(",")):
            if not step or (step != "head" and known_units is not None and step not in known_units):
                findings.add(
                    prop,
                    f"escalation step {step!r} is neither 'head' nor a known unit",
                    "list the chain as head,ITC,LEAD (unit codes from processes/units.yaml), "
                    "or none",
                )


def _tasks_without_group(lane: etree._Element) -> list[str]:
    """User tasks of ``lane`` whose unit can only come from the lane's name."""
    root = lane.getroottree().getroot()
    unassigned = []
    for ref in lane.iterfind("bpmn:flowNodeRef", NSMAP):
        found = root.xpath(
            "//bpmn:userTask[@id=$id]", namespaces=NSMAP, id=(ref.text or "").strip()
        )
        if found and not found[0].get(f"{{{CAMUNDA_NS}}}candidateGroups"):
            unassigned.append(found[0].get("id"))
    return unassigned


# -- constructs the runtime does not honour ---------------------------------------------


def _check_unsupported(root: etree._Element, findings: Findings) -> None:
    for element in root.iter():
        kind = local_name(element)
        if kind == "complexGateway" and joins_and_splits(element):
            findings.add(
                element,
                "a complex gateway that both joins and splits is not supported",
                "join with one complex gateway and split with another",
            )
        if kind:
            _check_camunda_delegates(element, kind, findings)
        elif isinstance(element.tag, str) and element.tag.startswith(f"{{{CAMUNDA_NS}}}"):
            _check_ignored_extension(element, findings)


def _check_camunda_delegates(element: etree._Element, kind: str, findings: Findings) -> None:
    if kind == "serviceTask" and element.get(f"{{{CAMUNDA_NS}}}type") == "external":
        return  # an external task's topic names its connector (see definitions.services)
    for name in _DELEGATES:
        if element.get(f"{{{CAMUNDA_NS}}}{name}") is None or (
            name == "topic" and kind == "serviceTask"
        ):
            continue
        if name == "formKey":
            hint = "describe the form with camunda:formData (Form type: Generated task form)"
        else:
            hint = "govflow runs no Java or external workers; use a service task with a connector"
        findings.add(element, f"camunda:{name} on a {kind} is not supported", hint)
    if element.get(f"{{{CAMUNDA_NS}}}type") == "external":
        findings.add(
            element,
            f"external {kind}s are not supported",
            "only a service task calls another system, through a connector",
        )


def _check_ignored_extension(element: etree._Element, findings: Findings) -> None:
    name = etree.QName(element).localname
    if name == "inputOutput" and local_name(owner_of(element)) == "serviceTask":
        return  # a service task's inputs and outputs are its connector's (definitions.services)
    what = _IGNORED_CAMUNDA.get(name)
    if what is not None:
        findings.add(
            element,
            f"camunda:{etree.QName(element).localname}: {what} by govflow",
            "set variables in a script task instead, or remove the extension",
        )

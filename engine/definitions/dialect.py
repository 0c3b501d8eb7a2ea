"""The Camunda Modeler dialect, read by govflow itself.

Designers draw in Camunda Modeler or bpmn.io. SpiffWorkflow's CamundaParser ignores
``candidateGroups``, ``assignee`` and ``dueDate`` (see SPIFF.md) and reads
multi-instance collections in a way that drops the units' answers, so govflow reads
every ``camunda:`` extension here, and hands SpiffWorkflow *standard* BPMN:

* ``${expr}`` / ``#{expr}`` become the Python expression ``expr`` (expressions are
  Python, run in the sandbox; ``true``/``false`` work as in JUEL);
* literal timers (``PT2H``, ``2021-06-30T17:00:00+07:00``, ``R/…/P6M``) are quoted,
  as Spiff evaluates every timer text as an expression;
* ``camunda:collection`` / ``camunda:elementVariable`` become ``loopDataInputRef`` /
  ``inputDataItem``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

__all__ = [
    "BPMN_NS",
    "CAMUNDA_NS",
    "GOVFLOW_NS",
    "NSMAP",
    "ServiceCall",
    "expression_of",
    "form_rules",
    "normalize_for_spiff",
    "parameter_expression",
    "read_process_meta",
    "service_call_of",
    "standard_message_paths",
    "unit_from_lane",
]

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
GOVFLOW_NS = "urn:govflow:bpmn:1.0"
NSMAP = {"bpmn": BPMN_NS, "camunda": CAMUNDA_NS, "govflow": GOVFLOW_NS}

_EXPRESSION = re.compile(r"^\s*[$#]\{(?P<body>.*)\}\s*$", re.DOTALL)
_LANE_CODE = re.compile(r"\(([A-Z][A-Z0-9_:*-]*)\)\s*$")
_TIMER_TAGS = ("timeDate", "timeDuration", "timeCycle")


def expression_of(raw: str | None) -> str | None:
    """The Python inside ``${…}``, or None when ``raw`` is a literal."""
    if raw is None:
        return None
    match = _EXPRESSION.match(raw)
    return match.group("body").strip() if match else None


def _camunda(element: etree._Element, name: str) -> str | None:
    return element.get(f"{{{CAMUNDA_NS}}}{name}")


def standard_message_paths(root: etree._Element) -> None:
    """Rename bpmn-js's ``<bpmn:formalExpression>`` in a correlation property's retrieval
    expression to the standard ``<bpmn:messagePath>``.

    bpmn-moddle, which bpmn-js and Camunda Modeler save through, writes the element by
    its type's name: a file with a correlation key, opened and saved unchanged in the
    modeler, would otherwise break the BPMN 2.0 schema and lose its message path.
    """
    retrieval = f"{{{BPMN_NS}}}correlationPropertyRetrievalExpression"
    for expression in root.iter(retrieval):
        for child in expression.findall("bpmn:formalExpression", NSMAP):
            child.tag = f"{{{BPMN_NS}}}messagePath"


def normalize_for_spiff(root: etree._Element) -> None:
    """Rewrite the dialect in place into what SpiffWorkflow's plain parser runs."""
    for tag in ("conditionExpression", "condition", "loopCondition"):
        for condition in root.iter(f"{{{BPMN_NS}}}{tag}"):
            condition.text = expression_of(condition.text) or (condition.text or "").strip()
    for tag in _TIMER_TAGS:
        for timer in root.iter(f"{{{BPMN_NS}}}{tag}"):
            timer.text = timer_expression(timer.text or "")
    for loop in root.iter(f"{{{BPMN_NS}}}multiInstanceLoopCharacteristics"):
        _standardize_multi_instance(loop)


def timer_expression(raw: str) -> str:
    """A Python expression for a timer text written either way."""
    body = expression_of(raw)
    if body is not None:
        return body
    text = raw.strip()
    if text[:1] in {"'", '"'}:
        return text
    return repr(text)


def _standardize_multi_instance(loop: etree._Element) -> None:
    for child_tag in ("loopCardinality", "completionCondition"):
        child = loop.find(f"bpmn:{child_tag}", NSMAP)
        if child is not None and child.text:
            child.text = expression_of(child.text) or child.text.strip()
    collection = _camunda(loop, "collection")
    if collection is None or loop.find("bpmn:loopDataInputRef", NSMAP) is not None:
        return
    data_input = etree.Element(f"{{{BPMN_NS}}}loopDataInputRef")
    data_input.text = expression_of(collection) or collection
    loop.insert(0, data_input)
    element_variable = _camunda(loop, "elementVariable")
    if element_variable:
        item = etree.Element(f"{{{BPMN_NS}}}inputDataItem", id=element_variable)
        item.set("name", element_variable)
        data_input.addnext(item)


@dataclass(frozen=True)
class ServiceCall:
    """What a service task asks of a connector, as Python expressions for the sandbox."""

    connector: str | None
    """The connector's name; None when the task names none (refused by validation)."""
    inputs: list[tuple[str, str]]
    """(name, expression) of each input parameter; none: the task's data is the input."""
    outputs: list[tuple[str, str]]
    """(variable, expression over ``result`` and the data) of each output parameter."""


def service_call_of(task: etree._Element) -> ServiceCall:
    """The connector and the mappings of a ``bpmn:serviceTask``, written either way:

    ``camunda:type="external" camunda:topic="http"`` (what the Camunda Modeler draws as
    an external task) or ``<govflow:connector name="http"/>`` in its extension
    elements; inputs and outputs in ``camunda:inputOutput`` (the Modeler's
    Input/Output tab). A literal parameter becomes a quoted string, an empty one None,
    an empty output parameter the whole ``result``.
    """
    connector = _camunda(task, "topic") if _camunda(task, "type") == "external" else None
    named = task.find("bpmn:extensionElements/govflow:connector", NSMAP)
    if named is not None:
        connector = named.get("name")
    mapping = "bpmn:extensionElements/camunda:inputOutput/camunda:"
    inputs = [
        (p.get("name") or "", parameter_expression(p))
        for p in task.iterfind(mapping + "inputParameter", NSMAP)
    ]
    outputs = [
        (p.get("name") or "", parameter_expression(p))
        for p in task.iterfind(mapping + "outputParameter", NSMAP)
    ]
    return ServiceCall(connector, inputs, outputs)


def parameter_expression(parameter: etree._Element) -> str:
    """The Python expression of a ``camunda:inputParameter`` or ``outputParameter``."""
    raw = parameter.text
    empty = "result" if etree.QName(parameter).localname == "outputParameter" else "None"
    body = expression_of(raw)
    if body is not None:
        return body
    text = (raw or "").strip()
    return repr(text) if text else empty


def unit_from_lane(lane_name: str | None) -> str | None:
    """A lane names its unit either as the code itself or as ``Name (CODE)``."""
    if not lane_name:
        return None
    name = lane_name.strip()
    match = _LANE_CODE.search(name)
    if match:
        return match.group(1)
    return name if re.fullmatch(r"[A-Z][A-Z0-9_:*-]*", name) else None


def read_process_meta(process: etree._Element) -> dict[str, Any]:
    """What govflow needs from one ``bpmn:process`` beyond what Spiff keeps."""
    lanes = _lanes_by_node(process)
    tasks = {
        element.get("id"): _user_task_meta(element, lanes.get(element.get("id")))
        for element in process.iter(f"{{{BPMN_NS}}}userTask")
    }
    return {
        "tasks": tasks,
        "start_form": _start_form(process),
        "start_rules": [rule for start in _start_events(process) for rule in form_rules(start)],
        "start_timer": _start_timer(process),
        "start_messages": _start_messages(process),
        "start_by_hand": _started_by_hand(process),
        "properties": _process_properties(process),
    }


def _process_properties(process: etree._Element) -> dict[str, str | None]:
    """``camunda:properties`` of the process itself: defaults for its tasks (escalation)."""
    return {
        prop.get("name"): prop.get("value")
        for prop in process.iterfind(
            "bpmn:extensionElements/camunda:properties/camunda:property", NSMAP
        )
    }


def _lanes_by_node(process: etree._Element) -> dict[str, str]:
    lanes: dict[str, str] = {}
    for lane in process.iter(f"{{{BPMN_NS}}}lane"):
        for ref in lane.findall("bpmn:flowNodeRef", NSMAP):
            lanes[(ref.text or "").strip()] = lane.get("name", "")
    return lanes


def _user_task_meta(element: etree._Element, lane: str | None) -> dict[str, Any]:
    return {
        "name": element.get("name") or element.get("id"),
        "line": element.sourceline,
        "candidate_groups": _camunda(element, "candidateGroups"),
        "lane": lane,
        "assignee": _camunda(element, "assignee"),
        "due_date": _camunda(element, "dueDate"),
        "follow_up_date": _camunda(element, "followUpDate"),
        "form": [_form_field(field) for field in element.iterfind(".//camunda:formField", NSMAP)],
        "rules": form_rules(element),
        "properties": {
            prop.get("name"): prop.get("value")
            for prop in element.iterfind(
                "bpmn:extensionElements/camunda:properties/camunda:property", NSMAP
            )
        },
        "documentation": (element.findtext("bpmn:documentation", "", NSMAP) or "").strip(),
    }


def _form_field(field: etree._Element) -> dict[str, Any]:
    """A form field as the runtime and the pages read it, with its labels in other
    languages (``label_en``, see processes/README.md)."""
    properties = _field_properties(field)
    constraints = {
        c.get("name"): c.get("config")
        for c in field.iterfind("camunda:validation/camunda:constraint", NSMAP)
    }
    return {
        "id": field.get("id"),
        "label": field.get("label") or field.get("id"),
        "type": field.get("type") or "string",
        "default": field.get("defaultValue"),
        "required": "required" in constraints,
        "readonly": "readonly" in constraints,
        "constraints": {k: v for k, v in constraints.items() if k not in {"required", "readonly"}},
        "options": [
            {
                "id": value.get("id"),
                "label": value.get("name") or value.get("id"),
                **_labels(properties, f":{value.get('id')}"),
            }
            for value in field.iterfind("camunda:value", NSMAP)
        ],
        "line": field.sourceline,
        **_time_of_day(properties),
        **_labels(properties),
    }


def _field_properties(field: etree._Element) -> dict[str, str]:
    return {
        prop.get("id") or "": (prop.get("value") or "").strip()
        for prop in field.iterfind("camunda:properties/camunda:property", NSMAP)
    }


def _time_of_day(properties: dict[str, str]) -> dict[str, str]:
    """A ``datetime`` field's ``time_of_day`` property: what a date alone stands for."""
    return {"time_of_day": properties["time_of_day"]} if "time_of_day" in properties else {}


def _labels(properties: dict[str, str], suffix: str = "") -> dict[str, str]:
    """The labels a field gives in other languages: ``label_en`` for the field itself,
    ``label_en:ID`` for its choice ID (a ``camunda:value`` has no properties of its own)."""
    pattern = re.compile(rf"label_([a-z]{{2}}){re.escape(suffix)}")
    return {
        f"label_{found[1]}": value
        for name, value in properties.items()
        if value and (found := pattern.fullmatch(name))
    }


def form_rules(element: etree._Element) -> list[dict[str, Any]]:
    """The cross-field rules (``govflow:rule``) of a user task's or start event's form."""
    return [
        {
            "field": rule.get("field") or "",
            "message": rule.get("message") or "",
            "expression": expression_of(rule.text) or (rule.text or "").strip(),
            "line": rule.sourceline,
        }
        for rule in element.iterfind("bpmn:extensionElements/govflow:rule", NSMAP)
    ]


def _start_events(process: etree._Element) -> list[etree._Element]:
    return process.findall("bpmn:startEvent", NSMAP)


def _start_form(process: etree._Element) -> list[dict[str, Any]]:
    """The form of the process's start event: the variables a caller must give it."""
    for start in process.findall("bpmn:startEvent", NSMAP):
        fields = start.findall("bpmn:extensionElements/camunda:formData/camunda:formField", NSMAP)
        if fields:
            return [_form_field(field) for field in fields]
    return []


def _started_by_hand(process: etree._Element) -> bool:
    """Whether a none start event (one without a trigger) lets a person start it."""
    return any(
        not any(str(child.tag).endswith("EventDefinition") for child in start)
        for start in process.findall("bpmn:startEvent", NSMAP)
    )


def _start_messages(process: etree._Element) -> list[str]:
    """Names of the messages that start the process (its message start events)."""
    names = {
        message.get("id"): message.get("name") or message.get("id")
        for message in process.getroottree().getroot().findall("bpmn:message", NSMAP)
    }
    return [
        names.get(definition.get("messageRef", ""), definition.get("messageRef", ""))
        for definition in process.iterfind("bpmn:startEvent/bpmn:messageEventDefinition", NSMAP)
    ]


def _start_timer(process: etree._Element) -> dict[str, Any] | None:
    for start in process.findall("bpmn:startEvent", NSMAP):
        definition = start.find("bpmn:timerEventDefinition", NSMAP)
        if definition is None:
            continue
        for tag in _TIMER_TAGS:
            node = definition.find(f"bpmn:{tag}", NSMAP)
            if node is not None:
                return {"element_id": start.get("id"), "kind": tag, "expression": node.text}
    return None

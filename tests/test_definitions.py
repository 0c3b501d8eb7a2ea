"""Definition validation: a corpus of mistakes, each with its message and line.

Each case is a process body in a Camunda Modeler-shaped file; the line the error must
point at carries the marker ``<!--!-->``, so the expected line is visible in the case
itself and cannot drift when a case is edited.
"""

# ruff: noqa: E501 -- the corpus keeps each XML case on its lines, so the marked line stays visible
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from engine.api import Engine, read_files
from engine.clock import ManualClock
from engine.definitions import load_models, validate_files
from engine.errors import InvalidDefinition
from web.cli import cli

MARK = "<!--!-->"
HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
    ' xmlns:camunda="http://camunda.org/schema/1.0/bpmn"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' id="defs" targetNamespace="http://bpmn.io/schema/bpmn">\n'
)
PROCESS = '<bpmn:process id="p" name="P" isExecutable="true">\n{body}\n</bpmn:process>\n'
TAIL = "</bpmn:definitions>\n"
UNITS = frozenset({"ITC", "DBO", "DBO:STAMEQ"})


def document(body: str) -> str:
    return HEAD + PROCESS.format(body=body.strip("\n")) + TAIL


def around(middle: str, node: str = "t") -> str:
    """start → ``middle`` (whose node is ``node``) → end."""
    return (
        '<bpmn:startEvent id="start"/>\n'
        f'<bpmn:sequenceFlow id="f_in" sourceRef="start" targetRef="{node}"/>\n'
        f"{middle.strip()}\n"
        f'<bpmn:sequenceFlow id="f_out" sourceRef="{node}" targetRef="end"/>\n'
        '<bpmn:endEvent id="end"/>'
    )


def user_task(attributes: str = "", inner: str = "") -> str:
    return around(f'<bpmn:userTask id="t" name="Review" {attributes}>{inner}</bpmn:userTask>')


def form(*fields: str) -> str:
    lines = "\n".join(fields)
    return f"\n<bpmn:extensionElements><camunda:formData>\n{lines}\n</camunda:formData></bpmn:extensionElements>\n"


def timer_event(definition: str) -> str:
    return around(
        '<bpmn:intermediateCatchEvent id="t" name="Wait">\n'
        f"<bpmn:timerEventDefinition>{definition}</bpmn:timerEventDefinition>\n"
        "</bpmn:intermediateCatchEvent>"
    )


def gateway(flows: str, attributes: str = "") -> str:
    return (
        '<bpmn:startEvent id="start"/>\n'
        '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="gw"/>\n'
        f'<bpmn:exclusiveGateway id="gw" name="Approved?" {attributes}/>\n'
        f"{flows.strip()}\n"
        '<bpmn:endEvent id="yes"/>\n<bpmn:endEvent id="no"/>'
    )


def flow(flow_id: str, target: str, condition: str | None = None, mark: bool = False) -> str:
    marker = MARK if mark else ""
    if condition is None:
        return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="gw" targetRef="{target}"/>{marker}'
    return (
        f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="gw" targetRef="{target}">\n'
        f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}'
        f"</bpmn:conditionExpression>{marker}\n</bpmn:sequenceFlow>"
    )


def script(text: str, attributes: str = 'scriptFormat="python"') -> str:
    return around(
        f'<bpmn:scriptTask id="t" name="Compute" {attributes}>\n'
        f"<bpmn:script>{text}</bpmn:script>\n</bpmn:scriptTask>"
    )


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    fragment: str
    count: int = 1
    """How many problems the file has in all: a mistake must not drown in noise."""

    @property
    def line(self) -> int:
        (line,) = [n for n, text in enumerate(self.text.splitlines(), 1) if MARK in text]
        return line


def case(name: str, body: str, fragment: str, count: int = 1) -> Case:
    return Case(name, document(body), fragment, count)


CASES = [
    # -- XML and schema ---------------------------------------------------------------
    Case(
        "malformed_xml",
        HEAD + "<bpmn:process id='p'>\n<bpmn:task id=t/>" + MARK + "\n" + TAIL,
        "not well-formed XML",
    ),
    Case(
        "doctype",
        '<?xml version="1.0"?>\n<!DOCTYPE x []>' + MARK + "\n<x/>\n",
        "DOCTYPE is not allowed",
    ),
    Case(
        "not_bpmn",
        '<?xml version="1.0"?>\n<diagram id="d"/>' + MARK + "\n",
        "not valid BPMN 2.0",
        2,
    ),
    case(
        "misspelt_element", around(f'<bpmn:userTsk id="t"/>{MARK}'), "This element is not expected"
    ),
    case(
        "bad_boolean",
        around(
            f'<bpmn:boundaryEvent id="b" attachedToRef="t" cancelActivity="no"/>{MARK}\n<bpmn:task id="t"/>'
        ),
        "cancelActivity",
        3,  # and: the event has no trigger (§10.5.4) and no outgoing flow
    ),
    case(
        "flow_without_target",
        around('<bpmn:task id="t"/>') + f'\n<bpmn:sequenceFlow id="g" sourceRef="t"/>{MARK}',
        "'targetRef' is required",
    ),
    case(
        "two_timer_kinds",
        timer_event(
            f"\n<bpmn:timeDate>2021-06-30T17:00:00+07:00</bpmn:timeDate>\n<bpmn:timeDuration>PT1H</bpmn:timeDuration>{MARK}\n"
        ),
        "not valid BPMN 2.0",
    ),
    Case(
        "no_executable_process",
        HEAD + f'<bpmn:process id="p" isExecutable="false"/>{MARK}\n{TAIL}',
        "no executable process",
    ),
    # -- structure --------------------------------------------------------------------
    case(
        "duplicate_id",
        around(f'<bpmn:task id="t"/>\n<bpmn:task id="t"/>{MARK}'),
        "already used on line",
        1,
    ),
    Case(
        "no_start_event",
        HEAD
        + f'<bpmn:process id="p" isExecutable="true">{MARK}\n<bpmn:endEvent id="e"/>\n</bpmn:process>\n'
        + TAIL,
        "no start event",
    ),
    case(
        "unreachable_task",
        around('<bpmn:task id="t"/>')
        + f'\n<bpmn:task id="lost" name="Lost"/>{MARK}\n<bpmn:sequenceFlow id="g" sourceRef="lost" targetRef="end"/>',
        "not reachable from a start event",
    ),
    case(
        "dead_end_event",  # §10.5.4: an intermediate event in the flow is a flow's source
        '<bpmn:startEvent id="start"/>\n<bpmn:sequenceFlow id="f" sourceRef="start" targetRef="t"/>\n'
        f'<bpmn:intermediateThrowEvent id="t" name="Nowhere"/>{MARK}',
        "no outgoing sequence flow, and not an end event",
    ),
    case(
        "loop_without_exit",
        '<bpmn:startEvent id="start"/>\n<bpmn:sequenceFlow id="f" sourceRef="start" targetRef="a"/>\n'
        f'<bpmn:task id="a"/>{MARK}\n<bpmn:sequenceFlow id="f1" sourceRef="a" targetRef="b"/>\n<bpmn:task id="b"/>\n<bpmn:sequenceFlow id="f2" sourceRef="b" targetRef="a"/>',
        "a loop with no way out",
        2,
    ),
    case(
        "flow_to_missing_node",
        around('<bpmn:task id="t"/>')
        + f'\n<bpmn:sequenceFlow id="g" sourceRef="t" targetRef="ghost"/>{MARK}',
        "targetRef 'ghost' is not in the file",
    ),
    case(
        "flow_from_missing_node",
        around('<bpmn:task id="t"/>')
        + f'\n<bpmn:sequenceFlow id="g" sourceRef="ghost" targetRef="end"/>{MARK}',
        "sourceRef 'ghost' is not in the file",
    ),
    case(
        "flow_into_subprocess",
        around(
            f'<bpmn:subProcess id="t">\n<bpmn:startEvent id="s2"/>\n<bpmn:sequenceFlow id="g" sourceRef="s2" targetRef="end"/>{MARK}\n</bpmn:subProcess>'
        ),
        "outside this (sub)process",
        1,  # the subprocess's dead end is a consequence, not reported again
    ),
    case(
        "start_with_incoming",
        around('<bpmn:task id="t"/>').replace(
            '<bpmn:startEvent id="start"/>', f'<bpmn:startEvent id="start"/>{MARK}'
        )
        + '\n<bpmn:sequenceFlow id="back" sourceRef="t" targetRef="start"/>',
        "start event cannot have incoming",
    ),
    case(
        "end_with_outgoing",
        '<bpmn:startEvent id="start"/>\n<bpmn:sequenceFlow id="f" sourceRef="start" targetRef="end"/>\n'
        f'<bpmn:endEvent id="end"/>{MARK}\n<bpmn:sequenceFlow id="g" sourceRef="end" targetRef="t"/>\n<bpmn:task id="t"/>',
        "end event cannot have outgoing",
        2,
    ),
    case(
        "event_subprocess_with_incoming_flow",
        around('<bpmn:task id="t"/>')
        + '\n<bpmn:sequenceFlow id="in" sourceRef="t" targetRef="esp"/>'
        + f'\n<bpmn:subProcess id="esp" triggeredByEvent="true">{MARK}'
        + '<bpmn:startEvent id="esp_s"><bpmn:signalEventDefinition/></bpmn:startEvent>'
        + '<bpmn:sequenceFlow id="esp_f" sourceRef="esp_s" targetRef="esp_e"/>'
        + '<bpmn:endEvent id="esp_e"/></bpmn:subProcess>',
        "event subprocess cannot have incoming or outgoing",
    ),
    case(
        "gateway_flow_without_condition",
        gateway(flow("y", "yes", "${approved}") + "\n" + flow("n", "no", mark=True)),
        "neither a condition nor is the default",
    ),
    case(
        "default_not_outgoing",
        gateway(
            flow("y", "yes", "${approved}") + "\n" + flow("n", "no", "${not approved}"),
            'default="f0"',
        )
        .replace('<bpmn:exclusiveGateway id="gw"', '<bpmn:exclusiveGateway id="gw"')
        .replace('default="f0"/>', f'default="f0"/>{MARK}'),
        "does not leave this gateway",
    ),
    case(
        "default_with_condition",
        gateway(
            flow("y", "yes", "${approved}") + "\n" + flow("n", "no", "${True}", mark=True),
            'default="n"',
        ),
        "default flow of a gateway must not have a condition",
    ),
    case(
        "inclusive_without_condition",
        gateway(flow("y", "yes", "${a}") + "\n" + flow("n", "no", mark=True)).replace(
            "exclusiveGateway", "inclusiveGateway"
        ),
        "neither a condition nor is the default",
    ),
    case(
        "condition_out_of_task",
        around('<bpmn:task id="t"/>').replace(
            '<bpmn:sequenceFlow id="f_out" sourceRef="t" targetRef="end"/>',
            f'<bpmn:sequenceFlow id="f_out" sourceRef="t" targetRef="end">{MARK}<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${{ok}}</bpmn:conditionExpression></bpmn:sequenceFlow>',
        ),
        "conditional sequence flow out of an activity needs another outgoing flow",
    ),
    case(  # §10.3.6
        "negative_loop_maximum",
        around(
            f'<bpmn:task id="t"><bpmn:standardLoopCharacteristics loopMaximum="-1"/>{MARK}</bpmn:task>'
        ),
        "loopMaximum cannot be negative",
    ),
    case(  # §10.3.6
        "negative_loop_cardinality",
        around(
            '<bpmn:task id="t"><bpmn:multiInstanceLoopCharacteristics>'
            f"<bpmn:loopCardinality>-2</bpmn:loopCardinality>{MARK}"
            "</bpmn:multiInstanceLoopCharacteristics></bpmn:task>"
        ),
        "loopCardinality cannot be negative",
    ),
    case(
        "call_unknown_process",
        around(f'<bpmn:callActivity id="t" calledElement="nowhere"/>{MARK}'),
        "not a process of this deployment",
    ),
    case(
        "call_without_process",
        around(f'<bpmn:callActivity id="t"/>{MARK}'),
        "names no process to call",
    ),
    case(
        "boundary_on_missing_task",
        around('<bpmn:task id="t"/>')
        + f'\n<bpmn:boundaryEvent id="b" attachedToRef="ghost">{MARK}<bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>',
        "attached to 'ghost'",
        2,
    ),
    # -- expressions, scripts, timers -------------------------------------------------
    case(
        "condition_juel_and",
        gateway(
            flow("y", "yes", "${a &amp;&amp; b}", mark=True) + "\n" + flow("n", "no"), 'default="n"'
        ),
        "does not compile: syntax error",
    ),
    case(
        "condition_dunder",
        gateway(
            flow("y", "yes", "${x.__class__}", mark=True) + "\n" + flow("n", "no"), 'default="n"'
        ),
        "'__class__' is not allowed",
    ),
    case(
        "condition_empty",
        gateway(flow("y", "yes", " ", mark=True) + "\n" + flow("n", "no"), 'default="n"'),
        "the condition is empty",
    ),
    Case(
        "script_syntax_error",
        document(script("x = 1\ny = (")).replace("y = (", "y = (" + MARK),
        "script does not compile",
    ),
    case("script_import", script(f"import os{MARK}"), "import is not allowed"),
    case(
        "script_empty",
        script("   ").replace(
            '<bpmn:scriptTask id="t" name="Compute" scriptFormat="python">',
            f'<bpmn:scriptTask id="t" name="Compute" scriptFormat="python">{MARK}',
        ),
        "script task has no script",
    ),
    case(
        "script_javascript",
        script("x = 1", 'scriptFormat="javascript"').replace(
            'scriptFormat="javascript">', f'scriptFormat="javascript">{MARK}'
        ),
        "script format 'javascript' is not supported",
    ),
    case(
        "timer_bad_duration",
        timer_event(f"<bpmn:timeDuration>P2X</bpmn:timeDuration>{MARK}"),
        "timeDuration 'P2X' is not an ISO 8601 duration",
    ),
    case(
        "timer_bad_date",
        timer_event(f"<bpmn:timeDate>2021-13-45T00:00:00</bpmn:timeDate>{MARK}"),
        "is not an ISO 8601 date-time",
    ),
    case(
        "timer_bad_cycle",
        timer_event(f"<bpmn:timeCycle>R/someday/P6M</bpmn:timeCycle>{MARK}"),
        "is not an ISO 8601 repeating interval",
    ),
    case(
        "timer_duration_as_date",
        timer_event(f"<bpmn:timeDate>PT2H</bpmn:timeDate>{MARK}"),
        "timeDate 'PT2H'",
    ),
    case(
        "timer_unquoted_expression",
        timer_event(f"<bpmn:timeDuration>timedelta(days=1)</bpmn:timeDuration>{MARK}"),
        "not an ISO 8601 duration",
    ),
    case(
        "timer_expression_syntax",
        timer_event(f"<bpmn:timeDate>${{deadline(}}</bpmn:timeDate>{MARK}"),
        "timer expression '${deadline(}' does not compile",
    ),
    case(
        "timer_without_time",
        timer_event("").replace(
            "<bpmn:timerEventDefinition>", f"<bpmn:timerEventDefinition>{MARK}"
        ),
        "timer has no time",
    ),
    case(
        "due_date_words",
        user_task('camunda:dueDate="tomorrow"').replace("<bpmn:userTask", f"{MARK}<bpmn:userTask"),
        "camunda:dueDate 'tomorrow' is neither",
    ),
    case(
        "follow_up_expression",
        user_task('camunda:followUpDate="${now() +}"').replace(
            "<bpmn:userTask", f"{MARK}<bpmn:userTask"
        ),
        "camunda:followUpDate",
    ),
    case(
        "candidate_groups_expression",
        user_task('camunda:candidateGroups="${unit[}"').replace(
            "<bpmn:userTask", f"{MARK}<bpmn:userTask"
        ),
        "camunda:candidateGroups '${unit[}' does not compile",
    ),
    case(
        "multi_instance_without_collection",
        user_task(inner=f"\n<bpmn:multiInstanceLoopCharacteristics/>{MARK}\n"),
        "no collection and no cardinality",
    ),
    case(
        "multi_instance_bad_collection",
        user_task(
            inner=f'\n<bpmn:multiInstanceLoopCharacteristics camunda:collection="${{units[}}" camunda:elementVariable="unit"/>{MARK}\n'
        ),
        "multi-instance collection",
    ),
    case(
        "multi_instance_undeclared_output_list",
        user_task(
            inner=f'\n<bpmn:multiInstanceLoopCharacteristics camunda:collection="${{units}}" camunda:elementVariable="unit">\n<bpmn:loopDataOutputRef>answers</bpmn:loopDataOutputRef>{MARK}\n<bpmn:outputDataItem id="answer"/>\n</bpmn:multiInstanceLoopCharacteristics>\n'
        ),
        "loopDataOutputRef 'answers' refers to no element",
    ),
    case(
        "message_not_declared",
        around(
            '<bpmn:intermediateCatchEvent id="t" name="Reply">\n'
            f'<bpmn:messageEventDefinition id="t_def" messageRef="reply"/>{MARK}\n'
            "</bpmn:intermediateCatchEvent>"
        ),
        "names message 'reply', which is not declared",
    ),
    case(
        "escalation_reminder_not_an_offset",
        user_task(
            'camunda:candidateGroups="ITC" camunda:dueDate="P5D"',
            "\n<bpmn:extensionElements><camunda:properties>\n"
            f'<camunda:property name="reminder" value="3 days"/>{MARK}\n'
            "</camunda:properties></bpmn:extensionElements>\n",
        ),
        "reminder '3 days' is not an offset",
    ),
    case(
        "escalation_step_unknown_unit",
        user_task(
            'camunda:candidateGroups="ITC" camunda:dueDate="P5D"',
            "\n<bpmn:extensionElements><camunda:properties>\n"
            f'<camunda:property name="escalation" value="head,NOPE"/>{MARK}\n'
            "</camunda:properties></bpmn:extensionElements>\n",
        ),
        "escalation step 'NOPE' is neither 'head' nor a known unit",
    ),
    case(
        "start_form_unknown_type",
        '<bpmn:startEvent id="start">\n<bpmn:extensionElements><camunda:formData>\n'
        f'<camunda:formField id="year" type="integer"/>{MARK}\n'
        "</camunda:formData></bpmn:extensionElements>\n</bpmn:startEvent>\n"
        '<bpmn:sequenceFlow id="f" sourceRef="start" targetRef="end"/>\n'
        '<bpmn:endEvent id="end"/>',
        "unknown type 'integer'",
    ),
    # -- Camunda dialect, units and unsupported constructs ----------------------------
    case(
        "unknown_field_type",
        user_task(inner=form(f'<camunda:formField id="n" type="number"/>{MARK}')),
        "unknown type 'number'",
    ),
    case(
        "enum_without_values",
        user_task(inner=form(f'<camunda:formField id="kind" type="enum"/>{MARK}')),
        "has no values",
    ),
    case(
        "min_on_string",
        user_task(
            inner=form(
                '<camunda:formField id="note" type="string">',
                f'<camunda:validation><camunda:constraint name="min" config="3"/></camunda:validation>{MARK}'.replace(
                    "<camunda:validation>", "<camunda:validation>\n", 1
                ),
                "</camunda:formField>",
            )
        ),
        "does not apply to the string field",
    ),
    case(
        "bad_max_config",
        user_task(
            inner=form(
                '<camunda:formField id="n" type="long"><camunda:validation>',
                f'<camunda:constraint name="max" config="ten"/>{MARK}',
                "</camunda:validation></camunda:formField>",
            )
        ),
        "not a limit",
    ),
    case(
        "unknown_constraint",
        user_task(
            inner=form(
                '<camunda:formField id="n" type="long"><camunda:validation>',
                f'<camunda:constraint name="positive"/>{MARK}',
                "</camunda:validation></camunda:formField>",
            )
        ),
        "unknown constraint 'positive'",
    ),
    case(
        "field_id_not_a_name",
        user_task(inner=form(f'<camunda:formField id="so luong" type="long"/>{MARK}')),
        "is not a variable name",
    ),
    case(
        "duplicate_field",
        user_task(
            inner=form(
                '<camunda:formField id="n" type="long"/>',
                f'<camunda:formField id="n" type="string"/>{MARK}',
            )
        ),
        "appears twice",
    ),
    case(
        "unknown_candidate_group",
        user_task('camunda:candidateGroups="ITC, NOBODY"').replace(
            "<bpmn:userTask", f"{MARK}<bpmn:userTask"
        ),
        "'NOBODY' is not a known unit",
    ),
    Case(
        "lane_without_unit",
        document(
            around('<bpmn:userTask id="t" name="Review"/>').replace(
                "<bpmn:startEvent",
                '<bpmn:laneSet id="ls">\n'
                f'<bpmn:lane id="lane" name="Reviewers">{MARK}<bpmn:flowNodeRef>t</bpmn:flowNodeRef></bpmn:lane>\n</bpmn:laneSet>\n<bpmn:startEvent',
                1,
            )
        ),
        "nobody would receive them",
    ),
    Case(
        "lane_unknown_unit",
        document(
            around('<bpmn:userTask id="t" name="Review"/>').replace(
                "<bpmn:startEvent",
                '<bpmn:laneSet id="ls">\n'
                f'<bpmn:lane id="lane" name="Viện X (VX)">{MARK}<bpmn:flowNodeRef>t</bpmn:flowNodeRef></bpmn:lane>\n</bpmn:laneSet>\n<bpmn:startEvent',
                1,
            )
        ),
        "lane unit 'VX' is not a known unit",
    ),
    case(
        "form_key",
        user_task('camunda:formKey="embedded:app:forms/x.html"').replace(
            "<bpmn:userTask", f"{MARK}<bpmn:userTask"
        ),
        "camunda:formKey on a userTask is not supported",
    ),
    case(
        "java_delegate",
        around(f'<bpmn:serviceTask id="t" camunda:class="vn.gov.Send"/>{MARK}'),
        "camunda:class on a serviceTask",
        2,  # and: it names no connector
    ),
    case(
        "external_task_unknown_connector",
        around(f'<bpmn:serviceTask id="t" camunda:type="external" camunda:topic="mail"/>{MARK}'),
        "unknown connector 'mail'",
    ),
    case(
        "service_task_without_connector",
        around(f'<bpmn:serviceTask id="t" name="Call the portal"/>{MARK}'),
        "this service task names no connector",
    ),
    case(
        "govflow_connector_unknown",
        around(
            f'<bpmn:serviceTask id="t">{MARK}<bpmn:extensionElements><govflow:connector xmlns:govflow="urn:govflow:bpmn:1.0" name="sms"/></bpmn:extensionElements></bpmn:serviceTask>'
        ),
        "unknown connector 'sms'",
    ),
    case(
        "connector_input_does_not_compile",
        around(
            '<bpmn:serviceTask id="t" camunda:type="external" camunda:topic="http"><bpmn:extensionElements><camunda:inputOutput>\n'
            f'<camunda:inputParameter name="report">${{report &amp;&amp; ok}}</camunda:inputParameter>{MARK}\n'
            "</camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>"
        ),
        "inputParameter 'report' does not compile",
    ),
    case(
        "external_send_task",
        around(f'<bpmn:sendTask id="t" camunda:type="external" camunda:topic="http"/>{MARK}'),
        "external sendTasks are not supported",
        2,
    ),
    case(
        "task_listener",
        user_task(
            inner=f'\n<bpmn:extensionElements>\n<camunda:taskListener class="x" event="create"/>{MARK}\n</bpmn:extensionElements>\n'
        ),
        "task listeners are not run",
    ),
    case(
        "input_output",
        around(
            f'<bpmn:task id="t"><bpmn:extensionElements>\n<camunda:inputOutput>{MARK}<camunda:inputParameter name="a">1</camunda:inputParameter></camunda:inputOutput>\n</bpmn:extensionElements></bpmn:task>'
        ),
        "input/output mappings are not applied",
    ),
    case(
        "complex_gateway",
        '<bpmn:startEvent id="start"/>\n'
        '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="split"/>\n'
        '<bpmn:parallelGateway id="split"/>\n'
        '<bpmn:sequenceFlow id="f1" sourceRef="split" targetRef="t"/>\n'
        '<bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="t"/>\n'
        f'<bpmn:complexGateway id="t"/>{MARK}\n'
        '<bpmn:sequenceFlow id="f3" sourceRef="t" targetRef="end"><bpmn:conditionExpression>'
        "${a}</bpmn:conditionExpression></bpmn:sequenceFlow>\n"
        '<bpmn:sequenceFlow id="f4" sourceRef="t" targetRef="end"><bpmn:conditionExpression>'
        "${b}</bpmn:conditionExpression></bpmn:sequenceFlow>\n"
        '<bpmn:endEvent id="end"/>',
        "a complex gateway that both joins and splits is not supported",
    ),
    case(
        "cycle_start_in_subprocess",
        around(
            f'<bpmn:subProcess id="t">\n<bpmn:startEvent id="s2">{MARK}<bpmn:timerEventDefinition><bpmn:timeCycle>R/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>\n<bpmn:sequenceFlow id="g" sourceRef="s2" targetRef="e2"/>\n<bpmn:endEvent id="e2"/>\n</bpmn:subProcess>'
        ),
        "the start event of a subprocess must have no trigger",  # BPMN 2.0 §10.5.2
    ),
]


def test_the_corpus_has_forty_distinct_mistakes() -> None:
    assert len({c.name for c in CASES}) == len(CASES) >= 40


@pytest.mark.parametrize("mistake", CASES, ids=lambda c: c.name)
def test_each_mistake_is_reported_with_its_line(mistake: Case) -> None:
    problems = validate_files({f"{mistake.name}.bpmn": mistake.text.encode()}, UNITS)
    described = "\n".join(f"{p}  ({p.hint})" for p in problems)
    matching = [p for p in problems if mistake.fragment in p.message]
    assert matching, f"expected {mistake.fragment!r} in:\n{described}"
    assert matching[0].line == mistake.line, described
    assert matching[0].file == f"{mistake.name}.bpmn"
    assert matching[0].hint, "every problem says how to fix it"
    assert len(problems) == mistake.count, described


# -- valid Camunda Modeler files ------------------------------------------------------

VALID_DIR = Path(__file__).parent / "bpmn" / "valid"


def test_modeler_files_validate_clean() -> None:
    files = read_files([VALID_DIR])
    assert len(files) == 4
    assert validate_files(files, UNITS) == []
    assert {m.key for m in load_models(files, UNITS)} == {
        "catalogue_review",
        "half_yearly",
        "report_check",
        "valid_unit_reports",
    }


def test_catalogue_review_runs_as_drawn(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(read_files([VALID_DIR]))
    instance = engine.start("catalogue_review", actor="itc")
    (draft,) = instance.open_tasks
    assert (draft.element_id, draft.unit) == ("Task_draft", "ITC")  # from the lane
    assert draft.due_at == clock.now() + timedelta(days=2)
    engine.complete(draft.id, {"title": "2021", "kind": "sector", "databases": 3}, actor="an")

    (review,) = engine.tasks(instance_id=instance.id)
    # local_deadline(2021, 6, 30): before Wednesday 30/06, so Tuesday 29/06 17:00 in Hà Nội
    assert (review.unit, review.due_at.isoformat()) == ("DBO", "2021-06-29T10:00:00+00:00")
    clock.advance(timedelta(hours=3))
    assert engine.fire_due_timers() == 1  # the PT2H reminder, non-interrupting
    assert engine.instance(instance.id).data["reminded"] is True
    engine.complete(review.id, {"approved": "true"}, actor="dbo")

    clock.set(datetime(2021, 6, 30, 18, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    assert engine.fire_due_timers() == 1  # the publication date
    done = engine.instance(instance.id)
    assert (done.status, done.data["published"]) == ("completed", "catalogue 2021")


def test_unit_reports_fan_out_and_call_a_process_in_another_file(engine: Engine) -> None:
    engine.deploy(read_files([VALID_DIR]))
    instance = engine.start(
        "valid_unit_reports", {"units": ["DBO:STAMEQ", "DBO:NOIP"]}, actor="itc"
    )
    units = sorted((t.element_id, t.unit) for t in instance.open_tasks)
    assert units == [
        ("Task_check", "ITC"),
        ("Task_report", "DBO:NOIP"),
        ("Task_report", "DBO:STAMEQ"),
    ]
    for number, task in enumerate(instance.open_tasks):
        answer = {"checked": True} if task.element_id == "Task_check" else {"records": number}
        engine.complete(task.id, answer, actor="staff")
    done = engine.instance(instance.id)
    assert done.status == "completed"
    assert sorted(r["unit"] for r in done.data["reports"]) == ["DBO:NOIP", "DBO:STAMEQ"]


def test_deploy_is_all_or_nothing(engine: Engine) -> None:
    files = read_files([VALID_DIR])
    broken = next(c for c in CASES if c.name == "gateway_flow_without_condition")
    files["broken.bpmn"] = broken.text.encode()
    with pytest.raises(InvalidDefinition) as refused:
        engine.deploy(files)
    assert [p.file for p in refused.value.problems] == ["broken.bpmn"]
    assert engine.definitions() == []


def test_validate_command_prints_each_problem_with_its_hint(
    db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    bad = next(c for c in CASES if c.name == "gateway_flow_without_condition")
    path = tmp_path / "bad.bpmn"
    path.write_text(bad.text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path)], catch_exceptions=False)
    assert result.exit_code == 1
    (line,) = result.output.splitlines()
    assert line.startswith(f"{path}:{bad.line}: n: flow out of gateway 'gw' has neither")
    assert "(hint: give the flow a condition" in line
    result = CliRunner().invoke(cli, ["deploy", str(path)], catch_exceptions=False)
    assert result.exit_code == 1 and f"{path}:{bad.line}: n:" in result.output


def test_a_message_path_as_bpmn_js_saves_it_is_read_as_the_standard_one(
    plan_engine: Engine,
) -> None:
    """bpmn-js writes a correlation property's ``messagePath`` as ``formalExpression``:
    that file, saved unchanged in the modeler, is the same definition and correlates."""
    shipped = Path(__file__).parent.parent / "processes" / "open_data_catalogue.bpmn"
    standard = shipped.read_bytes()
    assert b"<bpmn:messagePath>feedback_for_period</bpmn:messagePath>" in standard
    as_bpmn_js = standard.replace(b"bpmn:messagePath>", b"bpmn:formalExpression>")
    assert plan_engine.validate({"catalogue.bpmn": as_bpmn_js}) == []
    assert plan_engine.deploy({"catalogue.bpmn": standard}).created == [("open_data_catalogue", 1)]
    again = plan_engine.deploy({"catalogue.bpmn": as_bpmn_js})
    assert again.created == [] and again.unchanged == [("open_data_catalogue", 1)]

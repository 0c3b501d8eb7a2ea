"""Definition mistakes in the XML, the schema and the structure of a process."""

# ruff: noqa: E501 -- each XML case keeps its lines, so the marked line stays visible
from __future__ import annotations

from mistake_documents import (
    HEAD,
    MARK,
    TAIL,
    Case,
    around,
    case,
    flow,
    gateway,
    timer_event,
)

STRUCTURE_CASES = [
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
]

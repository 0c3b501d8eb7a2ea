"""The static rules of the BPMN 2.0 standard: each broken rule refused where it is broken.

Every case is a small model that breaks one rule of the OMG BPMN 2.0.2 specification
(the section is in the case's name and in the message); the line the refusal must
point at carries ``<!--!-->``. The models those rules must not touch are in
``test_standard_allows.py``.
"""

# ruff: noqa: E501 -- each XML case keeps its marked line visible
from __future__ import annotations

from dataclasses import dataclass

import pytest
from mistake_documents import MARK, around, document
from standard_documents import (
    END,
    MESSAGE,
    START,
    TIMER,
    event,
    event_gateway,
    flow,
    with_definitions,
)

from engine.definitions import validate_files


@dataclass(frozen=True)
class Rule:
    name: str
    text: str
    fragment: str

    @property
    def line(self) -> int:
        (line,) = [n for n, text in enumerate(self.text.splitlines(), 1) if MARK in text]
        return line


RULES = [
    Rule(
        "10.5.2_error_start_of_process",
        with_definitions(
            f'<bpmn:startEvent id="start">{MARK}<bpmn:errorEventDefinition errorRef="e"/></bpmn:startEvent>\n'
            + flow("f", "start", "end")
            + END
        ),
        "a error trigger is not allowed on the start event of a process",
    ),
    Rule(
        "10.5.2_trigger_on_subprocess_start",
        document(
            around(
                '<bpmn:subProcess id="t">\n'
                f'<bpmn:startEvent id="s2">{MARK}{MESSAGE}</bpmn:startEvent>\n'
                + flow("g", "s2", "e2")
                + '<bpmn:endEvent id="e2"/></bpmn:subProcess>'
            )
        ),
        "start event of a subprocess must have no trigger",
    ),
    Rule(
        "10.3.4_event_subprocess_start_without_trigger",
        document(
            around('<bpmn:task id="t"/>')
            + '\n<bpmn:subProcess id="es" triggeredByEvent="true">\n'
            + f'<bpmn:startEvent id="s2"/>{MARK}\n'
            + flow("g", "s2", "e2")
            + '<bpmn:endEvent id="e2"/></bpmn:subProcess>'
        ),
        "start event of an event subprocess needs a trigger",
    ),
    Rule(
        "10.3.4_non_interrupting_error_start",
        with_definitions(
            around('<bpmn:task id="t"/>')
            + '\n<bpmn:subProcess id="es" triggeredByEvent="true">\n'
            + f'<bpmn:startEvent id="s2" isInterrupting="false">{MARK}<bpmn:errorEventDefinition errorRef="e"/></bpmn:startEvent>\n'
            + flow("g", "s2", "e2")
            + '<bpmn:endEvent id="e2"/></bpmn:subProcess>'
        ),
        "a error trigger is not allowed on this event subprocess's start event",
    ),
    Rule(
        "10.5.3_timer_end_event",
        document(
            START
            + flow("f", "start", "end")
            + f'\n<bpmn:endEvent id="end">{MARK}{TIMER}</bpmn:endEvent>'
        ),
        "a timer trigger is not allowed on an end event",
    ),
    Rule(
        "10.5.3_cancel_end_outside_transaction",
        document(
            START
            + flow("f", "start", "end")
            + f'\n<bpmn:endEvent id="end">{MARK}<bpmn:cancelEventDefinition/></bpmn:endEvent>'
        ),
        "a cancel end event is only allowed inside a transaction",
    ),
    Rule(
        "10.5.4_catch_without_trigger",
        document(around(f'<bpmn:intermediateCatchEvent id="t"/>{MARK}')),
        "an intermediate catch event needs a trigger",
    ),
    Rule(
        "10.5.4_error_catch",
        with_definitions(
            around(event("intermediateCatchEvent", 'errorEventDefinition errorRef="e"'))
        ),
        "a error trigger is not allowed on an intermediate catch event",
    ),
    Rule(
        "10.5.4_timer_throw",
        document(
            around(
                f'<bpmn:intermediateThrowEvent id="t">{MARK}{TIMER}</bpmn:intermediateThrowEvent>'
            )
        ),
        "a timer trigger is not allowed on an intermediate throw event",
    ),
    Rule(
        "10.5.4_escalation_without_code",
        document(
            around(
                '<bpmn:intermediateThrowEvent id="t">\n'
                f"<bpmn:escalationEventDefinition/>{MARK}\n</bpmn:intermediateThrowEvent>"
            )
        ),
        "a thrown escalation must name an escalation with a code",
    ),
    Rule(
        "10.5.4_non_interrupting_error_boundary",
        with_definitions(
            around('<bpmn:task id="t"/>')
            + f'\n<bpmn:boundaryEvent id="b" attachedToRef="t" cancelActivity="false">{MARK}<bpmn:errorEventDefinition errorRef="e"/></bpmn:boundaryEvent>\n'
            + flow("g", "b", "end")
        ),
        "a error trigger is not allowed on a non-interrupting boundary event",
    ),
    Rule(
        "10.5.4_cancel_boundary_on_task",
        document(
            around('<bpmn:task id="t"/>')
            + f'\n<bpmn:boundaryEvent id="b" attachedToRef="t">{MARK}<bpmn:cancelEventDefinition/></bpmn:boundaryEvent>\n'
            + flow("g", "b", "end")
        ),
        "a cancel boundary event must be attached to a transaction",
    ),
    Rule(
        "10.5.4_boundary_with_incoming_flow",
        document(
            around('<bpmn:task id="t"/>')
            + f'\n<bpmn:boundaryEvent id="b" attachedToRef="t">{MARK}{TIMER}</bpmn:boundaryEvent>\n'
            + flow("g", "b", "end")
            + flow("back", "start", "b")
        ),
        "a boundary event cannot have incoming flows",
    ),
    Rule(
        "10.5.4_link_without_catch",
        document(
            START
            + flow("f", "start", "t")
            + f'\n<bpmn:intermediateThrowEvent id="t">{MARK}<bpmn:linkEventDefinition name="L"/></bpmn:intermediateThrowEvent>\n'
            + '<bpmn:intermediateCatchEvent id="c"><bpmn:linkEventDefinition name="other"/></bpmn:intermediateCatchEvent>\n'
            + flow("g", "c", "end")
            + END
        ),
        "link 'L' has no catching link event of that name",
    ),
    Rule(
        "8.3.11_event_definition_ref_unresolved",
        document(
            around(
                '<bpmn:intermediateCatchEvent id="t">\n'
                f"<bpmn:eventDefinitionRef>nowhere</bpmn:eventDefinitionRef>{MARK}\n</bpmn:intermediateCatchEvent>"
            )
        ),
        "eventDefinitionRef 'nowhere' names no event definition",
    ),
    Rule(
        "10.6_gateway_neither_merges_nor_splits",
        document(around(f'<bpmn:parallelGateway id="t"/>{MARK}')),
        "a gateway must merge",
    ),
    Rule(
        "10.6_diverging_gateway_with_two_incoming",
        document(
            START
            + flow("f", "start", "a")
            + '\n<bpmn:parallelGateway id="a"/>\n'
            + flow("a1", "a", "t")
            + flow("a2", "a", "t")
            + f'\n<bpmn:parallelGateway id="t" gatewayDirection="Diverging"/>{MARK}\n'
            + flow("g", "t", "end")
            + END
        ),
        "a diverging gateway has 2 incoming",
    ),
    Rule(
        "10.6.6_event_gateway_to_task",
        document(
            event_gateway(
                f'<bpmn:task id="a"/>{MARK}\n<bpmn:intermediateCatchEvent id="b">{TIMER}</bpmn:intermediateCatchEvent>'
            )
        ),
        "an event-based gateway cannot lead to this task",
    ),
    Rule(
        "10.6.6_event_gateway_target_with_other_incoming",
        document(
            event_gateway(
                f'<bpmn:intermediateCatchEvent id="a">{MARK}{TIMER}</bpmn:intermediateCatchEvent>\n'
                f'<bpmn:intermediateCatchEvent id="b">{TIMER}</bpmn:intermediateCatchEvent>\n'
                + flow("x", "start2", "a")
                + '\n<bpmn:startEvent id="start2"/>'
            )
        ),
        "must have no other incoming flow",
    ),
    Rule(
        "10.7_compensation_boundary_without_handler",
        document(
            around('<bpmn:task id="t"/>')
            + f'\n<bpmn:boundaryEvent id="b" attachedToRef="t">{MARK}<bpmn:compensateEventDefinition/></bpmn:boundaryEvent>'
        ),
        "needs an association to its handler",
    ),
    Rule(
        "10.3.3_instantiating_receive_task_with_incoming",
        document(around(f'<bpmn:receiveTask id="t" instantiate="true"/>{MARK}')),
        "an instantiating receiveTask cannot have incoming flows",
    ),
    Rule(
        "10.3.5_start_event_in_ad_hoc_subprocess",
        document(
            around(
                '<bpmn:adHocSubProcess id="t">\n'
                f'<bpmn:startEvent id="s2"/>{MARK}\n<bpmn:task id="a"/>\n</bpmn:adHocSubProcess>'
            )
        ),
        "an ad-hoc subprocess has no start event",
    ),
    Rule(
        "10.3.1_start_quantity_zero",
        document(around(f'<bpmn:task id="t" startQuantity="0"/>{MARK}')),
        "startQuantity is 0",
    ),
    Rule(
        "10.2_public_process_executable",
        document(START + flow("f", "start", "end") + END).replace(
            'isExecutable="true">', f'isExecutable="true" processType="Public">{MARK}'
        ),
        "a public process cannot be executable",
    ),
    Rule(
        "8.3.13_outgoing_list_stale",
        document(
            f'<bpmn:startEvent id="start"><bpmn:outgoing>f</bpmn:outgoing><bpmn:outgoing>old</bpmn:outgoing></bpmn:startEvent>{MARK}\n'
            + flow("f", "start", "end")
            + '\n<bpmn:endEvent id="end"><bpmn:incoming>f</bpmn:incoming></bpmn:endEvent>'
        ),
        "outgoing lists 'old'",
    ),
    Rule(
        "9.4_message_flow_inside_one_pool",
        document(START + flow("f", "start", "end") + END).replace(
            "<bpmn:process ",
            '<bpmn:collaboration id="c"><bpmn:participant id="pool" processRef="p"/>\n'
            f'<bpmn:messageFlow id="mf" sourceRef="start" targetRef="end"/>{MARK}\n</bpmn:collaboration>\n<bpmn:process ',
        ),
        "both ends are in the same one",
    ),
    Rule(
        "10.4.1_collection_mismatch",
        document(START + flow("f", "start", "end") + END)
        .replace(
            "<bpmn:process ",
            '<bpmn:itemDefinition id="list" isCollection="true"/>\n<bpmn:process ',
        )
        .replace(START, START + f'<bpmn:dataObject id="d" itemSubjectRef="list"/>{MARK}\n'),
        "isCollection is false, but its item definition 'list' says true",
    ),
    Rule(
        "8.3.4_import_missing",
        document(START + flow("f", "start", "end") + END).replace(
            "<bpmn:process ",
            '<bpmn:import importType="http://www.omg.org/spec/BPMN/20100524/MODEL" location="other.bpmn" namespace="urn:x"/>'
            f"{MARK}\n<bpmn:process ",
        ),
        "the imported file 'other.bpmn' is not part of this deployment",
    ),
    Rule(
        "10.5.1_conditional_event_condition",
        document(
            around(
                '<bpmn:intermediateCatchEvent id="t"><bpmn:conditionalEventDefinition>\n'
                f"<bpmn:condition>a non-formal condition</bpmn:condition>{MARK}\n"
                "</bpmn:conditionalEventDefinition></bpmn:intermediateCatchEvent>"
            )
        ),
        "<bpmn:condition>: condition 'a non-formal condition' does not compile",
    ),
]


RULES.append(
    Rule(
        "8.3.8_expression_without_body",
        document(
            around(
                '<bpmn:task id="t"><bpmn:standardLoopCharacteristics>\n'
                f"<bpmn:loopCondition/>{MARK}\n"
                "</bpmn:standardLoopCharacteristics></bpmn:task>"
            )
        ),
        "an expression needs a body",
    )
)


def test_the_rules_are_distinct() -> None:
    assert len({rule.name for rule in RULES}) == len(RULES) >= 30


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_each_broken_rule_is_refused_with_file_line_element_and_hint(rule: Rule) -> None:
    assert_refused_at_mark(rule)


def assert_refused_at_mark(rule: Rule) -> None:
    """The rule's file is refused at its marked line, naming an element, with a hint."""
    problems = validate_files({f"{rule.name}.bpmn": rule.text.encode()})
    described = "\n".join(f"{p} ({p.severity})" for p in problems)
    matching = [p for p in problems if rule.fragment in p.message]
    assert matching, f"expected {rule.fragment!r} in:\n{described}"
    (problem,) = matching[:1]
    assert problem.is_error, described
    assert (problem.file, problem.line) == (f"{rule.name}.bpmn", rule.line), described
    assert problem.element_id and problem.hint, described

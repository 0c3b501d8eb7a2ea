"""The static rules of the BPMN 2.0 standard: each broken rule refused where it is broken.

Every case is a small model that breaks one rule of the OMG BPMN 2.0.2 specification
(the section is in the case's name and in the message); the line the refusal must
point at carries ``<!--!-->``. The valid cases are the models those rules must not
touch: what the standard allows deploys, with a warning at most.
"""

# ruff: noqa: E501 -- each XML case keeps its marked line visible
from __future__ import annotations

from dataclasses import dataclass

import pytest
from click.testing import CliRunner
from test_definitions import MARK, around, document

from engine.api import Engine
from engine.definitions import validate_files
from web.cli import cli

START = '<bpmn:startEvent id="start"/>\n'
END = '<bpmn:endEvent id="end"/>'


def flow(flow_id: str, source: str, target: str) -> str:
    return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}"/>'


def event(tag: str, definition: str, attributes: str = "") -> str:
    return f'<bpmn:{tag} id="t" {attributes}>{MARK}<bpmn:{definition}/></bpmn:{tag}>'


def with_definitions(body: str) -> str:
    """A document whose definitions also declare a message, signal, escalation and error."""
    return document(body).replace(
        "<bpmn:process ",
        '<bpmn:message id="m" name="M"/><bpmn:signal id="s" name="S"/>'
        '<bpmn:escalation id="x" escalationCode="X"/><bpmn:error id="e" errorCode="E"/>\n'
        "<bpmn:process ",
        1,
    )


def event_gateway(targets: str, extra: str = "") -> str:
    return (
        START
        + flow("f0", "start", "gw")
        + "\n"
        + f'<bpmn:eventBasedGateway id="gw"/>{extra}\n'
        + flow("f1", "gw", "a")
        + "\n"
        + flow("f2", "gw", "b")
        + "\n"
        + targets
        + "\n"
        + flow("fa", "a", "end")
        + "\n"
        + flow("fb", "b", "end")
        + "\n"
        + END
    )


TIMER = "<bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>"
MESSAGE = '<bpmn:messageEventDefinition messageRef="m"/>'


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


# -- what the standard allows ---------------------------------------------------------

AD_HOC = around(
    '<bpmn:adHocSubProcess id="t" name="Collect">\n<bpmn:task id="a"/>\n<bpmn:task id="b"/>\n'
    "</bpmn:adHocSubProcess>"
)
COMPENSATION = around('<bpmn:task id="t" name="Book"/>') + (
    '\n<bpmn:boundaryEvent id="b" attachedToRef="t"><bpmn:compensateEventDefinition/></bpmn:boundaryEvent>\n'
    '<bpmn:task id="undo" name="Cancel booking" isForCompensation="true"/>\n'
    '<bpmn:association id="as" associationDirection="One" sourceRef="b" targetRef="undo"/>'
)
LINKS = (
    START
    + flow("f", "start", "throw")
    + '\n<bpmn:intermediateThrowEvent id="throw"><bpmn:linkEventDefinition name="L"/></bpmn:intermediateThrowEvent>\n'
    + '<bpmn:intermediateCatchEvent id="catch"><bpmn:linkEventDefinition name="L"/></bpmn:intermediateCatchEvent>\n'
    + flow("g", "catch", "end")
    + END
)
EVENT_GATEWAY = event_gateway(
    f'<bpmn:intermediateCatchEvent id="a">{MESSAGE}</bpmn:intermediateCatchEvent>\n'
    f'<bpmn:intermediateCatchEvent id="b">{TIMER}</bpmn:intermediateCatchEvent>'
).replace(MARK, "")
PARALLEL_CONDITION = (
    START
    + flow("f", "start", "split")
    + '\n<bpmn:parallelGateway id="split"/>\n'
    + '<bpmn:sequenceFlow id="a" sourceRef="split" targetRef="join">'
    + '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${ok}</bpmn:conditionExpression>'
    + "</bpmn:sequenceFlow>\n"
    + flow("b", "split", "join")
    + '\n<bpmn:parallelGateway id="join"/>\n'
    + flow("g", "join", "end")
    + END
)


@pytest.mark.parametrize(
    "body",
    [AD_HOC, LINKS, EVENT_GATEWAY],
    ids=["ad_hoc_without_start", "link_pair", "event_based_gateway"],
)
def test_what_the_standard_allows_validates_clean(body: str) -> None:
    text = with_definitions(body)
    assert validate_files({"allowed.bpmn": text.encode()}) == []


def test_a_compensation_handler_is_not_called_unreachable() -> None:
    """§10.7: the handler hangs on an association; govflow's checks find nothing wrong.

    (SpiffWorkflow's plain parser then declines the compensation boundary event;
    running compensation is the runtime's part of the issue.)
    """
    problems = validate_files({"c.bpmn": with_definitions(COMPENSATION).encode()})
    assert all(p.hint.startswith("SpiffWorkflow cannot build") for p in problems), problems


def test_one_broken_target_is_reported_once() -> None:
    """A flow to a missing node strands everything after it: only the cause is reported."""
    steps = "\n".join(
        f'<bpmn:task id="t{n}"/>\n' + flow(f"g{n}", f"t{n}", f"t{n + 1}") for n in range(1, 8)
    )
    body = (
        START
        + flow("f", "start", "t0")
        + '\n<bpmn:task id="t0"/>\n'
        + flow("broken", "t0", "t_1")
        + "\n"
        + steps
        + '\n<bpmn:task id="t8"/>\n'
        + flow("last", "t8", "end")
        + END
    )
    problems = validate_files({"broken.bpmn": document(body).encode()})
    assert [(p.element_id, p.message) for p in problems] == [
        ("broken", "sequence flow targetRef 't_1' is not in the file")
    ]


def test_a_condition_out_of_a_parallel_gateway_is_a_warning(engine: Engine) -> None:
    """§10.6.4: a parallel gateway ignores conditions; the model deploys, validation warns."""
    files = {"parallel.bpmn": document(PARALLEL_CONDITION).encode()}
    (warning,) = validate_files(files)
    assert (warning.severity, warning.element_id) == ("warning", "a")
    assert "ignored" in warning.message
    result = engine.deploy(files, actor="designer")
    assert [key for key, _ in result.created] == ["p"]
    assert engine.start("p", actor="designer").status == "completed"


def test_validate_prints_warnings_and_succeeds(tmp_path: pytest.TempPathFactory) -> None:
    path = tmp_path / "parallel.bpmn"  # type: ignore[operator]
    path.write_text(document(PARALLEL_CONDITION))
    outcome = CliRunner().invoke(cli, ["validate", str(path)])
    assert outcome.exit_code == 0, outcome.output
    (line, summary) = outcome.output.splitlines()
    assert line.endswith(
        "(hint: remove the condition, or use an inclusive gateway to choose the flows)"
    )
    assert "parallel.bpmn:7: a: warning: " in line and "is ignored" in line
    assert summary == "ok: no errors, 1 warning(s)"

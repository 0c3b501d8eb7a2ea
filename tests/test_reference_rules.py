"""References of the right kind, and literal values of the right type (BPMN 2.0.2).

The XML Schema lets a reference name any id; the element tables of the specification
say what it must name. Each case breaks one such rule and must be refused at the
marked line (``<!--!-->``), with the element and a hint; its valid twin deploys.
The cases follow the constraint groups of the betsy BPMN test suite (REF, EXT.004,
EXT.036, EXT.056, EXT.065, EXT.071, EXT.072, EXT.095, EXT.099).
"""

# ruff: noqa: E501 -- each XML case keeps its marked line visible
from __future__ import annotations

import pytest
from mistake_documents import MARK, around, document, user_task
from test_standard_rules import (
    END,
    MESSAGE,
    START,
    Rule,
    assert_refused_at_mark,
    flow,
    with_definitions,
)

from engine.api import Engine
from engine.definitions import validate_files
from engine.errors import InvalidDefinition

ITEM = '<bpmn:itemDefinition id="text" structureRef="String"/>'
NUMBER = '<bpmn:itemDefinition id="number" structureRef="Integer"/>'


def with_root(root_elements: str, body: str) -> str:
    """A document with ``root_elements`` declared before its process."""
    return document(body).replace("<bpmn:process ", f"{root_elements}\n<bpmn:process ", 1)


def multi_instance(inner: str) -> str:
    """A script task run as a multi-instance activity with ``inner`` characteristics."""
    return around(
        '<bpmn:scriptTask id="t" scriptFormat="python"><bpmn:multiInstanceLoopCharacteristics>\n'
        f"{inner}\n"
        "</bpmn:multiInstanceLoopCharacteristics><bpmn:script>done = True</bpmn:script>"
        "</bpmn:scriptTask>"
    )


def data_input_to(target: str) -> str:
    """A task whose data input association writes to ``target``."""
    return around(
        '<bpmn:task id="t"><bpmn:ioSpecification><bpmn:dataInput id="in"/>'
        "<bpmn:inputSet><bpmn:dataInputRefs>in</bpmn:dataInputRefs></bpmn:inputSet>"
        "<bpmn:outputSet/></bpmn:ioSpecification>\n"
        '<bpmn:dataInputAssociation id="a"><bpmn:sourceRef>ref</bpmn:sourceRef>\n'
        f"<bpmn:targetRef>{target}</bpmn:targetRef>{MARK}\n"
        "</bpmn:dataInputAssociation></bpmn:task>\n"
        '<bpmn:dataObject id="d"/><bpmn:dataObjectReference id="ref" dataObjectRef="d"/>'
    )


def bound_process(item: str) -> str:
    """A process bound to operation ``op``, whose in-message carries ``text``; the bound
    data input has the item definition ``item``."""
    return with_root(
        f'{ITEM}{NUMBER}<bpmn:message id="m" name="M" itemRef="text"/>\n'
        '<bpmn:interface id="if" name="I"><bpmn:operation id="op" name="O">'
        "<bpmn:inMessageRef>m</bpmn:inMessageRef></bpmn:operation></bpmn:interface>",
        f'<bpmn:ioSpecification><bpmn:dataInput id="in" itemSubjectRef="{item}"/>{MARK}\n'
        '<bpmn:dataOutput id="out"/>'
        "<bpmn:inputSet><bpmn:dataInputRefs>in</bpmn:dataInputRefs></bpmn:inputSet>"
        "<bpmn:outputSet><bpmn:dataOutputRefs>out</bpmn:dataOutputRefs></bpmn:outputSet>"
        "</bpmn:ioSpecification>\n"
        '<bpmn:ioBinding operationRef="op" inputDataRef="in" outputDataRef="out"/>\n'
        + START
        + flow("f", "start", "end")
        + END,
    )


def calling(start_event: str) -> str:
    """Process ``p`` calls process ``q`` of the same file, whose start is ``start_event``."""
    called = (
        '<bpmn:process id="q" isExecutable="true">\n'
        f"{start_event}\n" + flow("qf", "qs", "qe") + '<bpmn:endEvent id="qe"/></bpmn:process>\n'
    )
    text = with_definitions(around(f'<bpmn:callActivity id="t" calledElement="q"/>{MARK}'))
    return text.replace("</bpmn:definitions>", called + "</bpmn:definitions>")


NESTED_DEFINITION = (
    f'<bpmn:startEvent id="start"><bpmn:eventDefinitionRef>sig_def</bpmn:eventDefinitionRef>{MARK}</bpmn:startEvent>\n'
    + flow("f", "start", "throw")
    + '\n<bpmn:intermediateThrowEvent id="throw"><bpmn:signalEventDefinition id="sig_def" signalRef="s"/>'
    + "</bpmn:intermediateThrowEvent>\n"
    + flow("g", "throw", "end")
    + END
)

RULES = [
    Rule(
        "8.3.11_message_item_is_an_item_definition",
        with_root(
            f'<bpmn:message id="m" name="M" itemRef="p"/>{MARK}',
            START + flow("f", "start", "end") + END,
        ),
        "itemRef 'p' names a process, where BPMN 2.0 §8.3.11 asks for an itemDefinition",
    ),
    Rule(
        "10.3.3_send_task_message_is_a_message",
        document(around(f'<bpmn:sendTask id="t" messageRef="start"/>{MARK}')),
        "messageRef 'start' names a startEvent, where BPMN 2.0 §10.3.3 asks for a message",
    ),
    Rule(
        "10.4.1_data_association_writes_to_a_data_element",
        document(data_input_to("start")),
        "targetRef 'start' names a startEvent, where BPMN 2.0 §10.4.1 asks for a data element",
    ),
    Rule(
        "9.4_message_flow_ends_at_an_interaction_node",
        with_root(
            '<bpmn:collaboration id="c"><bpmn:participant id="pool" processRef="p"/>'
            '<bpmn:participant id="other"/>\n'
            f'<bpmn:messageFlow id="mf" sourceRef="other" targetRef="p"/>{MARK}</bpmn:collaboration>',
            START + flow("f", "start", "end") + END,
        ),
        "targetRef 'p' names a process, where BPMN 2.0 §9.4 asks for a participant, task or event",
    ),
    Rule(
        "10.5.1_event_definition_ref_names_a_root_element",
        with_definitions(NESTED_DEFINITION),
        "eventDefinitionRef 'sig_def' names the event definition inside 'throw'",
    ),
    Rule(
        "10.4.1_io_binding_input_carries_the_in_message",
        bound_process("number"),
        "'in' has item definition 'number', not 'text' of the inMessageRef of operation 'op'",
    ),
    Rule(
        "8.2.3_text_format_is_a_mime_type",
        document(
            around(
                f'<bpmn:task id="t"><bpmn:documentation textFormat="INVALID">Book it</bpmn:documentation>{MARK}</bpmn:task>'
            )
        ),
        "textFormat 'INVALID' is not a MIME type",
    ),
    Rule(
        "10.3.6_completion_condition_is_a_boolean",
        document(
            multi_instance(
                f"<bpmn:loopCardinality>3</bpmn:loopCardinality><bpmn:completionCondition>23</bpmn:completionCondition>{MARK}"
            )
        ),
        "the condition is the constant 23, not a true/false expression",
    ),
    Rule(
        "10.3.6_complex_behavior_condition_is_a_boolean",
        document(
            multi_instance(
                '<bpmn:loopCardinality>3</bpmn:loopCardinality><bpmn:complexBehaviorDefinition id="cb">\n'
                f'<bpmn:condition>"done"</bpmn:condition>{MARK}\n'
                "</bpmn:complexBehaviorDefinition>"
            )
        ),
        "the condition is the constant 'done', not a true/false expression",
    ),
    Rule(
        "10.3.6_cardinality_is_a_whole_number",
        document(multi_instance(f"<bpmn:loopCardinality>2.5</bpmn:loopCardinality>{MARK}")),
        "loopCardinality is the constant 2.5, not a whole number",
    ),
    Rule(
        "10.2_definitional_collaboration_is_a_collaboration",
        with_definitions(START + flow("f", "start", "end") + END).replace(
            '<bpmn:process id="p" name="P" isExecutable="true">',
            f'<bpmn:process id="p" name="P" isExecutable="true" definitionalCollaborationRef="m">{MARK}',
        ),
        "definitionalCollaborationRef 'm' names a message, where BPMN 2.0 §10.2 asks for a collaboration",
    ),
    Rule(
        "10.5.2_called_process_has_a_none_start",
        calling(f'<bpmn:startEvent id="qs">{MESSAGE}</bpmn:startEvent>'),
        "'q' has no none start event, so a call activity cannot start it",
    ),
    Rule(
        "11.4_no_choreography_task_in_a_process",
        document(around(f'<bpmn:choreographyTask id="t" initiatingParticipantRef="x"/>{MARK}')),
        "a process cannot hold a choreographyTask: it belongs to a choreography",
    ),
]
VALID = {
    "called_process_with_a_none_start": calling('<bpmn:startEvent id="qs"/>').replace(MARK, ""),
    "message_item": with_root(
        f'{ITEM}<bpmn:message id="m" name="M" itemRef="text"/>',
        START + flow("f", "start", "end") + END,
    ),
    "data_association_to_input": document(data_input_to("in")),
    "event_definition_at_the_top": with_definitions(
        NESTED_DEFINITION.replace(' id="sig_def" signalRef="s"', ' signalRef="s"')
    ).replace(
        "<bpmn:process ",
        '<bpmn:signalEventDefinition id="sig_def" signalRef="s"/>\n<bpmn:process ',
        1,
    ),
    "io_binding_of_the_message_item": bound_process("text"),
    "text_format_html": document(
        around(
            '<bpmn:task id="t"><bpmn:documentation textFormat="text/html">Book it</bpmn:documentation></bpmn:task>'
        )
    ),
    "conditions_and_cardinality": document(
        multi_instance(
            "<bpmn:loopCardinality>3</bpmn:loopCardinality><bpmn:completionCondition>True</bpmn:completionCondition>"
        )
    ),
    "lane_of_a_task_named_like_a_form_value": document(
        '<bpmn:laneSet id="ls"><bpmn:lane id="l"><bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>\n'
        + user_task(
            inner='<bpmn:extensionElements><camunda:formData><camunda:formField id="choice" type="enum">'
            '<camunda:value id="end" name="End"/></camunda:formField></camunda:formData></bpmn:extensionElements>'
        )
    ),
}


def test_the_rules_are_distinct() -> None:
    assert len({rule.name for rule in RULES}) == len(RULES) == 13


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_a_reference_or_value_of_the_wrong_kind_is_refused_where_it_is(rule: Rule) -> None:
    assert_refused_at_mark(rule)


@pytest.mark.parametrize("name", VALID)
def test_the_valid_twin_validates_clean(name: str) -> None:
    problems = validate_files({f"{name}.bpmn": VALID[name].encode()})
    assert [p for p in problems if p.is_error] == [], problems


def test_a_due_date_in_month_13_is_refused() -> None:
    """Issue 10: ISO 8601 has twelve months; the task's due date is refused, not dropped."""
    text = document(user_task('camunda:dueDate="2021-13-01T00:00:00"'))
    (problem,) = validate_files({"due.bpmn": text.encode()})
    assert (problem.is_error, problem.element_id, problem.line) == (True, "t", 6)
    assert "2021-13-01T00:00:00" in problem.message


def test_a_constant_condition_deploys_nothing_and_a_boolean_one_runs(engine: Engine) -> None:
    """The refusal happens at deploy too, and the valid twin deploys and runs to its end."""
    with pytest.raises(InvalidDefinition) as refused:
        engine.deploy({"wrong.bpmn": RULES[6].text.encode()}, actor="designer")
    (problem,) = refused.value.problems
    assert (problem.element_id, problem.line) == ("t", RULES[6].line)
    result = engine.deploy(
        {"right.bpmn": VALID["conditions_and_cardinality"].encode()}, actor="designer"
    )
    assert [key for key, _ in result.created] == ["p"]
    assert engine.start("p", actor="designer").status == "completed"

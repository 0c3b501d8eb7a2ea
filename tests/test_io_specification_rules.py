"""An ioSpecification's data, its input and output sets, a process's own data, and
data associations (BPMN 2.0.2 §10.4.1, InputOutputSpecification, InputSet, OutputSet,
DataAssociation).

Each case breaks one rule and is refused at the marked line (``<!--!-->``) with the
element and a hint; the valid twins deploy. The cases follow the betsy constraint
groups EXT.042, EXT.044, EXT.080, EXT.082, EXT.084 to EXT.092.
"""

# ruff: noqa: E501 -- each XML case keeps its marked line visible
from __future__ import annotations

import pytest
from mistake_documents import MARK, around, document
from test_standard_rules import END, START, Rule, assert_refused_at_mark, flow

from engine.definitions import validate_files


def process_io(specification: str, body: str = "") -> str:
    """A process with its own ``specification`` (inputs and outputs), start → ``body`` → end."""
    steps = around(body) if body else START + flow("f", "start", "end") + END
    return document(f"<bpmn:ioSpecification>\n{specification}\n</bpmn:ioSpecification>\n{steps}")


def task_io(specification: str) -> str:
    return document(
        around(
            f'<bpmn:task id="t"><bpmn:ioSpecification>\n{specification}\n</bpmn:ioSpecification></bpmn:task>'
        )
    )


WRITES_PROCESS_INPUT = (
    '<bpmn:task id="t"><bpmn:ioSpecification><bpmn:dataOutput id="result"/><bpmn:inputSet/>'
    "<bpmn:outputSet><bpmn:dataOutputRefs>result</bpmn:dataOutputRefs></bpmn:outputSet></bpmn:ioSpecification>\n"
    '<bpmn:dataOutputAssociation id="a"><bpmn:sourceRef>result</bpmn:sourceRef>\n'
    f"<bpmn:targetRef>{{target}}</bpmn:targetRef>{MARK}\n"
    "</bpmn:dataOutputAssociation></bpmn:task>"
)
PROCESS_INPUT = (
    '<bpmn:dataInput id="given"/><bpmn:inputSet><bpmn:dataInputRefs>given</bpmn:dataInputRefs></bpmn:inputSet>'
    "<bpmn:outputSet/>"
)


def read_by_task(sources: str, data: str) -> str:
    """A task whose data input (item ``text``) reads ``sources`` without transformation."""
    return with_items(
        around(
            '<bpmn:task id="t"><bpmn:ioSpecification><bpmn:dataInput id="in" itemSubjectRef="text"/>'
            "<bpmn:inputSet><bpmn:dataInputRefs>in</bpmn:dataInputRefs></bpmn:inputSet><bpmn:outputSet/>"
            "</bpmn:ioSpecification>\n"
            f'<bpmn:dataInputAssociation id="a">{MARK}\n{sources}\n'
            "<bpmn:targetRef>in</bpmn:targetRef></bpmn:dataInputAssociation></bpmn:task>\n" + data
        )
    )


def with_items(body: str) -> str:
    return document(body).replace(
        "<bpmn:process ",
        '<bpmn:itemDefinition id="text" structureRef="String"/>'
        '<bpmn:itemDefinition id="number" structureRef="Integer"/>\n<bpmn:process ',
        1,
    )


DATA_OBJECTS = (
    '<bpmn:dataObject id="d1" itemSubjectRef="{item}"/><bpmn:dataObjectReference id="r1" dataObjectRef="d1"/>'
    '<bpmn:dataObject id="d2" itemSubjectRef="text"/><bpmn:dataObjectReference id="r2" dataObjectRef="d2"/>'
)


def service_task(specification: str, items: str = "") -> str:
    """A service task that invokes operation ``op`` (in-message ``m`` of item ``text``)."""
    return document(
        around(f'<bpmn:serviceTask id="t" operationRef="op">{specification}</bpmn:serviceTask>')
    ).replace(
        "<bpmn:process ",
        (items or '<bpmn:itemDefinition id="text" structureRef="String"/>')
        + '<bpmn:message id="m" name="M" itemRef="text"/>\n'
        '<bpmn:interface id="if" name="I"><bpmn:operation id="op" name="O">'
        "<bpmn:inMessageRef>m</bpmn:inMessageRef></bpmn:operation></bpmn:interface>\n<bpmn:process ",
        1,
    )


def service_input(item: str) -> str:
    return (
        f'<bpmn:ioSpecification><bpmn:dataInput id="in" itemSubjectRef="{item}"/>{MARK}\n'
        "<bpmn:inputSet><bpmn:dataInputRefs>in</bpmn:dataInputRefs></bpmn:inputSet><bpmn:outputSet/>"
        "</bpmn:ioSpecification>"
    )


RULES = [
    Rule(
        "10.4.1_data_input_belongs_to_an_input_set",
        task_io(f'<bpmn:dataInput id="in"/>{MARK}\n<bpmn:inputSet/><bpmn:outputSet/>'),
        "dataInput 'in' is in no inputSet",
    ),
    Rule(
        "10.4.1_optional_input_is_an_input_of_the_set",
        process_io(
            '<bpmn:dataInput id="a"/><bpmn:dataInput id="b"/>\n'
            f"<bpmn:inputSet><bpmn:dataInputRefs>a</bpmn:dataInputRefs><bpmn:optionalInputRefs>b</bpmn:optionalInputRefs>{MARK}</bpmn:inputSet>\n"
            "<bpmn:inputSet><bpmn:dataInputRefs>b</bpmn:dataInputRefs></bpmn:inputSet><bpmn:outputSet/>"
        ),
        "optionalInputRefs names 'b', which is not among the dataInputRefs of this set",
    ),
    Rule(
        "10.4.1_while_executing_output_is_an_output_of_the_set",
        process_io(
            '<bpmn:dataOutput id="a"/><bpmn:dataOutput id="b"/><bpmn:inputSet/>\n'
            f"<bpmn:outputSet><bpmn:dataOutputRefs>a</bpmn:dataOutputRefs><bpmn:whileExecutingOutputRefs>b</bpmn:whileExecutingOutputRefs>{MARK}</bpmn:outputSet>\n"
            "<bpmn:outputSet><bpmn:dataOutputRefs>b</bpmn:dataOutputRefs></bpmn:outputSet>"
        ),
        "whileExecutingOutputRefs names 'b', which is not among the dataOutputRefs of this set",
    ),
    Rule(
        "10.4.1_paired_sets_name_each_other",
        process_io(
            '<bpmn:dataInput id="a"/><bpmn:dataOutput id="b"/>\n'
            '<bpmn:inputSet id="ins"><bpmn:dataInputRefs>a</bpmn:dataInputRefs>\n'
            f"<bpmn:outputSetRefs>outs</bpmn:outputSetRefs>{MARK}</bpmn:inputSet>\n"
            '<bpmn:outputSet id="outs"><bpmn:dataOutputRefs>b</bpmn:dataOutputRefs></bpmn:outputSet>'
        ),
        "outputSetRefs names 'outs', whose inputSetRefs do not name 'ins' back",
    ),
    Rule(
        "10.4.1_process_input_is_only_read",
        process_io(PROCESS_INPUT, WRITES_PROCESS_INPUT.format(target="given")),
        "targetRef 'given' is a dataInput of the process itself, which the process only reads",
    ),
    Rule(
        "10.4.1_one_source_without_transformation",
        read_by_task(
            "<bpmn:sourceRef>r1</bpmn:sourceRef>\n<bpmn:sourceRef>r2</bpmn:sourceRef>",
            DATA_OBJECTS.format(item="text"),
        )
        .replace(MARK, "")
        .replace("<bpmn:sourceRef>r2", f"{MARK}<bpmn:sourceRef>r2"),
        "a dataInputAssociation with 2 sources needs a transformation",
    ),
    Rule(
        "10.4.1_same_structure_without_transformation",
        read_by_task("<bpmn:sourceRef>r1</bpmn:sourceRef>", DATA_OBJECTS.format(item="number")),
        "'r1' is of item definition 'number' and 'in' of 'text': without a transformation",
    ),
    Rule(
        "10.3.3_service_task_takes_the_in_message",
        service_task("").replace('<bpmn:serviceTask id="t"', f'{MARK}<bpmn:serviceTask id="t"'),
        "the operation's inMessageRef 'm' needs a dataInput of this service task",
    ),
    Rule(
        "10.3.3_service_task_input_of_the_message_item",
        service_task(
            service_input("other"),
            '<bpmn:itemDefinition id="text"/><bpmn:itemDefinition id="other"/>',
        ),
        "'in' has item definition 'other', not 'text' of the inMessageRef of operation 'op'",
    ),
]
VALID = {
    "same_item_without_transformation": read_by_task(
        "<bpmn:sourceRef>r1</bpmn:sourceRef>", DATA_OBJECTS.format(item="text")
    ).replace(MARK, ""),
    "task_data_in_its_sets": task_io(
        '<bpmn:dataInput id="in"/><bpmn:dataOutput id="out"/>'
        "<bpmn:inputSet><bpmn:dataInputRefs>in</bpmn:dataInputRefs></bpmn:inputSet>"
        "<bpmn:outputSet><bpmn:dataOutputRefs>out</bpmn:dataOutputRefs></bpmn:outputSet>"
    ),
    "optional_input_of_its_set_and_paired_sets": process_io(
        '<bpmn:dataInput id="a"/><bpmn:dataInput id="b"/><bpmn:dataOutput id="c"/>\n'
        '<bpmn:inputSet id="ins"><bpmn:dataInputRefs>a</bpmn:dataInputRefs><bpmn:dataInputRefs>b</bpmn:dataInputRefs>'
        "<bpmn:optionalInputRefs>b</bpmn:optionalInputRefs><bpmn:outputSetRefs>outs</bpmn:outputSetRefs></bpmn:inputSet>\n"
        '<bpmn:outputSet id="outs"><bpmn:dataOutputRefs>c</bpmn:dataOutputRefs><bpmn:inputSetRefs>ins</bpmn:inputSetRefs></bpmn:outputSet>'
    ),
    "task_writes_a_data_object_not_the_process_input": process_io(
        PROCESS_INPUT,
        WRITES_PROCESS_INPUT.format(target="ref").replace(MARK, "")
        + '\n<bpmn:dataObject id="store"/><bpmn:dataObjectReference id="ref" dataObjectRef="store"/>',
    ),
}


def test_the_rules_are_distinct() -> None:
    assert len({rule.name for rule in RULES}) == len(RULES) == 9


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_each_broken_data_rule_is_refused_where_it_is(rule: Rule) -> None:
    assert_refused_at_mark(rule)


@pytest.mark.parametrize("name", VALID)
def test_the_valid_twin_has_no_error(name: str) -> None:
    problems = validate_files({f"{name}.bpmn": VALID[name].encode()})
    assert [p for p in problems if p.is_error] == [], problems


def test_a_service_task_with_the_message_item_breaks_no_data_rule() -> None:
    """Its one refusal is govflow's own: a service task runs a connector, not an operation."""
    text = service_task(service_input("text").replace(MARK, ""))
    problems = validate_files({"service.bpmn": text.encode()})
    assert [p.message for p in problems] == ["this service task names no connector"]

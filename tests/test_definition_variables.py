"""Deploy-time warnings for a variable a script or expression reads before anything sets it."""

from __future__ import annotations

from xml.sax.saxutils import escape

from bpmn_text import process
from plan_driving import PROCESSES

from engine.definitions import validate_files
from engine.definitions.variables import PERIOD_VARIABLES
from engine.periodic import Period
from engine.scripting import script_functions
from engine.units import Organisation

FORM = (
    "<bpmn:extensionElements><camunda:formData>"
    '<camunda:formField id="database" label="CSDL" type="database"/>'
    "</camunda:formData></bpmn:extensionElements>"
)


def routed(start_inside: str = "", script: str = "owner = owner_of(database)") -> bytes:
    """Start (with ``start_inside``), a script, a task for the owner due ``live_at``, end."""
    return process(
        "routed",
        f"""    <bpmn:startEvent id="start">{start_inside}</bpmn:startEvent>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="route"/>
    <bpmn:scriptTask id="route" scriptFormat="python">
      <bpmn:script>{escape(script)}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f1" sourceRef="route" targetRef="answer"/>
    <bpmn:userTask id="answer" camunda:candidateGroups="${{owner}}" """
        f"""camunda:dueDate="${{add_working_days(live_at, 1)}}"/>
    <bpmn:sequenceFlow id="f2" sourceRef="answer" targetRef="end"/>
    <bpmn:endEvent id="end"/>""",
    )


def unset(content: bytes) -> list[tuple[int | None, str | None, str, str]]:
    return [
        (p.line, p.element_id, p.severity, p.message)
        for p in validate_files({"routed.bpmn": content})
        if "nothing sets it" in p.message
    ]


def test_a_name_no_step_sets_is_reported_at_its_element_and_line() -> None:
    assert unset(routed()) == [
        (8, "route", "warning", "<bpmn:script>: 'database' is read here, "
         "but nothing sets it before this step on every path"),
        (11, "answer", "warning", "'live_at' is read here, "
         "but nothing sets it before this step on every path"),
    ]  # fmt: skip


def test_start_form_fields_and_earlier_steps_set_names() -> None:
    found = unset(routed(FORM))
    assert [(element, message.split("'")[1]) for _, element, _, message in found] == [
        ("answer", "live_at")
    ]
    assert unset(routed(FORM, "owner = owner_of(database)\nlive_at = now()")) == []


def test_a_name_set_on_one_branch_only_is_reported_after_the_merge() -> None:
    content = process(
        "branches",
        f"""    <bpmn:startEvent id="start">{FORM}</bpmn:startEvent>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="split"/>
    <bpmn:exclusiveGateway id="split"/>
    <bpmn:sequenceFlow id="f1" sourceRef="split" targetRef="set_it">
      <bpmn:conditionExpression>${{database == "a"}}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="merge">
      <bpmn:conditionExpression>${{database != "a"}}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:scriptTask id="set_it" scriptFormat="python">
      <bpmn:script>note = 1</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="set_it" targetRef="merge"/>
    <bpmn:exclusiveGateway id="merge"/>
    <bpmn:sequenceFlow id="f4" sourceRef="merge" targetRef="use"/>
    <bpmn:scriptTask id="use" scriptFormat="python">
      <bpmn:script>total = note + 1</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f5" sourceRef="use" targetRef="end"/>
    <bpmn:endEvent id="end"/>""",
    )
    assert [element for _, element, _, _ in unset(content)] == ["use"]


def test_a_message_start_brings_unknown_data_and_is_not_second_guessed() -> None:
    content = routed('<bpmn:messageEventDefinition messageRef="m"/>').replace(
        b"<bpmn:process ", b'<bpmn:message id="m" name="M"/>\n  <bpmn:process '
    )
    assert unset(content) == []


def test_the_shipped_processes_and_functions_raise_no_such_warning() -> None:
    files = {path.name: path.read_bytes() for path in sorted(PROCESSES.glob("*.bpmn"))}
    assert [p for p in validate_files(files) if "nothing sets it" in p.message] == []


def test_the_known_names_are_those_the_runtime_gives() -> None:
    from datetime import UTC, datetime

    from engine.calendar import WorkCalendar
    from engine.clock import ManualClock
    from engine.scripting import FUNCTION_NAMES

    moment = datetime(2021, 1, 1, tzinfo=UTC)
    functions = script_functions(ManualClock(moment), WorkCalendar(frozenset()), Organisation())
    assert frozenset(functions) == FUNCTION_NAMES
    assert frozenset(Period(0, moment, None).variables()) == PERIOD_VARIABLES

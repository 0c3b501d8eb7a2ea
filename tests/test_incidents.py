"""Failing steps: an incident a supervisor sees and retries, or a refusal naming the
field; never a raw library error, nothing half-written, nothing stuck. SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bpmn_text import process, script_between_tasks
from conftest import BPMN_DIR
from SpiffWorkflow.exceptions import WorkflowException

from engine.api import Engine, read_files
from engine.clock import ManualClock
from engine.errors import InvalidDefinition, InvalidInput, ScriptError

TWO_LINES = "share = 100 / parts\nlabel = labels[parts - 1]"


def _incident_at_line_1(engine: Engine) -> int:
    engine.deploy({"split.bpmn": script_between_tasks("split", TWO_LINES)}, actor="tester")
    instance = engine.start("split", {"parts": 0, "labels": []}, actor="an")
    (first,) = instance.open_tasks
    failed = engine.complete(first.id, {}, actor="an")
    (incident,) = failed.incidents
    assert (failed.status, incident.line) == ("incident", 1)
    return failed.id


def test_a_retry_that_fails_again_answers_the_new_error_and_keeps_the_incident(
    engine: Engine,
) -> None:
    instance_id = _incident_at_line_1(engine)

    with pytest.raises(ScriptError) as again:
        engine.retry(instance_id, {"parts": 4}, actor="itc.head")
    assert again.value.line == 2 and "IndexError" in again.value.message

    stuck = engine.instance(instance_id)
    assert stuck.status == "incident"
    (incident,) = stuck.incidents
    assert incident.line == 2 and "IndexError" in incident.message
    kinds = [event.kind for event in engine.history(instance_id)]
    assert kinds[-2:] == ["incident_retried", "incident_raised"]

    # Nothing of the failed retry was kept: parts=4 must be given again.
    with pytest.raises(ScriptError) as first_line:
        engine.retry(instance_id, {"labels": ["a", "b", "c", "d"]}, actor="itc.head")
    assert first_line.value.line == 1
    fixed = engine.retry(instance_id, {"parts": 4, "labels": list("abcd")}, actor="itc.head")
    assert fixed.status == "running" and fixed.incidents == []
    assert fixed.data["label"] == "d"
    assert [task.element_id for task in fixed.open_tasks] == ["review"]


OUTPUT_REQUIRED = """    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="report"/>
    <bpmn:userTask id="report" camunda:candidateGroups="ITC">
      <bpmn:ioSpecification>
        <bpmn:dataOutput id="result"/>
        <bpmn:inputSet/>
        <bpmn:outputSet><bpmn:dataOutputRefs>result</bpmn:dataOutputRefs></bpmn:outputSet>
      </bpmn:ioSpecification>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f1" sourceRef="report" targetRef="end"/>
    <bpmn:endEvent id="end"/>"""


def test_a_completion_spiff_refuses_is_invalid_input_and_leaves_the_task_open(
    engine: Engine,
) -> None:
    engine.deploy({"output.bpmn": process("output", OUTPUT_REQUIRED)}, actor="tester")
    instance = engine.start("output", actor="an")
    (task,) = instance.open_tasks

    with pytest.raises(InvalidInput) as refused:
        engine.complete(task.id, {}, actor="an")
    assert refused.value.details["field"] == "result"
    assert engine.instance(instance.id).status == "running"
    assert [t.id for t in engine.tasks(instance_id=instance.id)] == [task.id]

    done = engine.complete(task.id, {"result": "ok"}, actor="an")
    assert done.status == "completed"


@pytest.mark.parametrize("payload", ["a text", ["a", "list"], 7])
def test_a_message_whose_payload_is_not_variables_is_invalid_input(
    engine: Engine, payload: object
) -> None:
    engine.deploy(read_files([BPMN_DIR / "messages.bpmn"]), actor="tester")
    instance = engine.deliver_message("feedback_received", {"text": "hi"}, business_key="FB-1")
    (answer,) = instance.open_tasks
    engine.complete(answer.id, {"answer_text": "ok"}, actor="an")

    with pytest.raises(InvalidInput):
        engine.deliver_message("citizen_reply", payload, instance_id=instance.id)  # type: ignore[arg-type]
    deep: object = "leaf"
    for _ in range(300):
        deep = [deep]
    with pytest.raises(InvalidInput) as too_deep:
        engine.deliver_message("citizen_reply", {"reply": deep}, instance_id=instance.id)
    assert too_deep.value.details["field"] == "reply"
    done = engine.deliver_message("citizen_reply", {"reply": {"ok", "yes"}}, business_key="FB-1")
    assert done.status == "completed" and done.data["reply"] == ["ok", "yes"]


TIMER_THEN_SCRIPT = """    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="wait" targetRef="compute"/>
    <bpmn:scriptTask id="compute" scriptFormat="python">
      <bpmn:script>made = b"bytes" if raw else "text"</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="compute" targetRef="end"/>
    <bpmn:endEvent id="end"/>"""


def test_a_timer_firing_into_a_failing_script_gives_an_incident(
    engine: Engine, clock: ManualClock
) -> None:
    engine.deploy({"later.bpmn": process("later", TIMER_THEN_SCRIPT)}, actor="tester")
    instance = engine.start("later", {"raw": True}, actor="an")
    clock.advance(timedelta(hours=2))
    assert engine.fire_due_timers() == 1
    failed = engine.instance(instance.id)
    (incident,) = failed.incidents
    assert failed.status == "incident" and incident.element_id == "compute"
    assert "bytes" in incident.message
    assert engine.retry(instance.id, {"raw": False}, actor="itc.head").status == "completed"


def test_spiff_failing_to_build_an_instance_is_an_invalid_definition(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine.deploy({"split.bpmn": script_between_tasks("split", "pass")}, actor="tester")

    def broken(workflow: object) -> None:
        raise WorkflowException("No output task connected")

    monkeypatch.setattr("engine.runtime.start_events.fire_start_timers", broken)
    with pytest.raises(InvalidDefinition) as refused:
        engine.start("split", actor="an")
    assert "No output task connected" in refused.value.problems[0].message
    assert engine.instances() == []


TIMER_FROM_DATA = """    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:timerEventDefinition><bpmn:timeDate>${publish_at}</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"/>"""


def test_a_timer_whose_date_is_not_one_waits_again_after_the_retry(
    engine: Engine, clock: ManualClock
) -> None:
    engine.deploy({"publish.bpmn": process("publish", TIMER_FROM_DATA)}, actor="tester")
    instance = engine.start("publish", {"publish_at": "next week"}, actor="an")
    (incident,) = instance.incidents
    assert instance.status == "incident" and incident.element_id == "wait"

    with pytest.raises(ScriptError):
        engine.retry(instance.id, {"publish_at": "still not a date"}, actor="itc.head")
    later = (clock.now() + timedelta(days=7)).isoformat()
    waiting = engine.retry(instance.id, {"publish_at": later}, actor="itc.head")
    assert waiting.status == "running" and waiting.incidents == []
    clock.advance(timedelta(days=8))
    assert engine.fire_due_timers() == 1
    assert engine.instance(instance.id).status == "completed"


def test_an_error_message_with_a_nul_is_still_an_incident(engine: Engine) -> None:
    script = "raise ValueError('before\\x00after')"
    engine.deploy({"nul.bpmn": script_between_tasks("nul", script)}, actor="tester")
    (first,) = engine.start("nul", actor="an").open_tasks
    failed = engine.complete(first.id, {}, actor="an")
    (incident,) = failed.incidents
    assert failed.status == "incident" and "before\\x00after" in incident.message


TIMER_EXPRESSION = """    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="first"/>
    <bpmn:userTask id="first" camunda:candidateGroups="ITC"/>
    <bpmn:sequenceFlow id="f1" sourceRef="first" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:timerEventDefinition><bpmn:timeDate>${EXPRESSION}</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"/>"""


@pytest.mark.parametrize(
    ("expression", "status"),
    [
        ("local_deadline(2021, 3, 1)", "running"),  # a datetime: its ISO text is the moment
        ("date(2021, 3, 1)", "running"),
        ("b'2021-03-01'", "incident"),
        ("timedelta(days=1)", "incident"),
    ],
)
def test_a_timer_expression_gives_a_moment_or_an_incident_never_an_unsavable_state(
    engine: Engine, clock: ManualClock, expression: str, status: str
) -> None:
    bpmn = process("moment", TIMER_EXPRESSION.replace("EXPRESSION", expression))
    engine.deploy({"moment.bpmn": bpmn}, actor="tester")
    (first,) = engine.start("moment", actor="an").open_tasks
    after = engine.complete(first.id, {}, actor="an")
    assert after.status == status
    if status == "incident":
        (incident,) = after.incidents
        assert incident.element_id == "wait" and "gives a value of type" in incident.message
    else:
        clock.advance(timedelta(days=60))
        assert engine.fire_due_timers() == 1
        assert engine.instance(after.id).status == "completed"


def test_a_retry_records_each_value_it_changes_old_and_new(engine: Engine) -> None:
    instance_id = _incident_at_line_1(engine)

    engine.retry(instance_id, {"parts": 4, "labels": list("abcd")}, actor="itc.head")

    (retried,) = [e for e in engine.history(instance_id) if e.kind == "incident_retried"]
    assert retried.actor == "itc.head"
    assert retried.data["changes"] == {
        "parts": {"old": 0, "new": 4},
        "labels": {"old": [], "new": ["a", "b", "c", "d"]},
    }

"""BPMN errors and escalations thrown by a script, caught or not.

BPMN 2.0 §10.5.3 (Error): an error thrown inside an activity is caught by the boundary
error event of that activity whose errorCode matches; it interrupts the activity. An
error nobody catches ends the process abnormally (it is not a normal completion).
BPMN 2.0 §10.5.4 (Escalation): an escalation is caught by a boundary escalation event;
a non-interrupting one (cancelActivity="false") lets the activity go on beside it.
"""

from __future__ import annotations

import pytest
from bpmn_text import process

from engine.api import Engine


@pytest.fixture
def checking(engine: Engine, deploy) -> Engine:
    deploy("script_errors.bpmn")
    return engine


def _open(engine: Engine, instance_id: int) -> list[str]:
    return sorted(task.element_id for task in engine.instance(instance_id).open_tasks)


def test_without_a_throw_the_script_completes(checking: Engine):
    started = checking.start("check_data", {"outcome": "fine"})
    assert started.status == "running" and _open(checking, started.id) == ["review"]
    assert started.data["checked"] is True


def test_a_boundary_error_event_catches_the_error_by_its_code(checking: Engine):
    started = checking.start("check_data", {"outcome": "missing"})

    assert started.status == "running"
    assert _open(checking, started.id) == ["ask_again"]  # the task was interrupted
    assert "checked" not in started.data
    assert started.data["error"] == {"code": "E42", "message": "the register is missing"}
    done = checking.complete(started.open_tasks[0].id, {}, actor="itc")
    assert done.status == "completed"


def test_an_uncaught_error_fails_the_instance(checking: Engine):
    started = checking.start("check_data", {"outcome": "other"})

    assert started.status == "failed" and started.open_tasks == []
    assert started.ended_at is not None
    (failed,) = [e for e in checking.history(started.id) if e.kind == "instance_failed"]
    assert failed.element_id == "check"
    assert failed.data == {"error_code": "E99", "message": "something else"}
    assert [i.id for i in checking.instances(status="failed")] == [started.id]
    assert checking.instances(status="completed") == []
    assert checking.instances(status="incident") == []


def test_a_non_interrupting_escalation_runs_beside_the_task(checking: Engine):
    started = checking.start("check_data", {"outcome": "late"})

    assert started.status == "running"
    assert _open(checking, started.id) == ["review", "tell_lead"]
    assert started.data["escalation"] == {"code": "LATE", "message": "running late"}


@pytest.fixture
def collecting(engine: Engine, deploy) -> Engine:
    deploy("subprocess_error.bpmn")
    return engine


def test_an_error_leaves_the_subprocess_for_the_boundary_without_a_code(collecting: Engine):
    """§10.5.3: the error propagates to the enclosing subprocess; a catch without an
    errorCode catches every error."""
    started = collecting.start("collect", {"outcome": "broken"})
    assert started.status == "running" and _open(collecting, started.id) == ["repair"]
    assert started.data["error"]["code"] == "E500"


def test_an_interrupting_escalation_boundary_ends_the_subprocess(collecting: Engine):
    started = collecting.start("collect", {"outcome": "stop"})
    assert _open(collecting, started.id) == ["stopped"]


def test_an_escalation_nobody_catches_has_no_effect(collecting: Engine):
    """§10.5.4: an uncaught escalation does not stop the activity (unlike an error)."""
    started = collecting.start("collect", {"outcome": "unheard"})
    assert started.status == "running" and _open(collecting, started.id) == ["use"]
    assert "loaded" not in started.data  # the script ended where it threw


def test_an_error_in_an_expression_is_an_incident_not_a_throw(engine: Engine):
    bpmn = process(
        "gate",
        """    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="split"/>
    <bpmn:exclusiveGateway id="split" default="f2"/>
    <bpmn:sequenceFlow id="f1" sourceRef="split" targetRef="end">
      <bpmn:conditionExpression>raise_bpmn_error("E1")</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="end"/>
    <bpmn:endEvent id="end"/>""",
    )
    engine.deploy({"gate.bpmn": bpmn}, actor="tester")
    started = engine.start("gate")
    assert started.status == "incident"
    (incident,) = started.incidents
    assert "only a script can throw it" in incident.message


def test_a_retry_that_throws_an_uncaught_error_fails_the_instance(checking: Engine):
    started = checking.start("check_data")  # no outcome: the script fails, an incident
    assert started.status == "incident"

    retried = checking.retry(started.id, {"outcome": "other"}, actor="itc.head")

    assert retried.status == "failed" and retried.incidents == []
    kinds = [e.kind for e in checking.history(started.id)]
    assert kinds[-2:] == ["incident_retried", "instance_failed"]


def test_an_input_expression_of_a_service_task_cannot_throw(engine: Engine):
    bpmn = process(
        "call",
        """    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="send"/>
    <bpmn:serviceTask id="send" camunda:type="external" camunda:topic="http">
      <bpmn:extensionElements><camunda:inputOutput>
        <camunda:inputParameter name="endpoint">${raise_bpmn_error("E1")}</camunda:inputParameter>
      </camunda:inputOutput></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f1" sourceRef="send" targetRef="end"/>
    <bpmn:endEvent id="end"/>""",
    )
    engine.deploy({"call.bpmn": bpmn}, actor="tester")
    started = engine.start("call")
    assert started.status == "incident"
    (incident,) = started.incidents
    assert "only a script can throw it" in incident.message


def test_the_steps_after_an_interrupting_boundary_run_on_at_once(engine: Engine):
    """§10.5.3: the token leaves by the boundary event's flow; the script task there is
    an automatic step like any other, run in the same command."""
    engine.deploy(
        {
            "cancel_task.bpmn": process(
                "cancel_task",
                """    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="fail"/>
    <bpmn:scriptTask id="fail"><bpmn:script>raise_bpmn_error("E1")</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:boundaryEvent id="caught" attachedToRef="fail">
      <bpmn:errorEventDefinition/>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="fail" targetRef="end"/>
    <bpmn:sequenceFlow id="f2" sourceRef="caught" targetRef="recover"/>
    <bpmn:scriptTask id="recover"><bpmn:script>recovered = True</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="recover" targetRef="end"/>
    <bpmn:endEvent id="end"/>""",
            )
        },
        actor="tester",
    )

    started = engine.start("cancel_task", {}, actor="tester")

    assert started.status == "completed"
    assert started.data["recovered"] is True

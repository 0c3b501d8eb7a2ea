"""A call activity calling a global task, BPMN 2.0 §10.3.4 (Call Activity) and §10.2.2
(Global Task): the global task runs as the called element, between the steps around
the call activity."""

from __future__ import annotations

from bpmn_text import HEADER

from engine.api import Engine
from engine.definitions import validate_files

CALLS_A_GLOBAL_TASK = f"""{HEADER}
  <bpmn:globalScriptTask id="stamp" name="Stamp">
    <bpmn:script>stamped = True</bpmn:script>
  </bpmn:globalScriptTask>
  <bpmn:globalUserTask id="sign" name="Sign"/>
  <bpmn:process id="caller" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="call_stamp"/>
    <bpmn:callActivity id="call_stamp" calledElement="stamp"/>
    <bpmn:sequenceFlow id="f1" sourceRef="call_stamp" targetRef="call_sign"/>
    <bpmn:callActivity id="call_sign" calledElement="sign"/>
    <bpmn:sequenceFlow id="f2" sourceRef="call_sign" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>""".encode()


def test_a_call_activity_may_call_a_global_task() -> None:
    assert validate_files({"caller.bpmn": CALLS_A_GLOBAL_TASK}) == []


def test_the_called_global_tasks_run_in_turn(engine: Engine) -> None:
    engine.deploy({"caller.bpmn": CALLS_A_GLOBAL_TASK}, actor="tester")

    started = engine.start("caller", {}, actor="tester")
    assert started.status == "running"
    assert started.data.get("stamped") is True
    assert [t.name for t in started.open_tasks] == ["Sign"]

    done = engine.complete(started.open_tasks[0].id, {}, actor="tester")
    assert done.status == "completed"


def test_a_call_activity_must_declare_the_data_of_the_global_task_it_calls() -> None:
    """§10.3.6: the call activity's ioSpecification matches the called element's."""
    interface = (
        '<bpmn:ioSpecification><bpmn:dataInput id="{0}_in"/>'
        "{1}<bpmn:inputSet><bpmn:dataInputRefs>{0}_in</bpmn:dataInputRefs></bpmn:inputSet>"
        "<bpmn:outputSet>{2}</bpmn:outputSet></bpmn:ioSpecification>"
    )
    extra_output = '<bpmn:dataOutput id="call_stamp_out"/>'
    text = (
        CALLS_A_GLOBAL_TASK.decode()
        .replace(
            "<bpmn:script>stamped = True</bpmn:script>",
            interface.format("stamp", "", "") + "<bpmn:script>stamped = True</bpmn:script>",
        )
        .replace(
            '<bpmn:callActivity id="call_stamp" calledElement="stamp"/>',
            '<bpmn:callActivity id="call_stamp" calledElement="stamp">'
            + interface.format(
                "call_stamp",
                extra_output,
                "<bpmn:dataOutputRefs>call_stamp_out</bpmn:dataOutputRefs>",
            )
            + "</bpmn:callActivity>",
        )
    )

    problems = validate_files({"caller.bpmn": text.encode()})

    assert [(p.element_id, p.is_error) for p in problems] == [("call_stamp", True)], [
        p.message for p in problems
    ]
    assert "dataOutputs do not match those of 'stamp'" in problems[0].message

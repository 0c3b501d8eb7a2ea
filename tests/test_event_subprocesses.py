"""Event subprocesses, started by each kind of trigger, interrupting or not.

BPMN 2.0 §10.3.4 (Event Sub-Process): an event subprocess has one start event with a
trigger (message, error, escalation, timer, signal, conditional...). An interrupting
start event (isInterrupting, the default) cancels the enclosing process's activities,
which then ends with the event subprocess; a non-interrupting one runs it beside them,
as many times as its event occurs (a timer cycle fires once per period). Error start
events are interrupting only (§10.5.2, Table 10.84).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from bpmn_text import HEADER

from engine.api import Engine
from engine.clock import ManualClock
from engine.views import InstanceView

ROOT_ELEMENTS = """
  <bpmn:error id="err" name="Register missing" errorCode="E7"/>
  <bpmn:escalation id="esc" name="Late" escalationCode="LATE"/>
  <bpmn:message id="msg_withdraw" name="withdrawn"/>
  <bpmn:message id="msg_note" name="note_added"/>
  <bpmn:signal id="sig_audit" name="audit"/>"""


def with_handler(work: str, trigger: str, interrupting: bool) -> bytes:
    """Start, user task ``first``, ``work``, user task ``main_task``, end; and an event
    subprocess ``handler`` whose start event has ``trigger``, then user task ``handle``."""
    return f"""{HEADER}{ROOT_ELEMENTS}
  <bpmn:process id="handled" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="first"/>
    <bpmn:userTask id="first" camunda:candidateGroups="ITC"/>
    <bpmn:sequenceFlow id="f1" sourceRef="first" targetRef="work"/>
    {work}
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="main_task"/>
    <bpmn:userTask id="main_task" camunda:candidateGroups="ITC"/>
    <bpmn:sequenceFlow id="f3" sourceRef="main_task" targetRef="end"/>
    <bpmn:endEvent id="end"/>
    <bpmn:subProcess id="handler" triggeredByEvent="true">
      <bpmn:startEvent id="handler_start" isInterrupting="{str(interrupting).lower()}">
        {trigger}
      </bpmn:startEvent>
      <bpmn:sequenceFlow id="h0" sourceRef="handler_start" targetRef="handle"/>
      <bpmn:userTask id="handle" camunda:candidateGroups="ITC"/>
      <bpmn:sequenceFlow id="h1" sourceRef="handle" targetRef="handler_end"/>
      <bpmn:endEvent id="handler_end"/>
    </bpmn:subProcess>
  </bpmn:process>
</bpmn:definitions>""".encode()


def script(code: str) -> str:
    return f'<bpmn:scriptTask id="work"><bpmn:script>{code}</bpmn:script></bpmn:scriptTask>'


PLAIN = script("worked = True")


def timer(kind: str, value: str) -> str:
    return (
        f"<bpmn:timerEventDefinition><bpmn:{kind}>{value}</bpmn:{kind}></bpmn:timerEventDefinition>"
    )


@pytest.fixture
def run(engine: Engine) -> Callable[[bytes], InstanceView]:
    """Deploy the process, start it and complete ``first``."""

    def deploy_and_pass_first(bpmn: bytes) -> InstanceView:
        engine.deploy({"handled.bpmn": bpmn}, actor="tester")
        started = engine.start("handled")
        return engine.complete(started.open_tasks[0].id, {}, actor="itc")

    return deploy_and_pass_first


def open_tasks(engine: Engine, instance_id: int) -> list[str]:
    return sorted(task.element_id for task in engine.instance(instance_id).open_tasks)


def finish_handlers(engine: Engine, instance_id: int) -> InstanceView:
    for task in engine.instance(instance_id).open_tasks:
        if task.element_id == "handle":
            engine.complete(task.id, {}, actor="itc")
    return engine.instance(instance_id)


def test_an_error_start_interrupts_and_the_process_ends_with_the_handler(engine: Engine, run):
    bpmn = with_handler(
        script('raise_bpmn_error("E7", "no register")'),
        '<bpmn:errorEventDefinition errorRef="err"/>',
        interrupting=True,
    )
    after = run(bpmn)
    assert after.status == "running" and open_tasks(engine, after.id) == ["handle"]
    done = finish_handlers(engine, after.id)
    assert done.status == "completed"
    assert done.data["error"] == {"code": "E7", "message": "no register"}


def test_an_error_start_without_a_code_catches_every_error(engine: Engine, run):
    bpmn = with_handler(script('raise_bpmn_error("E8")'), "<bpmn:errorEventDefinition/>", True)
    after = run(bpmn)
    assert open_tasks(engine, after.id) == ["handle"]


def test_an_error_of_another_code_is_not_caught(engine: Engine, run):
    bpmn = with_handler(
        script('raise_bpmn_error("E9")'), '<bpmn:errorEventDefinition errorRef="err"/>', True
    )
    assert run(bpmn).status == "failed"


def test_a_non_interrupting_escalation_start_runs_beside_the_process(engine: Engine, run):
    bpmn = with_handler(
        script('raise_bpmn_escalation("LATE", "behind")'),
        '<bpmn:escalationEventDefinition escalationRef="esc"/>',
        interrupting=False,
    )
    after = run(bpmn)
    assert open_tasks(engine, after.id) == ["handle", "main_task"]
    assert finish_handlers(engine, after.id).status == "running"
    assert open_tasks(engine, after.id) == ["main_task"]


def test_an_interrupting_escalation_start_cancels_the_process(engine: Engine, run):
    bpmn = with_handler(
        script('raise_bpmn_escalation("LATE")'),
        '<bpmn:escalationEventDefinition escalationRef="esc"/>',
        interrupting=True,
    )
    after = run(bpmn)
    assert open_tasks(engine, after.id) == ["handle"]
    assert finish_handlers(engine, after.id).status == "completed"


def test_an_interrupting_message_start_cancels_the_waiting_task(engine: Engine, run):
    bpmn = with_handler(PLAIN, '<bpmn:messageEventDefinition messageRef="msg_withdraw"/>', True)
    after = run(bpmn)
    assert open_tasks(engine, after.id) == ["main_task"]

    withdrawn = engine.deliver_message("withdrawn", {"why": "duplicate"}, instance_id=after.id)

    assert [task.element_id for task in withdrawn.open_tasks] == ["handle"]
    cancelled = [e for e in engine.history(after.id) if e.kind == "task_cancelled"]
    assert len(cancelled) == 1
    done = finish_handlers(engine, after.id)
    assert done.status == "completed" and done.data["why"] == "duplicate"


def test_a_non_interrupting_message_start_leaves_the_task_open(engine: Engine, run):
    bpmn = with_handler(PLAIN, '<bpmn:messageEventDefinition messageRef="msg_note"/>', False)
    after = run(bpmn)

    noted = engine.deliver_message("note_added", {"note": "call back"}, instance_id=after.id)

    assert sorted(task.element_id for task in noted.open_tasks) == ["handle", "main_task"]


def test_a_signal_thrown_in_the_process_starts_a_signal_event_subprocess(engine: Engine, run):
    throw = (
        '<bpmn:intermediateThrowEvent id="work">'
        '<bpmn:signalEventDefinition signalRef="sig_audit"/></bpmn:intermediateThrowEvent>'
    )
    bpmn = with_handler(throw, '<bpmn:signalEventDefinition signalRef="sig_audit"/>', False)
    after = run(bpmn)
    assert open_tasks(engine, after.id) == ["handle", "main_task"]


def test_a_timer_cycle_start_fires_every_period_while_the_process_runs(
    engine: Engine, run, clock: ManualClock
):
    bpmn = with_handler(PLAIN, timer("timeCycle", "R3/PT1H"), interrupting=False)
    after = run(bpmn)
    assert open_tasks(engine, after.id) == ["main_task"]

    fired = []
    for _ in range(4):
        clock.advance(timedelta(hours=1))
        fired.append(engine.tick().timers_fired)

    assert fired == [1, 1, 1, 0]  # R3: three repetitions
    assert open_tasks(engine, after.id) == ["handle", "handle", "handle", "main_task"]
    assert finish_handlers(engine, after.id).status == "running"
    main = engine.instance(after.id).open_tasks[0]
    assert engine.complete(main.id, {}, actor="itc").status == "completed"


def test_a_timer_cycle_start_stops_when_the_process_ends(engine: Engine, run, clock: ManualClock):
    bpmn = with_handler(PLAIN, timer("timeCycle", "R/PT1H"), interrupting=False)
    after = run(bpmn)
    main = engine.instance(after.id).open_tasks[0]

    assert engine.complete(main.id, {}, actor="itc").status == "completed"

    clock.advance(timedelta(hours=2))
    assert engine.tick().timers_fired == 0


def test_an_interrupting_timer_start_cancels_the_process_at_its_time(
    engine: Engine, run, clock: ManualClock
):
    bpmn = with_handler(PLAIN, timer("timeDuration", "P2D"), interrupting=True)
    after = run(bpmn)

    clock.advance(timedelta(days=2))
    assert engine.tick().timers_fired == 1

    assert open_tasks(engine, after.id) == ["handle"]
    assert finish_handlers(engine, after.id).status == "completed"

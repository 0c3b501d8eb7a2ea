"""The runtime's commands, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.api import Engine
from engine.clock import ManualClock
from engine.errors import Conflict, InvalidInput, NotFound


def _drive_five(engine: Engine, instance_id: int) -> None:
    for step in range(1, 6):
        (task,) = engine.tasks(instance_id=instance_id)
        assert task.element_id == f"task_{step}"
        data = {"score": 7, "note": "ok"} if step == 1 else {}
        engine.complete(task.id, data, actor="an")


def test_five_user_tasks_run_start_to_end(engine: Engine, deploy, clock: ManualClock) -> None:
    deploy("five_tasks.bpmn")
    instance = engine.start("five_tasks", {"cycle": "2021-H1"}, actor="itc.head")
    assert instance.status == "running"
    (first,) = instance.open_tasks
    assert (first.unit, first.name) == ("ITC", "Step 1")
    assert first.due_at == clock.now() + timedelta(days=1)

    _drive_five(engine, instance.id)

    done = engine.instance(instance.id)
    assert done.status == "completed"
    assert done.ended_at is not None
    assert done.data["score"] == 7 and done.data["cycle"] == "2021-H1"
    assert engine.tasks(instance_id=instance.id) == []
    completed = engine.tasks(instance_id=instance.id, status="completed")
    assert [t.element_id for t in completed] == [f"task_{i}" for i in range(1, 6)]
    kinds = [event.kind for event in engine.history(instance.id)]
    assert kinds[0] == "instance_started"
    assert kinds.count("task_opened") == 5 and kinds.count("task_completed") == 5
    assert kinds[-1] == "instance_completed"


def test_state_survives_a_new_engine(db_url: str, engine: Engine, deploy, clock) -> None:
    deploy("five_tasks.bpmn")
    instance = engine.start("five_tasks", actor="an")
    (task,) = engine.tasks(instance_id=instance.id)
    engine.complete(task.id, {"score": 3}, actor="an")
    engine.close()

    restarted = Engine(db_url, clock=clock)
    try:
        (task,) = restarted.tasks(instance_id=instance.id)
        assert task.element_id == "task_2"
        for _ in range(4):
            (task,) = restarted.tasks(instance_id=instance.id)
            restarted.complete(task.id, {}, actor="binh")
        assert restarted.instance(instance.id).status == "completed"
    finally:
        restarted.close()


def test_form_is_validated_on_the_server(engine: Engine, deploy) -> None:
    deploy("five_tasks.bpmn")
    instance = engine.start("five_tasks", actor="an")
    (task,) = instance.open_tasks
    with pytest.raises(InvalidInput) as missing:
        engine.complete(task.id, {"note": "no score"}, actor="an")
    assert missing.value.details["field"] == "score"
    with pytest.raises(InvalidInput) as too_big:
        engine.complete(task.id, {"score": "11"}, actor="an")
    assert too_big.value.details["field"] == "score"
    with pytest.raises(InvalidInput) as unknown:
        engine.complete(task.id, {"score": 1, "bogus": 1}, actor="an")
    assert unknown.value.details["field"] == "bogus"
    # nothing was lost: the task is still open and takes a good submission
    engine.complete(task.id, {"score": "10"}, actor="an")
    assert engine.instance(instance.id).data["score"] == 10


def test_completing_twice_is_a_conflict(engine: Engine, deploy) -> None:
    deploy("five_tasks.bpmn")
    instance = engine.start("five_tasks", actor="an")
    (task,) = instance.open_tasks
    engine.complete(task.id, {"score": 1}, actor="an")
    with pytest.raises(Conflict, match="already completed by an"):
        engine.complete(task.id, {"score": 2}, actor="binh")
    assert engine.instance(instance.id).data["score"] == 1


def test_claims(engine: Engine, deploy) -> None:
    deploy("five_tasks.bpmn")
    instance = engine.start("five_tasks", actor="an")
    (task,) = instance.open_tasks
    assert engine.claim(task.id, actor="an").assignee == "an"
    with pytest.raises(Conflict, match="claimed by an"):
        engine.claim(task.id, actor="binh")
    with pytest.raises(Conflict, match="claimed by an"):
        engine.complete(task.id, {"score": 1}, actor="binh")
    with pytest.raises(Conflict, match="claimed by an, not binh"):
        engine.unclaim(task.id, actor="binh")
    assert engine.unclaim(task.id, actor="an").assignee is None
    assert engine.assign(task.id, "itc.staff", actor="itc.head").assignee == "itc.staff"
    released = engine.unclaim(task.id, actor="itc.head", claimant="itc.staff")
    assert released.assignee is None
    engine.complete(task.id, {"score": 1}, actor="binh")
    events = [e for e in engine.history(instance.id) if e.kind != "task_opened"]
    assert [(e.kind, e.actor) for e in events if e.kind.startswith(("task_", "claim_"))] == [
        ("task_claimed", "an"),
        ("task_unclaimed", "an"),
        ("task_assigned", "itc.head"),
        ("claim_released", "itc.head"),
        ("task_completed", "binh"),
    ]
    release = next(e for e in events if e.kind == "claim_released")
    assert release.data == {"assignee": None, "was": "itc.staff"}


def test_unknown_things_are_not_found(engine: Engine, deploy) -> None:
    with pytest.raises(NotFound):
        engine.start("nope", actor="an")
    with pytest.raises(NotFound):
        engine.complete("0c1e5a0e-0000-0000-0000-000000000000", {}, actor="an")
    with pytest.raises(NotFound):
        engine.instance(424242)


def test_timers_fire_once_when_due(engine: Engine, deploy, clock: ManualClock) -> None:
    deploy("timers.bpmn")
    instance = engine.start("timers", actor="an")
    (report,) = instance.open_tasks
    assert engine.fire_due_timers() == 0

    clock.advance(timedelta(days=1, seconds=1))
    assert engine.fire_due_timers() == 1
    assert engine.fire_due_timers() == 0
    units = sorted(t.unit for t in engine.tasks(instance_id=instance.id))
    assert units == ["ITC", "LEAD"]  # non-interrupting: the report task is still open

    engine.complete(report.id, {}, actor="an")
    (chase,) = engine.tasks(instance_id=instance.id)
    engine.complete(chase.id, {}, actor="lead")
    assert engine.instance(instance.id).status == "running"  # waiting for 1 March

    clock.set(clock.now().replace(year=2021, month=3, day=1, hour=2, minute=0, second=1))
    assert engine.fire_due_timers() == 1
    assert engine.instance(instance.id).status == "completed"
    fired = [e for e in engine.history(instance.id) if e.kind == "timer_fired"]
    assert [e.element_id for e in fired] == ["remind", "wait"]


def test_a_timer_that_is_no_longer_waiting_is_not_fired(engine: Engine, deploy, clock) -> None:
    deploy("timers.bpmn")
    instance = engine.start("timers", actor="an")
    (report,) = instance.open_tasks
    (reminder,) = engine.due_timer_ids() or [None]  # not due yet: nothing listed
    assert reminder is None
    engine.complete(report.id, {}, actor="an")  # the boundary timer is cancelled
    clock.advance(timedelta(days=2))
    assert engine.fire_due_timers() == 0
    assert [e.kind for e in engine.history(instance.id)].count("timer_fired") == 0


def test_script_error_becomes_an_incident_and_retry_resumes(engine: Engine, deploy) -> None:
    deploy("script_incident.bpmn")
    instance = engine.start("script_incident", {"parts": 0}, actor="an")
    assert instance.status == "incident"
    (incident,) = instance.incidents
    assert incident.element_id == "divide"
    assert incident.line == 2
    assert "division by zero" in incident.message

    fixed = engine.retry(instance.id, {"parts": 4}, actor="itc.admin")
    assert fixed.status == "running" and fixed.incidents == []
    (review,) = fixed.open_tasks
    assert review.element_id == "review"
    assert fixed.data["share"] == 25
    kinds = [e.kind for e in engine.history(instance.id)]
    assert "incident_raised" in kinds and "incident_retried" in kinds


def test_escape_from_a_script_is_an_incident(engine: Engine, deploy) -> None:
    deploy("escape_attempt.bpmn")
    instance = engine.start("escape_attempt", actor="an")
    assert instance.status == "incident"
    (incident,) = instance.incidents
    assert incident.element_id == "evil"
    assert "pwned" not in instance.data


def test_multi_instance_gives_one_task_per_unit(engine: Engine, deploy) -> None:
    deploy("units_review.bpmn")
    units = ["DBO:NASATI", "DBO:STAMEQ", "DBO:SAC"]
    instance = engine.start("units_review", {"units": units}, actor="itc")
    tasks = instance.open_tasks
    assert sorted(t.unit for t in tasks) == sorted(units)
    # local_deadline(2021, 6, 15): before Tuesday 15/06, so Monday 14/06 17:00 in Hà Nội
    assert {t.due_at.isoformat() for t in tasks} == {"2021-06-14T10:00:00+00:00"}
    for number, task in enumerate(tasks):
        engine.complete(task.id, {"changes": number}, actor=f"staff-{task.unit}")
    (consolidate,) = engine.tasks(instance_id=instance.id)
    assert consolidate.unit == "ITC"
    proposals = engine.instance(instance.id).data["proposals"]
    assert sorted((p["unit"], p["changes"]) for p in proposals) == sorted(
        (t.unit, n) for n, t in enumerate(tasks)
    )


def test_suspend_resume_cancel(engine: Engine, deploy, clock) -> None:
    deploy("timers.bpmn")
    instance = engine.start("timers", actor="an")
    (report,) = instance.open_tasks
    assert engine.suspend(instance.id, actor="itc").status == "suspended"
    with pytest.raises(Conflict, match="suspended"):
        engine.complete(report.id, {}, actor="an")
    clock.advance(timedelta(days=1, seconds=1))
    assert engine.fire_due_timers() == 0  # a suspended instance's timers wait
    assert engine.resume(instance.id, actor="itc").status == "running"
    assert engine.fire_due_timers() == 1  # and fire once it resumes
    cancelled = engine.cancel(instance.id, actor="itc")
    assert cancelled.status == "cancelled" and cancelled.open_tasks == []
    with pytest.raises(Conflict):
        engine.resume(instance.id, actor="itc")


def test_a_commands_answer_equals_a_fresh_read(engine: Engine, deploy) -> None:
    deploy("five_tasks.bpmn")
    answer = engine.start("five_tasks", {"cycle": "2021-H2"}, actor="an")
    for score in range(5):
        assert answer == engine.instance(answer.id)
        assert [t.due_at.utcoffset() for t in answer.open_tasks] == [timedelta(0)]
        answer = engine.complete(answer.open_tasks[0].id, {"score": score}, actor="an")
    assert answer == engine.instance(answer.id)
    assert answer.status == "completed" and answer.open_tasks == []


def test_processes_a_person_starts_and_what_their_start_asks(engine: Engine, deploy) -> None:
    deploy("five_tasks.bpmn", "periodic_annual.bpmn", "messages.bpmn")
    assert [d.process_key for d in engine.startable()] == ["five_tasks"]  # not timer/message
    assert engine.start_form("five_tasks") == []
    with pytest.raises(NotFound):
        engine.start_form("nothing_deployed")

"""Reminders, overdue marks and escalation chains of human tasks, over Vietnam's calendar."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engine.api import Engine
from engine.clock import ManualClock
from engine.errors import InvalidInput
from engine.escalation import escalation_steps, policy_from
from engine.models import Deadline, Notification
from engine.notify import Recipient
from engine.settings import Settings

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=HANOI)


class Directory:
    def recipients_for(self, target: str) -> list[Recipient]:
        people = {
            "ITC": [Recipient("itc.staff", "itc.staff@example.gov.vn")],
            "head:ITC": [Recipient("itc.head", "itc.head@example.gov.vn")],
        }
        return people.get(target, [])


@pytest.fixture
def engine(engine: Engine) -> Engine:
    engine.ticker.notifier.directory = Directory()
    return engine


def deadlines(engine: Engine) -> list[tuple[str, int, str, datetime, str]]:
    with engine.db.reading() as session:
        rows = session.scalars(select(Deadline).order_by(Deadline.due_at, Deadline.id))
        return [(d.kind, d.step, d.recipient, d.due_at, d.status) for d in rows]


def notifications(engine: Engine) -> list[tuple[str, str, str]]:
    with engine.db.reading() as session:
        rows = session.scalars(select(Notification).order_by(Notification.id))
        return [(n.recipient, n.recipient_kind, n.kind) for n in rows]


def kinds(engine: Engine, instance_id: int) -> list[str]:
    ignored = {"instance_started", "task_opened"}
    return [e.kind for e in engine.history(instance_id) if e.kind not in ignored]


def test_default_chain_counts_working_days_around_tet(engine: Engine, deploy) -> None:
    deploy("escalation_review.bpmn")
    engine.start("escalation_review", actor="an")
    # Due Tuesday 9 February 2021, 17:00, the last working day before Tết (10-16 Feb).
    assert deadlines(engine) == [
        ("reminder", 0, "ITC", local(2021, 2, 4, 17), "pending"),  # 3 WD before: Thu 4
        ("overdue", 0, "ITC", local(2021, 2, 9, 17), "pending"),
        ("escalation", 1, "head:ITC", local(2021, 2, 18, 17), "pending"),  # 2 WD after Tết
        # ITC itself is skipped: its own late task is not escalated back to it.
        ("escalation", 2, "LEAD", local(2021, 2, 22, 17), "pending"),  # over a weekend
    ]


def test_each_deadline_fires_once_in_order(engine: Engine, deploy, clock: ManualClock) -> None:
    deploy("escalation_review.bpmn")
    instance = engine.start("escalation_review", actor="an")
    expected = [
        (local(2021, 2, 4, 17), "task_reminder_sent"),
        (local(2021, 2, 9, 17), "task_overdue"),
        (local(2021, 2, 18, 17), "task_escalated"),
        (local(2021, 2, 22, 17), "task_escalated"),
    ]
    for moment, kind in expected:
        assert engine.next_due_at() == moment
        clock.set(moment - timedelta(seconds=1))
        assert engine.tick().deadlines_fired == 0
        clock.set(moment)
        assert engine.tick().deadlines_fired == 1
        assert engine.tick().deadlines_fired == 0
        assert kinds(engine, instance.id)[-1] == kind
    assert engine.next_due_at() is None
    assert [d[4] for d in deadlines(engine)] == ["fired"] * 4
    assert notifications(engine) == [
        ("itc.staff", "user", "task_reminder_sent"),
        ("itc.staff", "user", "task_overdue"),
        ("itc.head", "user", "task_escalated"),
        # an escalation to a unit is for its head and supervisors: none loaded for LEAD
        ("overseers:LEAD", "unit", "task_escalated"),
    ]


def test_completing_the_task_cancels_its_deadlines(
    engine: Engine, deploy, clock: ManualClock
) -> None:
    deploy("escalation_review.bpmn")
    instance = engine.start("escalation_review", actor="an")
    clock.set(local(2021, 2, 5, 9))
    assert engine.tick().deadlines_fired == 1  # the reminder
    engine.complete(instance.open_tasks[0].id, {}, actor="an")
    assert [d[4] for d in deadlines(engine)] == ["fired"] + ["cancelled"] * 3
    clock.set(local(2021, 3, 1))
    assert engine.tick().deadlines_fired == 0
    assert "task_overdue" not in kinds(engine, instance.id)


def test_cancelling_or_suspending_the_instance_holds_its_deadlines(
    engine: Engine, deploy, clock: ManualClock
) -> None:
    deploy("escalation_review.bpmn")
    first = engine.start("escalation_review", actor="an")
    second = engine.start("escalation_review", actor="an")
    engine.cancel(first.id, actor="an")
    engine.suspend(second.id, actor="an")
    clock.set(local(2021, 2, 10))
    assert engine.tick().deadlines_fired == 0
    engine.resume(second.id, actor="an")
    assert engine.tick().deadlines_fired == 2  # reminder and overdue, once each
    assert kinds(engine, first.id).count("task_overdue") == 0
    assert kinds(engine, second.id).count("task_overdue") == 1


def test_process_and_task_properties_override_the_defaults(engine: Engine, deploy) -> None:
    deploy("escalation_custom.bpmn")
    engine.start("escalation_custom", actor="an")
    assert deadlines(engine) == [
        ("reminder", 0, "NASATI", local(2021, 2, 9, 13), "pending"),  # PT4H on the task
        ("overdue", 0, "NASATI", local(2021, 2, 9, 17), "pending"),
        ("escalation", 1, "ITC", local(2021, 2, 10, 17), "pending"),  # P1D: calendar days
        ("escalation", 2, "LEAD", local(2021, 2, 11, 17), "pending"),
    ]


@pytest.mark.parametrize(
    ("chain", "unit", "steps"),
    [
        ("head,ITC,LEAD", "NASATI", ["head:NASATI", "ITC", "LEAD"]),
        ("head,ITC,LEAD", "ITC", ["head:ITC", "LEAD"]),  # never back to the late unit
        ("head,ITC,LEAD", None, ["ITC", "LEAD"]),
        ("ITC,ITC,head", "NASATI", ["ITC", "head:NASATI", "LEAD"]),  # once each, ends at LEAD
        ("ITC", "ITC", ["LEAD"]),
        ("head,ITC,LEAD", "LEAD", ["head:LEAD", "ITC"]),  # LEAD's own task: its head
        ("none", "ITC", []),
    ],
)
def test_a_chain_skips_the_late_unit_and_ends_at_the_leadership(
    chain: str, unit: str | None, steps: list[str]
) -> None:
    policy = policy_from({"escalation": chain}, {}, Settings())
    assert escalation_steps(policy, unit) == steps


def test_bad_properties_name_the_property() -> None:
    with pytest.raises(InvalidInput, match="escalation_interval"):
        policy_from({"escalation_interval": "two days"}, {}, Settings())


def test_interrupting_boundary_timer_replaces_the_task(
    engine: Engine, deploy, clock: ManualClock
) -> None:
    deploy("escalation_boundary.bpmn")
    instance = engine.start("escalation_boundary", actor="an")
    (draft,) = instance.open_tasks
    clock.advance(timedelta(days=1))
    report = engine.tick()
    assert (report.timers_fired, report.deadlines_fired) == (0, 1)  # overdue at P1D
    clock.advance(timedelta(days=2))
    assert engine.tick().timers_fired == 1  # P3D: the boundary timer interrupts
    after = engine.instance(instance.id)
    assert [t.element_id for t in after.open_tasks] == ["take_over"]
    assert engine.task(draft.id).status == "cancelled"
    assert all(d[4] in {"fired", "cancelled"} for d in deadlines(engine))
    assert kinds(engine, instance.id).count("timer_fired") == 1
    clock.advance(timedelta(days=30))
    assert engine.tick().total == 0  # the draft's escalations went with it

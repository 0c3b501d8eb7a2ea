"""The in-app inbox: a unit's people see its notifications, a page at a time; nobody
else can touch them; notifications of closed tasks drop out; escalations reach those
who answer for the chain's units, not all their staff; the header's counts."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engine.api import Engine, read_files
from engine.clock import ManualClock
from engine.errors import InvalidInput, NotFound
from engine.models import Notification
from engine.views import InboxCounts, NotificationView

BPMN_DIR = Path(__file__).parent / "bpmn"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def deploy(engine: Engine, *names: str) -> None:
    engine.deploy(read_files(BPMN_DIR / name for name in names))


def overdue_steps(engine: Engine, clock: ManualClock, count: int) -> list[str]:
    """``count`` instances of five_tasks, each with its first (ITC) step marked overdue
    in one tick: the same created_at for all, so the id breaks the tie."""
    steps = [engine.start("five_tasks", actor="itc.head").open_tasks[0] for _ in range(count)]
    clock.set(max(step.due_at for step in steps if step.due_at) + timedelta(minutes=1))
    engine.tick()
    return [step.id for step in steps]


def every_page(engine: Engine, username: str, limit: int) -> list[list[NotificationView]]:
    pages, before = [], None
    while True:
        page = engine.notifications(username, before=before, limit=limit)
        pages.append(page.items)
        if page.next_before is None:
            return pages
        before = page.next_before


def test_the_overdue_mark_reaches_the_units_people_once(
    plan_engine: Engine, clock: ManualClock
) -> None:
    deploy(plan_engine, "five_tasks.bpmn")
    (step,) = plan_engine.start("five_tasks", actor="itc.head").open_tasks
    clock.set(step.due_at + timedelta(minutes=1))
    plan_engine.tick()
    plan_engine.tick()  # nothing new: each deadline fires once

    (notice,) = plan_engine.notifications("itc.staff").items
    assert (notice.kind, notice.task_id, notice.read_at) == ("task_overdue", step.id, None)
    assert notice.task is not None and notice.task.name == "Step 1"
    assert plan_engine.notifications("nasati.staff").items == []
    with pytest.raises(NotFound):
        plan_engine.mark_read(notice.id, "nasati.staff")

    plan_engine.mark_read(notice.id, "itc.staff")
    (read,) = plan_engine.notifications("itc.staff").items
    assert read.read_at == clock.now()


def test_pages_cover_every_notification_once_even_when_new_ones_arrive(
    plan_engine: Engine, clock: ManualClock
) -> None:
    deploy(plan_engine, "five_tasks.bpmn")
    first = overdue_steps(plan_engine, clock, 5)
    page = plan_engine.notifications("itc.staff", limit=2)
    assert [n.task_id for n in page.items] == first[::-1][:2]  # newest first, ties by id

    later = overdue_steps(plan_engine, clock, 1)  # written while someone pages
    rest = plan_engine.notifications("itc.staff", before=page.next_before, limit=2)
    remaining = every_page(plan_engine, "itc.staff", 2)
    seen = [n.task_id for items in remaining for n in items]
    assert seen == later + first[::-1]  # the new one on top, no duplicate, no gap
    assert [len(items) for items in remaining] == [2, 2, 2]
    assert [n.task_id for n in rest.items] == first[::-1][2:4]


def test_a_bad_cursor_or_page_size_is_refused(plan_engine: Engine) -> None:
    before_year_one = base64.urlsafe_b64encode(b"0001-01-01T00:00:00+07:00|5").decode()
    for cursor in ("not-a-cursor", before_year_one):  # a moment before year 1 in UTC
        with pytest.raises(InvalidInput, match="before"):
            plan_engine.notifications("itc.staff", before=cursor)
    with pytest.raises(InvalidInput, match="limit"):
        plan_engine.notifications("itc.staff", limit=0)


def test_notifications_of_completed_tasks_and_cancelled_instances_drop_out(
    plan_engine: Engine, clock: ManualClock
) -> None:
    deploy(plan_engine, "five_tasks.bpmn")
    done, cancelled, waiting = overdue_steps(plan_engine, clock, 3)
    assert plan_engine.inbox_counts("itc.staff").unread == 3

    plan_engine.complete(done, {"score": 3}, actor="itc.staff")
    plan_engine.cancel(plan_engine.task(cancelled).instance_id, actor="itc.head")

    assert [n.task_id for n in plan_engine.notifications("itc.staff").items] == [waiting]
    assert plan_engine.inbox_counts("itc.staff").unread == 1


def test_the_badges_count_unread_notifications_and_the_tasks_waiting_for_the_user(
    plan_engine: Engine, clock: ManualClock
) -> None:
    deploy(plan_engine, "five_tasks.bpmn")
    assert plan_engine.inbox_counts("itc.staff") == InboxCounts(unread=0, open_tasks=0)
    claimed, free = overdue_steps(plan_engine, clock, 2)
    assert plan_engine.inbox_counts("itc.staff") == InboxCounts(unread=2, open_tasks=2)

    plan_engine.claim(claimed, actor="itc.designer")  # a colleague's now
    assert plan_engine.inbox_counts("itc.staff").open_tasks == 1
    assert plan_engine.inbox_counts("itc.designer").open_tasks == 2
    assert plan_engine.inbox_counts("nasati.staff") == InboxCounts(unread=0, open_tasks=0)

    assert plan_engine.mark_all_read("itc.staff") == 2
    assert plan_engine.mark_all_read("itc.staff") == 0
    assert plan_engine.inbox_counts("itc.staff").unread == 0
    assert plan_engine.inbox_counts("itc.designer").unread == 2  # each person's own
    assert all(n.read_at == clock.now() for n in plan_engine.notifications("itc.staff").items)
    assert free in {n.task_id for n in plan_engine.notifications("itc.staff").items}


def test_escalations_reach_the_heads_and_supervisors_of_the_chain_not_its_staff(
    plan_engine: Engine, clock: ManualClock
) -> None:
    deploy(plan_engine, "escalation_custom.bpmn")  # NASATI's task; chain ITC, then LEAD
    plan_engine.start("escalation_custom", actor="itc.head")
    clock.set(datetime(2021, 2, 12, tzinfo=HANOI))  # past both escalation steps
    plan_engine.tick()

    with plan_engine.db.reading() as session:
        rows = session.execute(select(Notification.kind, Notification.recipient)).all()
    by_kind: dict[str, set[str]] = {}
    for kind, recipient in rows:
        by_kind.setdefault(kind, set()).add(recipient)
    assert by_kind == {
        "task_reminder_sent": {"nasati.head", "nasati.staff"},
        "task_overdue": {"nasati.head", "nasati.staff"},
        # ITC's head (a supervisor), not itc.staff or itc.designer; then the leadership
        "task_escalated": {"itc.head", "lead.minister", "lead.vice"},
    }

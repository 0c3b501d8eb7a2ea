"""The in-app inbox: a unit's people see its notifications; nobody else can touch them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from engine.api import Engine, read_files
from engine.clock import ManualClock
from engine.errors import NotFound


def test_the_overdue_mark_reaches_the_units_people_once(
    plan_engine: Engine, clock: ManualClock
) -> None:
    plan_engine.deploy(read_files([Path(__file__).parent / "bpmn" / "five_tasks.bpmn"]))
    (step,) = plan_engine.start("five_tasks", actor="itc.head").open_tasks
    clock.set(step.due_at + timedelta(minutes=1))
    plan_engine.tick()
    plan_engine.tick()  # nothing new: each deadline fires once

    (notice,) = plan_engine.notifications("itc.staff")
    assert (notice.kind, notice.task_id, notice.read_at) == ("task_overdue", step.id, None)
    assert plan_engine.notifications("nasati.staff") == []
    with pytest.raises(NotFound):
        plan_engine.mark_read(notice.id, "nasati.staff")

    plan_engine.mark_read(notice.id, "itc.staff")
    (read,) = plan_engine.notifications("itc.staff")
    assert read.read_at == clock.now()

"""Conditional events, BPMN 2.0 §10.5.2 (Table 10.93, Conditional): the event is
triggered when its condition becomes true, whenever the data it reads changes, not
only when the token arrives."""

from __future__ import annotations

import pytest

from engine.api import Engine


@pytest.fixture
def conditions(engine: Engine, deploy) -> Engine:
    deploy("conditional_events.bpmn")
    return engine


def test_a_conditional_catch_event_fires_once_another_branch_makes_it_true(conditions: Engine):
    started = conditions.start("conditional_catch", {"approved": False}, actor="tester")
    assert [t.element_id for t in started.open_tasks] == ["c_approve"]

    done = conditions.complete(started.open_tasks[0].id, {"approved": True}, actor="tester")

    assert done.status == "completed"
    assert done.data["published"] is True


def test_a_condition_true_on_arrival_fires_at_once(conditions: Engine) -> None:
    started = conditions.start("conditional_catch", {"approved": True}, actor="tester")
    assert [t.element_id for t in started.open_tasks] == ["c_approve"]
    assert started.data["published"] is True


def test_a_conditional_boundary_event_interrupts_its_activity(conditions: Engine) -> None:
    started = conditions.start("conditional_boundary", {"withdrawn": False}, actor="tester")
    draft = next(t for t in started.open_tasks if t.element_id == "b_draft")
    withdraw = next(t for t in started.open_tasks if t.element_id == "b_withdraw")

    withdrawn = conditions.complete(withdraw.id, {"withdrawn": True}, actor="tester")

    assert [t.element_id for t in withdrawn.open_tasks] == ["b_archive"]
    assert conditions.task(draft.id).status == "cancelled"


def test_a_false_condition_keeps_waiting(conditions: Engine) -> None:
    started = conditions.start("conditional_boundary", {"withdrawn": False}, actor="tester")
    withdraw = next(t for t in started.open_tasks if t.element_id == "b_withdraw")

    kept = conditions.complete(withdraw.id, {"withdrawn": False}, actor="tester")

    assert [t.element_id for t in kept.open_tasks] == ["b_draft"]

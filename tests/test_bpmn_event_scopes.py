"""End events whose effect stops at a boundary of scope, BPMN 2.0 §10.5.3 (End Event):
a terminate end event ends only its own (sub)process level; a signal end event
broadcasts its signal, which a signal boundary event of the same instance catches."""

from __future__ import annotations

import pytest

from engine.api import Engine


@pytest.fixture
def scopes(engine: Engine, deploy) -> Engine:
    deploy("event_scopes.bpmn")
    return engine


def test_a_terminate_end_event_in_a_subprocess_ends_only_the_subprocess(scopes: Engine):
    """§10.5.3: terminate "all activities in the Process are immediately ended"; in a
    subprocess that is the subprocess's level: the parent goes on."""
    started = scopes.start("terminate_inner", {}, actor="tester")

    assert started.status == "running"
    assert [t.element_id for t in started.open_tasks] == ["t_outer_wait"]  # not t_inner_wait
    assert started.data["inner_done"] is True
    done = scopes.complete(started.open_tasks[0].id, {}, actor="tester")
    assert done.status == "completed"


def test_a_signal_end_event_interrupts_the_activity_its_boundary_event_is_on(scopes: Engine):
    """§10.5.3 (signal end event) and §10.5.4 (an interrupting signal boundary event)."""
    started = scopes.start("signal_inside", {}, actor="tester")
    assert sorted(t.element_id for t in started.open_tasks) == ["s_decide", "s_work"]
    work = next(t for t in started.open_tasks if t.element_id == "s_work")
    decide = next(t for t in started.open_tasks if t.element_id == "s_decide")

    stopped = scopes.complete(decide.id, {}, actor="tester")

    assert [t.element_id for t in stopped.open_tasks] == ["s_cleanup"]
    assert scopes.task(work.id).status == "cancelled"
    assert scopes.complete(stopped.open_tasks[0].id, {}, actor="t").status == "completed"

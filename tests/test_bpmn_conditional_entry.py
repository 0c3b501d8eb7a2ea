"""Conditional events whose condition already holds as their scope starts: BPMN 2.0
§10.5.2 (Conditional), §10.5.6 / §13.5.3 (boundary events: active while their activity
is) and §10.3.4 (event subprocesses: active while their enclosing subprocess is)."""

from __future__ import annotations

import pytest

from engine.api import Engine


@pytest.fixture
def entry(engine: Engine, deploy) -> Engine:
    deploy("conditional_entry.bpmn")
    return engine


@pytest.mark.parametrize(
    ("process", "interrupted_by"),
    [("entry_boundary", "b_archive"), ("entry_event_subprocess", "e_archive")],
)
def test_an_interrupting_condition_true_at_entry_cancels_the_scope_before_its_first_step(
    entry: Engine, process: str, interrupted_by: str
):
    """The catcher is active as soon as its scope is: a condition that holds then is
    triggered then, and interrupting cancels the subprocess before any of its steps ran."""
    started = entry.start(process, {"withdrawn": True}, actor="tester")

    assert [t.element_id for t in started.open_tasks] == [interrupted_by]
    assert "inner_ran" not in started.data


@pytest.mark.parametrize(
    ("process", "next_task"),
    [("entry_boundary", "b_after"), ("entry_event_subprocess", "e_inner_task")],
)
def test_a_false_condition_at_entry_lets_the_scope_run(entry: Engine, process: str, next_task: str):
    started = entry.start(process, {"withdrawn": False}, actor="tester")

    assert [t.element_id for t in started.open_tasks] == [next_task]

"""Events and their scopes: BPMN 2.0 §10.3.4 (Event Sub-Processes), §10.5.3 (End Event,
error) and §10.5.4 (Boundary Events, Event Sub-Process starts), through the Engine's
public API. An event subprocess belongs to the (sub)process it is drawn in; an error
goes to the innermost scope that catches it, and ends the process when none does; an
interrupting catch cancels what it interrupts before any more of it runs."""

from __future__ import annotations

import pytest

from engine.api import Engine


@pytest.fixture
def scopes(engine: Engine, deploy) -> Engine:
    deploy("nested_scopes.bpmn")
    return engine


def _open(engine: Engine, instance_id: int) -> list[str]:
    return sorted(t.element_id for t in engine.instance(instance_id).open_tasks)


def test_an_error_end_event_starts_the_event_subprocess_of_its_own_subprocess(scopes: Engine):
    """§10.3.4: an event subprocess in a subprocess is triggered by the error that
    subprocess throws; the innermost handler takes it, the process-level one does not,
    and the subprocess completes once its handler has (the parent goes on)."""
    started = scopes.start("nested_error_handler", {}, actor="tester")
    assert started.status == "running"
    assert _open(scopes, started.id) == ["n_handle"]

    handled = scopes.complete(started.open_tasks[0].id, {}, actor="tester")

    assert [t.element_id for t in handled.open_tasks] == ["n_after"]
    assert handled.data.get("outer_handled") is None


def test_an_error_end_event_nobody_catches_fails_the_instance(scopes: Engine):
    """§10.5.3: an error end event throws its error; with no catcher the process ends
    abnormally: the instance is failed with the error's code, not completed."""
    started = scopes.start("uncaught_error_end", {}, actor="tester")

    assert started.status == "failed"
    failed = [e for e in scopes.history(started.id) if e.kind == "instance_failed"]
    assert [e.data["error_code"] for e in failed] == ["E9"]


def test_an_interrupting_boundary_event_stops_its_subprocess_at_once(scopes: Engine):
    """§10.5.4: an interrupting boundary event cancels the activity when it catches its
    event; nothing of the subprocess after the throw runs (the script there would
    throw an error nobody catches)."""
    started = scopes.start("signal_interrupts_subprocess", {}, actor="tester")

    assert started.status == "running"
    assert [t.element_id for t in started.open_tasks] == ["i_cleanup"]


def test_a_signal_starts_the_interrupting_event_subprocess_of_its_subprocess(scopes: Engine):
    """§10.3.4: an interrupting event subprocess of a subprocess, started by a signal
    thrown in that subprocess, cancels the rest of the subprocess; the parent goes on
    once the event subprocess completes."""
    started = scopes.start("nested_signal_start", {}, actor="tester")
    assert _open(scopes, started.id) == ["p_handled"]

    handled = scopes.complete(started.open_tasks[0].id, {}, actor="tester")

    assert [t.element_id for t in handled.open_tasks] == ["p_after"]


def test_events_may_name_their_definition_by_reference(engine: Engine, deploy):
    """§10.5.1: an event's trigger may be an eventDefinitionRef to a definition at the
    top of the file; the end event throws that error and the boundary event catches it."""
    deploy("definition_refs.bpmn")

    started = engine.start("referenced_error", {}, actor="tester")

    assert [t.element_id for t in started.open_tasks] == ["r_handle"]

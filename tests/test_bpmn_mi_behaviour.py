"""The events a multi-instance activity throws as its instances complete, BPMN 2.0
§10.3.6 (Table 10.29, behavior, noneBehaviorEventRef, oneBehaviorEventRef,
complexBehaviorDefinition)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.api import Engine
from engine.definitions import validate_files

BPMN = Path(__file__).parent / "bpmn"


@pytest.mark.parametrize(
    ("process", "reports"),
    [("nb_behaviour_none", 3), ("ob_behaviour_one", 1), ("cb_behaviour_complex", 2)],
)
def test_the_behaviour_event_reaches_the_activitys_boundary_event_without_ending_it(
    engine: Engine, deploy, process: str, reports: int
):
    """behavior="None" throws the event as each instance completes, "One" as the first
    does, "Complex" each time its condition holds (here: from the second instance on,
    over the instance attributes); the boundary event catching it takes its flow each
    time, and the activity still completes once all its instances are done."""
    deploy("mi_behaviour.bpmn")

    started = engine.start(process, {}, actor="tester")

    prefix = process[:2]
    assert (
        sorted(t.element_id for t in started.open_tasks)
        == [f"{prefix}_after"] + [f"{prefix}_report"] * reports
    )


def test_a_complex_behaviour_condition_that_does_not_compile_is_refused_at_deploy():
    """A complexBehaviorDefinition's condition is an expression like any other: one
    that cannot run is reported at validation, with its file, line and element."""
    content = (BPMN / "mi_behaviour.bpmn").read_text()
    broken = content.replace(
        "numberOfCompletedInstances &gt;= 2", "numberOfCompletedInstances &gt;="
    )

    problems = [p for p in validate_files({"mi.bpmn": broken.encode()}) if p.is_error]

    assert [(p.file, p.element_id) for p in problems] == [("mi.bpmn", "cb_two_done")]
    lines = enumerate(broken.splitlines(), start=1)
    assert problems[0].line == next(n for n, line in lines if "&gt;=</bpmn:condition>" in line)
    assert "does not compile" in problems[0].message

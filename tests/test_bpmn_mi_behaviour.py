"""The events a multi-instance activity throws as its instances complete, BPMN 2.0
§10.3.6 (Table 10.29, behavior, noneBehaviorEventRef, oneBehaviorEventRef,
complexBehaviorDefinition)."""

from __future__ import annotations

import pytest

from engine.api import Engine


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

"""Loop activities as BPMN 2.0 §10.3.8 (Loop Characteristics) and §13.3.6 (their
execution semantics) describe them, through the Engine's public API."""

from __future__ import annotations

import pytest

from engine.api import Engine


@pytest.mark.parametrize(("count", "expected"), [(0, 3), (1, 3), (5, 6)])
def test_a_loop_condition_written_as_an_expression_repeats_the_task_while_it_holds(
    engine: Engine, deploy, count: int, expected: int
):
    """§13.3.6: with testBefore false (the default) the activity runs once, then again
    while the loopCondition holds. The condition is written ``${...}`` like every other
    expression of a diagram."""
    deploy("standard_loop.bpmn")

    started = engine.start("standard_loop", {"count": count}, actor="tester")

    assert [t.element_id for t in started.open_tasks] == ["l_after"]
    assert started.data["count"] == expected

"""An activity's startQuantity and completionQuantity, BPMN 2.0 §10.3.1 (Table 10.3),
through the Engine's public API."""

from __future__ import annotations

from engine.api import Engine


def test_completion_quantity_sends_that_many_tokens_and_start_quantity_waits_for_them(
    engine: Engine, deploy
):
    """completionQuantity="2": two tokens leave the activity, so the next task runs
    twice; startQuantity="2": the task after starts once, when both have arrived."""
    deploy("token_quantities.bpmn")
    started = engine.start("token_quantities", {}, actor="tester")
    first, second = started.open_tasks
    assert [first.element_id, second.element_id] == ["q_sign", "q_sign"]

    after_one = engine.complete(first.id, {}, actor="tester")
    assert [t.element_id for t in after_one.open_tasks] == ["q_sign"]

    after_both = engine.complete(second.id, {}, actor="tester")
    assert [t.element_id for t in after_both.open_tasks] == ["q_file"]

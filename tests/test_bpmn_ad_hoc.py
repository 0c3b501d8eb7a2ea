"""Ad-hoc subprocesses as BPMN 2.0 §10.3.5 (Ad-Hoc Sub-Process) describes them,
through the Engine's public API."""

from __future__ import annotations

from engine.api import Engine


def test_a_sequential_ad_hoc_subprocess_runs_its_activities_one_at_a_time_then_ends(
    engine: Engine, deploy
):
    """§10.3.5: ordering="Sequential" runs one activity at a time; without a
    completionCondition the subprocess ends once its activities are done."""
    deploy("ad_hoc.bpmn")

    started = engine.start("ad_hoc_sequential", {"done": []}, actor="tester")

    assert [t.element_id for t in started.open_tasks] == ["s_after"]
    assert started.data["done"] == ["first", "second"]

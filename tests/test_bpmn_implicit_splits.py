"""Sequence flows out of activities and events without a gateway, as BPMN 2.0 §10.2.1
(Sequence Flow: conditional and default flows) and §13.2.1 (Sequence Flow
Considerations) run them, through the Engine's public API."""

from __future__ import annotations

import pytest

from engine.api import Engine


@pytest.fixture
def splits(engine: Engine, deploy) -> Engine:
    deploy("implicit_splits.bpmn")
    return engine


@pytest.mark.parametrize(
    ("route", "expected"),
    [("urgent", ["c_archive", "c_urgent"]), ("routine", ["c_archive", "c_normal"])],
)
def test_an_activity_follows_its_true_and_unconditional_flows_or_its_default(
    splits: Engine, route: str, expected: list[str]
):
    """§13.2.1: a token goes down each unconditional flow and each conditional flow
    whose condition holds; the default flow only when no conditional flow's condition
    holds, an unconditional flow notwithstanding."""
    started = splits.start("conditional_flows", {"route": route}, actor="tester")

    assert sorted(t.element_id for t in started.open_tasks) == expected


def test_flows_out_of_an_event_without_conditions_all_get_a_token(splits: Engine):
    """§10.2.1: several unconditional flows out of a flow node are a parallel split."""
    started = splits.start("uncontrolled_split", {}, actor="tester")

    assert sorted(t.element_id for t in started.open_tasks) == ["s_left", "s_right"]

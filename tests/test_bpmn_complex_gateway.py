"""Complex gateways as BPMN 2.0 §10.6.5 (Complex Gateway) and §13.3.5 (its execution
semantics) describe them, through the Engine's public API."""

from __future__ import annotations

import pytest

from engine.api import Engine


@pytest.fixture
def gateways(engine: Engine, deploy) -> Engine:
    deploy("complex_gateway.bpmn")
    return engine


def _open(engine: Engine, instance_id: int) -> list[str]:
    return sorted(t.element_id for t in engine.instance(instance_id).open_tasks)


def test_a_joining_complex_gateway_passes_the_first_token_and_consumes_the_rest(
    gateways: Engine,
):
    """§13.3.5: once the activationCondition holds (here one token: a structured
    discriminator), one token goes on; the tokens that arrive later on the other incoming
    flows are consumed, and the gateway is reset once each flow had its token."""
    started = gateways.start("complex_discriminator", {}, actor="tester")
    legal, technical = sorted(started.open_tasks, key=lambda t: t.element_id)

    after_first = gateways.complete(technical.id, {}, actor="tester")
    assert _open(gateways, after_first.id) == ["d_decide", "d_legal"]

    after_second = gateways.complete(legal.id, {}, actor="tester")
    assert _open(gateways, after_second.id) == ["d_decide"]


@pytest.mark.parametrize(
    ("topics", "expected"),
    [
        (["legal"], ["c_legal"]),
        (["legal", "technical"], ["c_legal", "c_technical"]),
        (["budget"], ["c_other"]),
    ],
)
def test_a_splitting_complex_gateway_takes_each_flow_whose_condition_holds(
    gateways: Engine, topics: list[str], expected: list[str]
):
    """§13.3.5: a token goes down every outgoing flow whose condition holds, the default
    flow when none does."""
    started = gateways.start("complex_choice", {"topics": topics}, actor="tester")

    assert sorted(t.element_id for t in started.open_tasks) == expected

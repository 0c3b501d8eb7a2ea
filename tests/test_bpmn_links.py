"""Link events, BPMN 2.0 §10.5.4: a throwing link goes on at the catching link of the
same name in the same process level, as if a sequence flow joined them."""

from __future__ import annotations

import pytest

from engine.api import Engine


@pytest.fixture
def links(engine: Engine, deploy) -> Engine:
    deploy("link_events.bpmn")
    return engine


def test_a_throwing_link_goes_on_at_its_catching_link(links: Engine) -> None:
    started = links.start("link_jump", {}, actor="tester")

    assert started.status == "running"
    assert [t.element_id for t in started.open_tasks] == ["review"]
    assert started.data["path"] == ["prepare", "mark"]
    done = links.complete(started.open_tasks[0].id, {}, actor="tester")
    assert done.status == "completed"


def test_a_link_back_makes_a_loop_inside_a_subprocess(links: Engine) -> None:
    started = links.start("link_loop", {"rounds": 0}, actor="tester")

    assert [t.element_id for t in started.open_tasks] == ["l_review"]
    assert started.data["rounds"] == 3

"""A receive task that instantiates its process, BPMN 2.0 §10.3.3 (Receive Task,
``instantiate``) and §13.2.3, through the Engine's public API."""

from __future__ import annotations

from engine.api import Engine


def test_an_instantiating_receive_task_starts_the_process_when_its_message_arrives(
    engine: Engine, deploy
):
    """With instantiate="true" and no incoming flow, the receive task is where the
    process starts: its message starts a new instance, whose payload is its data."""
    deploy("receive_start.bpmn")

    started = engine.deliver_message("data_request", {"dataset": "land"}, business_key="r-1")

    assert started.process_key == "receive_start"
    assert [t.element_id for t in started.open_tasks] == ["r_answer"]
    assert started.data["dataset"] == "land"

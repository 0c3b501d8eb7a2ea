"""Tasks of the plan linked by BPMN messages: one task's outcome starts or feeds another,
and nobody types it in again."""

from __future__ import annotations

from datetime import datetime, timedelta

from plan_driving import HANOI, deploy_processes, local, open_tasks

from engine.api import Engine
from engine.clock import ManualClock


def deliver(engine: Engine, clock: ManualClock) -> None:
    """Fire what is due, then, a minute later, deliver the messages it threw."""
    engine.tick()
    clock.advance(timedelta(minutes=1))
    engine.tick()


def test_a_database_going_live_starts_the_publication_of_its_sharing_service(
    plan_engine: Engine, clock: ManualClock
) -> None:
    """I.8/I.9 → II.6: at go-live, database_in_operation sends ``database_live``, which
    starts sharing_service_publication for that database, due 1 working day later."""
    deploy_processes(plan_engine, "database_in_operation", "sharing_service_publication")
    live_at = "2021-03-11T10:00:00+07:00"  # a Thursday
    going_live = plan_engine.start(
        "database_in_operation",
        {"database": "national_standards", "live_at": live_at},
        actor="stameq.staff",
    )
    plan_engine.tick()
    assert plan_engine.instances(process_key="sharing_service_publication") == []

    clock.set(datetime(2021, 3, 11, 10, tzinfo=HANOI))
    deliver(plan_engine, clock)

    (publication,) = plan_engine.instances(process_key="sharing_service_publication")
    assert publication.data["database"] == "national_standards"
    assert publication.data["live_at"] == live_at
    (publish,) = open_tasks(plan_engine, publication.id, "publish_service")
    assert publish.unit == "DBO:STAMEQ"  # the owner of national_standards in units.yaml
    assert local(publish.due_at) == datetime(2021, 3, 12, 10, tzinfo=HANOI)
    started = plan_engine.history(publication.id)[0]
    assert started.data["message"] == "database_live"
    assert plan_engine.instance(going_live.id).status == "running"  # its rules go on


def test_a_database_already_live_starts_its_publication_at_once(
    plan_engine: Engine, clock: ManualClock
) -> None:
    deploy_processes(plan_engine, "database_in_operation", "sharing_service_publication")
    yesterday = (clock.now() - timedelta(days=1)).date().isoformat()
    plan_engine.start(
        "database_in_operation",
        {"database": "industrial_property", "live_at": yesterday},
        actor="noip.staff",
    )
    deliver(plan_engine, clock)
    (publication,) = plan_engine.instances(process_key="sharing_service_publication")
    (publish,) = open_tasks(plan_engine, publication.id, "publish_service")
    assert publish.unit == "DBO:NOIP"

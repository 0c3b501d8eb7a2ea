"""II.6: a sharing service is published within 1 Vietnam working day of going live."""

from __future__ import annotations

from datetime import datetime

import pytest
from plan_driving import HANOI, complete_one, deploy_processes, open_tasks

from engine.api import Engine
from engine.errors import InvalidInput

PROCESS = "sharing_service_publication"
SERVICE = {
    "service_name": "Tra cứu tiêu chuẩn quốc gia",
    "endpoint_url": "https://api.tcvn.gov.vn/v1",
    "sharing_form": "default",
    "connection_capacity": 200,
    "description": "Tra cứu TCVN theo số hiệu",
    "announcement_url": "https://most.gov.vn/dich-vu-chia-se",
}


@pytest.mark.parametrize(
    ("live_at", "due_at"),
    [
        # Thursday → Friday
        ("2021-03-11T10:00:00+07:00", datetime(2021, 3, 12, 10, tzinfo=HANOI)),
        # Thursday 29/4/2021: 30/4 and 1/5 are holidays, 1/5 fell on a Saturday so
        # Monday 3/5 was off too: the next working day is Tuesday 4/5
        ("2021-04-29T10:00:00+07:00", datetime(2021, 5, 4, 10, tzinfo=HANOI)),
    ],
)
def test_owner_publishes_within_one_working_day_and_itc_registers(
    plan_engine: Engine, live_at: str, due_at: datetime
) -> None:
    deploy_processes(plan_engine, PROCESS)
    variables = {"database": "national_standards", "live_at": live_at}
    instance = plan_engine.start(PROCESS, variables, actor="stameq.staff")
    (publish,) = open_tasks(plan_engine, instance.id, "publish_service")
    assert (publish.unit, publish.due_at) == ("DBO:STAMEQ", due_at)

    complete_one(plan_engine, instance.id, "publish_service", SERVICE, "DBO:STAMEQ")
    registry = {"registry_entry": "DV-2021-07", "registered_on": "2021-03-12"}
    complete_one(plan_engine, instance.id, "register_service", registry, "ITC")

    done = plan_engine.instance(instance.id)
    assert done.status == "completed"
    product = done.data["product"]
    assert (product["task"], product["number"], product["owner"]) == (
        "II.6",
        "DV-2021-07",
        "DBO:STAMEQ",
    )
    assert product["connection_capacity"] == 200
    assert product["live_at"] == live_at


def test_an_unknown_database_is_refused_naming_the_field(plan_engine: Engine) -> None:
    deploy_processes(plan_engine, PROCESS)
    variables = {"database": "no_such_db", "live_at": "2021-03-11T10:00:00+07:00"}
    with pytest.raises(InvalidInput) as refused:
        plan_engine.start(PROCESS, variables, actor="tester")
    assert refused.value.details["field"] == "database"
    assert "no_such_db" not in {i.data.get("database") for i in plan_engine.instances()}


def test_a_live_at_given_as_a_date_is_the_start_of_that_day_in_hanoi(
    plan_engine: Engine,
) -> None:
    deploy_processes(plan_engine, PROCESS)
    variables = {"database": "national_standards", "live_at": "2021-03-11"}
    instance = plan_engine.start(PROCESS, variables, actor="stameq.staff")
    assert (instance.status, instance.incidents) == ("running", [])
    (publish,) = open_tasks(plan_engine, instance.id, "publish_service")
    # ready from the start of Thursday 11/03: one working day, so by Friday 00:00
    assert publish.due_at == datetime(2021, 3, 12, tzinfo=HANOI)

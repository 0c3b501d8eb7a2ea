"""II.7's focal persons receive their unit's tasks first (processes/README.md, "Who does
a task"; engine/focal_persons.py): once the latest II.7 completes, a task of a unit
opens assigned to the unit's member whose e-mail the appointment letter gave."""

from __future__ import annotations

import pytest
from demo_world import plan_settings
from plan_driving import (
    complete_each,
    complete_one,
    deploy_processes,
    plan_tasks,
    product_of,
)

from engine.api import Engine
from engine.clock import ManualClock
from engine.errors import Conflict
from engine.focal_persons import REREAD_AFTER

STAMEQ, NOIP = "DBO:STAMEQ", "DBO:NOIP"
FOCAL_EMAILS = {
    STAMEQ: "Stameq.Staff@example.gov.vn",  # a member of the unit: case is ignored
    NOIP: "itc.staff@example.gov.vn",  # a user, but not of NOIP: no focal person
}


def _letter(unit: str) -> dict[str, str]:
    email = FOCAL_EMAILS.get(unit, f"focal@{unit.split(':')[-1].lower()}.example")
    return {"letter_number": f"{unit}-1", "focal_person": f"Focal {unit}", "focal_email": email}


def _appoint_focal_persons(engine: Engine) -> None:
    variables = plan_tasks()["II.7"]["variables"]
    instance = engine.start("one_off_focal_points", variables, actor="itc.head")
    complete_each(engine, instance.id, "submit", _letter)
    complete_one(engine, instance.id, "check", {"check_result": "accepted"}, "ITC")
    complete_one(engine, instance.id, "finish", {"list_reference": "DS-01"}, "ITC")
    assert product_of(engine.instance(instance.id))["focal_emails"][STAMEQ] == FOCAL_EMAILS[STAMEQ]


def _ask_for_upgrade_plan(engine: Engine, unit: str) -> str:
    """Start II.2 for ``unit``; the id of its first task, the unit's draft."""
    instance = engine.start("data_upgrade_plan", {"owner_unit": unit}, actor="itc.head")
    (draft,) = engine.tasks(instance_id=instance.id)
    assert draft.unit == unit
    return draft.id


def _waiting_for(engine: Engine, username: str) -> int:
    """The open tasks in the user's inbox: their units' unassigned ones and their own."""
    return engine.inbox_counts(username).open_tasks


@pytest.fixture
def focal_engine(plan_engine: Engine) -> Engine:
    deploy_processes(plan_engine, "one_off_focal_points", "data_upgrade_plan")
    return plan_engine


def test_a_units_task_opens_for_the_whole_unit_before_ii7(focal_engine: Engine) -> None:
    task = focal_engine.task(_ask_for_upgrade_plan(focal_engine, STAMEQ))
    assert task.assignee is None
    assert _waiting_for(focal_engine, "stameq.head") == 1


def test_after_ii7_the_focal_person_receives_the_units_tasks_first(
    focal_engine: Engine,
) -> None:
    _appoint_focal_persons(focal_engine)
    task_id = _ask_for_upgrade_plan(focal_engine, STAMEQ)

    assert focal_engine.task(task_id).assignee == "stameq.staff"
    assert _waiting_for(focal_engine, "stameq.staff") == 1
    assert _waiting_for(focal_engine, "stameq.head") == 0
    with pytest.raises(Conflict):  # the rest of the unit cannot work it meanwhile
        focal_engine.complete(task_id, {}, actor="stameq.head")


def test_the_focal_person_passes_a_task_back_to_the_unit(focal_engine: Engine) -> None:
    _appoint_focal_persons(focal_engine)
    task_id = _ask_for_upgrade_plan(focal_engine, STAMEQ)

    focal_engine.unclaim(task_id, actor="stameq.staff")

    assert focal_engine.task(task_id).assignee is None
    assert _waiting_for(focal_engine, "stameq.head") == 1


def test_an_email_of_no_member_of_the_unit_appoints_nobody(focal_engine: Engine) -> None:
    _appoint_focal_persons(focal_engine)
    task_id = _ask_for_upgrade_plan(focal_engine, NOIP)
    assert focal_engine.task(task_id).assignee is None
    assert _waiting_for(focal_engine, "noip.head") == 1


def test_an_appointment_made_on_another_node_reaches_this_one_within_the_reread_time(
    focal_engine: Engine, db_url: str, clock: ManualClock
) -> None:
    """Each node keeps the appointments it read; another node's II.7 shows once they
    are older than REREAD_AFTER, and at once on the node that completed it."""
    other_node = Engine(db_url, clock=clock, settings=plan_settings())
    try:
        assert focal_engine.task(_ask_for_upgrade_plan(focal_engine, STAMEQ)).assignee is None
        _appoint_focal_persons(other_node)
        assert other_node.task(_ask_for_upgrade_plan(other_node, STAMEQ)).assignee == (
            "stameq.staff"
        )
        assert focal_engine.task(_ask_for_upgrade_plan(focal_engine, STAMEQ)).assignee is None

        clock.advance(REREAD_AFTER)
        task_id = _ask_for_upgrade_plan(focal_engine, STAMEQ)
        assert focal_engine.task(task_id).assignee == "stameq.staff"
    finally:
        other_node.close()

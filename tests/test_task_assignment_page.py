"""A task's page offers what the caller may do to it: the unit's head or a supervisor
gives (reassigns, delegates) it to a member of its unit; a claim is released by its
claimant or a manager only; every action says it was done. SQLite and PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from clients import PASSWORD
from flask.testing import FlaskClient

from engine.api import Engine, read_files
from web import create_app


@pytest.fixture
def login(plan_engine: Engine):
    plan_engine.deploy(read_files([Path(__file__).parent / "bpmn" / "five_tasks.bpmn"]))
    app = create_app({"TESTING": True, "SECRET_KEY": "test"}, engine=plan_engine)

    def as_user(username: str) -> FlaskClient:
        plan_engine.set_password(username, PASSWORD)
        client = app.test_client()
        answer = client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
        client.environ_base["HTTP_X_CSRFTOKEN"] = answer.json["csrf_token"]
        return client

    return as_user


def _buttons(page: str) -> list[str]:
    return re.findall(r'<button type="submit">([^<]+)</button>', page)


def test_the_head_gives_the_task_to_a_colleague_and_is_told_so(plan_engine: Engine, login) -> None:
    (task,) = plan_engine.start("five_tasks", actor="t").open_tasks
    head = login("itc.head")
    page = head.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert '<option value="itc.staff">Trần Thị Bình (itc.staff)</option>' in page

    answer = head.post(f"/tasks/{task.id}/assign", data={"assignee": "itc.staff"})

    assert plan_engine.task(task.id).assignee == "itc.staff"
    after = head.get(answer.location).get_data(as_text=True)
    assert "Nhiệm vụ đã được giao cho Trần Thị Bình." in after
    assert '<option value="itc.staff">' not in after  # not to whoever has it already
    assert "Người nhận xử lý: Trần Thị Bình (ITC)" in after
    inbox = head.get("/tasks?scope=all").get_data(as_text=True)
    assert "<td>Trần Thị Bình (ITC)</td>" in inbox and "<td>itc.staff</td>" not in inbox
    assert '<abbr title="Trung tâm Công nghệ thông tin (ITC)">ITC</abbr>' in inbox
    assert '<option value="ITC" >Trung tâm Công nghệ thông tin (ITC)</option>' in inbox
    (event,) = [e for e in plan_engine.history(task.instance_id) if e.kind == "task_assigned"]
    assert (event.actor, event.data["assignee"]) == ("itc.head", "itc.staff")


def test_staff_are_offered_neither_assigning_nor_releasing_a_colleagues_claim(
    plan_engine: Engine, login
) -> None:
    (task,) = plan_engine.start("five_tasks", actor="t").open_tasks
    plan_engine.assign(task.id, "itc.head", actor="itc.head")
    staff = login("itc.staff")

    page = staff.get(f"/tasks/{task.id}").get_data(as_text=True)

    assert "Giao việc" not in _buttons(page) and 'name="assignee"' not in page
    assert _buttons(page) == ["Đăng xuất"]  # no release, no claim, no form to work
    refused = staff.post(f"/tasks/{task.id}/assign", data={"assignee": "itc.staff"})
    assert refused.status_code == 403
    assert plan_engine.task(task.id).assignee == "itc.head"


def test_claim_and_release_say_they_were_done(plan_engine: Engine, login) -> None:
    (task,) = plan_engine.start("five_tasks", actor="t").open_tasks
    staff = login("itc.staff")

    claimed = staff.get(staff.post(f"/tasks/{task.id}/claim").location).get_data(as_text=True)
    assert "Bạn đã nhận xử lý nhiệm vụ." in claimed
    released = staff.get(staff.post(f"/tasks/{task.id}/unclaim").location).get_data(as_text=True)
    assert "Nhiệm vụ đã trở về đơn vị" in released
    assert plan_engine.task(task.id).assignee is None

"""The incident page: a supervisor reads the error in words, corrects the variables
(JSON, checked like any form) and runs the failed step again; a repeated failure shows
the new error, never a 500. SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re

import pytest
from bpmn_text import process, script_between_tasks
from clients import PASSWORD
from flask.testing import FlaskClient

from engine.api import Engine
from web import create_app
from web.incident_words import explain

SCRIPT = "share = 100 / parts\nlabel = labels[parts - 1]"


@pytest.fixture
def supervisor(plan_engine: Engine) -> FlaskClient:
    plan_engine.set_password("itc.head", PASSWORD)
    plan_engine.deploy({"split.bpmn": script_between_tasks("split", SCRIPT)})
    client = create_app({"TESTING": True, "SECRET_KEY": "test"}, engine=plan_engine).test_client()
    answer = client.post("/api/v1/session", json={"username": "itc.head", "password": PASSWORD})
    client.environ_base["HTTP_X_CSRFTOKEN"] = answer.json["csrf_token"]
    return client


def _incident(engine: Engine) -> int:
    (first,) = engine.start("split", {"parts": 0, "labels": []}, actor="an").open_tasks
    instance = engine.complete(first.id, {}, actor="an")
    assert instance.status == "incident"
    return instance.id


def _alerts(page: str) -> list[str]:
    return [re.sub(r"\s+", " ", m).strip() for m in re.findall(r'role="alert">(.*?)</', page, re.S)]


def test_the_page_explains_the_error_and_shows_the_variables_as_json(
    plan_engine: Engine, supervisor: FlaskClient
) -> None:
    instance_id = _incident(plan_engine)

    page = supervisor.get(f"/instances/{instance_id}/incident").get_data(as_text=True)

    assert "Bước “compute” bị lỗi: phép chia cho 0" in page
    assert "ZeroDivisionError: division by zero" in page  # the exact words, for maintainers
    assert 'name="var:parts"' in page and ">0</textarea>" in page
    assert 'data-focus="compute"' in page


def test_a_value_that_is_not_json_is_refused_at_its_field_and_nothing_runs(
    plan_engine: Engine, supervisor: FlaskClient
) -> None:
    instance_id = _incident(plan_engine)

    answer = supervisor.post(
        f"/instances/{instance_id}/incident",
        data={"var:parts": "four", "var:labels": "[1, 2", "new_name": "", "new_value": ""},
    )

    assert answer.status_code == 422
    alerts = _alerts(answer.get_data(as_text=True))
    assert sum("hãy nhập một giá trị JSON" in a for a in alerts) == 2  # both fields at once
    assert ">four</textarea>" in answer.get_data(as_text=True)  # what was typed is kept
    assert [e.kind for e in plan_engine.history(instance_id)][-1] == "incident_raised"


def test_a_repeated_failure_shows_the_new_error_then_the_fix_runs_on(
    plan_engine: Engine, supervisor: FlaskClient
) -> None:
    instance_id = _incident(plan_engine)
    url = f"/instances/{instance_id}/incident"

    again = supervisor.post(url, data={"var:parts": "4", "var:labels": "[]"})

    assert again.status_code == 422
    page = again.get_data(as_text=True)
    assert "IndexError" in page and "(dòng 2 của mã lệnh)" in page
    assert ">4</textarea>" in page
    assert plan_engine.instance(instance_id).incidents[0].line == 2

    fixed = supervisor.post(url, data={"var:parts": "4", "var:labels": '["a", "b", "c", "d"]'})

    assert fixed.status_code == 302 and fixed.location.endswith(f"/instances/{instance_id}")
    assert plan_engine.instance(instance_id).status == "running"
    story = html.unescape(supervisor.get(fixed.location).get_data(as_text=True))
    assert "Đã chạy lại bước" in story
    assert "sửa dữ liệu và chạy lại bước bị lỗi" in story
    assert re.search(r"parts:\s*0 → 4", story)
    assert re.search(r'labels:\s*\[\] → \["a", "b", "c", "d"\]', story)


def test_a_missing_variable_is_added_from_the_page(
    plan_engine: Engine, supervisor: FlaskClient
) -> None:
    plan_engine.deploy({"reads.bpmn": script_between_tasks("reads", "doubled = 2 * amount")})
    (first,) = plan_engine.start("reads", actor="an").open_tasks
    instance_id = plan_engine.complete(first.id, {}, actor="an").id
    page = supervisor.get(f"/instances/{instance_id}/incident").get_data(as_text=True)
    assert "mã lệnh đọc một biến mà hồ sơ chưa có" in page

    supervisor.post(
        f"/instances/{instance_id}/incident", data={"new_name": "amount", "new_value": "21"}
    )

    assert plan_engine.instance(instance_id).data["doubled"] == 42


def test_an_instance_without_incident_sends_the_supervisor_back(
    plan_engine: Engine, supervisor: FlaskClient
) -> None:
    (first,) = plan_engine.start("split", {"parts": 4, "labels": list("abcd")}).open_tasks

    answer = supervisor.post(f"/instances/{first.instance_id}/incident", data={})

    assert answer.status_code == 302
    page = supervisor.get(answer.location).get_data(as_text=True)
    assert "Hồ sơ quy trình không có sự cố nào để chạy lại." in page


DUE_FROM_A_VARIABLE = """    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="task"/>
    <bpmn:userTask id="task" camunda:candidateGroups="ITC" camunda:dueDate="${deadline}"/>
    <bpmn:sequenceFlow id="f1" sourceRef="task" targetRef="end"/>
    <bpmn:endEvent id="end"/>"""


def test_a_due_date_beyond_the_years_a_date_can_hold_is_an_incident_in_words(
    plan_engine: Engine, supervisor: FlaskClient
) -> None:
    plan_engine.deploy({"due.bpmn": process("due", DUE_FROM_A_VARIABLE)})
    # Hà Nội's first midnight of year 1 falls in year 0 in UTC
    instance = plan_engine.start("due", {"deadline": "0001-01-01"}, actor="an")

    (task,) = instance.open_tasks
    assert (instance.status, task.due_at) == ("incident", None)  # opened, without the date
    (incident,) = instance.incidents
    assert incident.message == "dueDate 0001-01-01 is outside the dates that can be stored"
    page = supervisor.get(f"/instances/{instance.id}/incident").get_data(as_text=True)
    assert "một ngày nằm ngoài khoảng từ năm 1 đến năm 9999" in page


@pytest.mark.parametrize(
    "message",
    [
        "dueDate 0001-01-01 is outside the dates that can be stored",  # govflow's words
        "date value out of range",  # a timer's date, in SpiffWorkflow's (Python's) words
    ],
)
def test_a_date_beyond_the_years_is_explained_whoever_found_it(message: str) -> None:
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": "sqlite://"})
    with app.test_request_context():
        assert explain(message) == "một ngày nằm ngoài khoảng từ năm 1 đến năm 9999."

"""The REST API end to end: log-in, roles and units, tasks, documents, instances, deploys."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from clients import PASSWORD
from flask import Flask
from flask.testing import FlaskClient

from engine.api import Engine, read_files
from web import create_app

BPMN_DIR = Path(__file__).parent / "bpmn"
USERS = ("itc.staff", "itc.head", "itc.designer", "nasati.staff")
NASATI_TASK = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="urn:govflow">
  <bpmn:process id="nasati_review" name="NASATI review" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:userTask id="review" name="Review the database" camunda:candidateGroups="NASATI"/>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
def app(plan_engine: Engine) -> Flask:
    for username in USERS:
        plan_engine.set_password(username, PASSWORD)
    plan_engine.deploy(
        {
            **read_files([BPMN_DIR / n for n in ("five_tasks.bpmn", "report_upload.bpmn")]),
            "nasati_review.bpmn": NASATI_TASK,
        }
    )
    return create_app({"TESTING": True, "SECRET_KEY": "test"}, engine=plan_engine)


class Session:
    """A logged-in API client that sends the CSRF token with every change."""

    def __init__(self, client: FlaskClient, token: str) -> None:
        self.client, self.token = client, token

    def get(self, path: str, **kwargs: Any):
        return self.client.get(f"/api/v1{path}", **kwargs)

    def post(self, path: str, body: dict[str, Any] | None = None, **kwargs: Any):
        headers = {"X-CSRFToken": self.token}
        if "data" in kwargs:
            return self.client.post(f"/api/v1{path}", headers=headers, **kwargs)
        return self.client.post(f"/api/v1{path}", json=body or {}, headers=headers, **kwargs)


@pytest.fixture
def login(app: Flask) -> Callable[[str], Session]:
    def log_in(username: str) -> Session:
        client = app.test_client()
        answer = client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
        assert answer.status_code == 200, answer.json
        return Session(client, answer.json["csrf_token"])

    return log_in


@pytest.fixture
def started(plan_engine: Engine) -> Iterator[dict[str, int]]:
    yield {
        "itc": plan_engine.start("five_tasks", actor="test").id,
        "nasati": plan_engine.start("nasati_review", actor="test").id,
    }


def test_nothing_without_a_session_and_a_wrong_password_is_refused(app: Flask) -> None:
    client = app.test_client()
    anonymous = client.get("/api/v1/tasks")
    assert anonymous.status_code == 401
    assert anonymous.mimetype == "application/problem+json"
    assert anonymous.json["code"] == "unauthenticated"
    wrong = client.post("/api/v1/session", json={"username": "itc.staff", "password": "nope"})
    assert (wrong.status_code, wrong.json["title"]) == (401, "wrong username or password")
    missing = client.post("/api/v1/session", json={"username": "itc.staff"})
    assert (missing.status_code, missing.json["field"]) == (422, "password")


def test_staff_see_and_work_their_units_tasks(login, started) -> None:
    itc = login("itc.staff")
    tasks = itc.get("/tasks").json
    assert [(t["process_key"], t["unit"], t["overdue"]) for t in tasks] == [
        ("five_tasks", "ITC", False)
    ]
    task_id = tasks[0]["id"]
    assert itc.get("/tasks?unit=NASATI").status_code == 403

    invalid = itc.post(f"/tasks/{task_id}/complete", {"data": {"score": 11}})
    assert (invalid.status_code, invalid.json["field"]) == (422, "score")
    done = itc.post(f"/tasks/{task_id}/complete", {"data": {"score": 7}})
    assert done.status_code == 200
    assert [t["element_id"] for t in done.json["open_tasks"]] == ["task_2"]
    again = itc.post(f"/tasks/{task_id}/complete", {"data": {"score": 7}})
    assert again.status_code == 409


def test_a_task_of_another_unit_is_hidden_from_staff_not_from_supervisors(login, started):
    nasati_task = login("nasati.staff").get("/tasks").json[0]["id"]
    itc = login("itc.staff")
    assert itc.get(f"/tasks/{nasati_task}").status_code == 404
    assert itc.post(f"/tasks/{nasati_task}/claim").status_code == 404
    assert itc.get(f"/instances/{started['nasati']}").status_code == 404
    supervisor = login("itc.head")
    assert supervisor.get(f"/tasks/{nasati_task}").json["unit"] == "NASATI"
    assert {t["unit"] for t in supervisor.get("/tasks").json} == {"ITC", "NASATI"}


def test_a_claimed_task_belongs_to_its_claimant(login, started) -> None:
    staff, head = login("itc.staff"), login("itc.head")
    task_id = staff.get("/tasks").json[0]["id"]
    assert staff.post(f"/tasks/{task_id}/claim").json["assignee"] == "itc.staff"
    taken = head.post(f"/tasks/{task_id}/claim")
    assert (taken.status_code, taken.json["code"]) == (409, "conflict")
    assert head.post(f"/tasks/{task_id}/complete", {"data": {"score": 1}}).status_code == 409
    assert staff.post(f"/tasks/{task_id}/unclaim").json["assignee"] is None


def test_changes_need_the_csrf_token(app: Flask, login, started) -> None:
    itc = login("itc.staff")
    task_id = itc.get("/tasks").json[0]["id"]
    forged = itc.client.post(f"/api/v1/tasks/{task_id}/claim")
    assert (forged.status_code, forged.json["code"]) == (400, "csrf")
    assert itc.get(f"/tasks/{task_id}").json["assignee"] is None


def test_a_document_goes_up_with_the_task_and_comes_back(login, plan_engine: Engine) -> None:
    instance = plan_engine.start("report_upload", actor="test")
    itc = login("itc.staff")
    task_id = instance.open_tasks[0].id
    content = "Báo cáo số 12/BC-TTCNTT".encode()
    uploaded = itc.post(
        f"/tasks/{task_id}/attachments",
        data={"file": (io.BytesIO(content), "báo cáo.pdf", "application/pdf")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201, uploaded.json
    document = uploaded.json
    done = itc.post(
        f"/tasks/{task_id}/complete",
        {"data": {"report_number": "12/BC-TTCNTT", "report_file": document["id"]}},
    )
    assert done.json["data"]["report_file"]["sha256"] == document["sha256"]
    download = itc.get(f"/attachments/{document['id']}")
    assert download.data == content
    assert download.mimetype == "application/pdf"
    assert "filename*=UTF-8''b%C3%A1o%20c%C3%A1o.pdf" in download.headers["Content-Disposition"]
    assert login("nasati.staff").get(f"/attachments/{document['id']}").status_code == 404


def test_supervisors_start_follow_and_message_instances(login, plan_engine: Engine) -> None:
    plan_engine.deploy(read_files([BPMN_DIR / "messages.bpmn"]))
    staff, head = login("itc.staff"), login("itc.head")
    assert staff.get("/instances").status_code == 403
    assert staff.post("/instances", {"process_key": "five_tasks"}).status_code == 403

    created = head.post("/instances", {"process_key": "five_tasks", "variables": {"y": 1}})
    assert created.status_code == 201
    instance_id = created.json["id"]
    assert (created.json["title"], created.json["plan_tasks"]) == ("Five tasks", [])
    assert head.post(f"/instances/{instance_id}/suspend").json["status"] == "suspended"
    assert head.post(f"/instances/{instance_id}/resume").json["status"] == "running"
    kinds = [e["kind"] for e in head.get(f"/instances/{instance_id}/history").json]
    assert kinds[:1] == ["instance_started"] and "instance_suspended" in kinds
    assert instance_id in [i["id"] for i in head.get("/instances?status=running").json]

    message = head.post("/messages", {"name": "feedback_received", "business_key": "FB-1"})
    assert (message.status_code, message.json["business_key"]) == (200, "FB-1")
    unknown = head.post("/messages", {"name": "nobody_waits"})
    assert unknown.status_code == 404
    wrong_type = head.post("/messages", {"name": "x", "instance_id": "7"})
    assert (wrong_type.status_code, wrong_type.json["field"]) == (422, "instance_id")


def test_supervisors_broadcast_signals(login, plan_engine: Engine) -> None:
    """``POST /signals``: a signal by hand (§10.5.4), delivered after the commit."""
    plan_engine.deploy(read_files([BPMN_DIR / "strategy_signals.bpmn"]))
    waiting = plan_engine.start("wait_for_strategy")
    staff, head = login("itc.staff"), login("itc.head")
    assert staff.post("/signals", {"name": "strategy_issued"}).status_code == 403

    queued = head.post("/signals", {"name": "strategy_issued", "payload": {"decision": "QD-1"}})
    assert queued.status_code == 202, queued.json
    assert (queued.json["name"], queued.json["status"]) == ("strategy_issued", "queued")
    plan_engine.tick()
    assert plan_engine.instance(waiting.id).data["decision"] == "QD-1"
    received = [e for e in plan_engine.history(waiting.id) if e.kind == "signal_received"]
    assert [e.actor for e in received] == ["itc.head"]
    nameless = head.post("/signals", {"payload": {}})
    assert (nameless.status_code, nameless.json["field"]) == (422, "name")


def test_designers_validate_and_deploy_files(login) -> None:
    designer = login("itc.designer")
    broken = b"<bpmn:definitions xmlns:bpmn='x'>\n  <oops>\n</bpmn:definitions>\n"
    checked = designer.post(
        "/definitions/validate",
        data={"files": [(io.BytesIO(broken), "broken.bpmn")]},
        content_type="multipart/form-data",
    )
    (problem,) = checked.json["problems"]
    assert (problem["file"], problem["line"]) == ("broken.bpmn", 3)

    refused = designer.post(
        "/deployments",
        data={"files": [(io.BytesIO(broken), "broken.bpmn")]},
        content_type="multipart/form-data",
    )
    assert (refused.status_code, refused.json["code"]) == (422, "invalid_definition")
    assert refused.json["problems"][0]["line"] == 3

    timers = (BPMN_DIR / "timers.bpmn").read_bytes()
    deployed = designer.post(
        "/deployments",
        data={"files": [(io.BytesIO(timers), "timers.bpmn")]},
        content_type="multipart/form-data",
    )
    assert deployed.status_code == 201
    assert [c["version"] for c in deployed.json["created"]] == [1]
    assert login("itc.staff").post("/deployments", data={}).status_code == 403
    keys = {d["process_key"] for d in designer.get("/definitions").json}
    assert {"five_tasks", "nasati_review"} <= keys


def test_metrics_and_unknown_api_paths(app: Flask, login) -> None:
    metrics = app.test_client().get("/metrics")
    assert metrics.status_code == 200 and "govflow_" in metrics.get_data(as_text=True)
    missing = login("itc.staff").get("/nothing-here")
    assert (missing.status_code, missing.mimetype) == (404, "application/problem+json")


def test_another_system_calls_with_a_token_and_no_csrf(app: Flask, plan_engine: Engine) -> None:
    plan_engine.deploy(read_files([BPMN_DIR / "messages.bpmn"]))
    token_id, token = plan_engine.create_token("itc.head", "national-data-portal")
    portal = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    feedback = portal.post(
        "/api/v1/messages",
        json={"name": "feedback_received", "payload": {"text": "hi"}, "business_key": "FB-7"},
        headers=headers,
    )
    assert feedback.status_code == 200, feedback.json
    history = plan_engine.history(feedback.json["id"])
    assert history[0].actor == "itc.head"  # the token acts for its user

    plan_engine.revoke_token(token_id)
    revoked = portal.get("/api/v1/tasks", headers=headers)
    assert (revoked.status_code, revoked.json["code"]) == (401, "unauthenticated")
    forged = portal.get("/api/v1/tasks", headers={"Authorization": "Bearer gf_made_up"})
    assert forged.status_code == 401

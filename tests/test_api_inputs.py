"""Hostile input to the API: each gives a 4xx problem document naming what is wrong,
never a 500 or an answer that is not JSON (issue 9, found by fuzzing)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from clients import PASSWORD, logged_in
from flask import Flask
from flask.testing import FlaskClient

from engine.api import Engine
from web import create_app

SHARE_FORM = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="urn:govflow">
  <bpmn:process id="share" name="Share" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="report"/>
    <bpmn:userTask id="report" name="Report the share" camunda:candidateGroups="ITC">
      <bpmn:extensionElements>
        <camunda:formData>
          <camunda:formField id="share" label="Share" type="double"/>
        </camunda:formData>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="report" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
def app(plan_engine: Engine) -> Flask:
    plan_engine.set_password("admin", PASSWORD)
    return create_app({"TESTING": True, "SECRET_KEY": "test"}, engine=plan_engine)


@pytest.fixture
def admin(app: Flask) -> FlaskClient:
    return logged_in(app, "admin")


def _problem(answer: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert answer.status_code == status, answer.get_data(as_text=True)[:300]
    assert answer.mimetype == "application/problem+json"
    document = json.loads(answer.get_data(as_text=True))  # strict: no NaN let through
    assert document["status"] == status
    if field is not None:
        assert document["field"] == field, document
    return document


def _post_raw(client: FlaskClient, path: str, raw: str | bytes) -> Any:
    return client.post(path, data=raw, content_type="application/json")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_in_a_body_are_refused_as_not_json(
    admin: FlaskClient, constant: str
) -> None:
    body = '{"name": "x", "payload": {"share": CONSTANT}}'.replace("CONSTANT", constant)
    document = _problem(_post_raw(admin, "/api/v1/messages", body), 422, "body")
    assert constant.lstrip("-") in document["message"]


@pytest.mark.parametrize("text", ["NaN", "inf", "-Infinity", "1e999"])
def test_a_number_field_refuses_nan_and_infinity_written_as_text(
    plan_engine: Engine, admin: FlaskClient, text: str
) -> None:
    plan_engine.deploy({"share.bpmn": SHARE_FORM})
    task = plan_engine.start("share", actor="admin").open_tasks[0]
    answer = admin.post(f"/api/v1/tasks/{task.id}/complete", json={"data": {"share": text}})
    _problem(answer, 422, "share")


def test_no_answer_holds_nan_or_infinity(app: Flask) -> None:
    text = app.json.dumps({"share": float("nan"), "rows": [float("inf"), 1.5]})
    assert json.loads(text, parse_constant=pytest.fail) == {"share": None, "rows": [None, 1.5]}


@pytest.mark.parametrize("instance_id", ["2147483648", "9223372036854775808", "9" * 20])
@pytest.mark.parametrize("suffix", ["", "/history", "/attachments"])
def test_an_id_beyond_the_database_is_an_unknown_id(
    admin: FlaskClient, instance_id: str, suffix: str
) -> None:
    _problem(admin.get(f"/api/v1/instances/{instance_id}{suffix}"), 404)
    _problem(admin.post(f"/api/v1/instances/{instance_id}/cancel"), 404)


def test_a_page_with_an_id_beyond_the_database_is_not_found(admin: FlaskClient) -> None:
    answer = admin.get("/instances/99999999999999999999")
    assert answer.status_code == 404
    assert answer.mimetype == "text/html"


def test_an_id_beyond_the_database_in_a_body_names_the_field(admin: FlaskClient) -> None:
    body = {"name": "x", "instance_id": 2**31}
    _problem(admin.post("/api/v1/messages", json=body), 422, "instance_id")


def test_a_deeply_nested_body_is_refused_before_parsing(admin: FlaskClient) -> None:
    deep = '{"name": "x", "payload": {"a": ' + "[" * 5000 + "]" * 5000 + "}}"
    document = _problem(_post_raw(admin, "/api/v1/messages", deep), 422, "body")
    assert document["rule"] == "depth"
    brackets_in_strings = json.dumps({"name": "x", "payload": {"a": "[" * 5000}})
    _problem(_post_raw(admin, "/api/v1/messages", brackets_in_strings), 404)  # no message x


def test_a_body_over_the_json_limit_is_413(app: Flask, admin: FlaskClient) -> None:
    app.config["MAX_JSON_BYTES"] = 1000
    body = {"name": "x", "payload": {"text": "a" * 1000}}
    document = _problem(admin.post("/api/v1/messages", json=body), 413, "body")
    assert document["code"] == "too_large"


@pytest.mark.parametrize("name", ["1abc", "a-b", "a\n", ""])
def test_variable_names_follow_the_engine_rule(admin: FlaskClient, name: str) -> None:
    body = {"name": "x", "payload": {name: 1}}
    _problem(admin.post("/api/v1/messages", json=body), 422, f"payload.{name}.key")


def test_nul_characters_are_refused_wherever_they_come(admin: FlaskClient) -> None:
    body = {"username": "a\u0000", "password": "x"}
    _problem(admin.post("/api/v1/session", json=body), 422, "username")
    _problem(admin.get("/api/v1/tasks?unit=a%00"), 422, "unit")
    _problem(admin.get("/api/v1/tasks/a%00b"), 422, "task_id")


def test_a_multipart_part_without_a_name_is_ignored(admin: FlaskClient) -> None:
    raw = b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n"
    answer = admin.post(
        "/api/v1/deployments", data=raw, content_type="multipart/form-data; boundary=b"
    )
    _problem(answer, 422, "files")


def test_an_unknown_method_is_405_with_allow(admin: FlaskClient) -> None:
    answer = admin.put("/api/v1/instances")
    _problem(answer, 405)
    assert set(answer.headers["Allow"].split(", ")) >= {"GET", "POST"}


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/api/v1/nowhere", 404),
        ("post", "/api/v1/messages", 422),  # no body
        ("patch", "/api/v1/session", 405),
        ("get", "/api/v1/tasks?overdue=maybe", 422),
    ],
)
def test_every_4xx_under_api_is_a_problem_document(
    admin: FlaskClient, method: str, path: str, status: int
) -> None:
    answer = getattr(admin, method)(path)
    _problem(answer, status)
    assert b"<html" not in answer.get_data().lower()


def test_the_document_declares_what_the_api_checks(app: Flask) -> None:
    document = app.test_client().get("/api/v1/openapi.json").json
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["bearerAuth"]["description"],
    }
    assert {"session", "csrf"} <= set(schemes)
    complete = document["paths"]["/tasks/{task_id}/complete"]["post"]
    assert complete["security"] == [{"session": [], "csrf": []}, {"bearerAuth": []}]
    schemas = document["components"]["schemas"]
    assert schemas["Task"]["properties"]["overdue"]["type"] == "boolean"
    pattern = {"pattern": "^[A-Za-z][A-Za-z0-9_]*$"}
    assert schemas["CompleteRequest"]["properties"]["data"]["propertyNames"] == pattern
    assert schemas["MessageRequest"]["properties"]["instance_id"]["maximum"] == 2**31 - 1
    instance = document["paths"]["/instances/{instance_id}"]["parameters"][0]["schema"]
    assert instance["maximum"] == 2**31 - 1
    assert {"200", "201"} <= set(document["paths"]["/deployments"]["post"]["responses"])
    download = document["paths"]["/attachments/{attachment_id}"]["get"]["responses"]["200"]
    assert set(download["content"]) == {"*/*"}
    tasks = {p["name"] for p in document["paths"]["/tasks"]["get"]["parameters"]}
    filters = {"unit", "assignee", "status", "overdue", "scope", "process_key", "plan_task"}
    filters |= {"cycle", "due_before", "due_after", "business_key", "q"}
    assert tasks == filters | {"cursor", "limit"}
    (due_before,) = [
        p for p in document["paths"]["/tasks"]["get"]["parameters"] if p["name"] == "due_before"
    ]
    kinds = [choice.get("format") for choice in due_before["schema"]["anyOf"]]
    assert kinds == ["date", "date-time", None]  # None: empty, as an unchosen form field
    patterns = {
        p["name"]: p["schema"].get("pattern")
        for p in document["paths"]["/tasks"]["get"]["parameters"]
    }
    for name, accepted, refused in [
        ("cycle", ["", "2023", "2023-H2"], ["2023-H3", "23"]),
        ("plan_task", ["", "I.3", "II.14"], ["i.3", "I3"]),
    ]:
        assert all(re.fullmatch(patterns[name], value) for value in accepted), name
        assert not any(re.fullmatch(patterns[name], value) for value in refused), name
    link = document["paths"]["/tasks"]["get"]["responses"]["200"]["headers"]["Link"]
    assert 'rel="next"' in link["description"]

"""Through the REST API: a retry that does not fix the incident is a 422 problem naming
the new error and line, and a script leaving data JSON cannot hold an incident."""

from __future__ import annotations

import pytest
from bpmn_text import script_between_tasks
from clients import PASSWORD
from flask.testing import FlaskClient

from engine.api import Engine
from web import create_app


@pytest.fixture
def supervisor(plan_engine: Engine) -> tuple[FlaskClient, str]:
    plan_engine.set_password("itc.head", PASSWORD)
    script = "share = 100 / parts\nlabel = labels[parts - 1]\nseen = b'raw' if raw else {1}"
    plan_engine.deploy({"split.bpmn": script_between_tasks("split", script)})
    client = create_app({"TESTING": True, "SECRET_KEY": "test"}, engine=plan_engine).test_client()
    answer = client.post("/api/v1/session", json={"username": "itc.head", "password": PASSWORD})
    return client, answer.json["csrf_token"]


def test_a_retry_that_fails_again_is_a_422_and_the_incident_has_the_new_line(
    plan_engine: Engine, supervisor: tuple[FlaskClient, str]
) -> None:
    client, token = supervisor
    variables = {"parts": 0, "labels": [], "raw": True}
    (first,) = plan_engine.start("split", variables, actor="an").open_tasks
    instance = plan_engine.complete(first.id, {}, actor="an")
    assert instance.status == "incident"

    def retry(data: dict) -> object:
        return client.post(
            f"/api/v1/instances/{instance.id}/retry",
            json={"data": data},
            headers={"X-CSRFToken": token},
        )

    again = retry({"parts": 4})
    assert again.status_code == 422 and again.mimetype == "application/problem+json"
    assert again.json["code"] == "script_error" and again.json["line"] == 2
    stuck = client.get(f"/api/v1/instances/{instance.id}").json
    assert stuck["status"] == "incident" and stuck["incidents"][0]["line"] == 2

    unstorable = retry({"parts": 4, "labels": list("abcd")})
    assert (unstorable.status_code, unstorable.json["line"]) == (422, 3)
    assert "bytes" in unstorable.json["title"]

    fixed = retry({"parts": 4, "labels": list("abcd"), "raw": False})
    assert fixed.status_code == 200 and fixed.json["status"] == "running"
    assert fixed.json["data"]["seen"] == [1]

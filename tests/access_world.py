"""A small world for the access tests, and a client for each role.

One instance of ``two_units_report``: a task for NASATI and one for PFD, a document
uploaded to each, NASATI's task claimed by NASATI's head. The roles are seen from
NASATI's task.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clients import PASSWORD
from flask import Flask
from flask.testing import FlaskClient

from engine.api import Engine, read_files

BPMN = Path(__file__).parent / "bpmn" / "two_units_report.bpmn"

ROLES: dict[str, str | None] = {
    "anonymous": None,
    "staff": "nasati.staff",  # staff of the task's unit
    "other_staff": "pfd.staff",  # staff of another unit with a task in the same instance
    "outsider": "legal.staff",  # staff of a unit with no task in the instance
    "head": "nasati.head",  # head of the task's unit, who claimed it
    "other_head": "pfd.head",
    "supervisor": "itc.head",
    "designer": "itc.designer",
    "admin": "admin",
    "token": "nasati.staff",  # an API token acting for staff of the task's unit
}


@dataclass
class World:
    instance_id: int
    nasati_task: str
    pfd_task: str
    nasati_document: str
    pfd_document: str


def prepare(engine: Engine) -> None:
    """Passwords for every role's user, and the test process deployed."""
    for username in {name for name in ROLES.values() if name}:
        engine.set_password(username, PASSWORD)
    engine.deploy(read_files([BPMN]), actor="test")


def build_world(engine: Engine) -> World:
    instance = engine.start("two_units_report", actor="test")
    tasks = {task.unit: task.id for task in instance.open_tasks}
    nasati = engine.attach(
        tasks["NASATI"], "nasati.pdf", b"%PDF NASATI", content_type="application/pdf",
        actor="nasati.staff",
    )  # fmt: skip
    pfd = engine.attach(
        tasks["PFD"], "pfd.pdf", b"%PDF PFD", content_type="application/pdf", actor="pfd.staff"
    )
    engine.claim(tasks["NASATI"], actor="nasati.head")
    return World(instance.id, tasks["NASATI"], tasks["PFD"], nasati.id, pfd.id)


class Client:
    """A test client acting as one role: a session cookie and its CSRF token, or a token."""

    def __init__(self, flask_client: FlaskClient, headers: dict[str, str]) -> None:
        self.flask_client, self.headers = flask_client, headers

    def open(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.flask_client.open(path, method=method, headers=self.headers, **kwargs)

    def get(self, path: str) -> Any:
        return self.open("GET", path)

    def post(self, path: str, body: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        if "data" in kwargs:
            return self.open("POST", path, **kwargs)
        return self.open("POST", path, json=body or {}, **kwargs)


def client_as(app: Flask, engine: Engine, role: str) -> Client:
    flask_client = app.test_client()
    username = ROLES[role]
    if username is None:  # anonymous, with the CSRF token of the log-in form
        page = flask_client.get("/login").get_data(as_text=True)
        match = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert match is not None, page
        return Client(flask_client, {"X-CSRFToken": match.group(1)})
    if role == "token":
        _, token = engine.create_token(username, "access test")
        return Client(flask_client, {"Authorization": f"Bearer {token}"})
    answer = flask_client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.json
    return Client(flask_client, {"X-CSRFToken": answer.json["csrf_token"]})

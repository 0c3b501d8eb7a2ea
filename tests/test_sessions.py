"""Log-in sessions live on the server: log-out, a password change and an admin end them.

The cookie carries only a random session id (its SHA-256 is in the database), so a
cookie copied before log-out, or one forged with the secret key, does not log anyone in.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from clients import PASSWORD
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.account_models import LoginSession
from engine.api import Engine
from engine.clock import ManualClock
from web import create_app

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def app(plan_engine: Engine) -> Flask:
    for username in ("itc.staff", "itc.head", "admin"):
        plan_engine.set_password(username, PASSWORD)
    return create_app({"TESTING": True, "SECRET_KEY": "test"}, engine=plan_engine)


def log_in(app: Flask, username: str = "itc.staff") -> tuple[FlaskClient, str]:
    """A client logged in over the API, and its CSRF token."""
    client = app.test_client()
    answer = client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.json
    return client, answer.json["csrf_token"]


def cookie_of(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def replay(app: Flask, cookie: str) -> FlaskClient:
    """A new client (another machine) sending a copy of a session cookie."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client


def test_a_cookie_copied_before_log_out_no_longer_works(app: Flask) -> None:
    client, csrf = log_in(app)
    copy = cookie_of(client)
    assert replay(app, copy).get("/api/v1/session").json["username"] == "itc.staff"

    assert client.delete("/api/v1/session", headers={"X-CSRFToken": csrf}).status_code == 204

    again = replay(app, copy)
    answer = again.get("/api/v1/session")
    assert (answer.status_code, answer.json["code"]) == (401, "unauthenticated")
    page = again.get("/tasks")
    assert page.status_code == 302 and page.location.startswith("/login")


def test_a_page_log_out_ends_the_session_too(app: Flask) -> None:
    client, _ = log_in(app)
    copy = cookie_of(client)
    form = client.get("/tasks").get_data(as_text=True)
    token = form.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert replay(app, copy).get("/api/v1/session").status_code == 401


def test_the_cookie_carries_a_random_id_and_the_database_only_its_hash(
    app: Flask, plan_engine: Engine
) -> None:
    client, _ = log_in(app)
    signer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    session_id = signer.loads(cookie_of(client))["_user_id"]
    assert "itc.staff" not in session_id and len(session_id) >= 40
    with plan_engine.db.reading() as session:
        rows = session.scalars(select(LoginSession)).all()
    assert [(r.username, r.id_hash) for r in rows] == [
        ("itc.staff", hashlib.sha256(session_id.encode()).hexdigest())
    ]


def test_a_cookie_forged_with_the_secret_key_gives_nothing(app: Flask) -> None:
    signer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    for forged_id in ("admin", "itc.staff"):
        forged = signer.dumps({"_user_id": forged_id, "_fresh": True})
        assert replay(app, forged).get("/api/v1/session").status_code == 401


def test_changing_ones_password_ends_ones_other_sessions(app: Flask, plan_engine: Engine) -> None:
    laptop, csrf = log_in(app)
    phone, _ = log_in(app)
    change = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}

    wrong = laptop.post(
        "/api/v1/session/password",
        json={**change, "current_password": "not it at all"},
        headers={"X-CSRFToken": csrf},
    )
    assert (wrong.status_code, wrong.json["field"]) == (403, "current_password")
    assert phone.get("/api/v1/session").status_code == 200
    short = laptop.post(
        "/api/v1/session/password",
        json={**change, "new_password": "short"},
        headers={"X-CSRFToken": csrf},
    )
    assert (short.status_code, short.json["field"]) == (422, "password")

    done = laptop.post("/api/v1/session/password", json=change, headers={"X-CSRFToken": csrf})
    assert done.status_code == 204
    assert laptop.get("/api/v1/session").status_code == 200  # the session that changed it
    assert phone.get("/api/v1/session").status_code == 401
    assert plan_engine.authenticate("itc.staff", NEW_PASSWORD) is not None


def test_a_password_set_by_an_admin_ends_every_session(app: Flask, plan_engine: Engine) -> None:
    client, _ = log_in(app)
    assert plan_engine.set_password("itc.staff", NEW_PASSWORD) == 1
    assert client.get("/api/v1/session").status_code == 401


def test_an_admin_ends_all_sessions_of_a_user(app: Flask, plan_engine: Engine) -> None:
    laptop, staff_csrf = log_in(app)
    phone, _ = log_in(app)
    head, _ = log_in(app, "itc.head")
    admin, admin_csrf = log_in(app, "admin")
    path = "/api/v1/users/itc.staff/sessions"

    refused = laptop.delete(path, headers={"X-CSRFToken": staff_csrf})
    assert (refused.status_code, refused.json["code"]) == (403, "forbidden")
    ended = admin.delete(path, headers={"X-CSRFToken": admin_csrf})
    assert (ended.status_code, ended.json) == (200, {"username": "itc.staff", "ended": 2})
    assert laptop.get("/api/v1/session").status_code == 401
    assert phone.get("/api/v1/session").status_code == 401
    assert head.get("/api/v1/session").status_code == 200
    unknown = admin.delete("/api/v1/users/nobody/sessions", headers={"X-CSRFToken": admin_csrf})
    assert unknown.status_code == 404

    # account administration needs the admin logged in: a stolen token cannot lock people out
    _, token = plan_engine.create_token("admin", "ops")
    by_token = app.test_client().delete(path, headers={"Authorization": f"Bearer {token}"})
    assert (by_token.status_code, by_token.json["code"]) == (403, "forbidden")


def test_a_session_ends_after_its_idle_time(app: Flask, clock: ManualClock) -> None:
    client, _ = log_in(app)
    for _ in range(3):  # used every 59 minutes: still alive after three hours
        clock.advance(timedelta(minutes=59))
        assert client.get("/api/v1/session").status_code == 200
    clock.advance(timedelta(minutes=61))
    assert client.get("/api/v1/session").status_code == 401


def test_a_session_ends_after_its_lifetime_however_busy(app: Flask, clock: ManualClock) -> None:
    client, _ = log_in(app)
    for _ in range(14):  # used every 50 minutes, up to 11 h 40 min after log-in
        clock.advance(timedelta(minutes=50))
        assert client.get("/api/v1/session").status_code == 200
    clock.advance(timedelta(minutes=19))
    assert client.get("/api/v1/session").status_code == 200
    clock.advance(timedelta(minutes=1))  # 12 hours after log-in
    assert client.get("/api/v1/session").status_code == 401


def test_last_seen_is_written_at_most_once_a_minute(plan_engine: Engine, clock: ManualClock):
    session_id = plan_engine.logins.open("itc.staff")
    began = clock.now()

    def last_seen():
        with plan_engine.db.reading() as session:
            return session.scalars(select(LoginSession.last_seen_at)).one()

    clock.advance(timedelta(seconds=50))
    assert plan_engine.logins.username_of(session_id) == "itc.staff"
    assert last_seen() == began
    clock.advance(timedelta(seconds=20))
    assert plan_engine.logins.username_of(session_id) == "itc.staff"
    assert last_seen() == began + timedelta(seconds=70)

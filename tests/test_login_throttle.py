"""Password guessing is throttled per username and per address, the same for every user.

After 5 failures for a username within 15 minutes, or 20 from an address, log-in
answers 429 with Retry-After, even with the right password; an unknown username gets
exactly the answers a known one gets.
"""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from typing import Any

import pytest
from clients import PASSWORD
from flask import Flask
from flask.testing import FlaskClient

from engine import accounts
from engine.api import Engine
from engine.clock import ManualClock
from engine.errors import TooManyAttempts
from web import create_app

WINDOW = 15 * 60


@pytest.fixture
def app(plan_engine: Engine) -> Flask:
    plan_engine.set_password("itc.staff", PASSWORD)
    return create_app({"TESTING": True, "SECRET_KEY": "test"}, engine=plan_engine)


def api_log_in(client: FlaskClient, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        "/api/v1/session",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def comparable(answer: Any) -> tuple[int, Any, str | None]:
    return answer.status_code, answer.json, answer.headers.get("Retry-After")


def test_five_failures_lock_a_username_even_for_the_right_password(
    app: Flask, clock: ManualClock
) -> None:
    client = app.test_client()
    for _ in range(5):
        clock.advance(timedelta(minutes=1))
        assert api_log_in(client, "itc.staff", "a wrong guess").status_code == 401
    locked = api_log_in(client, "itc.staff", PASSWORD)
    assert (locked.status_code, locked.mimetype) == (429, "application/problem+json")
    assert locked.json["code"] == "too_many_attempts"
    assert locked.headers["Retry-After"] == str(WINDOW - 4 * 60)  # the first failure ages out

    clock.advance(timedelta(seconds=int(locked.headers["Retry-After"])))
    assert api_log_in(client, "itc.staff", PASSWORD).status_code == 200


def test_an_unknown_user_gets_the_same_answers_as_a_known_one(app: Flask) -> None:
    client = app.test_client()
    known = [comparable(api_log_in(client, "itc.staff", "guess")) for _ in range(6)]
    unknown = [comparable(api_log_in(client, "no.such.user", "guess")) for _ in range(6)]
    assert known == unknown
    assert [status for status, _, _ in known] == [401] * 5 + [429]


def test_an_unknown_user_costs_a_password_check_too(
    plan_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real_check = accounts.check_password_hash

    def counting_check(password_hash: str, password: str) -> bool:
        checked.append(password)
        return real_check(password_hash, password)

    monkeypatch.setattr(accounts, "check_password_hash", counting_check)
    assert plan_engine.authenticate("no.such.user", "guess") is None
    assert checked == ["guess"]


def test_twenty_failures_from_an_address_lock_it_for_every_username(app: Flask) -> None:
    client = app.test_client()
    for n in range(20):
        assert api_log_in(client, f"guess.{n}", "guess").status_code == 401
    locked = api_log_in(client, "itc.staff", PASSWORD)
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert api_log_in(client, "itc.staff", PASSWORD, address="10.0.0.2").status_code == 200


def test_a_success_forgets_the_usernames_failures_not_others(app: Flask) -> None:
    client = app.test_client()
    for _ in range(4):
        assert api_log_in(client, "itc.staff", "typo").status_code == 401
    assert api_log_in(client, "itc.staff", PASSWORD).status_code == 200
    for _ in range(4):  # four more typos are again allowed
        assert api_log_in(client, "itc.staff", "typo").status_code == 401
    assert api_log_in(client, "itc.staff", PASSWORD).status_code == 200

    for n in range(19):  # guesses at others' passwords, then one's own log-in ...
        assert api_log_in(client, f"guess.{n}", "guess").status_code == 401
    assert api_log_in(client, "itc.staff", PASSWORD).status_code == 200
    assert api_log_in(client, "guess.19", "guess").status_code == 401  # ... buys no more
    assert api_log_in(client, "guess.20", "guess").status_code == 429


def test_the_log_in_page_says_so_in_vietnamese(app: Flask) -> None:
    client = app.test_client()
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None

    def post(password: str):
        data = {"csrf_token": token.group(1), "username": "no.such.user", "password": password}
        return client.post("/login", data=data)

    assert [post("guess").status_code for _ in range(5)] == [401] * 5
    locked = post("guess")
    assert locked.status_code == 429 and locked.headers["Retry-After"] == str(WINDOW)
    assert "Quá nhiều lần đăng nhập sai. Vui lòng thử lại sau 15 phút." in locked.get_data(
        as_text=True
    )


def test_processes_sharing_the_database_let_no_more_than_five_guesses_through(
    db_url: str, plan_engine: Engine, clock: ManualClock
) -> None:
    """Two engines (two processes) and twelve threads guessing at once."""
    other = Engine(db_url, clock=clock, settings=plan_engine.settings)
    outcomes: list[str] = []
    lock = threading.Lock()

    def guess(engine: Engine) -> None:
        try:
            engine.authenticate("itc.staff", "a wrong guess", address="10.9.9.9")
            outcome = "checked"
        except TooManyAttempts:
            outcome = "throttled"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=guess, args=(e,)) for e in [plan_engine, other] * 6]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        other.close()
    assert len(outcomes) == 12
    assert outcomes.count("checked") == 5  # taken in turn: the limit, never more, never none

"""HTTP hardening: no default secret key, cookie flags, security headers, /metrics, CSRF."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from clients import PASSWORD
from flask import Flask

from engine.api import Engine
from engine.errors import Misconfigured
from web import create_app
from web.cli import cli


@pytest.fixture
def make_app(plan_engine: Engine):
    plan_engine.set_password("itc.staff", PASSWORD)

    def build(**config: Any) -> Flask:
        return create_app({"TESTING": True, "SECRET_KEY": "test", **config}, engine=plan_engine)

    return build


def test_no_app_without_a_secret_key(plan_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOVFLOW_SECRET_KEY", raising=False)
    with pytest.raises(Misconfigured, match="GOVFLOW_SECRET_KEY"):
        create_app({"TESTING": True}, engine=plan_engine)
    monkeypatch.setenv("GOVFLOW_SECRET_KEY", "from the environment")
    assert create_app(engine=plan_engine).secret_key == "from the environment"


@pytest.mark.parametrize("command", [["serve"], ["scheduler"]])
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_serve_and_scheduler_refuse_to_start_without_a_secret_key(
    db_url: str, command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.delenv("GOVFLOW_SECRET_KEY", raising=False)
    result = CliRunner().invoke(cli, command)
    assert result.exit_code != 0
    (line,) = result.output.strip().splitlines()
    assert line.startswith("Error: GOVFLOW_SECRET_KEY is not set")


def log_in(app: Flask):
    client = app.test_client()
    answer = client.post("/api/v1/session", json={"username": "itc.staff", "password": PASSWORD})
    assert answer.status_code == 200
    return client, answer


def test_the_session_cookie_is_lax_http_only_and_secure_over_https(make_app) -> None:
    _, answer = log_in(make_app())
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "Strict-Transport-Security" not in answer.headers

    _, answer = log_in(make_app(HTTPS=True))
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("path", ["/login", "/api/v1/tasks", "/healthz", "/no-such-page"])
def test_every_response_carries_the_security_headers(make_app, path: str) -> None:
    answer = make_app().test_client().get(path)
    policy = answer.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert "frame-ancestors 'none'" in policy
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "same-origin"


def test_metrics_answer_only_this_machine_without_a_token(make_app) -> None:
    client = make_app().test_client()
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    outside = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert (outside.status_code, outside.json["code"]) == (403, "forbidden")


def test_metrics_want_the_metrics_token_when_it_is_set(make_app) -> None:
    client = make_app(METRICS_TOKEN="s3cret-metrics").test_client()
    outside = {"REMOTE_ADDR": "203.0.113.9"}

    def scrape(authorization: str | None, environ: dict[str, str] | None = None):
        headers = {"Authorization": authorization} if authorization else {}
        return client.get("/metrics", headers=headers, environ_base=environ or {}).status_code

    assert scrape(None) == 403  # not even from this machine
    assert scrape("Bearer wrong") == 403
    assert scrape("Bearer s3cret-metrics", outside) == 200  # not taken for an API token


def test_a_cookie_with_a_junk_authorization_header_still_needs_the_csrf_token(make_app):
    app = make_app()
    client, answer = log_in(app)
    for junk in ("Bearer junk", "Basic Zm9vOmJhcg==", "whatever"):
        refused = client.delete("/api/v1/session", headers={"Authorization": junk})
        assert (refused.status_code, refused.json["code"]) == (400, "csrf"), junk
    assert client.get("/api/v1/session").status_code == 200  # not logged out
    done = client.delete("/api/v1/session", headers={"X-CSRFToken": answer.json["csrf_token"]})
    assert done.status_code == 204


def test_a_bearer_token_alone_needs_no_csrf_token(make_app, plan_engine: Engine) -> None:
    _, token = plan_engine.create_token("itc.staff", "portal")
    client = make_app().test_client()
    answer = client.delete("/api/v1/session", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 204
    junk = client.delete("/api/v1/session", headers={"Authorization": "Bearer gf_junk"})
    assert (junk.status_code, junk.json["code"]) == (401, "unauthenticated")


def test_behind_a_trusted_proxy_the_forwarded_address_counts(
    plan_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVFLOW_PROXIES", "1")
    client = create_app({"TESTING": True, "SECRET_KEY": "t"}, engine=plan_engine).test_client()
    forwarded = {"X-Forwarded-For": "203.0.113.9"}
    assert client.get("/metrics", headers=forwarded).status_code == 403  # not localhost
    assert client.get("/metrics").status_code == 200

"""Flask test clients logged in through the API, as the pages' and the API's tests use them."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

PASSWORD = "correct horse battery"


def logged_in(app: Flask, username: str, password: str = PASSWORD) -> FlaskClient:
    """A client logged in as ``username``; every request carries the CSRF token."""
    client = app.test_client()
    answer = client.post("/api/v1/session", json={"username": username, "password": password})
    assert answer.status_code == 200, answer.json
    client.environ_base["HTTP_X_CSRFTOKEN"] = answer.json["csrf_token"]
    return client

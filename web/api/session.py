"""Log-in and log-out: ``/api/v1/session``."""

from __future__ import annotations

from flask import current_app, jsonify
from flask.typing import ResponseReturnValue
from flask_login import login_user, logout_user
from flask_wtf.csrf import generate_csrf

from web import engine_of
from web.api import blueprint
from web.api.openapi import documented
from web.api.schemas import LoginRequest, load
from web.auth import Caller, Unauthenticated, caller


@blueprint.post("/session")
@documented(body=LoginRequest)
def login() -> ResponseReturnValue:
    body = load(LoginRequest())
    user = engine_of(current_app).authenticate(body["username"], body["password"])
    if user is None:
        raise Unauthenticated("wrong username or password")
    login_user(Caller(user))
    return _describe(Caller(user))


@blueprint.get("/session")
@documented()
def whoami() -> ResponseReturnValue:
    return _describe(caller())


@blueprint.delete("/session")
@documented(status=204)
def logout() -> ResponseReturnValue:
    logout_user()
    return "", 204


def _describe(who: Caller) -> ResponseReturnValue:
    user = who.user
    return jsonify(
        username=user.username,
        full_name=user.full_name,
        units=list(user.units),
        roles=list(user.roles),
        csrf_token=generate_csrf(),
    )

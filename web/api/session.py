"""Log-in, log-out and one's own password: ``/api/v1/session``."""

from __future__ import annotations

from flask import current_app, jsonify
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import generate_csrf

from web import engine_of
from web.api import blueprint
from web.api.openapi import documented
from web.api.schemas import LoginRequest, PasswordChangeRequest, load
from web.auth import Caller, Unauthenticated, caller, check_password, log_in, log_out


@blueprint.post("/session")
@documented(body=LoginRequest)
def login() -> ResponseReturnValue:
    """Log in; 429 with Retry-After after too many failures for the user or address."""
    body = load(LoginRequest())
    user = check_password(body["username"], body["password"])
    if user is None:
        raise Unauthenticated("wrong username or password", reason="wrong_password")
    log_in(user)
    return _describe(Caller(user))


@blueprint.get("/session")
@documented()
def whoami() -> ResponseReturnValue:
    return _describe(caller())


@blueprint.delete("/session")
@documented(status=204)
def logout() -> ResponseReturnValue:
    """Log out: the session ends on the server, so no copy of its cookie works."""
    log_out()
    return "", 204


@blueprint.post("/session/password")
@documented(body=PasswordChangeRequest, status=204)
def change_password() -> ResponseReturnValue:
    """Change one's own password; every other session of the user ends, this one stays."""
    body = load(PasswordChangeRequest())
    who = caller()
    engine_of(current_app).change_password(
        who.username, body["current_password"], body["new_password"], keep_session=who.session_id
    )
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

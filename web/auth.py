"""Who is calling: log-in sessions (Flask-Login) for the users of units.yaml.

A user logs in once with a password (checked against its scrypt hash); the signed
session cookie then identifies them, and every state-changing request also carries
the CSRF token (Flask-WTF): in the form for pages, in ``X-CSRFToken`` for the API.
Another system calls the API with ``Authorization: Bearer <token>`` instead (a token
acts for one user, see ``govflow tokens``); such a request needs no CSRF token.
"""

from __future__ import annotations

from flask import Flask, current_app, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect

from engine.errors import GovflowError
from engine.units import User
from web import engine_of

__all__ = ["CSRF_FREE_ENDPOINTS", "Caller", "bearer_token", "caller", "init_auth"]

csrf = CSRFProtect()

CSRF_FREE_ENDPOINTS = {"api.login"}
"""Log-in over the API: there is no session to forge yet, and its body must be JSON."""


class Unauthenticated(GovflowError):
    code = "unauthenticated"


class Caller(UserMixin):
    """The logged-in user, as Flask-Login wants it; ``via_token``: an API token acts for them."""

    def __init__(self, user: User, *, via_token: bool = False) -> None:
        self.user = user
        self.via_token = via_token

    def get_id(self) -> str:
        return self.user.username

    @property
    def username(self) -> str:
        return self.user.username

    def has_role(self, *roles: str) -> bool:
        return "admin" in self.user.roles or any(role in self.user.roles for role in roles)

    def works_for(self, unit: str | None) -> bool:
        return unit is not None and unit in self.user.units


def caller() -> Caller:
    """The logged-in user of this request (login_required has run)."""
    return current_user._get_current_object()


def bearer_token() -> str | None:
    """The token of ``Authorization: Bearer …``, if the request carries one."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def init_auth(app: Flask) -> None:
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    # CSRF is checked by hand below: only requests that rely on the session cookie need
    # it; a browser never adds an Authorization header on its own.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
    manager = LoginManager(app)

    @app.before_request
    def check_csrf() -> None:
        if request.method not in app.config["WTF_CSRF_METHODS"]:
            return
        if request.endpoint in CSRF_FREE_ENDPOINTS or bearer_token() is not None:
            return
        csrf.protect()

    @manager.user_loader
    def load_user(username: str) -> Caller | None:
        user = engine_of(current_app).user(username)
        return Caller(user) if user is not None else None

    @manager.request_loader
    def load_user_from_token(_request: object) -> Caller | None:
        token = bearer_token()
        if token is None:
            return None
        user = engine_of(current_app).user_of_token(token)
        if user is None:
            raise Unauthenticated("the API token is unknown or revoked")
        return Caller(user, via_token=True)

    @manager.unauthorized_handler
    def unauthorized() -> ResponseReturnValue:
        if request.path.startswith("/api/"):
            raise Unauthenticated(f"log in to use {request.path}")
        return redirect(url_for("pages.login", next=request.full_path))

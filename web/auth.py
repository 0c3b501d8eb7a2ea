"""Who is calling: log-in sessions (Flask-Login) for the users of units.yaml.

A user logs in once with a password (checked against its scrypt hash); the signed
session cookie then identifies them. Every state-changing request also carries the
CSRF token (Flask-WTF), in the form for pages, in the ``X-CSRFToken`` header for
the API.
"""

from __future__ import annotations

from flask import Flask, current_app, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect

from engine.errors import GovflowError
from engine.units import User
from web import engine_of

__all__ = ["Caller", "caller", "init_auth"]

csrf = CSRFProtect()


class Unauthenticated(GovflowError):
    code = "unauthenticated"


class Caller(UserMixin):
    """The logged-in user, as Flask-Login wants it."""

    def __init__(self, user: User) -> None:
        self.user = user

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
    return current_user._get_current_object()  # type: ignore[no-any-return]


def init_auth(app: Flask) -> None:
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    csrf.init_app(app)
    manager = LoginManager(app)

    @manager.user_loader
    def load_user(username: str) -> Caller | None:
        user = engine_of(current_app).user(username)
        return Caller(user) if user is not None else None

    @manager.unauthorized_handler
    def unauthorized() -> ResponseReturnValue:
        if request.path.startswith("/api/"):
            raise Unauthenticated(f"log in to use {request.path}")
        return redirect(url_for("pages.login", next=request.full_path))

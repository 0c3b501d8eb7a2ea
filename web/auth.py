"""Who is calling: log-in sessions kept on the server, or an API token.

A user logs in once with a password (checked against its scrypt hash, and throttled:
see ``engine.throttle``). The engine then opens a session in the database, and the
signed cookie names the user only by that session's random id (besides the CSRF
token, the language and flash messages): it is Flask-Login's "alternative token"
(``Caller.get_id``), and the user loader asks the engine whose live session it is.
Log-out, a password change and an admin's "end sessions" delete the row, so a copy of
the cookie stops working at once; so do the idle and absolute lifetimes
(``GOVFLOW_SESSION_IDLE``, ``GOVFLOW_SESSION_LIFETIME``).

Every state-changing request authenticated by the cookie also carries the CSRF token
(Flask-WTF): in the form for pages, in ``X-CSRFToken`` for the API. Another system
calls the API with ``Authorization: Bearer <token>`` instead (a token acts for one
user, see ``govflow tokens``); such a request needs no CSRF token, but only if it
carries no session cookie: a browser sends the cookie on its own, whatever else
comes with it.
"""

from __future__ import annotations

from flask import Flask, current_app, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFProtect

from engine.errors import GovflowError
from engine.units import User
from web import engine_of

__all__ = [
    "CSRF_FREE_ENDPOINTS",
    "Caller",
    "bearer_token",
    "caller",
    "check_password",
    "init_auth",
    "log_in",
    "log_out",
]

csrf = CSRFProtect()

CSRF_FREE_ENDPOINTS = {"api.login"}
"""Log-in over the API: there is no session to forge yet, and its body must be JSON."""


class Unauthenticated(GovflowError):
    code = "unauthenticated"


class Caller(UserMixin):
    """The logged-in user, as Flask-Login wants it; ``session_id`` is None when an API
    token authenticates the request."""

    def __init__(self, user: User, session_id: str | None = None) -> None:
        self.user = user
        self.session_id = session_id

    def get_id(self) -> str | None:
        """What Flask-Login keeps in the cookie: the server-side session's id."""
        return self.session_id

    @property
    def via_token(self) -> bool:
        """An API token, not a log-in session, authenticates this request."""
        return self.session_id is None

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


def check_password(username: str, password: str) -> User | None:
    """The user if the password is theirs, throttled per username and per the caller's
    address (TooManyAttempts when either failed too often)."""
    return engine_of(current_app).authenticate(username, password, address=request.remote_addr)


def log_in(user: User) -> None:
    """Open a server-side session for ``user``; the cookie gets its id. Nothing of the
    session before log-in but the language carries over (no planted CSRF token)."""
    language = session.get("lang")
    session.clear()
    if language is not None:
        session["lang"] = language
    login_user(Caller(user, engine_of(current_app).logins.open(user.username)))


def log_out() -> None:
    """End the caller's server-side session, so that no copy of the cookie works."""
    session_id = getattr(current_user, "session_id", None)
    if session_id is not None:
        engine_of(current_app).logins.end(session_id)
    logout_user()


def init_auth(app: Flask) -> None:
    # CSRF is checked by hand below: only requests that rely on the session cookie need it.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
    manager = LoginManager(app)

    @app.before_request
    def check_csrf() -> None:
        if request.method not in app.config["WTF_CSRF_METHODS"]:
            return
        if request.endpoint in CSRF_FREE_ENDPOINTS or _authenticated_by_token_alone():
            return
        csrf.protect()

    @manager.user_loader
    def load_user(session_id: str) -> Caller | None:
        engine = engine_of(current_app)
        username = engine.logins.username_of(session_id)
        user = engine.user(username) if username is not None else None
        return Caller(user, session_id) if user is not None else None

    @manager.request_loader
    def load_user_from_token(_request: object) -> Caller | None:
        token = bearer_token()
        if token is None:
            return None
        user = engine_of(current_app).user_of_token(token)
        if user is None:
            raise Unauthenticated("the API token is unknown or revoked", reason="unknown_token")
        return Caller(user)

    @manager.unauthorized_handler
    def unauthorized() -> ResponseReturnValue:
        if request.path.startswith("/api/"):
            raise Unauthenticated(f"log in to use {request.path}")
        return redirect(url_for("pages.login", next=request.full_path))


def _authenticated_by_token_alone() -> bool:
    """A Bearer token and no log-in in the session cookie: the token authenticates the
    request (or it is refused as unauthenticated), and no browser sends it on its own.
    A cookie that carries a log-in always needs the CSRF token, whatever else comes."""
    return bearer_token() is not None and "_user_id" not in session

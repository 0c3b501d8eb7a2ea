"""The admins' pages: users (name, e-mail, units, roles, active), their passwords,
log-in sessions and API tokens; what ``units.yaml`` and the ``govflow users`` and
``govflow tokens`` commands do, from the browser.

Every change is one engine command, which writes its audit entry in the same
transaction. A form the engine refuses comes back with each problem beside its field
(422); a change that worked redirects with a success message. A new token is shown
on the answer to its creation only: it is not kept, so no later page can show it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.errors import InvalidInput, NotFound
from engine.units import ROLES, User
from web import engine_of
from web.account_forms import field_errors
from web.auth import caller

__all__ = ["blueprint"]

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


@blueprint.get("/users")
def users() -> ResponseReturnValue:
    return render_template("admin_users.html", users=engine_of(current_app).all_users())


@blueprint.route("/users/new", methods=["GET", "POST"])
def new_user() -> ResponseReturnValue:
    if request.method == "GET":
        return _user_form(None, values={"roles": ["staff"], "is_active": True})
    user = _user_of_form(request.form.get("username", "").strip())
    try:
        engine_of(current_app).create_user(user, actor=caller().username)
    except InvalidInput as exc:
        return _user_form(None, values=_values_of(user), errors=field_errors(exc)), 422
    flash(_("User %(username)s is created.", username=user.username), "success")
    return redirect(url_for("admin.user_page", username=user.username))


@blueprint.route("/users/<username>", methods=["GET", "POST"])
def user_page(username: str) -> ResponseReturnValue:
    current = _existing(username)
    if request.method == "GET":
        return _user_form(current, values=_values_of(current))
    user = _user_of_form(username)
    try:
        engine_of(current_app).update_user(user, actor=caller().username)
    except InvalidInput as exc:
        return _user_form(current, values=_values_of(user), errors=field_errors(exc)), 422
    flash(_("The changes to %(username)s are saved.", username=username), "success")
    return redirect(url_for("admin.user_page", username=username))


@blueprint.post("/users/<username>/password")
def reset_password(username: str) -> ResponseReturnValue:
    """Give the user a new password; their log-in sessions end."""
    user = _existing(username)
    try:
        engine_of(current_app).set_password(
            username, request.form.get("password", ""), actor=caller().username
        )
    except InvalidInput as exc:
        return _user_form(user, values=_values_of(user), errors=field_errors(exc)), 422
    flash(
        _("The password of %(username)s is reset; they log in again.", username=username), "success"
    )
    return redirect(url_for("admin.user_page", username=username))


@blueprint.post("/users/<username>/sessions/end")
def end_sessions(username: str) -> ResponseReturnValue:
    """Log the user out everywhere (the page asks to confirm first)."""
    _existing(username)
    ended = engine_of(current_app).end_sessions(username, actor=caller().username)
    flash(
        _("%(count)s session(s) of %(username)s ended.", count=ended, username=username), "success"
    )
    return redirect(url_for("admin.user_page", username=username))


@blueprint.post("/users/<username>/tokens")
def create_token(username: str) -> ResponseReturnValue:
    user = _existing(username)
    name = request.form.get("token_name", "").strip()
    try:
        token_id, token = engine_of(current_app).create_token(
            username, name, actor=caller().username
        )
    except InvalidInput as exc:
        errors = {"token_name": field_errors(exc).get("name", exc.message)}
        return _user_form(user, values=_values_of(user), errors=errors), 422
    flash(_("Token %(name)s is created.", name=name), "success")
    return _user_form(user, values=_values_of(user), new_token=(token_id, token)), 201


@blueprint.post("/users/<username>/tokens/<int:token_id>/revoke")
def revoke_token(username: str, token_id: int) -> ResponseReturnValue:
    engine = engine_of(current_app)
    if token_id not in {t.id for t in engine.tokens_of(_existing(username).username)}:
        raise NotFound(_("%(username)s has no token %(id)s.", username=username, id=token_id))
    engine.revoke_token(token_id, actor=caller().username)
    flash(_("The token is revoked."), "success")
    return redirect(url_for("admin.user_page", username=username))


# -- the form -------------------------------------------------------------------------


def _existing(username: str) -> User:
    user = engine_of(current_app).organisation.users.get(username)
    if user is None:
        raise NotFound(_("There is no user %(username)s.", username=username), field="username")
    return user


def _user_of_form(username: str) -> User:
    form = request.form
    return User(
        username=username,
        full_name=form.get("full_name", "").strip(),
        email=form.get("email", "").strip(),
        units=tuple(form.getlist("units")),
        roles=tuple(form.getlist("roles")),
        is_active=form.get("is_active") == "on",
    )


def _values_of(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "units": list(user.units),
        "roles": list(user.roles),
        "is_active": user.is_active,
    }


def _user_form(
    user: User | None,
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    new_token: tuple[int, str] | None = None,
) -> str:
    """The user's page (or the empty form of a new user), with ``values`` typed in."""
    engine = engine_of(current_app)
    return render_template(
        "admin_user.html",
        user=user,
        values=values,
        errors=errors or {},
        units=engine.organisation.units.values(),
        roles=ROLES,
        tokens=engine.tokens_of(user.username) if user else [],
        open_sessions=engine.logins.open_count(user.username) if user else 0,
        new_token=new_token,
    )

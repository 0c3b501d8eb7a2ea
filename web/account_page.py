"""A user changes their own password: the current one first, the new one twice. Their
other log-in sessions end; this one stays."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.errors import Forbidden, InvalidInput
from web import engine_of
from web.account_forms import field_errors
from web.auth import caller

__all__ = ["blueprint"]

blueprint = Blueprint("account", __name__)


@blueprint.route("/account/password", methods=["GET", "POST"])
def change_password() -> ResponseReturnValue:
    if request.method == "GET":
        return render_template("account_password.html", errors={})
    who, form = caller(), request.form
    try:
        if not form.get("current_password"):
            raise InvalidInput(
                "give the current password", field="current_password", rule="required"
            )
        if form.get("password", "") != form.get("confirm_password", ""):
            raise InvalidInput("the two new passwords differ", field="confirm_password")
        engine_of(current_app).change_password(
            who.username,
            form.get("current_password", ""),
            form.get("password", ""),
            keep_session=who.session_id,
        )
    except (InvalidInput, Forbidden) as exc:
        status = 403 if isinstance(exc, Forbidden) else 422
        return render_template("account_password.html", errors=field_errors(exc)), status
    flash(_("Your password is changed."), "success")
    return redirect(url_for("pages.inbox"))

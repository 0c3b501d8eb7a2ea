"""The HTML pages of unit staff: log-in, their units' inbox, a task with its form.

Server-rendered (Jinja), plain HTML forms with a CSRF token; every page calls only
the engine's API, under the same access table as the REST API (web/access.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.errors import GovflowError, InvalidInput, TooManyAttempts
from engine.views import NotificationView, TaskView
from web import engine_of
from web.access import checked_task, task_choices, visible_tasks
from web.auth import caller, check_password, log_in, log_out
from web.i18n import LANGUAGES, input_problem, local_time

__all__ = ["blueprint"]

blueprint = Blueprint("pages", __name__)


@blueprint.get("/")
def home() -> ResponseReturnValue:
    return redirect(url_for("pages.inbox"))


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if request.method == "GET":
        return render_template("login.html")
    username = request.form.get("username", "")
    try:
        user = check_password(username, request.form.get("password", ""))
    except TooManyAttempts as exc:
        minutes = math.ceil(exc.retry_after / 60)
        flash(
            _("Too many failed log-ins. Try again in %(minutes)d minutes.", minutes=minutes),
            "error",
        )
        page = render_template("login.html", username=username)
        return page, 429, {"Retry-After": str(exc.retry_after)}
    if user is None:
        flash(_("Wrong username or password."), "error")
        return render_template("login.html", username=username), 401
    log_in(user)
    return redirect(_safe_next(request.args.get("next")) or url_for("pages.inbox"))


@blueprint.post("/logout")
def logout() -> ResponseReturnValue:
    log_out()
    return redirect(url_for("pages.login"))


@blueprint.get("/lang/<code>")
def choose_language(code: str) -> ResponseReturnValue:
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(_safe_next(request.args.get("next")) or url_for("pages.inbox"))


@blueprint.get("/tasks")
def inbox() -> ResponseReturnValue:
    """Open tasks of the caller's units (every unit for a supervisor), overdue first."""
    engine = engine_of(current_app)
    now = engine.clock.now()
    found = visible_tasks(engine, caller())
    tasks = sorted(found, key=lambda t: not t.is_overdue(now))  # stable: then soonest due
    return render_template("inbox.html", tasks=tasks, now=now)


@blueprint.get("/tasks/<task_id>")
def task_page(task_id: str) -> ResponseReturnValue:
    return _render_task(checked_task())


@blueprint.post("/tasks/<task_id>/claim")
def claim(task_id: str) -> ResponseReturnValue:
    engine = engine_of(current_app)
    return _then_task_page(
        task_id, lambda: engine.claim(task_id, actor=caller().username), _("You took the task.")
    )


@blueprint.post("/tasks/<task_id>/unclaim")
def unclaim(task_id: str) -> ResponseReturnValue:
    """Release the claim: one's own, or (a unit head, a supervisor) a colleague's."""
    engine, claimant = engine_of(current_app), checked_task().assignee
    return _then_task_page(
        task_id,
        lambda: engine.unclaim(task_id, actor=caller().username, claimant=claimant),
        _("The task is back with its unit; anyone there can take it."),
    )


@blueprint.post("/tasks/<task_id>/assign")
def assign(task_id: str) -> ResponseReturnValue:
    """Give (reassign, delegate) the task to a member of its unit."""
    engine, assignee = engine_of(current_app), request.form.get("assignee", "")
    user = engine.user(assignee)
    return _then_task_page(
        task_id,
        lambda: engine.assign(task_id, assignee, actor=caller().username),
        _("The task is now with %(name)s.", name=user.full_name if user else assignee),
    )


def _then_task_page(task_id: str, command: Callable[[], object], done: str) -> ResponseReturnValue:
    """Run the command, then back to the task's page saying ``done`` (or the refusal)."""
    try:
        command()
    except GovflowError as exc:
        flash(exc.message, "error")
    else:
        flash(done, "success")
    return redirect(url_for("pages.task_page", task_id=task_id))


@blueprint.post("/tasks/<task_id>/complete")
def complete(task_id: str) -> ResponseReturnValue:
    task = checked_task()
    engine = engine_of(current_app)
    try:
        data = _submitted(task)
        engine.complete(task_id, data, actor=caller().username)
    except InvalidInput as exc:
        field = str(exc.details.get("field", ""))
        return _render_task(task, errors={field: input_problem(exc)}, values=request.form), 422
    except GovflowError as exc:
        flash(exc.message, "error")
        return redirect(url_for("pages.task_page", task_id=task_id))
    flash(_("Task “%(name)s” completed.", name=task.name), "success")
    return redirect(url_for("pages.inbox"))


@blueprint.get("/notifications")
def notifications() -> ResponseReturnValue:
    """Reminders, overdue marks and escalations for the caller and their units."""
    engine = engine_of(current_app)
    found = engine.notifications(caller().username)
    tasks = {n.task_id: engine.task(n.task_id) for n in found if n.task_id}
    texts = {
        n.id: _notification_text(n, tasks.get(n.task_id) if n.task_id else None) for n in found
    }
    return render_template("notifications.html", notifications=found, texts=texts)


@blueprint.post("/notifications/<int:notification_id>/read")
def mark_read(notification_id: int) -> ResponseReturnValue:
    engine_of(current_app).mark_read(notification_id, caller().username)
    return redirect(url_for("pages.notifications"))


def _notification_text(notification: NotificationView, task: TaskView | None) -> str:
    """The notification in the page's language (the stored English text as a fallback)."""
    if task is None:
        return notification.message
    params = {"name": task.name, "unit": task.unit or "-", "due": local_time(task.due_at)}
    if notification.kind == "task_reminder_sent":
        return _("Reminder: “%(name)s” (%(unit)s) is due on %(due)s.", **params)
    if notification.kind == "task_overdue":
        return _("Overdue: “%(name)s” (%(unit)s) was due on %(due)s.", **params)
    if notification.kind == "task_escalated":
        return _("Escalated: “%(name)s” (%(unit)s) is still not done, due %(due)s.", **params)
    return notification.message


def _submitted(task: TaskView) -> dict[str, Any]:
    """The form's values as the engine takes them; documents are uploaded first."""
    data: dict[str, Any] = {}
    for field in task.form.get("fields", []):
        name, kind = field["id"], field["type"]
        if field.get("readonly"):
            continue
        if kind == "boolean":
            data[name] = name in request.form
        elif kind == "file":
            upload = request.files.get(name)
            if upload is not None and upload.filename:
                stored = engine_of(current_app).attach(
                    task.id,
                    upload.filename,
                    upload.read(),
                    content_type=upload.mimetype,
                    actor=caller().username,
                )
                data[name] = stored.id
        elif request.form.get(name, "") != "":
            data[name] = request.form[name]
    return data


def _render_task(task: TaskView, errors: dict[str, str] | None = None, values: Any = None) -> str:
    errors = errors or {}
    field_ids = {field["id"] for field in task.form.get("fields", [])}
    return render_template(
        "task.html",
        task=task,
        now=engine_of(current_app).clock.now(),
        choices=task_choices(engine_of(current_app), caller(), task),
        errors=errors,
        general_error=" ".join(m for f, m in errors.items() if f not in field_ids),
        values=values or {},
    )


def _safe_next(target: str | None) -> str | None:
    """Only a path of this site: never redirect a user elsewhere after log-in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target

"""The HTML pages of unit staff: log-in, their units' inbox, a task with its form,
their notifications (and the header's badges).

Server-rendered (Jinja), plain HTML forms with a CSRF token; every page calls only
the engine's API, under the same access table as the REST API (web/access.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable
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
from werkzeug.exceptions import RequestEntityTooLarge

from engine.errors import GovflowError, TooManyAttempts
from engine.inbox import DEFAULT_PAGE
from engine.paging import PageRequest
from engine.task_lists import TaskFilter
from engine.views import InboxCounts, NotificationView
from web import engine_of, policy
from web.access import checked_task
from web.auth import caller, check_password, log_in, log_out
from web.content_names import process_titles, task_name
from web.error_words import error_text
from web.i18n import LANGUAGES, local_time
from web.list_filters import TASK_STATUSES, task_filter
from web.paging import page_links, page_request, url_with
from web.policy import sees_task
from web.task_page import render_task, submit_task, too_large_page

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
    """The open tasks of the caller's units (``scope=mine``: their own; ``scope=all``:
    every unit's, for supervisors), soonest due first, a page at a time, with the
    first of the caller's own tasks above them; the filters of web.list_filters."""
    engine, who = engine_of(current_app), caller()
    scope = request.args.get("scope") or "units"
    which = task_filter(who, default_scope="units")
    page = engine.task_page(which, page_request())
    mine = None
    if scope == "units":
        mine = engine.task_page(TaskFilter(assignee=who.username), PageRequest(limit=10))
    every = policy.sees_every_task(who)
    return render_template(
        "inbox.html",
        tasks=page.items,
        links=page_links(page),
        counts=engine.task_counts(which, user=who.username),
        mine=mine,
        scope=scope,
        args=request.args,
        units=sorted(engine.organisation.units) if every else who.user.units,
        process_titles=process_titles(),
        task_statuses=TASK_STATUSES,
        url_with=url_with,
        labels=engine.plan_labels(
            task.instance_id for task in [*page.items, *(mine.items if mine else [])]
        ),
        now=engine.clock.now(),
    )


@blueprint.get("/tasks/<task_id>")
def task_page(task_id: str) -> ResponseReturnValue:
    return render_task(checked_task())


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
        flash(error_text(exc), "error")
    else:
        flash(done, "success")
    return redirect(url_for("pages.task_page", task_id=task_id))


@blueprint.post("/tasks/<task_id>/complete")
def complete(task_id: str) -> ResponseReturnValue:
    return submit_task(checked_task())


@blueprint.errorhandler(RequestEntityTooLarge)
def too_large(_error: RequestEntityTooLarge) -> ResponseReturnValue:
    return too_large_page()


@blueprint.get("/notifications")
def notifications() -> ResponseReturnValue:
    """Reminders, overdue marks and escalations for the caller and their units, newest
    first, a page at a time (``?before=`` the cursor of the "more" link, ``?limit=``)."""
    who = caller()
    limit = request.args.get("limit", DEFAULT_PAGE, type=int)
    page = engine_of(current_app).notifications(
        who.username, before=request.args.get("before"), limit=limit
    )
    return render_template(
        "notifications.html",
        page=page,
        limit=limit,
        texts={n.id: _notification_text(n) for n in page.items},
        linked={n.id for n in page.items if n.task is not None and sees_task(who, n.task)},
        paged=bool(request.args.get("before")),
    )


@blueprint.post("/notifications/<int:notification_id>/read")
def mark_read(notification_id: int) -> ResponseReturnValue:
    engine_of(current_app).mark_read(notification_id, caller().username)
    return redirect(url_for("pages.notifications"))


@blueprint.post("/notifications/read")
def mark_all_read() -> ResponseReturnValue:
    marked = engine_of(current_app).mark_all_read(caller().username)
    flash(_("%(count)d notification(s) marked as read.", count=marked), "success")
    return redirect(url_for("pages.notifications"))


@blueprint.app_context_processor
def header_badges() -> dict[str, Callable[[], InboxCounts]]:
    """``inbox_badges()`` for the header: counted only when a page shows them."""
    return {"inbox_badges": lambda: engine_of(current_app).inbox_counts(caller().username)}


def _notification_text(notification: NotificationView) -> str:
    """The notification in the page's language (the stored text as a fallback)."""
    task = notification.task
    if task is None:
        return notification.message
    params = {"name": task_name(task), "unit": task.unit or "-", "due": local_time(task.due_at)}
    if notification.kind == "task_reminder_sent":
        return _("Reminder: “%(name)s” (%(unit)s) is due on %(due)s.", **params)
    if notification.kind == "task_overdue":
        return _("Overdue: “%(name)s” (%(unit)s) was due on %(due)s.", **params)
    if notification.kind == "task_escalated":
        return _("Escalated: “%(name)s” (%(unit)s) is still not done, due %(due)s.", **params)
    return notification.message


def _safe_next(target: str | None) -> str | None:
    """Only a path of this site: never redirect a user elsewhere after log-in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target

"""The caller's notifications: ``/api/v1/notifications``, newest first, a page at a time.

The next page's address is in the ``Link`` header (RFC 8288, ``rel="next"``), absent
on the last page; ``before`` is an opaque cursor, ``limit`` the page size.
"""

from __future__ import annotations

from flask import current_app, jsonify, request, url_for
from flask.typing import ResponseReturnValue

from engine.errors import InvalidInput
from engine.inbox import DEFAULT_PAGE, MAX_PAGE
from engine.views import NotificationView
from web import engine_of
from web.api import blueprint
from web.api.openapi import documented
from web.api.schemas import MarkedSchema, NotificationSchema
from web.auth import Caller, caller
from web.policy import sees_task


@blueprint.get("/notifications")
@documented(
    returns=NotificationSchema,
    many=True,
    query={
        "before": {"type": "string", "description": "the cursor of the Link header's next page"},
        "limit": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": DEFAULT_PAGE},
    },
)
def list_notifications() -> ResponseReturnValue:
    """The caller's and their units' notifications of open tasks, newest first.

    The next page, if any, is in the ``Link`` header with ``rel="next"``."""
    who = caller()
    limit = _limit(request.args.get("limit", str(DEFAULT_PAGE)))
    page = engine_of(current_app).notifications(
        who.username, before=request.args.get("before"), limit=limit
    )
    response = jsonify(_documents(who, page.items))
    if page.next_before is not None:
        following = url_for(".list_notifications", before=page.next_before, limit=limit)
        response.headers["Link"] = f'<{following}>; rel="next"'
    return response


@blueprint.post("/notifications/read")
@documented(returns=MarkedSchema)
def mark_all_read() -> ResponseReturnValue:
    """Mark every notification of the caller and their units read."""
    marked = engine_of(current_app).mark_all_read(caller().username)
    return jsonify(MarkedSchema().dump({"marked": marked}))


@blueprint.post("/notifications/<int:notification_id>/read")
@documented(status=204)
def mark_read(notification_id: int) -> ResponseReturnValue:
    """Mark one notification read (404 if it is not the caller's or their units')."""
    engine_of(current_app).mark_read(notification_id, caller().username)
    return "", 204


def _documents(who: Caller, notifications: list[NotificationView]) -> list[dict[str, object]]:
    """Each notification with the link to its task, where the caller may open it."""
    documents = NotificationSchema(many=True).dump(notifications)
    return [
        {**document, "link": _link(who, notification)}
        for document, notification in zip(documents, notifications, strict=True)
    ]


def _link(who: Caller, notification: NotificationView) -> str | None:
    task = notification.task
    return url_for(".get_task", task_id=task.id) if task and sees_task(who, task) else None


def _limit(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_PAGE:
        raise InvalidInput(
            f"limit must be a whole number from 1 to {MAX_PAGE}", field="limit", limit=MAX_PAGE
        )
    return int(text)

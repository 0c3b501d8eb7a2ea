"""Human tasks and their documents: ``/api/v1/tasks``, ``/api/v1/attachments``."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from flask import current_app, jsonify, request, send_file
from flask.typing import ResponseReturnValue

from engine.errors import InvalidInput
from engine.views import TaskView
from web import engine_of
from web.access import checked_document, checked_task, visible_tasks
from web.api import blueprint
from web.api.openapi import documented
from web.api.schemas import (
    AssignRequest,
    AttachmentSchema,
    CompleteRequest,
    InstanceSchema,
    TaskSchema,
    load,
)
from web.auth import caller

_STATUSES = {"open", "completed", "cancelled", "all"}


@blueprint.get("/tasks")
@documented(
    returns=TaskSchema,
    many=True,
    query={
        "unit": {"type": "string"},
        "assignee": {"type": "string"},
        "status": {"type": "string", "enum": sorted(_STATUSES)},
        "overdue": {"type": "string", "enum": ["true", "false"]},
    },
)
def list_tasks() -> ResponseReturnValue:
    """Tasks of the caller's units (any unit for a supervisor), soonest due first.

    Query: ``unit``, ``assignee``, ``status`` (open by default, or ``all``),
    ``overdue=true`` for the overdue ones only.
    """
    engine, who = engine_of(current_app), caller()
    status = request.args.get("status", "open")
    if status not in _STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(sorted(_STATUSES))}", field="status")
    found = visible_tasks(
        engine,
        who,
        unit=request.args.get("unit"),
        assignee=request.args.get("assignee"),
        status=None if status == "all" else status,
    )
    overdue = request.args.get("overdue", "false")
    if overdue not in {"true", "false"}:
        raise InvalidInput("overdue must be true or false", field="overdue")
    now = engine.clock.now()
    if overdue == "true":
        found = [task for task in found if task.is_overdue(now)]
    return jsonify([_task_document(task, now) for task in found])


@blueprint.get("/tasks/<task_id>")
@documented(returns=TaskSchema)
def get_task(task_id: str) -> ResponseReturnValue:
    return jsonify(_task_document(checked_task(), engine_of(current_app).clock.now()))


@blueprint.post("/tasks/<task_id>/claim")
@documented(returns=TaskSchema)
def claim(task_id: str) -> ResponseReturnValue:
    task = engine_of(current_app).claim(task_id, actor=caller().username)
    return jsonify(TaskSchema().dump(task))


@blueprint.post("/tasks/<task_id>/unclaim")
@documented(returns=TaskSchema)
def unclaim(task_id: str) -> ResponseReturnValue:
    """Release the claim: one's own, or (a unit head, a supervisor) a colleague's."""
    claimant = checked_task().assignee
    task = engine_of(current_app).unclaim(task_id, actor=caller().username, claimant=claimant)
    return jsonify(TaskSchema().dump(task))


@blueprint.post("/tasks/<task_id>/assign")
@documented(body=AssignRequest, returns=TaskSchema)
def assign(task_id: str) -> ResponseReturnValue:
    """To a member of the task's unit (422 on ``assignee`` otherwise)."""
    body = load(AssignRequest())
    task = engine_of(current_app).assign(task_id, body["assignee"], actor=caller().username)
    return jsonify(TaskSchema().dump(task))


@blueprint.post("/tasks/<task_id>/complete")
@documented(body=CompleteRequest, returns=InstanceSchema)
def complete(task_id: str) -> ResponseReturnValue:
    body = load(CompleteRequest())
    instance = engine_of(current_app).complete(task_id, body["data"], actor=caller().username)
    return jsonify(InstanceSchema().dump(instance))


@blueprint.post("/tasks/<task_id>/attachments")
@documented(upload="file", returns=AttachmentSchema, status=201)
def upload(task_id: str) -> ResponseReturnValue:
    """Multipart upload, the document in the part named ``file``."""
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput("send the document as the multipart part 'file'", field="file")
    stored = engine_of(current_app).attach(
        task_id,
        upload.filename or "",
        upload.read(),
        content_type=upload.mimetype,
        actor=caller().username,
    )
    return jsonify(AttachmentSchema().dump(stored)), 201


@blueprint.get("/attachments/<attachment_id>")
@documented(content_type="*/*")
def download(attachment_id: str) -> ResponseReturnValue:
    document = checked_document()
    stored = document.view
    response = send_file(
        io.BytesIO(document.content),
        mimetype=stored.content_type,
        as_attachment=True,  # never rendered by the browser in govflow's origin
        download_name=stored.filename,
        etag=stored.sha256,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _task_document(task: TaskView, now: datetime) -> dict[str, Any]:
    return {**TaskSchema().dump(task), "overdue": task.is_overdue(now)}

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
from web.access import checked_document, checked_task
from web.api import blueprint
from web.api.openapi import documented
from web.api.schemas import (
    AssignRequest,
    AttachmentSchema,
    CompleteRequest,
    InstanceSchema,
    TaskCountsSchema,
    TaskSchema,
    load,
)
from web.auth import caller
from web.list_filters import TASK_PARAMETERS, task_filter
from web.paging import json_page, page_request


@blueprint.get("/tasks")
@documented(returns=TaskSchema, many=True, query=TASK_PARAMETERS, paged=True)
def list_tasks() -> ResponseReturnValue:
    """Tasks the caller may see (every unit's for a supervisor), soonest due first.

    Open ones by default; the filters are in the query (web.list_filters), the
    neighbouring pages in the ``Link`` header.
    """
    engine = engine_of(current_app)
    page = engine.task_page(task_filter(caller()), page_request())
    return json_page(page, _task_documents(page.items, engine.clock.now()))


@blueprint.get("/tasks/counts")
@documented(returns=TaskCountsSchema, query=TASK_PARAMETERS)
def count_tasks() -> ResponseReturnValue:
    """How many tasks the filter finds: all, overdue, unassigned, the caller's own
    (each count ignores the filter's own ``overdue`` and ``assignee``)."""
    who = caller()
    counts = engine_of(current_app).task_counts(task_filter(who), user=who.username)
    return jsonify(TaskCountsSchema().dump(counts))


@blueprint.get("/tasks/<task_id>")
@documented(returns=TaskSchema)
def get_task(task_id: str) -> ResponseReturnValue:
    [document] = _task_documents([checked_task()], engine_of(current_app).clock.now())
    return jsonify(document)


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
        raise InvalidInput(
            "send the document as the multipart part 'file'", field="file", rule="multipart"
        )
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


def _task_documents(tasks: list[TaskView], now: datetime) -> list[dict[str, Any]]:
    """The tasks' documents, each saying whether it is overdue at ``now``.

    One schema for the whole list: a schema's construction copies its fields, and
    made once a task it took most of a page's time (bench/scale.py)."""
    documents = TaskSchema(many=True).dump(tasks)
    return [
        {**doc, "overdue": task.is_overdue(now)} for doc, task in zip(documents, tasks, strict=True)
    ]

"""Process instances, their history, messages and signals: ``/api/v1/instances``,
``/messages``, ``/signals``."""

from __future__ import annotations

from flask import current_app, jsonify
from flask.typing import ResponseReturnValue

from web import engine_of
from web.access import checked_instance, visible_documents
from web.api import blueprint
from web.api.openapi import documented
from web.api.schemas import (
    AttachmentSchema,
    CompleteRequest,
    EventSchema,
    InstanceCountsSchema,
    InstanceSchema,
    MessageRequest,
    SignalQueued,
    SignalRequest,
    StartRequest,
    load,
)
from web.auth import caller
from web.list_filters import INSTANCE_PARAMETERS, instance_filter
from web.paging import json_page, page_request


@blueprint.get("/instances")
@documented(returns=InstanceSchema, many=True, query=INSTANCE_PARAMETERS, paged=True)
def list_instances() -> ResponseReturnValue:
    """Instances, newest first, each with its open tasks (supervisors and designers)."""
    page = engine_of(current_app).instance_page(instance_filter(), page_request())
    return json_page(page, InstanceSchema(many=True).dump(page.items))


@blueprint.get("/instances/counts")
@documented(returns=InstanceCountsSchema, query=INSTANCE_PARAMETERS)
def count_instances() -> ResponseReturnValue:
    """How many instances the filter finds, in all and in each status (the filter's
    own ``status`` aside)."""
    return jsonify(engine_of(current_app).instance_counts(instance_filter()))


@blueprint.post("/instances")
@documented(body=StartRequest, returns=InstanceSchema, status=201)
def start() -> ResponseReturnValue:
    body = load(StartRequest())
    instance = engine_of(current_app).start(
        body["process_key"],
        body["variables"],
        actor=caller().username,
        business_key=body["business_key"],
    )
    return jsonify(InstanceSchema().dump(instance)), 201


@blueprint.get("/instances/<int:instance_id>")
@documented(returns=InstanceSchema)
def get_instance(instance_id: int) -> ResponseReturnValue:
    return jsonify(InstanceSchema().dump(checked_instance()))


@blueprint.get("/instances/<int:instance_id>/history")
@documented(returns=EventSchema, many=True, paged=True)
def history(instance_id: int) -> ResponseReturnValue:
    """The instance's history, oldest first."""
    page = engine_of(current_app).history_page(instance_id, page_request())
    return json_page(page, EventSchema(many=True).dump(page.items))


@blueprint.get("/instances/<int:instance_id>/attachments")
@documented(returns=AttachmentSchema, many=True, paged=True)
def attachments(instance_id: int) -> ResponseReturnValue:
    """The documents of the instance's tasks that the caller may see, oldest first."""
    page = visible_documents(engine_of(current_app), caller(), instance_id, page_request())
    return json_page(page, AttachmentSchema(many=True).dump(page.items))


@blueprint.post("/instances/<int:instance_id>/<any(suspend, resume, cancel):action>")
@documented(returns=InstanceSchema)
def change_status(instance_id: int, action: str) -> ResponseReturnValue:
    engine = engine_of(current_app)
    command = {"suspend": engine.suspend, "resume": engine.resume, "cancel": engine.cancel}
    instance = command[action](instance_id, actor=caller().username)
    return jsonify(InstanceSchema().dump(instance))


@blueprint.post("/instances/<int:instance_id>/retry")
@documented(body=CompleteRequest, returns=InstanceSchema)
def retry(instance_id: int) -> ResponseReturnValue:
    """Run the failed task again, after merging ``data`` (the fix) into its data."""
    body = load(CompleteRequest())
    instance = engine_of(current_app).retry(instance_id, body["data"], actor=caller().username)
    return jsonify(InstanceSchema().dump(instance))


@blueprint.post("/messages")
@documented(body=MessageRequest, returns=InstanceSchema)
def deliver_message() -> ResponseReturnValue:
    """To the instance waiting for it (``instance_id`` or ``business_key``), or starting
    the process it starts."""
    body = load(MessageRequest())
    instance = engine_of(current_app).deliver_message(
        body["name"],
        body["payload"],
        instance_id=body["instance_id"],
        business_key=body["business_key"],
        actor=caller().username,
    )
    return jsonify(InstanceSchema().dump(instance))


@blueprint.post("/signals")
@documented(body=SignalRequest, returns=SignalQueued, status=202)
def broadcast_signal() -> ResponseReturnValue:
    """Broadcast a signal (e.g. "the national data strategy is issued"): every instance
    waiting for it catches it and every process it starts starts, after this commits."""
    body = load(SignalRequest())
    entry_id = engine_of(current_app).signal(body["name"], body["payload"], actor=caller().username)
    return jsonify(
        SignalQueued().dump({"id": entry_id, "name": body["name"], "status": "queued"})
    ), 202

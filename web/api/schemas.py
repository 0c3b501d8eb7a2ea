"""The API's documents: marshmallow schemas for what goes out and what comes in.

Times go out as ISO 8601 in UTC (the pages show them in Hà Nội time). Request
bodies are loaded with :func:`load`, which turns marshmallow's errors into an
InvalidInput that names the first offending field (HTTP 422).
"""

from __future__ import annotations

from typing import Any

from flask import request
from marshmallow import Schema, ValidationError, fields, validate

from engine.errors import InvalidInput

__all__ = [
    "AssignRequest",
    "AttachmentSchema",
    "CompleteRequest",
    "DefinitionSchema",
    "EndedSessionsSchema",
    "EventSchema",
    "InstanceSchema",
    "LoginRequest",
    "MessageRequest",
    "PasswordChangeRequest",
    "StartRequest",
    "TaskSchema",
    "load",
]


class TaskSchema(Schema):
    id = fields.String()
    instance_id = fields.Integer()
    process_key = fields.String()
    element_id = fields.String()
    name = fields.String()
    unit = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)
    status = fields.String()
    created_at = fields.AwareDateTime()
    due_at = fields.AwareDateTime(allow_none=True)
    follow_up_at = fields.AwareDateTime(allow_none=True)
    completed_at = fields.AwareDateTime(allow_none=True)
    completed_by = fields.String(allow_none=True)
    form = fields.Dict()


class IncidentSchema(Schema):
    id = fields.Integer()
    task_id = fields.String(allow_none=True)
    element_id = fields.String(allow_none=True)
    message = fields.String()
    line = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime()


class InstanceSchema(Schema):
    id = fields.Integer()
    process_key = fields.String()
    version = fields.Integer()
    status = fields.String()
    business_key = fields.String(allow_none=True)
    started_at = fields.AwareDateTime()
    started_by = fields.String()
    updated_at = fields.AwareDateTime()
    ended_at = fields.AwareDateTime(allow_none=True)
    data = fields.Dict()
    open_tasks = fields.List(fields.Nested(TaskSchema))
    incidents = fields.List(fields.Nested(IncidentSchema))


class EventSchema(Schema):
    id = fields.Integer()
    at = fields.AwareDateTime()
    actor = fields.String()
    kind = fields.String()
    element_id = fields.String(allow_none=True)
    task_id = fields.String(allow_none=True)
    data = fields.Dict()


class AttachmentSchema(Schema):
    id = fields.String()
    instance_id = fields.Integer()
    task_id = fields.String()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    uploaded_by = fields.String()
    uploaded_at = fields.AwareDateTime()


class DefinitionSchema(Schema):
    id = fields.Integer()
    process_key = fields.String()
    version = fields.Integer()
    name = fields.String()
    deployed_at = fields.AwareDateTime()
    file_name = fields.String()


_NAME = validate.Length(min=1, max=255)


class LoginRequest(Schema):
    username = fields.String(required=True, validate=_NAME)
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class PasswordChangeRequest(Schema):
    current_password = fields.String(required=True, validate=validate.Length(min=1, max=1024))
    new_password = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class EndedSessionsSchema(Schema):
    username = fields.String()
    ended = fields.Integer()


class CompleteRequest(Schema):
    data = fields.Dict(keys=fields.String(), load_default=dict)


class StartRequest(Schema):
    process_key = fields.String(required=True, validate=_NAME)
    variables = fields.Dict(keys=fields.String(), load_default=dict)
    business_key = fields.String(load_default=None, validate=_NAME)


class MessageRequest(Schema):
    name = fields.String(required=True, validate=_NAME)
    payload = fields.Dict(keys=fields.String(), load_default=dict)
    instance_id = fields.Integer(load_default=None, strict=True)
    business_key = fields.String(load_default=None, validate=_NAME)


class AssignRequest(Schema):
    assignee = fields.String(required=True, validate=_NAME)


def load(schema: Schema) -> dict[str, Any]:
    """The request's JSON body, checked by ``schema``; InvalidInput names the field."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("the body must be a JSON object", field="body")
    try:
        return schema.load(body)
    except ValidationError as exc:
        field, messages = next(iter(_flatten(exc.messages)))
        raise InvalidInput(f"{field}: {messages}", field=field, errors=exc.messages) from None


def _flatten(messages: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(messages, dict):
        pairs: list[tuple[str, str]] = []
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            pairs.extend(_flatten(value, name))
        return pairs
    if isinstance(messages, list):
        return [(prefix, " ".join(str(m) for m in messages))]
    return [(prefix, str(messages))]

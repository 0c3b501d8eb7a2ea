"""The API's documents: marshmallow schemas for what goes out and what comes in.

Times go out as ISO 8601 in UTC (the pages show them in Hà Nội time). Request
bodies are loaded with :func:`load`, which reads them strictly (web.inputs: size,
depth, no NaN) and turns marshmallow's errors into an InvalidInput that names the
first offending field (HTTP 422). What marshmallow checks here, the OpenAPI document
declares: ids within the database's range, variable names by the engine's own rule.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from engine.errors import InvalidInput
from engine.forms import VARIABLE_NAME, is_variable_name
from web.i18n import INSTANCE_STATUSES
from web.inputs import MAX_ID, json_body

__all__ = [
    "AssignRequest",
    "AttachmentSchema",
    "CompleteRequest",
    "DefinitionSchema",
    "EndedSessionsSchema",
    "EventSchema",
    "InstanceCountsSchema",
    "InstanceSchema",
    "LoginRequest",
    "MarkedSchema",
    "MessageRequest",
    "NotificationSchema",
    "PasswordChangeRequest",
    "SignalQueued",
    "SignalRequest",
    "StartRequest",
    "TaskCountsSchema",
    "TaskSchema",
    "VariableName",
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
    overdue = fields.Boolean(metadata={"description": "in the task lists only"})


class TaskCountsSchema(Schema):
    all = fields.Integer()
    overdue = fields.Integer()
    unassigned = fields.Integer()
    mine = fields.Integer(metadata={"description": "claimed by or assigned to the caller"})


InstanceCountsSchema = Schema.from_dict(
    {"all": fields.Integer(), **{status: fields.Integer() for status in INSTANCE_STATUSES}},
    name="InstanceCountsSchema",
)
"""``all``, and one count for each status that has instances."""


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
    title = fields.String(
        allow_none=True,
        metadata={"description": "The variable title, else the process's name"},
    )
    plan_tasks = fields.List(
        fields.String(), metadata={"description": "The plan's task codes, such as I.3"}
    )
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


class DefinitionProblemSchema(Schema):
    file = fields.String()
    line = fields.Integer(allow_none=True)
    element_id = fields.String(allow_none=True)
    element_name = fields.String(allow_none=True)
    severity = fields.String(metadata={"enum": ["error", "warning"]})
    message = fields.String(metadata={"description": "in English, for programs"})
    hint = fields.String(metadata={"description": "how to fix it, in English"})
    detail = fields.String(metadata={"description": "the message in the caller's language"})
    hint_detail = fields.String(metadata={"description": "the hint in the caller's language"})


class ValidationSchema(Schema):
    problems = fields.List(fields.Nested(DefinitionProblemSchema))


_NAME = validate.Length(min=1, max=255)
_USERNAME = validate.Length(min=1, max=120)
"""As long as the user columns of engine.models."""


class VariableName(validate.Validator):
    """The engine's rule for variable names (engine.forms.VARIABLE_NAME), matched whole;
    web.api.openapi declares it as the ``propertyNames`` pattern of the object."""

    pattern = VARIABLE_NAME.pattern

    def __call__(self, value: str) -> str:
        if not is_variable_name(value):
            raise ValidationError(
                f"{value!r} is not a variable name (a letter, then letters, digits or _)"
            )
        return value


def _variables() -> fields.Dict:
    return fields.Dict(keys=fields.String(validate=VariableName()), load_default=dict)


class LoginRequest(Schema):
    username = fields.String(required=True, validate=_USERNAME)
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class PasswordChangeRequest(Schema):
    current_password = fields.String(required=True, validate=validate.Length(min=1, max=1024))
    new_password = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class EndedSessionsSchema(Schema):
    username = fields.String()
    ended = fields.Integer()


class CompleteRequest(Schema):
    data = _variables()


class StartRequest(Schema):
    process_key = fields.String(required=True, validate=_NAME)
    variables = _variables()
    business_key = fields.String(load_default=None, validate=_NAME)


class MessageRequest(Schema):
    name = fields.String(required=True, validate=_NAME)
    payload = _variables()
    instance_id = fields.Integer(
        load_default=None, strict=True, validate=validate.Range(min=1, max=MAX_ID)
    )
    business_key = fields.String(load_default=None, validate=_NAME)


class SignalRequest(Schema):
    name = fields.String(required=True, validate=_NAME)
    payload = _variables()


class SignalQueued(Schema):
    """A signal accepted: delivered after the commit, to every receiver (the outbox)."""

    id = fields.Integer(metadata={"description": "the outbox entry that carries it"})
    name = fields.String()
    status = fields.String(metadata={"description": "queued"})


class NotificationSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    instance_id = fields.Integer(allow_none=True)
    task_id = fields.String(allow_none=True)
    message = fields.String()
    created_at = fields.AwareDateTime()
    read_at = fields.AwareDateTime(allow_none=True)
    link = fields.String(
        allow_none=True, metadata={"description": "the task, when the caller may open it"}
    )


class MarkedSchema(Schema):
    marked = fields.Integer(metadata={"description": "how many were unread"})


class AssignRequest(Schema):
    assignee = fields.String(required=True, validate=_USERNAME)


def load(schema: Schema) -> dict[str, Any]:
    """The request's JSON body, checked by ``schema``; InvalidInput names the field."""
    body = json_body()
    if not isinstance(body, dict):
        raise InvalidInput("the body must be a JSON object", field="body", rule="json_body")
    try:
        return schema.load(body)
    except ValidationError as exc:
        problems = [_problem(field, text) for field, text in _flatten(exc.messages)]
        first = problems[0]
        raise InvalidInput(
            first["message"], field=first["field"], errors=exc.messages, problems=problems
        ) from None


_RULES = {
    "Missing data for required field.": "required",
    "Field may not be null.": "required",
    "Unknown field.": "unknown",
    "Not a valid string.": "type:string",
    "Not a valid integer.": "type:long",
    "Not a valid number.": "type:double",
    "Not a valid boolean.": "type:boolean",
}
"""marshmallow's own messages by the rule each breaks, so that the problem is said in
the reader's language (web/i18n.py); another message is kept as marshmallow wrote it."""


def _problem(field: str, text: str) -> dict[str, str]:
    problem = {"field": field, "label": field, "message": f"{field}: {text}"}
    rule = _RULES.get(text)
    return {**problem, "rule": rule} if rule else problem


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

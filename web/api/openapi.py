"""The API's OpenAPI 3 document, built from the routes and their marshmallow schemas.

Each route says what it takes and returns with :func:`documented`; the paths, their
parameters and methods come from Flask's URL map, the schemas from marshmallow
(apispec's MarshmallowPlugin), so the document cannot drift from the code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask, current_app, jsonify
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields

from engine.paging import DEFAULT_LIMIT, MAX_LIMIT
from web.api.schemas import VariableName
from web.inputs import MAX_ID

__all__ = ["documented", "openapi_document"]

F = TypeVar("F", bound=Callable[..., Any])

_CONVERTER = re.compile(r"<(?:(?P<kind>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")
_PROBLEM_SCHEMA = {
    "type": "object",
    "description": (
        "RFC 9457; title and code in the engine's English, for programs; detail in the "
        "caller's language (Accept-Language, else Vietnamese; see Content-Language), "
        "for people; field names the offending input, when there is one"
    ),
    "required": ["type", "title", "status", "code", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "detail": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "code": {"type": "string"},
        "message": {"type": "string"},
        "field": {"type": "string"},
    },
}
_PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
_ID = {"type": "integer", "minimum": 0, "maximum": MAX_ID}
"""An ``<int:…>`` of a route: web.inputs bounds it to what the database holds."""

_SECURITY_SCHEMES: dict[str, dict[str, str]] = {
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": "session",
        "description": "the cookie set by POST /session",
    },
    "csrf": {
        "type": "apiKey",
        "in": "header",
        "name": "X-CSRFToken",
        "description": "the csrf_token of POST /session, on every change made with the cookie",
    },
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "an API token acting for one user (govflow tokens); no CSRF token",
    },
}
"""The ways into the API: the session cookie with its CSRF token, or a Bearer token."""

_PAGING = {
    "cursor": {
        "type": "string",
        "description": "where the page starts: the cursor of a Link header's next or prev",
    },
    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
}
_LINK = {
    "description": 'RFC 8288: <URL>; rel="next" and <URL>; rel="prev", the neighbouring pages '
    "of the same list (the same filters); absent at either end",
    "schema": {"type": "string"},
}


def documented(
    *,
    body: type[Schema] | None = None,
    returns: type[Schema] | None = None,
    many: bool = False,
    status: int | tuple[int, ...] = 200,
    upload: str | None = None,
    content_type: str = "application/json",
    query: dict[str, dict[str, Any]] | None = None,
    paged: bool = False,
) -> Callable[[F], F]:
    """Declare a route's request body (a schema, or a multipart ``upload`` part name),
    its ``query`` parameters (name: JSON schema) and its answer (a schema, ``many`` of
    them, with ``status``, or any of several; a ``content_type`` without a schema is a
    file, ``*/*`` for any). A ``paged`` list takes ``cursor`` and ``limit`` and answers
    one page, with a ``Link`` header to the next and previous ones."""

    def mark(view: F) -> F:
        view.openapi = {  # type: ignore[attr-defined]
            "body": body,
            "returns": returns,
            "many": many,
            "status": status,
            "upload": upload,
            "content_type": content_type,
            "query": {**(query or {}), **(_PAGING if paged else {})},
            "paged": paged,
        }
        return view

    return mark


def openapi_document(app: Flask) -> dict[str, Any]:
    marshmallow = MarshmallowPlugin()
    spec = APISpec(
        title="govflow",
        version="1",
        openapi_version="3.1.0",  # JSON Schema's propertyNames, for variable names
        plugins=[marshmallow],
        info={"description": "BPMN workflows of the MoST data-management plan."},
    )
    assert marshmallow.converter is not None
    marshmallow.converter.add_attribute_function(_property_names)
    spec.components.schema("Problem", _PROBLEM_SCHEMA)
    for name, scheme in _SECURITY_SCHEMES.items():
        spec.components.security_scheme(name, scheme)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith("api.") or rule.endpoint == "api.openapi":
            continue
        view = app.view_functions[rule.endpoint]
        for path, fixed in _paths(rule.rule):
            methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
            operations = {
                m.lower(): _operation(view, m, rule.endpoint, fixed, len(methods) > 1)
                for m in methods
            }
            spec.path(
                path=path.removeprefix("/api/v1"),
                operations=operations,
                parameters=_path_parameters(rule.rule, fixed),
            )
    document = spec.to_dict()
    document["servers"] = [{"url": "/api/v1"}]
    return document


def _paths(rule: str) -> list[tuple[str, dict[str, str]]]:
    """OpenAPI paths of a Flask rule; an ``any(a, b)`` part gives one path per choice."""
    choices = [
        (m.group("name"), [c.strip() for c in (m.group("args") or "").split(",")])
        for m in _CONVERTER.finditer(rule)
        if m.group("kind") == "any"
    ]
    if not choices:
        return [(_openapi_path(rule, {}), {})]
    name, values = choices[0]
    return [(_openapi_path(rule, {name: value}), {name: value}) for value in values]


def _openapi_path(rule: str, fixed: dict[str, str]) -> str:
    """The rule with each ``<converter:name>`` as ``{name}``, or as its value in ``fixed``."""
    return _CONVERTER.sub(lambda m: fixed.get(m.group("name"), "{" + m.group("name") + "}"), rule)


def _path_parameters(rule: str, fixed: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "name": m.group("name"),
            "in": "path",
            "required": True,
            "schema": _ID if m.group("kind") == "int" else {"type": "string"},
        }
        for m in _CONVERTER.finditer(rule)
        if m.group("name") not in fixed
    ]


def _property_names(_converter: Any, field: fields.Field, **_: Any) -> dict[str, Any]:
    """A Dict whose keys are variable names says so, as a ``propertyNames`` pattern."""
    keys = getattr(field, "key_field", None) if isinstance(field, fields.Dict) else None
    rules = [rule for rule in getattr(keys, "validators", []) if isinstance(rule, VariableName)]
    return {"propertyNames": {"pattern": rules[0].pattern}} if rules else {}


def _operation(
    view: Any, method: str, endpoint: str, fixed: dict[str, str], shared: bool
) -> dict[str, Any]:
    """One method of one path; ``shared``: the rule serves several methods."""
    meta = getattr(view, "openapi", {})
    name = endpoint.removeprefix("api.")
    summary = (view.__doc__ or name.replace("_", " ")).strip().splitlines()[0]
    parts = [name, *fixed.values(), *([method.lower()] if shared else [])]
    operation: dict[str, Any] = {
        "summary": summary,
        "operationId": "_".join(parts),
        "responses": {
            "4XX": {"description": "a problem document", "content": _PROBLEM},
        },
    }
    if endpoint != "api.login":
        session: dict[str, list[str]] = {"session": []}
        if method != "GET":
            session["csrf"] = []
        operation["security"] = [session, {"bearerAuth": []}]
    if meta.get("query"):
        operation["parameters"] = [
            {"name": name, "in": "query", "schema": schema}
            for name, schema in meta["query"].items()
        ]
    if meta.get("body") is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": meta["body"]}},
        }
    elif meta.get("upload"):
        part = {"type": "string", "format": "binary"}
        schema = {"type": "object", "properties": {meta["upload"]: part}}
        operation["requestBody"] = {"content": {"multipart/form-data": {"schema": schema}}}
    answer: dict[str, Any] = {"description": "done"}
    if meta.get("paged"):
        answer["description"] = "one page of the list, in its order"
        answer["headers"] = {"Link": _LINK}
    if meta.get("returns") is not None:
        schema = meta["returns"]
        body = {"type": "array", "items": schema} if meta["many"] else schema
        answer["content"] = {meta["content_type"]: {"schema": body}}
    elif meta.get("content_type", "application/json") != "application/json":
        answer["content"] = {meta["content_type"]: {}}
    statuses = meta.get("status", 200)
    for status in statuses if isinstance(statuses, tuple) else (statuses,):
        operation["responses"][str(status)] = answer
    return operation


def serve_openapi() -> ResponseReturnValue:
    """This document."""
    return jsonify(openapi_document(current_app))

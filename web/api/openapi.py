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
from marshmallow import Schema

__all__ = ["documented", "openapi_document"]

F = TypeVar("F", bound=Callable[..., Any])

_CONVERTER = re.compile(r"<(?:(?P<kind>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")
_PROBLEM = {"application/problem+json": {"schema": {"type": "object"}}}


def documented(
    *,
    body: type[Schema] | None = None,
    returns: type[Schema] | None = None,
    many: bool = False,
    status: int = 200,
    upload: str | None = None,
    content_type: str = "application/json",
) -> Callable[[F], F]:
    """Declare a route's request body (a schema, or a multipart ``upload`` part name)
    and its answer (a schema, ``many`` of them, with ``status``)."""

    def mark(view: F) -> F:
        view.openapi = {  # type: ignore[attr-defined]
            "body": body,
            "returns": returns,
            "many": many,
            "status": status,
            "upload": upload,
            "content_type": content_type,
        }
        return view

    return mark


def openapi_document(app: Flask) -> dict[str, Any]:
    spec = APISpec(
        title="govflow",
        version="1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "BPMN workflows of the MoST data-management plan."},
    )
    spec.components.security_scheme(
        "session", {"type": "apiKey", "in": "cookie", "name": "session"}
    )
    spec.components.security_scheme(
        "csrf", {"type": "apiKey", "in": "header", "name": "X-CSRFToken"}
    )
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
            "schema": {"type": "integer" if m.group("kind") == "int" else "string"},
        }
        for m in _CONVERTER.finditer(rule)
        if m.group("name") not in fixed
    ]


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
        operation["security"] = (
            [{"session": [], "csrf": []}] if method != "GET" else [{"session": []}]
        )
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
    if meta.get("returns") is not None:
        schema = meta["returns"]
        body = {"type": "array", "items": schema} if meta["many"] else schema
        answer["content"] = {meta["content_type"]: {"schema": body}}
    operation["responses"][str(meta.get("status", 200))] = answer
    return operation


def serve_openapi() -> ResponseReturnValue:
    """This document."""
    return jsonify(openapi_document(current_app))

"""The one map from engine error codes to HTTP statuses, as RFC 9457 problem documents."""

from __future__ import annotations

from flask import Flask, Response, jsonify

from engine.errors import GovflowError

__all__ = ["STATUS_BY_CODE", "register"]

STATUS_BY_CODE = {
    "not_found": 404,
    "conflict": 409,
    "forbidden": 403,
    "invalid_input": 422,
    "invalid_definition": 422,
    "script_error": 422,
}


def problem(error: GovflowError) -> tuple[Response, int]:
    status = STATUS_BY_CODE.get(error.code, 500)
    body = {"type": f"about:blank#{error.code}", "title": error.message, "status": status}
    body.update(error.to_dict())
    response = jsonify(body)
    response.mimetype = "application/problem+json"
    return response, status


def register(app: Flask) -> None:
    app.register_error_handler(GovflowError, problem)

"""The one map from engine error codes to HTTP statuses, as RFC 9457 problem documents.

A problem document's ``title`` is the engine's English message and ``code`` its kind,
both for programs; ``detail`` says it in the reader's language (``Content-Language``),
for people: the pages' language, or the API caller's ``Accept-Language``."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engine.errors import GovflowError, InvalidDefinition
from web.error_words import error_page_words, error_text, http_error_text
from web.i18n import in_readers_language
from web.problem_words import api_problem

__all__ = ["STATUS_BY_CODE", "error_page", "register"]

STATUS_BY_CODE = {
    "unauthenticated": 401,
    "not_found": 404,
    "conflict": 409,
    "too_large": 413,
    "forbidden": 403,
    "invalid_input": 422,
    "invalid_definition": 422,
    "script_error": 422,
    "too_many_attempts": 429,
}


def problem(error: GovflowError) -> ResponseReturnValue:
    status = STATUS_BY_CODE.get(error.code, 500)
    headers = _retry_after(error)
    if not _wants_json():
        return error_page(status, error_text(error)), status, headers
    details = {**error.to_dict(), "detail": error_text(error)}
    if isinstance(error, InvalidDefinition):
        details["problems"] = [api_problem(p) for p in error.problems]
    response, status = _problem_document(status, error.message, details)
    return response, status, headers


def _retry_after(error: GovflowError) -> dict[str, str]:
    """``Retry-After`` (seconds) for an error that says when to come back."""
    seconds = error.details.get("retry_after")
    return {"Retry-After": str(seconds)} if seconds is not None else {}


def _http_problem(error: HTTPException) -> ResponseReturnValue:
    """Flask's own errors (404, 405, 413, CSRF) as problem documents under /api/.

    The error's own headers are kept (``Allow`` on 405, ``Retry-After`` on 429), all
    but its HTML content type.
    """
    status = error.code or 500
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    message = error.description or error.name or "error"
    if not _wants_json():
        return error_page(status, http_error_text(error)), status, headers
    code = "csrf" if isinstance(error, CSRFError) else (error.name or "error").lower()
    details = {"code": code.replace(" ", "_"), "detail": http_error_text(error)}
    response, _ = _problem_document(status, message, details)
    response.headers.extend(headers)
    return response, status


def error_page(status: int, message: str) -> str:
    """The error page in the reader's language: what kind of error, then what happened."""
    title, explanation = error_page_words(status)
    shown = "" if message == explanation else message
    return render_template(
        "error.html", status=status, title=title, explanation=explanation, message=shown
    )


def _problem_document(status: int, title: str, details: dict) -> tuple[Response, int]:
    body: dict[str, Any] = {"type": f"about:blank#{details.get('code', 'error')}", "title": title}
    body.update(details)
    body["status"] = status
    response = jsonify(body)
    response.mimetype = "application/problem+json"
    return in_readers_language(response), status  # the language of ``detail``


def _wants_json() -> bool:
    """API calls, and the pages' own JSON calls (the modeler's), get problem documents;
    pages get an error page."""
    return (
        request.path.startswith("/api/")
        or request.path in {"/healthz", "/metrics"}
        or request.is_json
    )


def register(app: Flask) -> None:
    app.register_error_handler(GovflowError, problem)
    app.register_error_handler(HTTPException, _http_problem)

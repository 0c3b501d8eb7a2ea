"""The REST API, ``/api/v1``: JSON in and out, errors as RFC 9457 problem documents.

Every endpoint but log-in needs a session (``POST /api/v1/session``) and, when it
changes something, the CSRF token in ``X-CSRFToken``. Each module adds the routes
of one resource to :data:`blueprint`; every route calls only the engine's API.
"""

from __future__ import annotations

from flask import Blueprint, request
from flask_login import current_user

from web.auth import Unauthenticated

__all__ = ["blueprint"]

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")

_OPEN_ENDPOINTS = {"api.login", "api.openapi"}


@blueprint.before_request
def _require_login() -> None:
    if request.endpoint not in _OPEN_ENDPOINTS and not current_user.is_authenticated:
        raise Unauthenticated("log in first: POST /api/v1/session")


from web.api import definitions, instances, session, tasks, users  # noqa: E402,F401  (routes)
from web.api.openapi import serve_openapi  # noqa: E402

blueprint.add_url_rule("/openapi.json", "openapi", serve_openapi)

"""The REST API, ``/api/v1``: JSON in and out, errors as RFC 9457 problem documents.

Every endpoint but log-in needs a session (``POST /api/v1/session``) or a token and,
when it changes something with a session, the CSRF token in ``X-CSRFToken``. Who may
call each route is in :data:`web.access.TABLE`. Each module adds the routes of one
resource to :data:`blueprint`; every route calls only the engine's API.
"""

from __future__ import annotations

from flask import Blueprint

__all__ = ["blueprint"]

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")


from web.api import (  # noqa: E402,F401  (routes)
    definitions,
    instances,
    notifications,
    session,
    tasks,
    users,
)
from web.api.openapi import serve_openapi  # noqa: E402

blueprint.add_url_rule("/openapi.json", "openapi", serve_openapi)

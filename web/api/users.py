"""What an admin does to a user's log-ins: ``/api/v1/users/<username>/sessions``."""

from __future__ import annotations

from flask import current_app, jsonify
from flask.typing import ResponseReturnValue

from web import engine_of
from web.api import blueprint
from web.api.openapi import documented
from web.api.schemas import EndedSessionsSchema
from web.auth import caller


@blueprint.delete("/users/<username>/sessions")
@documented(returns=EndedSessionsSchema)
def end_sessions(username: str) -> ResponseReturnValue:
    """End every log-in session of a user at once; their API tokens stay.

    Admins only, and not with an API token (see ``web/access.py``)."""
    ended = engine_of(current_app).end_sessions(username, actor=caller().username)
    return jsonify(EndedSessionsSchema().dump({"username": username, "ended": ended}))

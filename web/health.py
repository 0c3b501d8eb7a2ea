"""Liveness and readiness for load balancers and the ops team."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from web import engine_of

__all__ = ["blueprint"]

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Ready when the database answers; 503 otherwise."""
    engine = engine_of(current_app)
    try:
        engine.ping()
    except Exception as exc:  # any database failure means not ready
        return jsonify(status="unavailable", error=str(exc)), 503
    return jsonify(status="ok", database=engine.db.url.get_backend_name())

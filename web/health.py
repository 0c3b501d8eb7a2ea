"""Liveness and readiness for load balancers and the ops team."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify
from flask.typing import ResponseReturnValue

from engine.metrics import render_metrics
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


@blueprint.get("/metrics")
def metrics() -> ResponseReturnValue:
    """Prometheus text format: due timers, firing lateness, fired counts."""
    text = render_metrics(engine_of(current_app))
    return Response(text, mimetype="text/plain; version=0.0.4")

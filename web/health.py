"""Liveness and readiness for load balancers and the ops team."""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from engine.errors import Forbidden
from engine.metrics import render_metrics
from web import engine_of
from web.auth import bearer_token

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
    """Prometheus text format: due timers, firing lateness, fired counts. For the
    holder of ``GOVFLOW_METRICS_TOKEN`` (as a Bearer token); without that setting,
    for this machine only."""
    _require_metrics_access()
    text = render_metrics(engine_of(current_app))
    return Response(text, mimetype="text/plain; version=0.0.4")


_LOCALHOST = {"127.0.0.1", "::1"}


def _require_metrics_access() -> None:
    """(Read here, not by Flask-Login: this Bearer token is no API token of a user.)"""
    expected = str(current_app.config["METRICS_TOKEN"] or "")
    if expected:
        given = bearer_token() or ""
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise Forbidden("/metrics needs the metrics token: Authorization: Bearer …")
    elif request.remote_addr not in _LOCALHOST:
        raise Forbidden("/metrics answers only to this machine (set GOVFLOW_METRICS_TOKEN)")

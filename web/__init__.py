"""The web layer: Flask application factory. It calls only the engine's public API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from engine.api import Engine
from engine.errors import Misconfigured
from engine.settings import SECRET_KEY_MISSING, Settings, is_true

__all__ = ["create_app", "engine_of"]


def create_app(config: Mapping[str, Any] | None = None, engine: Engine | None = None) -> Flask:
    """Build the app: defaults, then ``GOVFLOW_*`` from the environment, then ``config``.

    Misconfigured without a secret key: there is no default anyone could read and
    sign cookies with. Nothing runs at import or here beyond wiring: the scheduler is
    started by the ``serve``/``scheduler`` commands, never by the factory.
    """
    app = Flask(__name__)
    settings = Settings.from_env()
    app.config.update(
        SECRET_KEY=settings.secret_key,
        DATABASE_URL=settings.database_url,
        MAX_CONTENT_LENGTH=settings.max_upload_bytes + _MULTIPART_MARGIN,
        HTTPS=settings.https,
        METRICS_TOKEN=settings.metrics_token,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.config.from_prefixed_env("GOVFLOW")
    if config:
        app.config.update(config)
    if not app.config["SECRET_KEY"]:
        raise Misconfigured(SECRET_KEY_MISSING)
    app.config["HTTPS"] = is_true(app.config["HTTPS"])  # GOVFLOW_HTTPS=yes read as text
    if app.config["HTTPS"]:
        app.config.update(SESSION_COOKIE_SECURE=True, PREFERRED_URL_SCHEME="https")
    if settings.proxies:
        hops = settings.proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    app.extensions["govflow"] = engine or Engine(app.config["DATABASE_URL"], settings=settings)

    from web import (
        access,
        account_page,
        admin,
        api,
        audit_page,
        auth,
        content_names,
        design,
        errors,
        headers,
        health,
        i18n,
        inputs,
        migration_page,
        modeler,
        overview,
        pages,
        repair,
        supervision,
        versions,
    )

    inputs.init_inputs(app, settings.max_json_bytes)
    auth.init_auth(app)
    access.init_access(app)
    headers.init_headers(app)
    i18n.init_i18n(app)
    content_names.init_content_names(app)
    errors.register(app)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(supervision.blueprint)
    app.register_blueprint(overview.blueprint)
    app.register_blueprint(repair.blueprint)
    app.register_blueprint(design.blueprint)
    app.register_blueprint(versions.blueprint)
    app.register_blueprint(migration_page.blueprint)
    app.register_blueprint(admin.blueprint)
    app.register_blueprint(audit_page.blueprint)
    app.register_blueprint(account_page.blueprint)
    app.register_blueprint(modeler.blueprint)
    return app


_MULTIPART_MARGIN = 64 * 1024
"""Room for the multipart envelope around the largest document a unit may upload."""


def engine_of(app: Flask) -> Engine:
    return app.extensions["govflow"]

"""Headers on every response that keep pages from being framed, sniffed or fed scripts.

The Content-Security-Policy lets scripts come only from this site (the diagram's code
is a static file, never inline), styles from this site and inline (bpmn-js writes
style attributes, and the pages have ``<style>`` blocks), images also as ``data:``
URIs (bpmn-js draws its logo so), and ``fetch`` reach only this site; no plugins, no
``<base>``, forms post only here, and no page may be framed (``frame-ancestors``, and
``X-Frame-Options`` for older browsers). Over HTTPS, HSTS keeps browsers on it.
"""

from __future__ import annotations

from flask import Flask, Response

__all__ = ["CONTENT_SECURITY_POLICY", "init_headers"]

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
_HSTS = "max-age=31536000"
"""A year; not ``includeSubDomains``: other sites of the ministry are not ours to bind."""


def init_headers(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in _HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config["HTTPS"]:
            response.headers.setdefault("Strict-Transport-Security", _HSTS)
        return response

"""The ``http`` connector: a service task POSTs JSON to another system.

Settings name the systems (``GOVFLOW_HTTP_ENDPOINTS="portal=http://…/,mic=https://…/"``);
a service task names one with the input ``endpoint``, may add a ``path`` to its base
URL, and every other input is a field of the JSON body. Each request carries the
header ``Idempotency-Key`` (the outbox row's id, the same on every attempt), so the
receiver can drop a repeated call. The JSON answer is the result (text if it is not
JSON, None if empty). A timeout, a connection error, 408, 429 or 5xx is retried;
another 4xx, or an unknown endpoint, is an incident at once.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from engine.connectors import ConnectorError, ConnectorRequest
from engine.settings import Settings

__all__ = ["IDEMPOTENCY_HEADER", "HttpConnector"]

IDEMPOTENCY_HEADER = "Idempotency-Key"
_RETRYABLE_4XX = frozenset({408, 425, 429})


class HttpConnector:
    def __init__(self, settings: Settings) -> None:
        self.endpoints = settings.http_endpoints
        self.timeout_s = settings.http_timeout_s

    def call(self, request: ConnectorRequest) -> Any:
        body = dict(request.payload)
        url = self._url(body.pop("endpoint", None), body.pop("path", None))
        headers = {IDEMPOTENCY_HEADER: request.key}
        try:
            response = httpx.post(url, json=body, headers=headers, timeout=self.timeout_s)
        except httpx.HTTPError as exc:
            raise ConnectorError(f"POST {url}: {type(exc).__name__}: {exc}") from exc
        if response.is_error:
            status = response.status_code
            raise ConnectorError(
                f"POST {url} answered {status}: {response.text[:300]}",
                permanent=status < 500 and status not in _RETRYABLE_4XX,
            )
        return _result_of(response)

    def _url(self, endpoint: Any, path: Any) -> str:
        base = self.endpoints.get(endpoint) if isinstance(endpoint, str) else None
        if base is None:
            known = ", ".join(sorted(self.endpoints)) or "none: set GOVFLOW_HTTP_ENDPOINTS"
            raise ConnectorError(
                f"input 'endpoint' {endpoint!r} names no configured endpoint (known: {known})",
                permanent=True,
            )
        if not path:
            return base
        return f"{base.rstrip('/')}/{str(path).lstrip('/')}"


def _result_of(response: httpx.Response) -> Any:
    if not response.content:
        return None
    if "json" not in response.headers.get("content-type", ""):
        return response.text
    try:
        return json.loads(response.text, parse_constant=_refuse_constant)
    except ValueError as exc:
        raise ConnectorError(f"the answer is not valid JSON: {exc}", permanent=True) from exc


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")

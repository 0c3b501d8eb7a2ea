"""The ``email`` connector: a service task sends an e-mail over the configured SMTP server.

Inputs: ``to`` (an address or a list of them), ``subject`` and ``body``. Result:
``{"to": [...], "message_id": "<…>"}``. The Message-ID is made from the idempotency
key, so a message sent again after a crash carries the same id.
"""

from __future__ import annotations

import smtplib
from typing import Any

from engine.connectors import ConnectorError, ConnectorRequest
from engine.notify import send_mail
from engine.settings import Settings

__all__ = ["EmailConnector"]


class EmailConnector:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def call(self, request: ConnectorRequest) -> dict[str, Any]:
        if not self.settings.smtp_host:
            raise ConnectorError("no SMTP server: set GOVFLOW_SMTP_HOST", permanent=True)
        payload = request.payload
        to = payload.get("to")
        recipients = [to] if isinstance(to, str) else to
        if not recipients or not all(isinstance(r, str) and "@" in r for r in recipients):
            raise ConnectorError(f"input 'to' must be an address or a list: {to!r}", permanent=True)
        subject, body = str(payload.get("subject") or ""), str(payload.get("body") or "")
        try:
            message_id = send_mail(self.settings, recipients, subject, body, f"call-{request.key}")
        except (OSError, smtplib.SMTPException) as exc:
            raise ConnectorError(f"SMTP {self.settings.smtp_host}: {exc}") from exc
        return {"to": recipients, "message_id": message_id}

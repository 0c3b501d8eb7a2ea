"""The ``counterpart`` connector: a letter to a participant outside the ministry.

The plan's counterparts, the Ministry of Information and Communications (``mic``) and
the National Data Portal (``portal``), are endpoints of ``GOVFLOW_HTTP_ENDPOINTS``,
reached as the ``http`` connector reaches them (JSON POST, ``Idempotency-Key``,
retries). Two things differ:

* the body also carries ``reply_to``, the instance to address an answer to (the
  receiver posts its acknowledgement to ``POST /api/v1/messages`` with that
  ``instance_id``), so no one has to look the instance up;
* an endpoint that is **not configured** is no incident: the letter cannot go by wire,
  so the result says it is **to be sent by hand** (``{"delivery": "by_hand"}``), and
  the process gives ITC a task to send it and confirm. Sent by wire, the result is
  ``{"delivery": "sent", "answer": <the receiver's JSON answer>}``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from engine.connectors import ConnectorRequest
from engine.connectors.http import HttpConnector

__all__ = ["BY_HAND", "SENT", "CounterpartConnector"]

BY_HAND = "by_hand"
SENT = "sent"


class CounterpartConnector(HttpConnector):
    def call(self, request: ConnectorRequest) -> Any:
        endpoint = request.payload.get("endpoint")
        if not isinstance(endpoint, str) or endpoint not in self.endpoints:
            return {"delivery": BY_HAND, "endpoint": endpoint}
        reply_to = {"instance_id": request.instance_id, "element_id": request.element_id}
        payload = {**request.payload, "reply_to": reply_to}
        answer = super().call(replace(request, payload=payload))
        return {"delivery": SENT, "endpoint": endpoint, "answer": answer}

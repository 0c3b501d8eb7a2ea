"""A small local receiver standing in for the plan's counterparts (MIC, the portal).

``govflow receiver --port 9000`` serves it; the demo points ``GOVFLOW_HTTP_ENDPOINTS``
at it (``portal=http://127.0.0.1:9000/portal,mic=http://127.0.0.1:9000/mic``) and
the tests start it on a free port. Every POSTed JSON letter is kept (and printed by
the command) and answered ``{"received": true, "reference": "<path>-<n>"}``; a letter
sent again with the same ``Idempotency-Key`` gets its first reference back, as a real
counterpart that drops duplicates would answer.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["Letter", "Receiver", "start_receiver"]


@dataclass(frozen=True)
class Letter:
    path: str
    key: str | None
    body: dict[str, Any]
    reference: str


class Receiver(ThreadingHTTPServer):
    """The server, with the letters it received (``letters``), in order."""

    daemon_threads = True

    def __init__(self, host: str, port: int, echo: bool = False) -> None:
        super().__init__((host, port), _Handler)
        self.letters: list[Letter] = []
        self.echo = echo
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def take(self, path: str, key: str | None, body: dict[str, Any]) -> Letter:
        with self._lock:
            for letter in self.letters:
                if key is not None and letter.key == key:
                    return letter
            name = path.strip("/") or "letter"
            letter = Letter(path, key, body, f"{name}-{len(self.letters) + 1}")
            self.letters.append(letter)
        if self.echo:
            print(f"{letter.reference}: {json.dumps(body, ensure_ascii=False)}", flush=True)
        return letter


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            self._answer(400, {"error": "not JSON"})
            return
        letter = self.server.take(self.path, self.headers.get("Idempotency-Key"), body)
        self._answer(200, {"received": True, "reference": letter.reference})

    def _answer(self, status: int, document: dict[str, Any]) -> None:
        text = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the letters are what matters, printed by ``take`` when asked."""


def start_receiver(host: str = "127.0.0.1", port: int = 0, *, echo: bool = False) -> Receiver:
    """Serve a receiver in a background thread (``port`` 0: a free one); stop it with
    ``shutdown()`` then ``server_close()``."""
    receiver = Receiver(host, port, echo)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    return receiver

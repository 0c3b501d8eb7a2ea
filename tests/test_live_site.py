"""The browser tests' server: leaving it waits for the requests it is still answering, so
the engine behind it is never closed under one of them."""

from __future__ import annotations

import threading
import urllib.request

from flask import Flask
from live_site import serving


def test_leaving_the_server_waits_for_a_request_still_running() -> None:
    app = Flask(__name__)
    request_started, let_it_finish = threading.Event(), threading.Event()
    finished: list[str] = []

    @app.get("/slow")
    def slow() -> str:
        request_started.set()
        let_it_finish.wait(timeout=10)
        finished.append("slow")
        return "done"

    with serving(app) as site:
        client = threading.Thread(target=urllib.request.urlopen, args=(f"{site}/slow",))
        client.start()
        assert request_started.wait(timeout=10)  # the request is inside the app: overlap
        threading.Timer(1.0, let_it_finish.set).start()  # shutdown polls every 0.5 s
    assert finished == ["slow"]  # not left running behind the server's back
    client.join(timeout=10)

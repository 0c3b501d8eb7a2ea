"""govflow served over real HTTP for the browser tests, and a page that fails the test
on a script error or on anything the Content-Security-Policy blocked."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from clients import PASSWORD
from flask import Flask
from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from werkzeug.serving import make_server

from engine.api import Engine
from web import create_app


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """``app`` on a free port of 127.0.0.1; its base URL."""
    requests = _RequestsInFlight(app.wsgi_app)
    app.wsgi_app = requests  # type: ignore[method-assign]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        requests.wait_until_done()


class _RequestsInFlight:
    """WSGI middleware that lets the server's owner wait for the requests still running.

    The server answers each request in a daemon thread, which ``shutdown`` does not wait
    for: a request the browser gave up on (a page closed mid-load) may still hold a
    database connection. Were the engine closed under it, the connection would go back to
    a disposed pool and leak, and the warning would fail whichever test collects it.
    """

    def __init__(self, app: Callable) -> None:
        self._app = app
        self._running = 0
        self._idle = threading.Condition()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        with self._idle:
            self._running += 1
        try:
            answer = self._app(environ, start_response)
            try:  # the body is read inside the count: a streamed answer may still query
                return list(answer)
            finally:
                if hasattr(answer, "close"):
                    answer.close()
        finally:
            with self._idle:
                self._running -= 1
                self._idle.notify_all()

    def wait_until_done(self, timeout_s: float = 30.0) -> None:
        with self._idle:
            done = self._idle.wait_for(lambda: self._running == 0, timeout=timeout_s)
        assert done, f"{self._running} request(s) still running {timeout_s} s after shutdown"


@contextmanager
def serving_engine(engine: Engine, *usernames: str) -> Iterator[str]:
    """The engine's pages on a free port; ``usernames`` log in with :data:`PASSWORD`."""
    for username in usernames:
        engine.set_password(username, PASSWORD)
    with serving(create_app({"SECRET_KEY": "browser-test"}, engine=engine)) as url:
        yield url


@contextmanager
def watched_page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh context; the test fails if a script failed on it."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: _note_policy_violation(message, errors))
    yield page
    context.close()
    assert errors == [], errors


def _note_policy_violation(message: ConsoleMessage, errors: list[str]) -> None:
    """Chromium reports what the Content-Security-Policy blocked on the console."""
    if message.type == "error" and "Content Security Policy" in message.text:
        errors.append(message.text)


def log_in(page: Page, site: str, password: str = PASSWORD, user: str = "itc.staff") -> None:
    page.goto(f"{site}/tasks")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()  # sent to log in
    page.get_by_label("Tên đăng nhập").fill(user)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()

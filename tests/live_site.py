"""govflow served over real HTTP for the browser tests, and a page that fails the test
on a script error or on anything the Content-Security-Policy blocked."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from werkzeug.serving import make_server

from engine.api import Engine
from web import create_app

PASSWORD = "correct horse battery"


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """``app`` on a free port of 127.0.0.1; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


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

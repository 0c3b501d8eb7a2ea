"""An admin in a real browser (Debian's Chromium), on SQLite and PostgreSQL: resets a
user's password (the user logs in with the new one, not the old) and ends a user's
sessions (the user's open browser is sent to the log-in page at its next request);
each asks first and says it is done."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from live_site import log_in, serving_engine, watched_page
from playwright.sync_api import Browser, Dialog, Page, expect

from engine.api import Engine

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def site(plan_engine: Engine) -> Iterator[str]:
    with serving_engine(plan_engine, "admin", "itc.staff") as url:
        yield url


@pytest.fixture
def staff_page(browser: Browser, site: str) -> Iterator[Page]:
    """itc.staff, logged in in a browser of their own."""
    with watched_page(browser) as page:
        log_in(page, site)
        expect(page.get_by_role("link", name="Mật khẩu của tôi")).to_be_visible()
        yield page


def _user_page_as_admin(page: Page, site: str) -> None:
    log_in(page, site, user="admin")
    page.get_by_role("link", name="Người dùng").click()
    page.get_by_role("link", name="itc.staff").click()
    expect(page.get_by_role("heading", name="itc.staff")).to_be_visible()


def _answer_next_dialog(page: Page, accept: bool) -> list[str]:
    questions: list[str] = []

    def answer(dialog: Dialog) -> None:
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", answer)
    return questions


def test_an_admin_resets_a_password_and_only_the_new_one_logs_in(
    page: Page, site: str, staff_page: Page
) -> None:
    _user_page_as_admin(page, site)
    page.get_by_label("Mật khẩu mới").fill(NEW_PASSWORD)
    questions = _answer_next_dialog(page, accept=True)
    page.get_by_role("button", name="Đặt lại mật khẩu").click()

    expect(page.get_by_role("status").first).to_have_text(
        "Đã đặt lại mật khẩu của itc.staff; người dùng phải đăng nhập lại."
    )
    assert questions == [
        "Đặt lại mật khẩu của itc.staff? Các phiên đăng nhập của người này sẽ kết thúc."
    ]

    log_in(staff_page, site)  # the old password: the page says no, and stays
    expect(staff_page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    expect(staff_page.get_by_role("link", name="Mật khẩu của tôi")).to_have_count(0)
    log_in(staff_page, site, password=NEW_PASSWORD)
    expect(staff_page.get_by_role("link", name="Mật khẩu của tôi")).to_be_visible()


def test_an_admin_ends_a_users_sessions_after_confirming(
    page: Page, site: str, staff_page: Page
) -> None:
    _user_page_as_admin(page, site)
    expect(page.locator("#open-sessions")).to_have_text("Số phiên đang mở: 1.")
    questions = _answer_next_dialog(page, accept=False)
    page.get_by_role("button", name="Kết thúc mọi phiên").click()
    assert questions == ["Đăng xuất itc.staff trên mọi trình duyệt?"]
    staff_page.reload()
    expect(staff_page.get_by_role("link", name="Mật khẩu của tôi")).to_be_visible()

    _answer_next_dialog(page, accept=True)
    page.get_by_role("button", name="Kết thúc mọi phiên").click()
    expect(page.get_by_role("status").first).to_have_text(
        "Đã kết thúc 1 phiên đăng nhập của itc.staff."
    )
    expect(page.locator("#open-sessions")).to_have_text("Số phiên đang mở: 0.")

    staff_page.get_by_role("link", name="Nhiệm vụ").first.click()
    expect(staff_page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    assert "/login" in staff_page.url

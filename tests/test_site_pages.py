"""Every page as each role, in Chromium, on a database with content: every link the
pages offer opens (no 403, 404 or 5xx), axe-core finds no violation, no page is wider
than a 390 px phone, no English is left on the Vietnamese pages, and each page's
screenshots at 1366 px and 390 px are written to ``screenshots/``. The pages are checked
in the browser on SQLite; on PostgreSQL every link is fetched and must open.

One live server per database serves the whole module."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from conftest import START, fresh_postgres_database
from demo_world import ROLES, build_demo_world, plan_settings
from environment import require
from live_site import log_in, serving, watched_page
from page_checks import (
    AXE_JS,
    DESKTOP,
    PHONE,
    axe_violations,
    clear_screenshots,
    english_left,
    screenshot,
    wider_than_a_phone,
)
from playwright.sync_api import Browser, Page, expect
from site_crawl import shape, walk

from engine.api import Engine
from engine.clock import ManualClock
from web import create_app


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The demo-like world served over HTTP, once per database for the whole module."""
    if request.param == "sqlite":
        clear_screenshots()
        yield from _served(f"sqlite:///{tmp_path_factory.mktemp('site') / 'govflow.db'}")
    else:
        request.getfixturevalue("postgres_ready")
        with fresh_postgres_database() as url:
            yield from _served(url)


def _served(url: str) -> Iterator[str]:
    require(None if AXE_JS.exists() else f"no axe-core at {AXE_JS} (npm ci)")
    clock = ManualClock(START)
    engine = Engine(url, clock=clock, settings=plan_settings())
    engine.upgrade_schema()
    build_demo_world(engine, clock)
    with serving(create_app({"SECRET_KEY": "site-test"}, engine=engine)) as site:
        yield site
    engine.close()


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches_opens_reads_and_fits(
    browser: Browser, demo_site: str, role: str, request: pytest.FixtureRequest
) -> None:
    problems: list[str] = []

    def check(page: Page, url: str) -> None:
        problems.extend(f"{url}: axe {found}" for found in axe_violations(page))
        problems.extend(f"{url}: English “{text}”" for text in english_left(page))
        name = role + shape(url).replace("/", "_").replace("{", "").replace("}", "")
        screenshot(page, f"{name}@1366")
        width = wider_than_a_phone(page)
        if width is not None:
            problems.append(f"{url}: {width} px wide on a 390 px phone")
        problems.extend(f"{url} (phone): axe {found}" for found in axe_violations(page))
        screenshot(page, f"{name}@390")
        page.set_viewport_size(DESKTOP)

    with watched_page(browser) as page:
        page.set_viewport_size(DESKTOP)
        log_in(page, demo_site, user=ROLES[role])
        crawl = walk(page, demo_site, "/tasks", _in_the_browser_on_sqlite(request, check))
    print(f"{role}: {len(crawl.answers)} links, {len(crawl.shapes)} pages")
    assert crawl.failures() + problems == []


def _in_the_browser_on_sqlite(
    request: pytest.FixtureRequest, visit: Callable[[Page, str], None]
) -> Callable[[Page, str], None] | None:
    """The pages are checked in the browser once, on SQLite; on PostgreSQL the crawl
    fetches every link, which answers from its own queries, but renders the same
    templates and scripts over the same demo world again only to spend CI's minutes."""
    return visit if request.node.callspec.params["demo_site"] == "sqlite" else None


def test_every_page_opens_in_english_with_the_processes_english_names(
    browser: Browser, demo_site: str, request: pytest.FixtureRequest
) -> None:
    """The supervisor, who reaches the most pages, in English: every link opens."""
    with watched_page(browser) as page:
        log_in(page, demo_site, user=ROLES["supervisor"])
        page.get_by_role("link", name="EN").click()
        expect(page.get_by_role("link", name="Plan the training conference").first).to_be_visible()
        crawl = walk(
            page, demo_site, "/tasks", _in_the_browser_on_sqlite(request, lambda _page, _url: None)
        )
    assert crawl.failures() == []


def test_a_phone_folds_the_menu_and_the_keyboard_skips_to_the_content(
    browser: Browser, demo_site: str
) -> None:
    with watched_page(browser) as page:
        log_in(page, demo_site, user=ROLES["supervisor"])
        menu = page.get_by_role("navigation", name="Danh mục chính")
        expect(menu.get_by_role("link", name="Quá hạn", exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="Danh mục")).to_be_hidden()

        page.set_viewport_size(PHONE)
        expect(menu).to_be_hidden()
        page.get_by_role("button", name="Danh mục").click()
        expect(page.get_by_role("button", name="Danh mục")).to_have_attribute(
            "aria-expanded", "true"
        )
        menu.get_by_role("link", name="Quá hạn", exact=True).click()
        expect(page.get_by_role("heading", name="Nhiệm vụ quá hạn theo đơn vị")).to_be_visible()

        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Chuyển đến nội dung chính")
        expect(skip).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.get_by_role("main")).to_be_focused()


def test_the_english_check_sees_english(browser: Browser, demo_site: str) -> None:
    """The crawl's check for English left on a page finds the English pages' texts."""
    with watched_page(browser) as page:
        log_in(page, demo_site, user=ROLES["staff"])
        assert english_left(page) == []
        page.get_by_role("link", name="EN").click()
        assert "Open tasks of my units" in english_left(page)


@pytest.mark.parametrize("path", ["/login", "/no-such-page"])
def test_the_log_in_and_error_pages_pass_axe_and_fit_a_phone(
    browser: Browser, demo_site: str, path: str
) -> None:
    with watched_page(browser) as page:
        if path != "/login":
            log_in(page, demo_site, user=ROLES["staff"])
        page.goto(demo_site + path)
        assert axe_violations(page) == []
        assert wider_than_a_phone(page) is None
        assert axe_violations(page) == []

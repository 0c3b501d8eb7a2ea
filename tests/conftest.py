"""Fixtures: every engine test runs on SQLite and on PostgreSQL.

PostgreSQL tests get a schema of their own (``search_path`` in the URL), so they
are isolated from each other and from subprocesses that a test starts. In CI a
missing PostgreSQL fails the run; on a laptop without one the tests are skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from demo_world import plan_settings
from environment import CHROMIUM, require
from live_site import watched_page
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import create_engine, text

from engine.api import Engine, read_files
from engine.clock import ManualClock

BPMN_DIR = Path(__file__).parent / "bpmn"
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
START = datetime(2021, 1, 4, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def _postgres_available() -> str | None:
    try:
        probe = create_engine(POSTGRES_URL)
        with probe.connect() as connection:
            connection.execute(text("select 1"))
        probe.dispose()
    except Exception as exc:
        return str(exc).splitlines()[0]
    return None


@pytest.fixture(scope="session")
def postgres_ready() -> None:
    problem = _postgres_available()
    require(f"no PostgreSQL at {POSTGRES_URL}: {problem}" if problem else None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (``apt-get install chromium``)."""
    require(None if CHROMIUM.exists() else f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser page; the test fails on a script error or a blocked resource."""
    with watched_page(browser) as page:
        yield page


@contextmanager
def fresh_postgres_schema() -> Iterator[str]:
    """A URL whose connections work in a fresh schema, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    with admin.connect() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def postgres_url(postgres_ready: None) -> Iterator[str]:
    with fresh_postgres_schema() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'govflow.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def engine(db_url: str, clock: ManualClock) -> Iterator[Engine]:
    engine = Engine(db_url, clock=clock)
    engine.upgrade_schema()
    yield engine
    engine.close()


@pytest.fixture
def plan_engine(db_url: str, clock: ManualClock) -> Iterator[Engine]:
    """An Engine with the shipped organisation and calendar, whatever the working directory."""
    engine = Engine(db_url, clock=clock, settings=plan_settings())
    engine.upgrade_schema()
    yield engine
    engine.close()


@pytest.fixture
def deploy(engine: Engine):
    """Deploy test BPMN files by name: ``deploy("five_tasks.bpmn")``."""

    def deploy_named(*names: str):
        return engine.deploy(read_files(BPMN_DIR / name for name in names), actor="tester")

    return deploy_named

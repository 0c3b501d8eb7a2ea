"""Fixtures: every engine test runs on SQLite and on PostgreSQL.

Each test gets a database of its own, already at the newest schema: a copy of one
that Alembic migrated once per session (migrating took most of a short test's
time). On PostgreSQL the copy is a database created from that template, so tests
are isolated from each other and from subprocesses that a test starts; a worker
empties it for its next test (tests/postgres_copies.py). In CI a missing PostgreSQL
fails the run; on a laptop without one the tests are skipped.
"""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from demo_world import plan_settings
from environment import CHROMIUM, require
from live_site import watched_page
from playwright.sync_api import Browser, Page, sync_playwright
from postgres_copies import (
    Databases,
    create_database,
    database_url,
    drop_database,
    server_conninfo,
)
from sqlalchemy import create_engine, make_url, text

from engine.api import Engine, read_files
from engine.clock import ManualClock
from engine.store import upgrade_schema
from web.receiver import Receiver, start_receiver

BPMN_DIR = Path(__file__).parent / "bpmn"
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
START = datetime(2021, 1, 4, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

# A cheap password hash for the tests' engines and the processes they start: scrypt at
# its production cost took half of the web tests' time. tests/test_password_hashing.py
# checks the default and that hashes of either method keep checking.
os.environ.setdefault("GOVFLOW_PASSWORD_HASHING", "pbkdf2:sha256:1000")


def pytest_collection_finish(session: pytest.Session) -> None:
    """Freeze what collection left alive (modules, test functions, plugins), so that
    the garbage collector's full passes, automatic or :func:`_collect_garbage`'s,
    walk only what tests made since."""
    _collect_garbage()


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
def fresh_postgres_database() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped afterwards."""
    with psycopg.connect(server_conninfo(POSTGRES_URL), autocommit=True) as admin:
        name = create_database(admin)
        try:
            yield database_url(POSTGRES_URL, name)
        finally:
            drop_database(admin, name)


@pytest.fixture(scope="session")
def postgres_template(postgres_ready: None) -> Iterator[str]:
    """The name of a PostgreSQL database migrated to the newest schema, once a session."""
    with fresh_postgres_database() as url:
        upgrade_schema(url)
        yield make_url(url).database or ""


@pytest.fixture(scope="session")
def postgres_databases(postgres_template: str) -> Iterator[Databases]:
    databases = Databases(POSTGRES_URL, postgres_template)
    yield databases
    databases.close()


@pytest.fixture
def postgres_url(postgres_databases: Databases) -> Iterator[str]:
    """The URL of a database of the test's own, at the newest schema, empty."""
    name = postgres_databases.take()
    yield postgres_databases.url(name)
    _collect_garbage()
    postgres_databases.give_back(name)


def _collect_garbage() -> None:
    """Collect what the test left: a connection it did not close warns now, in the
    test that opened it. What survives is frozen, so the next test's pass walks only
    its own objects: over the worker's whole heap, a pass took 0.24 s a test."""
    gc.collect()
    gc.freeze()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database file migrated to the newest schema, once a session."""
    template = tmp_path_factory.mktemp("template") / "govflow.db"
    upgrade_schema(f"sqlite:///{template}")
    return template


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        database = tmp_path / "govflow.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), database)
        return f"sqlite:///{database}"
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
    yield from _plan_engine(db_url, clock, {})


def _plan_engine(db_url: str, clock: ManualClock, endpoints: dict[str, str]) -> Iterator[Engine]:
    settings = plan_settings()
    if endpoints:
        settings = replace(settings, http_endpoints=endpoints)
    engine = Engine(db_url, clock=clock, settings=settings)
    engine.upgrade_schema()
    yield engine
    engine.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A real local HTTP receiver standing in for MIC and the National Data Portal."""
    server = start_receiver()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def wired(db_url: str, clock: ManualClock, receiver: Receiver) -> Iterator[Engine]:
    """The shipped plan's engine, with the portal and MIC at the local receiver."""
    endpoints = {"portal": f"{receiver.url}/portal", "mic": f"{receiver.url}/mic"}
    yield from _plan_engine(db_url, clock, endpoints)


@pytest.fixture
def deploy(engine: Engine):
    """Deploy test BPMN files by name: ``deploy("five_tasks.bpmn")``."""

    def deploy_named(*names: str):
        return engine.deploy(read_files(BPMN_DIR / name for name in names), actor="tester")

    return deploy_named

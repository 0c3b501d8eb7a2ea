"""The tests' PostgreSQL databases are reused only when emptied and unchanged."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import POSTGRES_URL
from postgres_copies import Databases
from sqlalchemy import create_engine, text

from engine.api import Engine

_A_DRAFT = (
    "INSERT INTO process_draft (process_key, designer, xml, saved_at) "
    "VALUES ('p', 'me', '<x/>', now())"
)


@pytest.fixture
def databases(postgres_template: str) -> Iterator[Databases]:
    databases = Databases(POSTGRES_URL, postgres_template)
    yield databases
    databases.close()


def _run(url: str, statement: str) -> list[tuple[object, ...]]:
    database = create_engine(url)
    try:
        with database.begin() as connection:
            result = connection.execute(text(statement))
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        database.dispose()


def test_a_database_given_back_comes_back_empty_with_ids_from_one(databases: Databases) -> None:
    name = databases.take()
    engine = Engine(databases.url(name))
    engine.set_password("itc.staff", "a long password")
    engine.close()
    _run(databases.url(name), _A_DRAFT)
    databases.give_back(name)

    again = databases.take()
    assert again == name
    url = databases.url(again)
    assert _run(url, "SELECT count(*) FROM account") == [(0,)]
    assert _run(url, "SELECT count(*) FROM process_draft") == [(0,)]
    assert _run(url, "SELECT version_num FROM alembic_version") != []
    _run(url, _A_DRAFT)
    assert _run(url, "SELECT id FROM process_draft") == [(1,)]
    databases.give_back(again)


def test_a_database_whose_schema_changed_is_dropped(databases: Databases) -> None:
    name = databases.take()
    _run(databases.url(name), "CREATE TABLE turn (who TEXT)")
    databases.give_back(name)

    other = databases.take()
    assert other != name
    databases.give_back(other)
    gone = f"SELECT count(*) FROM pg_database WHERE datname = '{name}'"
    assert _run(POSTGRES_URL, gone) == [(0,)]

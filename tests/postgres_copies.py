"""The tests' PostgreSQL databases: copies of a migrated template, emptied and reused.

A database created from the template cost PostgreSQL a third of a second of CPU
(it copies the catalogs and tables, 9 MB, through the WAL): with 655 PostgreSQL
tests, the largest part of their setup and minutes of a CI run on two cores. So a
test's database is emptied when the test ends (its rows deleted, its sequences
restarted) and handed to the worker's next test, unless its schema is no longer the
template's (a test that migrated down and not up again, or created a table): then it
is dropped, and the next test gets a new copy. A test still sees a database of its own, at the
newest schema, with no rows but the Alembic revision, and ids starting at 1.
"""

from __future__ import annotations

import uuid

import psycopg
from psycopg import sql
from sqlalchemy import make_url

__all__ = ["Databases", "create_database", "database_url", "drop_database", "server_conninfo"]

_SCHEMA = """
SELECT md5(string_agg(part, ',' ORDER BY part)) FROM (
    SELECT format('%s %s %s', c.relname, c.relkind, string_agg(
        format('%s %s %s', a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull),
        ';' ORDER BY a.attnum)) AS part
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
    LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    GROUP BY c.relname, c.relkind
    UNION ALL SELECT format('constraint %s %s', conname, pg_get_constraintdef(oid))
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
    UNION ALL SELECT format('function %s %s', proname, md5(prosrc))
    FROM pg_proc WHERE pronamespace = 'public'::regnamespace
    UNION ALL SELECT format('trigger %s %s', tgname, tgrelid::regclass)
    FROM pg_trigger WHERE NOT tgisinternal
    UNION ALL SELECT format('schema %s', nspname) FROM pg_namespace WHERE nspname !~ '^pg_'
    UNION ALL SELECT format('revision %s', version_num) FROM public.alembic_version
) AS parts
"""
"""What must not have changed for a database to be reused: its tables, columns,
indexes, sequences, constraints, functions, triggers, schemas and Alembic revision."""

_TABLES = """
SELECT tablename FROM pg_tables
WHERE schemaname = 'public' AND tablename <> 'alembic_version' ORDER BY tablename
"""
_SEQUENCES = "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"


class Databases:
    """Databases of one test worker: a new copy of the template, or the last test's
    emptied."""

    def __init__(self, server_url: str, template: str) -> None:
        self._server_url = server_url
        self._template = template
        self._admin = psycopg.connect(server_conninfo(server_url), autocommit=True)
        with psycopg.connect(server_conninfo(self.url(template))) as connection:
            self._schema = _fingerprint(connection)
            self._empty = _emptying(
                [row[0] for row in connection.execute(_TABLES)],
                [row[0] for row in connection.execute(_SEQUENCES)],
            )
        self._spare: str | None = None

    def take(self) -> str:
        """The name of an empty database at the template's schema."""
        name, self._spare = self._spare, None
        return name or create_database(self._admin, self._template)

    def give_back(self, name: str) -> None:
        """Empty ``name`` for the next test, or drop it if its schema changed."""
        self._admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        with psycopg.connect(server_conninfo(self.url(name)), autocommit=True) as connection:
            reusable = _fingerprint(connection) == self._schema
            if reusable:
                connection.execute(self._empty)
        if reusable:
            self._spare = name
        else:
            drop_database(self._admin, name)

    def url(self, name: str) -> str:
        """The SQLAlchemy URL of database ``name``."""
        return database_url(self._server_url, name)

    def close(self) -> None:
        if self._spare is not None:
            drop_database(self._admin, self._spare)
        self._admin.close()


def _fingerprint(connection: psycopg.Connection) -> str:
    found = connection.execute(_SCHEMA).fetchone()
    assert found is not None
    return str(found[0])


def _emptying(tables: list[str], sequences: list[str]) -> sql.Composed:
    """Statements that delete every row of ``tables`` and restart ``sequences``.

    DELETE, not TRUNCATE: a TRUNCATE gives each table and index a new file, which
    took 0.35 s for the few rows a test leaves. The foreign keys' checks are off
    while the rows go (all of them go)."""
    deletes = [sql.SQL("DELETE FROM {};").format(sql.Identifier(table)) for table in tables]
    restarts = [
        sql.SQL("SELECT setval({}, 1, false);").format(sql.Literal(sequence))
        for sequence in sequences
    ]
    return sql.SQL(" ").join(
        [
            sql.SQL("SET session_replication_role = replica;"),
            *deletes,
            *restarts,
            sql.SQL("RESET session_replication_role;"),
        ]
    )


def database_url(server_url: str, name: str) -> str:
    """The SQLAlchemy URL of database ``name`` on the server of ``server_url``."""
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def server_conninfo(url: str) -> str:
    """A SQLAlchemy URL of the server as psycopg takes it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_database(admin: psycopg.Connection, template: str | None = None) -> str:
    """The name of a new database (a copy of ``template`` if given)."""
    name = f"gf_{uuid.uuid4().hex[:12]}"
    copy = sql.SQL(" TEMPLATE {}").format(sql.Identifier(template)) if template else sql.SQL("")
    admin.execute(sql.SQL("CREATE DATABASE {}{}").format(sql.Identifier(name), copy))
    # The tests' commits do not wait for the disk: no test crashes the server, and a
    # commit is visible to other connections before its WAL is flushed all the same.
    # bench/ measures with synchronous_commit on, as production runs.
    admin.execute(
        sql.SQL("ALTER DATABASE {} SET synchronous_commit = off").format(sql.Identifier(name))
    )
    return name


def drop_database(admin: psycopg.Connection, name: str) -> None:
    admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))

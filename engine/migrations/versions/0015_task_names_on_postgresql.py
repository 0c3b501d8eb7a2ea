"""task-name search over distinct names (PostgreSQL)

Migration 0014 gave SQLite a table of the distinct task names; PostgreSQL kept a
trigram index over every task's folded name. A search for words in 6,221 of 50,000
open tasks then rechecked each hit's row: 23 of the 60 ms its first page took
(bench/scale.py). Now PostgreSQL has ``task_name`` too, each name once with its
folded text, and a task matches when its name is among the names found, as on SQLite.
A trigger adds a task's name when it is new. ``human_task`` loses its folded name and
the trigram index over it, which every task insert paid for.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    schema = _schema()
    op.execute(
        "CREATE TABLE task_name (id serial PRIMARY KEY, name varchar(255) NOT NULL UNIQUE, "
        "name_folded text GENERATED ALWAYS AS (govflow_fold(name)) STORED)"
    )
    # A known name is found by the NOT EXISTS without taking the unique index's lock;
    # a new one is inserted, and a concurrent insert of the same name is let be.
    op.execute(
        f'CREATE FUNCTION "{schema}".govflow_name_task() RETURNS trigger '
        "LANGUAGE plpgsql AS $$ BEGIN "
        f'INSERT INTO "{schema}".task_name(name) SELECT NEW.name WHERE NOT EXISTS '
        f'(SELECT 1 FROM "{schema}".task_name WHERE name = NEW.name) ON CONFLICT DO NOTHING; '
        "RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER human_task_named AFTER INSERT ON human_task "
        "FOR EACH ROW EXECUTE FUNCTION govflow_name_task()"
    )
    op.execute("INSERT INTO task_name(name) SELECT DISTINCT name FROM human_task ORDER BY name")
    op.execute("DROP INDEX IF EXISTS ix_human_task_name_search")
    op.execute("ALTER TABLE human_task DROP COLUMN name_folded")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(
        "ALTER TABLE human_task ADD COLUMN name_folded text "
        "GENERATED ALWAYS AS (govflow_fold(name)) STORED"
    )
    trigram = _extension_schema("pg_trgm")
    if trigram is not None:
        op.execute(
            "CREATE INDEX ix_human_task_name_search ON human_task "
            f'USING gin (name_folded "{trigram}".gin_trgm_ops)'
        )
    op.execute("DROP TRIGGER human_task_named ON human_task")
    op.execute("DROP FUNCTION govflow_name_task()")
    op.execute("DROP TABLE task_name")


def _schema() -> str:
    return op.get_bind().execute(sa.text("SELECT current_schema()")).scalar_one()


def _extension_schema(name: str) -> str | None:
    """Where extension ``name`` is (migration 0009 created it if it could)."""
    find = sa.text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = :name"
    )
    return op.get_bind().execute(find, {"name": name}).scalar()

"""lists at scale: instance labels, the inbox's indexes, accent-insensitive search

* ``process_instance`` gets ``title``, ``plan_task`` and ``period_start``
  (engine.instance_labels), filled in for the instances there are;
* indexes in the orders the lists page in (``(status, unit, due_at, id)`` …);
* search (engine.search): on SQLite two FTS5 tables with ``remove_diacritics 2``, kept
  by triggers on insert (task names and instance titles never change afterwards; a
  later migration that rebuilds ``human_task`` or ``process_instance`` in batch mode
  must create the triggers again). On PostgreSQL the extensions ``unaccent`` and
  ``pg_trgm`` (in ``public`` when allowed, else the default schema), an immutable
  ``govflow_fold(text)``, the folded texts as generated columns (``name_folded``,
  ``search_folded``, which the models do not map) and trigram indexes on them.
  Without ``unaccent`` the fold is a ``translate`` of the Vietnamese letters; without
  ``pg_trgm`` there is no search index, so searching reads every row (both logged).

Revision ID: 0009
Revises: 0008
"""

import logging
import unicodedata

import sqlalchemy as sa
from alembic import op

from engine.instance_labels import instance_labels
from engine.model_types import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

_VIETNAMESE = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_SQLITE_FOLD = "replace(replace({}, 'đ', 'd'), 'Đ', 'D')"
"""What FTS5's remove_diacritics leaves: đ is a letter of its own, not d with a mark."""


def upgrade() -> None:
    with op.batch_alter_table("process_instance") as table:
        table.add_column(sa.Column("title", sa.String(255), nullable=True))
        table.add_column(sa.Column("plan_task", sa.String(120), nullable=True))
        table.add_column(sa.Column("period_start", sa.DateTime(timezone=True), nullable=True))
        table.create_index("ix_process_instance_cycles", ["process_key", "started_at", "id"])
        table.create_index("ix_process_instance_period", ["period_start"])
    with op.batch_alter_table("human_task") as table:
        table.drop_index("ix_human_task_open_unit")
        table.drop_index("ix_human_task_assignee")
        table.create_index("ix_human_task_unit_due", ["status", "unit", "due_at", "id"])
        table.create_index("ix_human_task_status_due", ["status", "due_at", "id"])
        table.create_index("ix_human_task_assignee_due", ["assignee", "status", "due_at", "id"])
    _label_instances()
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_search()
    else:
        _postgres_search()


def _label_instances() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT i.id, i.variables, i.started_at, d.name, d.meta FROM process_instance i "
            "JOIN process_definition d ON d.id = i.definition_id"
        ).columns(
            variables=sa.JSON(),
            meta=sa.JSON(),
            started_at=UTCDateTime(),
        )
    ).all()
    update = sa.text(
        "UPDATE process_instance SET title = :title, plan_task = :plan_task, "
        "period_start = :period_start WHERE id = :id"
    ).bindparams(sa.bindparam("period_start", type_=UTCDateTime()))
    for row in rows:
        labels = instance_labels(row.meta or {}, row.name, row.variables or {}, row.started_at)
        bind.execute(update, {**labels, "id": row.id})


def _sqlite_search() -> None:
    tokenizer = "tokenize = 'unicode61 remove_diacritics 2'"
    op.execute(f"CREATE VIRTUAL TABLE task_search USING fts5(name, task_id UNINDEXED, {tokenizer})")
    op.execute(f"CREATE VIRTUAL TABLE instance_search USING fts5(text, {tokenizer})")
    task_text = _SQLITE_FOLD.format("{0}name")
    instance_text = _SQLITE_FOLD.format(
        "coalesce({0}title, '') || ' ' || coalesce({0}business_key, '')"
    )
    op.execute(
        "CREATE TRIGGER human_task_searchable AFTER INSERT ON human_task BEGIN "
        f"INSERT INTO task_search(name, task_id) VALUES ({task_text.format('new.')}, new.id); END"
    )
    op.execute(
        "CREATE TRIGGER process_instance_searchable AFTER INSERT ON process_instance BEGIN "
        "INSERT INTO instance_search(rowid, text) "
        f"VALUES (new.id, {instance_text.format('new.')}); END"
    )
    op.execute(
        f"INSERT INTO task_search(name, task_id) SELECT {task_text.format('')}, id FROM human_task"
    )
    op.execute(
        "INSERT INTO instance_search(rowid, text) "
        f"SELECT id, {instance_text.format('')} FROM process_instance"
    )


def _postgres_search() -> None:
    schema = op.get_bind().execute(sa.text("SELECT current_schema()")).scalar_one()
    unaccent = _extension("unaccent")
    if unaccent is not None:
        fold = f"lower({unaccent}.unaccent('{unaccent}.unaccent'::regdictionary, $1))"
    else:
        log.warning("no unaccent extension: search folds Vietnamese letters with translate()")
        plain = "".join(_base_letter(c) for c in _VIETNAMESE)
        fold = f"lower(translate($1, '{_VIETNAMESE + _VIETNAMESE.upper()}', '{plain + plain}'))"
    op.execute(
        f'CREATE FUNCTION "{schema}".govflow_fold(text) RETURNS text '
        f"LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT {fold} $$"
    )
    op.execute(
        f'CREATE FUNCTION "{schema}".govflow_instance_text(text, text) RETURNS text '
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
        f"$$ SELECT \"{schema}\".govflow_fold(coalesce($1, '') || ' ' || coalesce($2, '')) $$"
    )
    # The folded text is stored, so that an index hit is checked with a plain LIKE
    # instead of running unaccent again (lossy trigram hits are all rechecked).
    op.execute(
        "ALTER TABLE human_task ADD COLUMN name_folded text "
        "GENERATED ALWAYS AS (govflow_fold(name)) STORED"
    )
    op.execute(
        "ALTER TABLE process_instance ADD COLUMN search_folded text "
        "GENERATED ALWAYS AS (govflow_instance_text(title, business_key)) STORED"
    )
    trigram = _extension("pg_trgm")
    if trigram is None:
        log.warning("no pg_trgm extension: search reads every task and instance")
        return
    op.execute(
        "CREATE INDEX ix_human_task_name_search ON human_task "
        f"USING gin (name_folded {trigram}.gin_trgm_ops)"
    )
    op.execute(
        "CREATE INDEX ix_process_instance_search ON process_instance "
        f"USING gin (search_folded {trigram}.gin_trgm_ops)"
    )


def _extension(name: str) -> str | None:
    """The schema of extension ``name``, created if it can be; None if it cannot."""
    bind = op.get_bind()
    find = sa.text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = :name"
    )
    for where in (" SCHEMA public", ""):
        schema = bind.execute(find, {"name": name}).scalar()
        if schema is not None:
            return f'"{schema}"'
        try:
            with bind.begin_nested():
                bind.execute(sa.text(f"CREATE EXTENSION IF NOT EXISTS {name}{where}"))
        except sa.exc.DBAPIError as exc:
            log.warning("CREATE EXTENSION %s%s: %s", name, where, str(exc).splitlines()[0])
    schema = bind.execute(find, {"name": name}).scalar()
    return f'"{schema}"' if schema is not None else None


def _base_letter(letter: str) -> str:
    return "d" if letter == "đ" else unicodedata.normalize("NFD", letter)[0]


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("human_task_searchable", "process_instance_searchable"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE task_search")
        op.execute("DROP TABLE instance_search")
    else:
        op.execute("DROP INDEX IF EXISTS ix_human_task_name_search")
        op.execute("DROP INDEX IF EXISTS ix_process_instance_search")
        op.execute("ALTER TABLE human_task DROP COLUMN name_folded")
        op.execute("ALTER TABLE process_instance DROP COLUMN search_folded")
        op.execute("DROP FUNCTION govflow_instance_text(text, text)")
        op.execute("DROP FUNCTION govflow_fold(text)")
    with op.batch_alter_table("human_task") as table:
        table.drop_index("ix_human_task_assignee_due")
        table.drop_index("ix_human_task_status_due")
        table.drop_index("ix_human_task_unit_due")
        table.create_index("ix_human_task_assignee", ["assignee"])
        table.create_index("ix_human_task_open_unit", ["status", "unit"])
    with op.batch_alter_table("process_instance") as table:
        table.drop_index("ix_process_instance_period")
        table.drop_index("ix_process_instance_cycles")
        table.drop_column("period_start")
        table.drop_column("plan_task")
        table.drop_column("title")

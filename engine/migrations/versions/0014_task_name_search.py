"""task-name search over distinct names (SQLite)

Task names come from the BPMN elements, so 50,000 tasks carry a few hundred names.
On SQLite, migration 0009 indexed every task's name in FTS5 (``task_search``): every
task insert wrote the FTS table's rows and a new segment, and a search looked up
each hit's task by id. Now ``task_name`` holds each name once and the FTS5 table
``task_name_search`` (contentless, its rowid the name's id) indexes those; a task
matches when its name is among the names found. A task insert adds a name only when
the name is new (a later migration that rebuilds ``human_task`` in batch mode must
create the trigger ``human_task_named`` again). PostgreSQL is unchanged: its trigram
index is on ``human_task``.

Revision ID: 0014
Revises: 0013
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_TOKENIZER = "tokenize = 'unicode61 remove_diacritics 2'"
_FOLDED_NAME = "replace(replace(new.name, 'đ', 'd'), 'Đ', 'D')"
"""What FTS5's remove_diacritics leaves: đ is a letter of its own, not d with a mark."""


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER human_task_searchable")
    op.execute("DROP TABLE task_search")
    op.execute("CREATE TABLE task_name (id INTEGER PRIMARY KEY, name VARCHAR(255) NOT NULL UNIQUE)")
    op.execute(f"CREATE VIRTUAL TABLE task_name_search USING fts5(name, content='', {_TOKENIZER})")
    op.execute(
        "CREATE TRIGGER task_name_searchable AFTER INSERT ON task_name BEGIN "
        f"INSERT INTO task_name_search(rowid, name) VALUES (new.id, {_FOLDED_NAME}); END"
    )
    op.execute(
        "CREATE TRIGGER human_task_named AFTER INSERT ON human_task BEGIN "
        "INSERT OR IGNORE INTO task_name(name) VALUES (new.name); END"
    )
    op.execute("INSERT OR IGNORE INTO task_name(name) SELECT DISTINCT name FROM human_task")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER human_task_named")
    op.execute("DROP TABLE task_name_search")
    op.execute("DROP TABLE task_name")
    op.execute(
        f"CREATE VIRTUAL TABLE task_search USING fts5(name, task_id UNINDEXED, {_TOKENIZER})"
    )
    folded = _FOLDED_NAME.replace("new.", "{0}")
    op.execute(
        "CREATE TRIGGER human_task_searchable AFTER INSERT ON human_task BEGIN "
        f"INSERT INTO task_search(name, task_id) VALUES ({folded.format('new.')}, new.id); END"
    )
    op.execute(
        f"INSERT INTO task_search(name, task_id) SELECT {folded.format('')}, id FROM human_task"
    )

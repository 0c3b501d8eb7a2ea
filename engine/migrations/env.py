"""Alembic environment: runs the migrations against the URL govflow gives it."""

from alembic import context

import engine.account_models  # noqa: F401  (its tables join Base.metadata)
from engine.models import Base
from engine.store import migration_engine

config = context.config


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if url is None:  # a programming error: engine.store.upgrade_schema always sets it
        raise RuntimeError("alembic needs sqlalchemy.url; run engine.store.upgrade_schema")
    engine = migration_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            transactional_ddl=True,  # SQLite's too, through engine.store.migration_engine
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()

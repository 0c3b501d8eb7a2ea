"""Database connections, transactions and locks.

SQLite is the embedded default; PostgreSQL is production, shared by any number of
engine, web and scheduler processes. The two differ in how a command takes its lock:

* PostgreSQL: ``SELECT … FOR UPDATE`` on the instance row, under a ``lock_timeout``,
  so commands on different instances run in parallel and two on the same instance
  queue up.
* SQLite: one writer per database file; a write transaction starts with
  ``BEGIN IMMEDIATE`` so two writers never both read a state and then both write it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, Row, bindparam, create_engine, event, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import InvalidatePoolError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from engine.bounds import refuse_nul_parameters
from engine.errors import Conflict, missing_instance, missing_task
from engine.models import HumanTask, ProcessInstance

__all__ = ["INSTANCE_OF_TASK_FOR_UPDATE", "Database", "upgrade_schema"]

T = TypeVar("T")

log = logging.getLogger(__name__)

_AFTER_COMMIT = "govflow_after_commit"
SQLITE_BUSY_TIMEOUT_S = 30.0
"""How long a write on SQLite waits for the writer before it."""

_instance = ProcessInstance.__table__
_INSTANCE = select(_instance).where(_instance.c.id == bindparam("b_id"))
_INSTANCE_FOR_UPDATE = _INSTANCE.with_for_update()
_task = HumanTask.__table__
_INSTANCE_OF_TASK = select(_instance).where(
    _instance.c.id
    == select(_task.c.instance_id).where(_task.c.id == bindparam("b_task_id")).scalar_subquery()
)
INSTANCE_OF_TASK_FOR_UPDATE = _INSTANCE_OF_TASK.with_for_update()
"""PostgreSQL: the row of the instance a human task (``b_task_id``) belongs to, locked."""


class Database:
    """Connections to one database, and the two kinds of transaction govflow uses."""

    def __init__(self, url: str, *, lock_timeout_s: float = 10.0, echo: bool = False) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self._writers = threading.RLock() if self.is_sqlite else None
        """SQLite: this process's writers queue here, not in SQLite's busy handler,
        which sleeps 1, 2, 5, 10 … ms between tries, long after the writer before is
        done. Re-entrant: a follow-up run after a commit may write."""
        self.lock_timeout_s = lock_timeout_s
        self.engine = _create_engine(
            self.url, echo=echo, is_sqlite=self.is_sqlite, lock_timeout_s=lock_timeout_s
        )
        writer = self.engine.execution_options(govflow_write=True)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(writer, expire_on_commit=False)
        event.listen(self._write, "after_commit", _run_after_commit)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A transaction for queries; it never blocks writers."""
        with self._read.begin() as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A transaction for one command; committed when the block ends without error."""
        with self._queued(), self._write.begin() as session:
            yield session

    @contextmanager
    def _queued(self) -> Iterator[None]:
        """Wait for this process's other SQLite writers, as long as for another process's."""
        if self._writers is None:
            yield
            return
        if not self._writers.acquire(timeout=SQLITE_BUSY_TIMEOUT_S):
            raise Conflict("the database is busy with another command; try again")
        try:
            yield
        finally:
            self._writers.release()

    def after_commit(self, session: Session, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the transaction of ``session`` has committed, never if not.

        (A session of :meth:`writing` lives for one transaction: after a rollback it is
        closed with its callbacks, so nothing needs to forget them.)"""
        session.info.setdefault(_AFTER_COMMIT, []).append(callback)

    @contextmanager
    def savepoint(self, session: Session) -> Iterator[None]:
        """A savepoint: an error inside rolls back only its work, and forgets the
        :meth:`after_commit` callbacks registered inside it."""
        callbacks = session.info.setdefault(_AFTER_COMMIT, [])
        registered = len(callbacks)
        try:
            with session.begin_nested():
                yield
        except BaseException:
            del callbacks[registered:]
            raise

    def lock_instance(self, session: Session, instance_id: int) -> ProcessInstance:
        """Load the instance row for update; raise Conflict if another command holds it too long."""
        query = select(ProcessInstance).where(ProcessInstance.id == instance_id)
        if not self.is_sqlite:
            query = query.with_for_update()
        query = query.execution_options(populate_existing=True)
        return self._locked(instance_id, lambda: session.scalars(query).first())

    def lock_instance_row(self, session: Session, instance_id: int) -> Row[Any]:
        """The same lock, reading the row with a prebuilt Core statement (the runtime's path)."""
        query = _INSTANCE if self.is_sqlite else _INSTANCE_FOR_UPDATE
        params = {"b_id": instance_id}
        return self._locked(
            instance_id, lambda: session.connection().execute(query, params).first()
        )

    def lock_instance_of_task(self, session: Session, task_id: str) -> Row[Any]:
        """The same lock on the instance a human task belongs to, found in the same
        statement (a round trip less than reading the task first); NotFound without
        the task. Read the task under the lock, after this."""
        query = _INSTANCE_OF_TASK if self.is_sqlite else INSTANCE_OF_TASK_FOR_UPDATE
        params = {"b_task_id": task_id}
        found = self.busy_as_conflict(
            f"the instance of task {task_id}",
            lambda: session.connection().execute(query, params).first(),
            task_id=task_id,
        )
        if found is None:
            raise missing_task(task_id)
        return found

    def _locked(self, instance_id: int, load: Callable[[], T | None]) -> T:
        found = self.busy_as_conflict(f"instance {instance_id}", load, instance_id=instance_id)
        if found is None:
            raise missing_instance(instance_id)
        return found

    @staticmethod
    def busy_as_conflict(what: str, load: Callable[[], T], **details: Any) -> T:
        """``load()``, a lock it waited for too long (on ``what``) raised as a Conflict."""
        try:
            return load()
        except OperationalError as exc:  # lock_timeout on PostgreSQL, busy on SQLite
            raise Conflict(f"{what} is busy with another command; try again", **details) from exc

    def dispose(self) -> None:
        self.engine.dispose()


def _run_after_commit(session: Session) -> None:
    for callback in session.info.pop(_AFTER_COMMIT, []):
        try:
            callback()
        except Exception:  # the transaction is committed: a failing follow-up must not undo that
            log.exception("after-commit callback %r failed", callback)


def _create_engine(url: URL, *, echo: bool, is_sqlite: bool, lock_timeout_s: float) -> Engine:
    if not is_sqlite:
        engine = create_engine(url, echo=echo)
        event.listen(engine, "connect", partial(_configure_postgres_connection, lock_timeout_s))
        event.listen(engine, "checkin", _note_idle_since)
        event.listen(engine, "checkout", partial(_ping_if_idle, engine))
    else:
        pool = {"pool_use_lifo": True} if _is_file_database(url) else {}
        engine = create_engine(
            url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S}, **pool
        )
        event.listen(engine, "connect", _configure_sqlite_connection)
        event.listen(engine, "begin", _begin_sqlite_transaction)
    event.listen(engine, "before_cursor_execute", _refuse_nul_characters)
    return engine


def _is_file_database(url: URL) -> bool:
    """Whether SQLAlchemy pools this SQLite database's connections (a file; an in-memory
    database lives in one connection).

    A file's pool hands out the connection used last (LIFO): SQLite drops a connection's
    page cache when another connection has written since, so connections handed out in
    turn re-read the pages on every command of 4 threads (cold commands went from
    0.47-0.48 to 0.49-0.50 of plain Spiff with it, bench/throughput.py)."""
    return bool(url.database) and url.database != ":memory:" and url.query.get("mode") != "memory"


def _refuse_nul_characters(
    _connection: Any, _cursor: Any, _statement: str, _parameters: Any, context: Any, _many: bool
) -> None:
    """Refuse text with a NUL character in any statement, as an InvalidInput (see
    :func:`engine.bounds.refuse_nul_parameters`)."""
    for parameters in getattr(context, "compiled_parameters", None) or ():
        refuse_nul_parameters(parameters)


_PING_AFTER_IDLE_S = 1.0
"""A pooled PostgreSQL connection idle this long is pinged before use.

Pinging on every checkout (``pool_pre_ping``) cost each command two round trips, a
tenth of its time. A connection a command used a moment ago is alive; one idle for
longer may have been cut by a restart of the server (which takes longer than this),
a failover or a firewall, and is replaced, with the rest of the pool, when its ping
fails. Wall time, not the engine's clock: this is about sockets, not about business.
"""
_IDLE_SINCE = "govflow_idle_since"


def _note_idle_since(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    record.info[_IDLE_SINCE] = time.monotonic()


def _ping_if_idle(
    engine: Engine, dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any
) -> None:
    idle_since = record.info.pop(_IDLE_SINCE, None)  # None: a new connection
    if idle_since is None or time.monotonic() - idle_since < _PING_AFTER_IDLE_S:
        return
    try:
        engine.dialect.do_ping(dbapi_connection)
    except engine.dialect.loaded_dbapi.Error as exc:
        raise InvalidatePoolError(f"ping failed: {exc}") from exc  # the pool reconnects


def _configure_postgres_connection(
    lock_timeout_s: float, dbapi_connection: Any, _record: Any
) -> None:
    # Set once per connection, not per transaction: a command waits this long for an
    # instance another command holds, then fails with Conflict instead of hanging.
    cursor = dbapi_connection.cursor()
    cursor.execute(f"SET lock_timeout = {int(lock_timeout_s * 1000)}")
    cursor.close()
    dbapi_connection.commit()


def migration_engine(url: str) -> Engine:
    """The engine Alembic migrates through: on SQLite, all migrations in one transaction.

    The sqlite3 module commits DDL statement by statement, each with its own sync to
    disk: a new database took a second or two, and a migration failing half-way left
    half a schema. SQLite's DDL is transactional once the module stops deciding.
    Foreign keys stay off, as Alembic's batch mode (copy and rename a table) needs.
    """
    engine = create_engine(url)
    if engine.url.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _let_sqlalchemy_begin)
        event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def _let_sqlalchemy_begin(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_sqlite_transaction(connection: Any) -> None:
    # IMMEDIATE takes the write lock now, not at the first write: a command reads the
    # state it will write back, so no other writer may slip in between.
    # Straight to the driver: SQLAlchemy's execution path added about 0.03 ms to every
    # command's BEGIN (bench/throughput.py).
    immediate = connection.get_execution_options().get("govflow_write", False)
    connection.connection.driver_connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")


def upgrade_schema(database_url: str, revision: str = "head") -> None:
    """Bring the schema up to date with Alembic (what ``govflow db upgrade`` runs)."""
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    command.upgrade(config, revision)

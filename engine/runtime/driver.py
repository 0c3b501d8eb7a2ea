"""The statements of every command, run on the driver's cursor.

A task's completion runs two prebuilt statements: the lock that completes the task,
and the instance's save (on SQLite, with the inserts of the tasks that opened and of
the history). Through ``Connection.execute``, SQLAlchemy spends 0.06 to 0.09 ms of
CPU on each beyond what the driver spends: its execution context, its result object
and the cursor's description (measured on PostgreSQL with a 31-column row). Run
here, a command takes 8 to 12% less CPU, the share that caps throughput when
several clients share one process and its GIL (bench/throughput.py).

Only the execution is taken over. SQLAlchemy still compiles the statement (once per
dialect), the column types' own processors convert the parameters and the results,
the engine's ``before_cursor_execute`` and ``after_cursor_execute`` listeners see the
statement, a NUL in text is refused as every statement's is, and a driver error is
raised as SQLAlchemy's own wrapper of it. The cursor is the session connection's, so
the statement is part of the command's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from engine.bounds import refuse_nul_parameters

__all__ = ["first_row", "insert_many", "row_count"]

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Compiled:
    """A statement as one dialect's driver takes it, with its conversions."""

    sql: str
    order: tuple[str, ...] | None
    """The parameters' names in order, for a driver that takes them by position."""
    defaults: Mapping[str, Any]
    """Values bound in the statement itself (literals, ``b_seen + 1``)."""
    bind: Mapping[str, Processor]
    columns: tuple[str, ...]
    results: tuple[Processor, ...]

    def parameters(self, given: Mapping[str, Any]) -> Any:
        """``given`` as the driver takes them: converted, by name or in order."""
        named = {**self.defaults, **given}
        refuse_nul_parameters(named)
        values = {
            name: value if (convert := self.bind.get(name)) is None else convert(value)
            for name, value in named.items()
        }
        return values if self.order is None else tuple(values[name] for name in self.order)

    def row(self, values: tuple[Any, ...]) -> dict[str, Any]:
        """A row the driver returned, by column name, converted as SQLAlchemy would."""
        return {
            name: value if convert is None else convert(value)
            for name, value, convert in zip(self.columns, values, self.results, strict=True)
        }


@lru_cache(maxsize=64)
def _compiled(
    statement: ClauseElement, dialect: Dialect, keys: tuple[str, ...] | None = None
) -> _Compiled:
    """``statement`` for ``dialect``; an INSERT for the columns ``keys``."""
    compiled = cast(SQLCompiler, statement.compile(dialect=dialect, column_keys=keys))
    binds = {name: parameter for parameter, name in compiled.bind_names.items()}
    columns = list(getattr(statement, "exported_columns", ()))
    return _Compiled(
        sql=compiled.string,
        order=tuple(compiled.positiontup or ()) if compiled.positional else None,
        defaults={n: p.effective_value for n, p in binds.items() if not p.required},
        bind={n: p.type.dialect_impl(dialect).bind_processor(dialect) for n, p in binds.items()},
        columns=tuple(column.name for column in columns),
        results=tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
        ),
    )


def _execute(
    session: Session, statement: ClauseElement, given: Mapping[str, Any]
) -> tuple[Any, _Compiled]:
    """The driver's cursor after running ``statement`` with ``given`` in the session's
    transaction, and the statement as it ran."""
    connection = session.connection()
    compiled = _compiled(statement, connection.dialect)
    cursor = _run(connection, compiled.sql, compiled.parameters(given), many=False)
    return cursor, compiled


def _run(connection: Connection, sql: str, parameters: Any, *, many: bool) -> Any:
    cursor = connection.connection.cursor()
    dispatch = connection.dispatch
    dispatch.before_cursor_execute(connection, cursor, sql, parameters, None, many)
    try:
        (cursor.executemany if many else cursor.execute)(sql, parameters)
    except connection.dialect.loaded_dbapi.Error as error:
        cursor.close()
        raise _wrapped(connection, sql, parameters, error, cursor) from error
    dispatch.after_cursor_execute(connection, cursor, sql, parameters, None, many)
    return cursor


def _wrapped(
    connection: Connection, sql: str, parameters: Any, error: Any, cursor: Any
) -> BaseException:
    """The driver's ``error`` as SQLAlchemy raises it; a lost connection is invalidated,
    so the pool does not hand it out again."""
    dialect = connection.dialect
    lost = dialect.is_disconnect(error, connection.connection.dbapi_connection, cursor)
    if lost:
        connection.invalidate(error)
    return DBAPIError.instance(
        sql,
        parameters,
        error,
        dialect.loaded_dbapi.Error,
        connection_invalidated=lost,
        dialect=dialect,
    )


def first_row(
    session: Session, statement: ClauseElement, given: Mapping[str, Any]
) -> dict[str, Any] | None:
    """The first row ``statement`` returns, by column name; None when it returns none."""
    cursor, compiled = _execute(session, statement, given)
    try:
        values = cursor.fetchone()
    finally:
        cursor.close()
    return None if values is None else compiled.row(values)


def row_count(session: Session, statement: ClauseElement, given: Mapping[str, Any]) -> int:
    """How many rows ``statement`` changed."""
    cursor, _ = _execute(session, statement, given)
    try:
        return int(cursor.rowcount)
    finally:
        cursor.close()


def insert_many(session: Session, statement: ClauseElement, rows: list[dict[str, Any]]) -> None:
    """Run the INSERT ``statement`` once for each of ``rows``, which have the same keys
    (SQLite: its executemany costs less than a multi-row INSERT built per call)."""
    connection = session.connection()
    compiled = _compiled(statement, connection.dialect, tuple(rows[0]))
    parameters = [compiled.parameters(row) for row in rows]
    _run(connection, compiled.sql, parameters, many=True).close()

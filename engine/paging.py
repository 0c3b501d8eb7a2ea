"""Keyset paging: every list reads one page of rows, in a stable order, and no more.

A list is ordered by a :class:`Keyset`: one or more *segments*, each a condition and
the columns it is sorted on, the last of them unique (``(due_at, id)``, ``(id)``).
Segments let a nullable sort column keep its NULLs last on both databases: tasks with
a due date by ``(due_at, id)``, then those without by ``(id)``. A page is the rows
after (or before) a position, found by comparing row values
(``(due_at, id) > (:due, :id)``), which an index on those columns answers without
reading what comes before: no ``OFFSET``. It reads ``limit + 1`` rows, the extra one
only to know whether there is more.

A position travels as an opaque cursor (URL-safe base64 of JSON); a cursor that does
not decode is an InvalidInput on the field ``cursor``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Row, Select, literal, tuple_
from sqlalchemy.engine import Connection

from engine.clock import ensure_utc
from engine.errors import InvalidInput

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "Keyset",
    "Page",
    "PageRequest",
    "Segment",
    "fetch_page",
]

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class Segment:
    """Rows sorted on ``columns``: all of them, or (``split`` given) those where
    ``split`` is NULL (``null``) or is not."""

    columns: tuple[ColumnElement[Any], ...]
    descending: bool = False
    split: ColumnElement[Any] | None = None
    null: bool = False

    def where(self) -> ColumnElement[bool] | None:
        if self.split is None:
            return None
        return self.split.is_(None) if self.null else self.split.is_not(None)

    def holds(self, row: Row[Any]) -> bool:
        """Whether a row fetched with the split column is in this segment."""
        return self.split is None or (row._mapping[self.split] is None) == self.null


@dataclass(frozen=True)
class Keyset:
    """A stable order: the segments one after the other."""

    segments: tuple[Segment, ...]

    @classmethod
    def of(cls, *columns: ColumnElement[Any], descending: bool = False) -> Keyset:
        return cls((Segment(columns, descending=descending),))

    @classmethod
    def nulls_last(cls, nullable: ColumnElement[Any], unique: ColumnElement[Any]) -> Keyset:
        """By ``(nullable, unique)``, the rows where ``nullable`` is NULL last, by ``unique``."""
        return cls(
            (
                Segment((nullable, unique), split=nullable),
                Segment((unique,), split=nullable, null=True),
            )
        )


@dataclass(frozen=True)
class Position:
    """Where a page starts: after (or before) the row with these sort values."""

    segment: int
    values: tuple[Any, ...]


@dataclass(frozen=True)
class PageRequest:
    """Which page: the first, or the rows after / before a position."""

    limit: int = DEFAULT_LIMIT
    after: Position | None = None
    before: Position | None = None

    @classmethod
    def parse(cls, cursor: str | None, limit: str | int | None) -> PageRequest:
        """From a request's ``cursor`` and ``limit``; InvalidInput names the bad one."""
        size = _limit(limit)
        if not cursor:
            return cls(size)
        direction, position = _decode(cursor)
        return cls(size, position, None) if direction == "a" else cls(size, None, position)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items, and cursors to the next and the previous page."""

    items: list[T]
    next_cursor: str | None = None
    previous_cursor: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def map(self, convert: Callable[[T], U]) -> Page[U]:
        return Page([convert(i) for i in self.items], self.next_cursor, self.previous_cursor)


def fetch_page(
    connection: Connection, query: Select[Any], keyset: Keyset, request: PageRequest
) -> Page[Row[Any]]:
    """The page of ``query``'s rows that ``request`` asks for, in ``keyset``'s order."""
    _check_fits(request, keyset)
    want = request.limit + 1
    if request.before is not None:
        rows = _walk(connection, query, keyset, request.before, want, forward=False)
        rows.reverse()
        more_before, rows = len(rows) > request.limit, rows[-request.limit :]
        if not rows:
            return Page([], _cursor("a", request.before), None)
        previous = _cursor("b", _position(keyset, rows[0])) if more_before else None
        return Page(rows, _cursor("a", _position(keyset, rows[-1])), previous)
    rows = _walk(connection, query, keyset, request.after, want, forward=True)
    more_after, rows = len(rows) > request.limit, rows[: request.limit]
    previous = None
    if request.after is not None:
        previous = _cursor("b", _position(keyset, rows[0]) if rows else request.after)
    following = _cursor("a", _position(keyset, rows[-1])) if more_after else None
    return Page(rows, following, previous)


def _walk(
    connection: Connection,
    query: Select[Any],
    keyset: Keyset,
    start: Position | None,
    want: int,
    *,
    forward: bool,
) -> list[Row[Any]]:
    """Up to ``want`` rows from ``start`` on (or back), segment by segment."""
    segments = list(enumerate(keyset.segments))
    if start is not None:
        segments = segments[start.segment :] if forward else segments[: start.segment + 1]
    if not forward:
        segments.reverse()
    rows: list[Row[Any]] = []
    for index, segment in segments:
        if len(rows) >= want:
            break
        where = segment.where()
        part = query if where is None else query.where(where)
        ascending = forward != segment.descending
        if start is not None and index == start.segment:
            key = tuple_(*segment.columns)
            pairs = zip(start.values, segment.columns, strict=True)
            bound = tuple_(*(literal(value, c.type) for value, c in pairs))
            part = part.where(key > bound if ascending else key < bound)
        order = [c.asc() if ascending else c.desc() for c in segment.columns]
        rows.extend(connection.execute(part.order_by(*order).limit(want - len(rows))))
    return rows


def _position(keyset: Keyset, row: Row[Any]) -> Position:
    index, segment = next((i, s) for i, s in enumerate(keyset.segments) if s.holds(row))
    return Position(index, tuple(row._mapping[c] for c in segment.columns))


def _check_fits(request: PageRequest, keyset: Keyset) -> None:
    """Refuse a position that is not of ``keyset`` (a cursor of another list, forged)."""
    for position in (request.after, request.before):
        if position is None:
            continue
        if position.segment >= len(keyset.segments):
            raise _bad_cursor()
        columns = keyset.segments[position.segment].columns
        if len(columns) != len(position.values) or not all(
            isinstance(v, c.type.python_type) for v, c in zip(position.values, columns, strict=True)
        ):
            raise _bad_cursor()


def _bad_cursor() -> InvalidInput:
    return InvalidInput("cursor is not one this list gave out", field="cursor")


def _limit(value: str | int | None) -> int:
    if value is None or value == "":
        return DEFAULT_LIMIT
    try:
        size = int(value)
    except ValueError:
        raise InvalidInput("limit must be a whole number", field="limit", limit=MAX_LIMIT) from None
    if not 1 <= size <= MAX_LIMIT:
        raise InvalidInput(
            f"limit must be between 1 and {MAX_LIMIT}", field="limit", limit=MAX_LIMIT
        )
    return size


def _cursor(direction: str, position: Position) -> str:
    values = [_jsonable(v) for v in position.values]
    text = json.dumps([direction, position.segment, values], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _jsonable(value: Any) -> Any:
    return {"t": value.isoformat()} if isinstance(value, datetime) else value


def _decode(cursor: str) -> tuple[str, Position]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        direction, segment, values = json.loads(raw)
        if direction not in ("a", "b") or not isinstance(segment, int) or segment < 0:
            raise ValueError(direction)
        return direction, Position(segment, tuple(_value(v) for v in values))
    except (ValueError, OverflowError, TypeError, KeyError, binascii.Error, UnicodeDecodeError):
        raise _bad_cursor() from None


def _value(value: Any) -> Any:
    if isinstance(value, dict):
        return ensure_utc(datetime.fromisoformat(value["t"]))  # naive: ValueError
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        return value
    raise ValueError(value)

"""Text the engine stores in a column of bounded length is checked before it is written.

PostgreSQL refuses a value longer than its ``VARCHAR(n)``, or any text holding a NUL
character, with a database error, which surfaced as a 500, while SQLite stores it, so
the two databases disagreed. Every such value that comes from a caller (an assignee,
an actor, a business key, a file or token name) is checked here first and refused as
an InvalidInput naming the field.
"""

from __future__ import annotations

from typing import Any

from engine.errors import InvalidInput

__all__ = ["check_fits", "column_length"]


def column_length(column: Any) -> int:
    """The length of a ``String(n)`` model column, e.g. ``HumanTask.assignee``."""
    return column.property.columns[0].type.length


def check_fits(value: str | None, column: Any, field: str) -> None:
    """Refuse ``value`` for ``field`` when it is longer than ``column`` holds, or has a NUL."""
    if value is not None and "\x00" in value:
        raise InvalidInput(f"{field} contains a NUL character", field=field, rule="nul")
    limit = column_length(column)
    if value is not None and len(value) > limit:
        raise InvalidInput(
            f"{field} is {len(value)} characters long; at most {limit} are allowed",
            field=field,
            rule="maxlength",
            limit=limit,
        )

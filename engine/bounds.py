"""Text the engine stores in a column of bounded length is checked before it is written.

PostgreSQL refuses a value longer than its ``VARCHAR(n)``, or any text holding a NUL
character, with a database error, which surfaced as a 500, while SQLite stores it, so
the two databases disagreed. Every such value that comes from a caller (an assignee,
an actor, a business key, a file or token name) is checked here first and refused as
an InvalidInput naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from engine.errors import InvalidInput

__all__ = ["check_fits", "column_length", "refuse_nul_parameters"]


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


def refuse_nul_parameters(parameters: Mapping[str, Any]) -> None:
    """Refuse a statement's parameters when a text among them has a NUL, naming the
    field the parameter stands for (``b_task_id`` and ``task_id_1`` are ``task_id``).

    PostgreSQL cannot hold NUL in text, nor even look it up: a task id, a process key
    or a user name with one failed inside the driver (a 500), while SQLite accepted
    it. :func:`check_fits` names the fields of the text the engine stores; this
    catches every other parameter, on both databases alike.
    """
    for name, value in parameters.items():
        if isinstance(value, str) and "\x00" in value:
            field = re.sub(r"^b_|_\d+$", "", name).replace("pk", "id")
            raise InvalidInput(f"{field} contains a NUL character", field=field, rule="nul")

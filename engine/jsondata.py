"""Task data as JSON can hold it: what scripts and callers may leave in an instance.

An instance's state is stored as JSON text, so every variable must survive a round
trip through it. A value that did not (a set, bytes, a generator, ``float('nan')``,
``10**5000``) used to fail only when the command saved the state: after the step
that made it, with nothing to tell a supervisor which variable was at fault. Values
are now converted or refused where they enter task data, naming the variable:

* converted, as JSON has an obvious form for them: tuples and sets become lists (a
  set sorted, so the order does not change from one run to the next), a
  ``datetime``, ``date`` or ``time`` its ISO text (as a ``date`` form field gives
  it, and as the plan's scripts already wrote ``now().isoformat()``; the
  ``add_working_days`` helper takes that text back), a UUID its text, integer keys
  of a dict text (which JSON would do anyway, but only once the state was reloaded);
* refused with :class:`Unstorable`: everything else (a ``timedelta`` too: write its
  ``total_seconds()``), NaN and infinities (JSON has none), integers too long to
  write as text, and nesting deeper than :data:`MAX_DEPTH` (which is also where a
  list that contains itself ends).

The state is written with plain ``json.dumps`` (``engine.runtime.loading``), which
knows none of SpiffWorkflow's own conversions of datetimes in task data.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any
from uuid import UUID

__all__ = ["MAX_DEPTH", "Unstorable", "json_ready", "json_ready_variables"]

MAX_DEPTH = 100
"""Levels of lists and dicts a variable may nest."""

_KEPT = (str, bool, type(None))
_ISO = (datetime, date, time)
_MAX_DIGITS = sys.get_int_max_str_digits() or 4300


class Unstorable(ValueError):
    """A value task data cannot hold; ``path`` says where, e.g. ``report['items'][2]``."""

    def __init__(self, path: str, kind: str) -> None:
        super().__init__(f"variable {path} holds {kind}, which task data (JSON) cannot hold")
        self.path = path
        self.kind = kind

    @property
    def variable(self) -> str:
        """The top-level variable the value is in."""
        return self.path.split("[", 1)[0]


def json_ready_variables(variables: Mapping[str, Any]) -> dict[str, Any]:
    """Every variable converted by :func:`json_ready`; the first that cannot be, refused."""
    return {name: json_ready(value, name) for name, value in variables.items()}


def json_ready(value: Any, path: str, depth: int = 0) -> Any:
    """``value`` in a form the stored state keeps (new lists and dicts), or :class:`Unstorable`.

    ``path`` names the value in the messages, e.g. the variable's name.
    """
    if depth > MAX_DEPTH:
        where = path.split("[", 1)[0]  # not a hundred [0]s
        raise Unstorable(where, f"data nested deeper than {MAX_DEPTH} levels (or itself)")
    kind = type(value)
    if kind in _KEPT:
        return value
    if kind is int:
        return _checked_int(value, path)
    if kind is float:
        if not math.isfinite(value):
            raise Unstorable(path, f"the number {value}")
        return value
    if kind in _ISO:
        return value.isoformat()
    if kind is UUID:
        return str(value)
    if isinstance(value, dict):
        return {
            _key(key, path): json_ready(v, f"{path}[{key!r}]", depth + 1)
            for key, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [json_ready(item, f"{path}[{n}]", depth + 1) for n, item in enumerate(value)]
    if isinstance(value, set | frozenset):
        return [
            json_ready(item, f"{path}[{n}]", depth + 1) for n, item in enumerate(_ordered(value))
        ]
    raise Unstorable(path, f"a value of type {type(value).__name__}")


def _checked_int(value: int, path: str) -> int:
    # bit_length is cheap, str() of a huge int is not; log10(2) = 0.30103
    if value.bit_length() * 0.30103 > _MAX_DIGITS:
        raise Unstorable(path, f"an integer of more than {_MAX_DIGITS} digits")
    return value


def _key(key: Any, path: str) -> str:
    if type(key) is str:
        return key
    if type(key) is int:
        return str(_checked_int(key, path))
    raise Unstorable(path, f"a dict with a key of type {type(key).__name__} ({key!r:.40})")


def _ordered(items: set[Any] | frozenset[Any]) -> list[Any]:
    try:
        return sorted(items)
    except TypeError:  # mixed types: still one order for every run
        return sorted(items, key=lambda item: (type(item).__name__, repr(item)))

"""An incident's error in the words of the page's language, and the variables form.

The engine's message is the library's own (``ZeroDivisionError: division by zero
(line 2)``): exact, and kept on the page for whoever fixes the definition, but not
what a supervisor reads first. :func:`explain` says what kind of failure it was and
what fixing the data can do about it. :func:`read_variables` turns the incident
page's form (one JSON text per variable) into the values a retry sets.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext

from engine.jsondata import MAX_DEPTH, Unstorable, json_ready

__all__ = ["VariablesForm", "explain", "read_variables", "variable_text"]

_OUT_OF_RANGE = lazy_gettext("a date lies beyond the years 1 to 9999 it can be in.")
_KINDS = (
    ("ZeroDivisionError", lazy_gettext("a division by zero: a value the step divides by is 0.")),
    ("is not defined", lazy_gettext("the step reads a variable the instance does not have.")),
    ("KeyError", lazy_gettext("the step looks up an entry that a variable does not hold.")),
    ("IndexError", lazy_gettext("the step reads past the end of a list.")),
    ("TypeError", lazy_gettext("a variable holds a value of the wrong kind for the step.")),
    ("ValueError", lazy_gettext("a variable holds a value the step cannot use.")),
    ("cannot hold", lazy_gettext("the step made a value that task data (JSON) cannot store.")),
    ("connector", lazy_gettext("a call to another system failed.")),
    ("outside the dates", _OUT_OF_RANGE),
    ("date value out of range", _OUT_OF_RANGE),  # SpiffWorkflow's timers, in Python's words
    ("timer", lazy_gettext("a timer's date or duration is not one.")),
)


def explain(message: str) -> str:
    """What kind of failure ``message`` reports, in the page's language."""
    for marker, words in _KINDS:
        if marker in message:
            return str(words)
    return _("the step failed while running.")


def variable_text(value: Any) -> str:
    """A variable as the form shows it: JSON, accents as they are."""
    return json.dumps(value, ensure_ascii=False, indent=1)


@dataclass
class VariablesForm:
    """What the incident form sent: the changed values, the texts typed, the errors."""

    changes: dict[str, Any] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def read_variables(
    form: Mapping[str, str], current: Mapping[str, Any], max_bytes: int
) -> VariablesForm:
    """The values of ``form`` (``var:<name>`` fields, plus ``new_name``/``new_value``)
    that differ from ``current``; each must be JSON, at most ``max_bytes`` long, and a
    value task data can hold."""
    read = VariablesForm()
    typed = {key[4:]: text for key, text in form.items() if key.startswith("var:")}
    new_name = form.get("new_name", "").strip()
    if new_name:
        typed[new_name] = form.get("new_value", "")
    for name, text in typed.items():
        read.texts[name] = text
        try:
            value = _parsed(text, name, max_bytes)
        except ValueError as exc:
            read.errors[name] = str(exc)
            continue
        if name not in current or current[name] != value:
            read.changes[name] = value
    return read


def _parsed(text: str, name: str, max_bytes: int) -> Any:
    if len(text.encode()) > max_bytes:
        raise ValueError(_("%(name)s: at most %(limit)s bytes.", name=name, limit=max_bytes))
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise ValueError(
            _('%(name)s: write a JSON value, e.g. 4, "text", [1, 2] or {"a": 1}.', name=name)
        ) from None
    try:
        return json_ready(value, name)
    except (Unstorable, RecursionError):
        raise ValueError(
            _(
                "%(name)s: task data cannot hold this value (no NaN or infinity, at most "
                "%(depth)s levels of nesting).",
                name=name,
                depth=MAX_DEPTH,
            )
        ) from None

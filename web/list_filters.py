"""The filters of the task and instance lists, read from the query string.

The API and the pages take the same parameters, so a filtered list is a URL that can
be bookmarked or sent. Tasks: ``scope`` (``mine``: claimed by or assigned to me;
``units``: my units'; ``all``: every unit, supervisors only; by default everything
the caller may see), ``unit``, ``assignee`` (a username, ``mine`` or ``unassigned``),
``process_key``, ``plan_task`` (``I.3``), ``cycle`` (``2023``, ``2023-H1``), ``status``
(``open`` by default, ``completed``, ``cancelled``, ``all``), ``overdue=true``,
``due_before`` / ``due_after``, ``business_key``, ``q`` (words). Instances:
``process_key``, ``plan_task``, ``cycle``, ``status``, ``has_incident=true``,
``started_after`` / ``started_before``, ``business_key``, ``q``.

A date without a time is midnight in Hà Nội; a time without a zone is Hà Nội's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import request

from engine.calendar import local_moment
from engine.errors import Forbidden, InvalidInput
from engine.instance_labels import CYCLE, PLAN_TASK_CODE
from engine.instance_lists import InstanceFilter
from engine.task_lists import TaskFilter
from web import policy
from web.auth import Caller
from web.i18n import INSTANCE_STATUSES

__all__ = [
    "INSTANCE_PARAMETERS",
    "TASK_PARAMETERS",
    "TASK_SCOPES",
    "TASK_STATUSES",
    "instance_filter",
    "task_filter",
]

TASK_STATUSES = ("open", "completed", "cancelled", "all")
TASK_SCOPES = ("mine", "units", "all")


MAX_TEXT = 500
"""The longest filter text or search accepted; longer is a 422 on that field."""
_TEXT: dict[str, Any] = {"type": "string", "maxLength": MAX_TEXT}
_MOMENT: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "format": "date"},
        {"type": "string", "format": "date-time"},
        {"type": "string", "maxLength": 0},
    ],
    "description": "a date or date-time (ISO 8601; Hà Nội time when it has no zone); empty: any",
}


def _one_of(values: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """A choice; empty (as a page's filter form sends an unchosen one) means any."""
    return {"type": "string", "enum": [*values, ""], "description": "empty: any"}


_TRUE = _one_of(["true", "false"])
_COMMON: dict[str, dict[str, Any]] = {
    "process_key": _TEXT,
    "plan_task": {
        "type": "string",
        "pattern": f"^(?:{PLAN_TASK_CODE.pattern})?$",
        "description": "a task code of the plan, e.g. I.3; empty: any",
    },
    "cycle": {
        "type": "string",
        "pattern": f"^(?:{CYCLE.pattern})?$",
        "description": "a year (2023) or a half-year (2023-H1); empty: any",
    },
    "business_key": _TEXT,
    "q": {"type": "string", "maxLength": MAX_TEXT, "description": "words, accents optional"},
}
TASK_PARAMETERS: dict[str, dict[str, Any]] = {
    "scope": _one_of(TASK_SCOPES),
    "unit": _TEXT,
    "assignee": {**_TEXT, "description": "a username, mine or unassigned"},
    "status": _one_of(TASK_STATUSES),
    "overdue": _TRUE,
    "due_before": _MOMENT,
    "due_after": _MOMENT,
    **_COMMON,
}
"""What :func:`task_filter` reads, as the OpenAPI document declares it."""
INSTANCE_PARAMETERS: dict[str, dict[str, Any]] = {
    "status": _one_of(INSTANCE_STATUSES),
    "has_incident": _TRUE,
    "started_after": _MOMENT,
    "started_before": _MOMENT,
    **_COMMON,
}


def task_filter(who: Caller, default_scope: str | None = None) -> TaskFilter:
    """The tasks the request asks for, within what ``who`` may see."""
    scope = _choice("scope", TASK_SCOPES) or default_scope
    every = policy.sees_every_task(who)
    if scope == "all" and not every:
        raise Forbidden(
            "only supervisors list every unit's tasks", reason="all_units", username=who.username
        )
    unit = _text("unit")
    if unit is not None and not (every or who.works_for(unit)):
        raise Forbidden(f"you do not work for unit {unit}", reason="not_your_unit", unit=unit)
    status = _choice("status", TASK_STATUSES) or "open"
    assignee = _text("assignee")
    return TaskFilter(
        visible_units=None if every and scope != "units" else tuple(who.user.units),
        visible_user=None if scope == "units" else who.username,
        unit=unit,
        assignee=who.username if scope == "mine" or assignee == "mine" else _named(assignee),
        unassigned=assignee == "unassigned",
        process_key=_text("process_key"),
        plan_task=_text("plan_task"),
        cycle=_text("cycle"),
        status=None if status == "all" else status,
        overdue=_flag("overdue"),
        due_before=_moment("due_before"),
        due_after=_moment("due_after"),
        business_key=_text("business_key"),
        text=_text("q"),
    )


def instance_filter() -> InstanceFilter:
    return InstanceFilter(
        process_key=_text("process_key"),
        plan_task=_text("plan_task"),
        cycle=_text("cycle"),
        status=_choice("status", INSTANCE_STATUSES),
        has_incident=_flag("has_incident"),
        started_after=_moment("started_after"),
        started_before=_moment("started_before"),
        business_key=_text("business_key"),
        text=_text("q"),
    )


def _named(assignee: str | None) -> str | None:
    return None if assignee in (None, "mine", "unassigned") else assignee


def _text(name: str) -> str | None:
    value = request.args.get(name, "")
    if len(value) > MAX_TEXT:  # as sent: the document's maxLength counts every character
        raise InvalidInput(f"{name} is too long", field=name, rule="maxlength", limit=MAX_TEXT)
    return value.strip() or None


def _choice(name: str, allowed: tuple[str, ...]) -> str | None:
    value = _text(name)
    if value is not None and value not in allowed:
        options = ", ".join(allowed)
        raise InvalidInput(
            f"{name} must be one of {options}", field=name, rule="one_of", options=options
        )
    return value


def _flag(name: str) -> bool:
    return _choice(name, ("true", "false")) == "true"


def _moment(name: str) -> datetime | None:
    value = _text(name)
    if value is None:
        return None
    try:
        return local_moment(value.upper())  # RFC 3339 allows a lower-case t and z
    except ValueError:
        raise InvalidInput(
            f"{name} must be an ISO 8601 date or date-time", field=name, rule="iso_date"
        ) from None
    except OverflowError:  # 0001-01-01 in Hà Nội falls before the first year in UTC
        raise InvalidInput(
            f"{name} is outside the dates a list can hold", field=name, rule="date_range"
        ) from None

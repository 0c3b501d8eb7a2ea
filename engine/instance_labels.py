"""What lists filter and search instances by, written once when an instance starts.

* ``title``: the variable ``title`` (a one-off plan task's wording), else the
  process's name;
* ``plan_task``: the plan's task codes the instance works on (``processes/plan_tasks.yaml``),
  stored as ``,I.8,I.9,`` so that one code is found with ``LIKE '%,I.8,%'``: the variable
  ``task_code``, else the process's ``plan_task`` property (``camunda:properties``);
* ``period_start``: the start of the period a periodic instance is for (its cycle: a
  late start still belongs to its period), else when it started.

A cycle is named ``2023`` (a year) or ``2023-H1`` / ``2023-H2`` (a half-year), in
Hà Nội time; :func:`cycle_bounds` turns the name into the range of ``period_start``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from engine.calendar import TIMEZONE
from engine.errors import InvalidInput

__all__ = [
    "CYCLE",
    "PLAN_TASK_CODE",
    "cycle_bounds",
    "instance_labels",
    "plan_task_pattern",
    "stored_plan_tasks",
]

CYCLE = re.compile(r"((?:19|20|21)\d\d)(?:-H([12]))?")
"""A cycle's name: a year (``2023``) or a half-year (``2023-H1``)."""
PLAN_TASK_CODE = re.compile(r"[A-Z]{1,4}\.\d{1,3}")
"""A task code of the plan (``I.3``, ``II.4``)."""


def instance_labels(
    meta: Mapping[str, Any], process_name: str | None, variables: Mapping[str, Any], now: datetime
) -> dict[str, Any]:
    """The label columns of a new instance's row."""
    title = variables.get("title")
    if not (isinstance(title, str) and title):
        title = process_name
    codes = variables.get("task_code")
    if not isinstance(codes, str):
        codes = (meta.get("properties") or {}).get("plan_task")
    found = PLAN_TASK_CODE.findall(codes) if isinstance(codes, str) else []
    return {
        "title": title[:255] if title else None,
        "plan_task": f",{','.join(found[:10])}," if found else None,
        "period_start": _period_start(variables.get("period_start")) or now,
    }


def stored_plan_tasks(column: str | None) -> list[str]:
    """The codes of an instance's ``plan_task`` column: ``,I.8,I.9,`` -> I.8 and I.9."""
    return [code for code in (column or "").split(",") if code]


def plan_task_pattern(code: str) -> str:
    """The LIKE pattern of instances working on plan task ``code`` (``I.3``)."""
    if not PLAN_TASK_CODE.fullmatch(code):
        raise InvalidInput("plan_task is a code of the plan such as I.3 or II.4", field="plan_task")
    return f"%,{code},%"


def cycle_bounds(cycle: str) -> tuple[datetime, datetime]:
    """``[start, end)`` of the cycle ``2023``, ``2023-H1`` or ``2023-H2`` (Hà Nội time)."""
    match = CYCLE.fullmatch(cycle)
    if match is None:
        raise InvalidInput("cycle is a year (2023) or a half-year (2023-H1)", field="cycle")
    year, half = int(match.group(1)), match.group(2)
    if half is None:
        return _local(year, 1), _local(year + 1, 1)
    if half == "1":
        return _local(year, 1), _local(year, 7)
    return _local(year, 7), _local(year + 1, 1)


def _local(year: int, month: int) -> datetime:
    return datetime(year, month, 1, tzinfo=TIMEZONE)


def _period_start(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None

"""Who a human task is for and when it is due, decided when the task opens, and its row.

A task's unit comes from ``camunda:candidateGroups`` (a unit code, or an expression
such as ``${unit}`` inside a multi-instance), failing that from its lane. Due dates
are ``camunda:dueDate``: an ISO date-time (a naive one is Asia/Ho_Chi_Minh wall-clock
time, as designers mean it), an ISO duration from the moment the task opens, or an
expression returning either or a datetime. Evaluated once, then stored on the row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from sqlalchemy.orm import Session

from engine.bounds import check_fits
from engine.definitions.dialect import expression_of, unit_from_lane
from engine.models import HumanTask
from engine.runtime.incidents import raise_incident
from engine.runtime.projection import ReadyTask
from engine.runtime.unit_of_work import UnitOfWork

__all__ = [
    "FirstInLine",
    "TaskAttributes",
    "human_task_row",
    "nobody_first",
    "parse_moment",
    "resolve_task_attributes",
]

LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

FirstInLine = Callable[[Session, str | None], str | None]
"""Who a task of a unit (or of no unit) opens assigned to, if anyone, read in the
command's session."""


def nobody_first(session: Session, unit: str | None) -> str | None:
    """No one is first in line: every task opens for its whole unit."""
    return None


@dataclass(frozen=True)
class TaskAttributes:
    unit: str | None
    assignee: str | None
    due_at: datetime | None
    follow_up_at: datetime | None


def resolve_task_attributes(
    meta: dict[str, Any], task: Any, lane: str | None, now: datetime
) -> TaskAttributes:
    unit = _text(meta.get("candidate_groups"), task) or unit_from_lane(lane)
    return TaskAttributes(
        unit=unit.split(",")[0].strip() if unit else None,
        assignee=_text(meta.get("assignee"), task),
        due_at=_moment(meta.get("due_date"), task, now, "dueDate"),
        follow_up_at=_moment(meta.get("follow_up_date"), task, now, "followUpDate"),
    )


def _evaluate(raw: str, task: Any) -> Any:
    body = expression_of(raw)
    if body is None:
        return raw.strip()
    return task.workflow.script_engine.evaluate(task, body)


def _text(raw: str | None, task: Any) -> str | None:
    if not raw:
        return None
    value = _evaluate(raw, task)
    return str(value) if value not in (None, "") else None


def _moment(raw: str | None, task: Any, now: datetime, attribute: str) -> datetime | None:
    if not raw:
        return None
    value = _evaluate(raw, task)
    try:
        return parse_moment(value, now)
    except OverflowError:  # 0001-01-01 in Hà Nội falls before the first year in UTC
        raise ValueError(f"{attribute} {value} is outside the dates that can be stored") from None


def parse_moment(value: Any, now: datetime) -> datetime | None:
    """A due moment from a datetime, a date (local midnight), ISO text or an ISO duration."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=LOCAL_ZONE)
        return aware.astimezone(UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), LOCAL_ZONE).astimezone(UTC)
    text = str(value).strip()
    if text.upper().startswith("P"):
        duration = TimerEventDefinition.parse_iso_duration(text)
        return now + TimerEventDefinition.get_timedelta_from_start(duration, now)
    return parse_moment(datetime.fromisoformat(text), now)


def human_task_row(
    work: UnitOfWork, ready: ReadyTask, first_in_line: FirstInLine = nobody_first
) -> dict[str, Any]:
    """The row of a human task that became ready; an assignee, unit or due-date
    expression that fails opens it anyway, without what failed, and raises an incident
    at it. The unit is kept if it can be: without one, the task is in no unit's inbox.
    A task the BPMN assigns to no one opens assigned to whoever is ``first_in_line``
    for its unit (its focal person), if anyone."""
    meta = work.compiled.task_meta(ready.element_id)
    try:
        attributes = _checked_attributes(meta, ready, work.now)
    except Exception as exc:  # a bad expression: open it, flag it
        raise_incident(work, exc, ready.task)
        try:
            unit_only = {"candidate_groups": meta.get("candidate_groups")}
            attributes = _checked_attributes(unit_only, ready, work.now)
        except Exception:  # the unit was what failed
            attributes = resolve_task_attributes({}, ready.task, ready.lane, work.now)
    return {
        "id": ready.task_id,
        "instance_id": work.instance.id,
        "process_key": work.instance.process_key,
        "element_id": ready.element_id,
        "name": ready.name,
        "unit": attributes.unit,
        "assignee": attributes.assignee or first_in_line(work.session, attributes.unit),
        "status": "open",
        "form": {
            "fields": meta.get("form", []),
            "rules": meta.get("rules", []),
            "documentation": meta.get("documentation", ""),
        },
        "created_at": work.now,
        "due_at": attributes.due_at,
        "follow_up_at": attributes.follow_up_at,
        "claimed_at": None,
        "completed_at": None,
        "completed_by": None,
    }


def _checked_attributes(meta: dict[str, Any], ready: ReadyTask, now: datetime) -> TaskAttributes:
    attributes = resolve_task_attributes(meta, ready.task, ready.lane, now)
    check_fits(attributes.unit, HumanTask.unit, "unit")
    check_fits(attributes.assignee, HumanTask.assignee, "assignee")
    return attributes

"""The next firings of a timer as drawn, for the modeler's preview.

The same reading as the scheduler's (``engine.periodic.parse_schedule`` for dates and
cycles, ``engine.durations`` for durations), so the preview cannot promise what the
engine would not do. A timer written as an expression (``${…}``) depends on an
instance's data and has no preview.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from engine.calendar import WorkCalendar, to_local
from engine.definitions.dialect import expression_of
from engine.durations import parse_duration
from engine.errors import InvalidInput
from engine.periodic import parse_schedule

__all__ = ["TIMER_KINDS", "Firing", "next_firings"]

TIMER_KINDS = ("timeDate", "timeDuration", "timeCycle")


@dataclass(frozen=True)
class Firing:
    at: datetime
    """In UTC; the pages show it on the Hà Nội clock."""
    is_working_day: bool
    """Whether the Hà Nội date of ``at`` is a working day."""


def next_firings(
    kind: str, text: str, now: datetime, calendar: WorkCalendar, count: int = 5
) -> list[Firing]:
    """Up to ``count`` firings after ``now``; InvalidInput names ``kind`` or ``text``."""
    if kind not in TIMER_KINDS:
        raise InvalidInput(f"kind: {kind!r} is not one of {', '.join(TIMER_KINDS)}", field="kind")
    if expression_of(text) is not None:
        raise InvalidInput(
            "text: an expression depends on the instance's data; no preview",
            field="text",
            rule="expression",
        )
    moments = _moments(kind, text.strip(), now, count)
    return [
        Firing(at.astimezone(UTC), calendar.is_working_day(to_local(at).date())) for at in moments
    ]


def _moments(kind: str, text: str, now: datetime, count: int) -> list[datetime]:
    if kind == "timeDuration":
        return [now + parse_duration(text, field="text")]
    schedule = parse_schedule({"kind": kind, "element_id": "text"}, text, now)
    moments: list[datetime] = []
    since = now
    while len(moments) < count and (moment := schedule.next_start(since)) is not None:
        moments.append(moment)
        since = moment + timedelta(seconds=1)
    return moments

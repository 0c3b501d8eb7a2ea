"""The functions a process's scripts and expressions may call, bound to the engine's clock.

Deadlines in the plan are Vietnamese wall-clock dates and working days, so designers
write ``${local_deadline(year, 12, 25)}`` or ``${add_working_days(ready_at, 1)}``
instead of doing time-zone arithmetic in BPMN. Who gets a task is the organisation's
business, so ``${units_of("DBO")}`` and ``${owner_of(database)}`` read it from
``processes/units.yaml`` rather than from unit lists copied into each diagram.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from engine.calendar import WorkCalendar, local_deadline, local_moment, to_local
from engine.clock import Clock
from engine.units import Organisation

__all__ = ["FUNCTION_NAMES", "script_functions"]

FUNCTION_NAMES = frozenset(
    {
        "now",
        "add_working_days",
        "local_deadline",
        "end_of_working_day",
        "local_time",
        "units_of",
        "owner_of",
    }
)
"""The names :func:`script_functions` gives, for the deploy-time checks of scripts."""


def script_functions(
    clock: Clock, work_calendar: WorkCalendar, organisation: Organisation | None = None
) -> dict[str, Callable[..., Any]]:
    organisation = organisation or Organisation()

    def now() -> datetime:
        return clock.now()

    def add_working_days(moment: datetime | date | str, days: int) -> datetime:
        return work_calendar.add_working_days_at(local_moment(moment), days)

    def end_of_working_day(moment: datetime | date | str, days: int = 0) -> datetime:
        return work_calendar.end_of_working_day(to_local(local_moment(moment)).date(), days)

    def deadline(
        year: int, month: int, day: int, hour: int | None = None, minute: int = 0
    ) -> datetime:
        return local_deadline(year, month, day, hour, minute, calendar=work_calendar)

    return {
        "now": now,
        "add_working_days": add_working_days,
        "local_deadline": deadline,
        "end_of_working_day": end_of_working_day,
        "local_time": to_local,
        "units_of": lambda code: list(organisation.expand(code)),
        "owner_of": organisation.owner_of,
    }

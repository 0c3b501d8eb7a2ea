"""Offsets written in BPMN properties: ISO 8601 durations and working days.

Cycles (``P6M``), reminders (``P2D``, ``PT4H``) and escalation intervals (``2WD``) are
written by designers as text. Calendar months are kept as months (``relativedelta``),
not turned into a fixed number of days: six months after 1 January is 1 July, and six
months after that is 1 January again, with no drift (Spiff's own cycle timers add a
fixed number of seconds per cycle, so they drift).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from dateutil.relativedelta import relativedelta

from engine.calendar import WorkCalendar
from engine.errors import InvalidInput

__all__ = ["Offset", "parse_duration", "parse_offset"]

_ISO_DURATION = re.compile(
    r"^P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)
_WORKING_DAYS = re.compile(r"^(?P<n>\d+)\s*WD$")


def parse_duration(text: str, *, field: str = "duration") -> relativedelta:
    """An ISO 8601 duration such as ``P6M`` or ``PT4H``; InvalidInput names ``field``."""
    match = _ISO_DURATION.match(text.strip().upper())
    if match is None or text.strip().upper() in {"P", "PT"}:
        raise InvalidInput(f"{field}: {text!r} is not an ISO 8601 duration", field=field)
    part = {name: int(value or 0) for name, value in match.groupdict().items()}
    return relativedelta(
        years=part["years"],
        months=part["months"],
        weeks=part["weeks"],
        days=part["days"],
        hours=part["hours"],
        minutes=part["minutes"],
        seconds=part["seconds"],
    )


@dataclass(frozen=True)
class Offset:
    """A distance in time: either calendar time or a number of working days."""

    duration: relativedelta | None = None
    working_days: int = 0

    def before(self, moment: datetime, calendar: WorkCalendar) -> datetime:
        if self.duration is not None:
            return moment - self.duration
        return calendar.add_working_days_at(moment, -self.working_days)

    def after(self, moment: datetime, calendar: WorkCalendar, times: int = 1) -> datetime:
        if self.duration is not None:
            return moment + self.duration * times
        return calendar.add_working_days_at(moment, self.working_days * times)


def parse_offset(text: str, *, field: str) -> Offset:
    """``3WD`` (working days, Vietnam's calendar) or an ISO duration (``P3D``, ``PT4H``)."""
    match = _WORKING_DAYS.match(text.strip().upper())
    if match is not None:
        return Offset(working_days=int(match.group("n")))
    return Offset(duration=parse_duration(text, field=field))

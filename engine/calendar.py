"""Vietnam working days, for the deadlines of the plan.

The plan counts in working days ("publish within 1 working day after the service is
ready", "5 working days before 25 December"), and a working day in Vietnam is not just
Monday to Friday: Tết and the other statutory holidays are days off, and each year the
government bridges some holidays with a weekday off that civil servants repay on a
Saturday ("ngày làm bù"). Statutory holidays come from the ``holidays`` package; the
announced swaps live in ``processes/calendar.yaml`` so an administrator can add next
year's days without a release.

Everything here is pure except :func:`load_calendar`, and nothing reads the current
time: callers pass it in (see :mod:`engine.clock`).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays
import yaml

from engine.clock import ensure_utc
from engine.errors import InvalidInput

__all__ = [
    "DEFAULT_YEARS",
    "END_OF_WORKING_DAY",
    "TIMEZONE",
    "WorkCalendar",
    "load_calendar",
    "local_deadline",
    "local_moment",
    "to_local",
]

log = logging.getLogger(__name__)

TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_YEARS = range(2020, 2031)

END_OF_WORKING_DAY = time(17, 0)
"""When a ministry working day ends (Hà Nội): a deadline given as a date means this."""

_SECTIONS = ("extra_holidays", "removed_holidays", "working_weekends")
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class WorkCalendar:
    """Which local dates are working days for the ministry's civil servants.

    A date in ``holidays`` is a day off even on a weekday; a date in
    ``working_weekends`` is a working Saturday or Sunday. A date in both is a day off:
    a holiday always wins. ``years`` lists the years whose holidays were loaded. A
    date of another year (a cycle that outlives the plan, a deadline in 2031) falls
    back to the ``holidays`` package's statutory days alone, with one warning per year:
    its bridge days are not announced yet, but its Tết must not be ignored, and a
    deadline must not turn into an error. An empty ``years`` disables the fallback
    (for hand-built calendars).
    """

    holidays: frozenset[date]
    working_weekends: frozenset[date] = frozenset()
    names: Mapping[date, str] = field(default_factory=dict, compare=False, repr=False)
    years: frozenset[int] = frozenset()
    _statutory_beyond: dict[int, frozenset[date]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    _beyond_lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, compare=False, repr=False
    )

    def is_working_day(self, day: date) -> bool:
        if day in self.holidays or day in self._statutory_days_beyond_years(day.year):
            return False
        return day in self.working_weekends or day.weekday() < 5

    def _statutory_days_beyond_years(self, year: int) -> frozenset[date]:
        """The package's holidays of a year that was not loaded (empty for loaded years)."""
        if not self.years or year in self.years:
            return frozenset()
        with self._beyond_lock:
            if year not in self._statutory_beyond:
                log.warning(
                    "working-day calendar: %s is beyond the loaded years %s-%s; using the "
                    "statutory holidays of the holidays package alone (add the government's "
                    "announced swaps for %s to calendar.yaml and its years to DEFAULT_YEARS)",
                    year,
                    min(self.years),
                    max(self.years),
                    year,
                )
                official = holidays.country_holidays("VN", years=year)
                self._statutory_beyond[year] = frozenset(official)
            return self._statutory_beyond[year]

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        day += _ONE_DAY
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before ``day``."""
        day -= _ONE_DAY
        while not self.is_working_day(day):
            day -= _ONE_DAY
        return day

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (before it when ``n`` is negative).

        ``start`` itself is never counted, so "+1" from a Friday is the next Monday
        unless that Monday is a holiday, and "+1" from a Saturday is also that Monday:
        both mean "by the end of the first working day after the event". ``n == 0``
        rolls a deadline that falls on a day off forward to the next working day.
        """
        if n == 0:
            return start if self.is_working_day(start) else self.next_working_day(start)
        step = self.next_working_day if n > 0 else self.previous_working_day
        day = start
        for _ in range(abs(n)):
            day = step(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """The ``n`` for which ``add_working_days(start, n) == end`` when ``end`` is a
        working day: the working days in ``(start, end]``, or minus those in
        ``[end, start)`` when ``end`` comes first.
        """
        if end < start:
            return -self._count(end, start)
        return self._count(start + _ONE_DAY, end + _ONE_DAY)

    def end_of_working_day(self, day: date, n: int = 0) -> datetime:
        """17:00 Hà Nội, in UTC, on the ``n``-th working day after ``day`` (see
        :meth:`add_working_days`): "by the end of the 15th working day of the period",
        or with ``n == -1`` "before that date"."""
        working_day = self.add_working_days(day, n)
        return datetime.combine(working_day, END_OF_WORKING_DAY, TIMEZONE).astimezone(UTC)

    def add_working_days_at(self, moment: datetime, n: int) -> datetime:
        """:meth:`add_working_days` for an aware moment, returned in UTC.

        Days are counted on the Vietnamese local date: 18:00 UTC on a Friday is already
        Saturday in Hà Nội. The local time of day is kept, so "16:30 plus 2 working
        days" is 16:30 local time on that day.
        """
        local = to_local(moment)
        day = self.add_working_days(local.date(), n)
        return datetime.combine(day, local.timetz()).astimezone(UTC)

    def _count(self, first: date, stop: date) -> int:
        days = (first + timedelta(days=offset) for offset in range((stop - first).days))
        return sum(1 for day in days if self.is_working_day(day))


def to_local(moment: datetime) -> datetime:
    """``moment`` on the Hà Nội wall clock; naive datetimes are refused (ValueError)."""
    return ensure_utc(moment).astimezone(TIMEZONE)


def local_deadline(
    year: int,
    month: int,
    day: int,
    hour: int | None = None,
    minute: int = 0,
    *,
    calendar: WorkCalendar,
) -> datetime:
    """The UTC moment of a deadline the plan gives as a Vietnamese date.

    The plan writes "trước 25/12" (before 25 December). A date alone therefore means
    **by the end of the last working day before it**: 17:00 Hà Nội on Friday 24/12/2021
    (25/12 is a Saturday), not 25/12 00:00, which fell on a weekend and left an urge
    task running from Saturday to Monday with no working time in it. 17:00, not
    23:59, because that is when the ministry's offices close: a report has to reach the
    receiving office while it is open, and reminders and escalations counted in working
    days from the deadline keep its time of day, so they land in office hours too.
    With ``hour`` (and ``minute``) the deadline is that wall-clock time on that date.
    """
    if hour is None:
        return calendar.end_of_working_day(date(year, month, day), -1)
    return datetime(year, month, day, hour, minute, tzinfo=TIMEZONE).astimezone(UTC)


def local_moment(value: datetime | date | str) -> datetime:
    """A moment a process was given, in UTC: an aware datetime or ISO text with its
    offset as it is; a date-time without an offset on the Hà Nội wall clock; a date
    without a time (``live_at: 2024-03-01``) as the start of that day in Hà Nội."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip())
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=TIMEZONE)
    return value.astimezone(UTC)


def load_calendar(path: Path | None = None, years: Iterable[int] | None = None) -> WorkCalendar:
    """The statutory holidays of ``years`` plus the overrides in ``path``.

    The path is a parameter because ``processes/calendar.yaml`` sits next to the
    repository, not inside the installed package; it defaults to ``$GOVFLOW_CALENDAR``
    or ``processes/calendar.yaml``. A missing file means no overrides.
    """
    if path is None:
        path = Path(os.environ.get("GOVFLOW_CALENDAR", "processes/calendar.yaml"))
    wanted = frozenset(DEFAULT_YEARS if years is None else years)
    overrides = _read_overrides(path)
    official = holidays.country_holidays("VN", years=sorted(wanted), language="vi")
    names = {**official, **overrides["extra_holidays"]}
    _remove_holidays(names, overrides["removed_holidays"], wanted)
    return WorkCalendar(
        holidays=frozenset(names),
        working_weekends=frozenset(overrides["working_weekends"]),
        names=MappingProxyType(names),
        years=wanted,
    )


class _TextDatesLoader(yaml.SafeLoader):
    """Keeps dates as text, so a bad date is reported with its field, not as a crash."""


def _date_as_text(loader: _TextDatesLoader, node: yaml.Node) -> str:
    return loader.construct_yaml_str(node)


_TextDatesLoader.add_constructor("tag:yaml.org,2002:timestamp", _date_as_text)


def _read_overrides(path: Path) -> dict[str, dict[date, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    try:
        document = yaml.load(text, Loader=_TextDatesLoader)
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path} is not valid YAML: {exc}", field="calendar") from exc
    return _parse_document(document or {})


def _parse_document(document: object) -> dict[str, dict[date, str]]:
    if not isinstance(document, dict):
        raise InvalidInput("the calendar file must map section names", field="calendar")
    unknown = sorted(str(key) for key in document if key not in _SECTIONS)
    if unknown:
        expected = ", ".join(_SECTIONS)
        message = f"unknown section {unknown[0]!r}; expected {expected}"
        raise InvalidInput(message, field=unknown[0])
    return {section: _parse_section(section, document.get(section) or {}) for section in _SECTIONS}


def _parse_section(section: str, entries: object) -> dict[date, str]:
    if not isinstance(entries, dict):
        message = f"{section} must map dates (YYYY-MM-DD) to a reason"
        raise InvalidInput(message, field=section)
    return dict(_parse_entry(section, key, reason) for key, reason in entries.items())


def _parse_entry(section: str, key: object, reason: object) -> tuple[date, str]:
    name = f"{section}.{key}"
    day = _parse_date(key, name)
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput(f"{name}: give the reason and its source decision", field=name)
    if section == "working_weekends" and day.weekday() < 5:
        raise InvalidInput(f"{name}: {day:%A} is already a working day", field=name)
    return day, reason.strip()


def _parse_date(key: object, name: str) -> date:
    try:
        day = date.fromisoformat(key) if isinstance(key, str) else None
    except ValueError:
        day = None
    if day is None or day.isoformat() != key:
        raise InvalidInput(f"{name}: not a date written YYYY-MM-DD", field=name)
    return day


def _remove_holidays(
    names: dict[date, str], removed: Mapping[date, str], years: frozenset[int]
) -> None:
    """Drops ``removed`` from ``names``; removing a day that is not off is a typo."""
    for day in removed:
        if day.year in years and names.pop(day, None) is None:
            name = f"removed_holidays.{day.isoformat()}"
            raise InvalidInput(f"{name}: {day} is not a holiday", field=name)

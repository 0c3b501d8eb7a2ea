"""Periodic processes: one new instance per period of a timer start event.

SpiffWorkflow loops a cycle start event inside the one instance it started (SPIFF.md),
so an instance of "review the catalogue every 6 months" would live for years. govflow
reads the start event's cycle itself and starts ONE instance per period. Each period
is recorded in ``started_period`` (unique per process and period start) in the same
transaction as its instance, so any number of schedulers start it exactly once.

Only periods that begin at or after the process's first deployment count. Periods
missed while no scheduler ran are handled by the catch-up policy (setting
``GOVFLOW_CATCH_UP``): ``each`` starts every missed period once, marked late;
``latest`` starts only the most recent and records the older ones as skipped;
``none`` skips them all. A new version takes over the periods that have not started.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine import sandbox
from engine.calendar import to_local
from engine.durations import parse_duration
from engine.errors import GovflowError, InvalidInput
from engine.models import Event, ProcessDefinition, StartedPeriod
from engine.runtime import Runtime
from engine.settings import Settings
from engine.store import Database

__all__ = ["CATCH_UP_POLICIES", "Period", "PeriodStarter", "Schedule", "parse_schedule"]

log = logging.getLogger(__name__)

CATCH_UP_POLICIES = ("each", "latest", "none")


@dataclass(frozen=True)
class Period:
    index: int
    start: datetime
    end: datetime | None

    def variables(self) -> dict[str, Any]:
        """What the started instance sees, for due dates such as ``${period_end}``."""
        return {
            "period_index": self.index,
            "period_start": self.start.isoformat(),
            "period_end": self.end.isoformat() if self.end else None,
            "year": to_local(self.start).year,
        }


@dataclass(frozen=True)
class Schedule:
    """The periods of one process: a start, and a step (None: a single date)."""

    start: datetime
    every: relativedelta | None = None
    repetitions: int | None = None
    """How many periods in all; None for an unbounded ``R/…`` cycle."""
    _starts: dict[int, datetime] = field(default_factory=dict, compare=False, repr=False)
    """Period starts computed so far: the scheduler asks for them every tick, and
    adding a multiple of a ``relativedelta`` is the slow part of the question."""

    def period(self, index: int) -> Period:
        """The ``index``-th period. A cycle's period lasts one step even when it is the
        last repetition (no next period starts, but the half-year still ends); only a
        single date (``timeDate``) has no end."""
        start = self._start_of(index)
        return Period(index, start, None if self.every is None else self._start_of(index + 1))

    def periods(self, since: datetime, until: datetime) -> Iterator[Period]:
        """Periods starting in ``[since, until]``, oldest first."""
        index = self._first_index_at_or_after(since)
        while self._exists(index) and self._start_of(index) <= until:
            yield self.period(index)
            index += 1

    def period_at(self, moment: datetime) -> Period:
        """The period containing ``moment``, the schedule continued past its last
        repetition (for demonstrations at today's date after the plan has ended)."""
        unbounded = Schedule(self.start, self.every)
        index = max(unbounded._first_index_at_or_after(moment) - 1, 0)
        if unbounded._start_of(index + 1) <= moment:  # exactly at a boundary
            index += 1
        return unbounded.period(index)

    def next_start(self, since: datetime) -> datetime | None:
        index = self._first_index_at_or_after(since)
        return self._start_of(index) if self._exists(index) else None

    def _start_of(self, index: int) -> datetime:
        if self.every is None:
            return self.start
        if index not in self._starts:
            self._starts[index] = self.start + self.every * index
        return self._starts[index]

    def _exists(self, index: int) -> bool:
        limit = 1 if self.every is None else self.repetitions
        return limit is None or index < limit

    def _first_index_at_or_after(self, moment: datetime) -> int:
        if moment <= self.start:
            return 0
        if self.every is None:
            return 1  # past the single date: no period left
        # Jump close by the first step's length, then walk: months differ in length.
        step = (self.start + self.every - self.start).total_seconds()
        index = int((moment - self.start).total_seconds() // step)
        while index > 0 and self._start_of(index - 1) >= moment:
            index -= 1
        while self._start_of(index) < moment:
            index += 1
        return index


def parse_schedule(start_timer: Mapping[str, Any], text: str, deployed_at: datetime) -> Schedule:
    """The schedule of a timer start event whose expression evaluated to ``text``.

    ``R[n]/START/DURATION`` (the plan's ``R/2021-01-01T00:00:00+07:00/P6M``),
    ``R[n]/DURATION`` (periods from the first deployment) or a ``timeDate``.
    """
    element = start_timer.get("element_id") or "startEvent"
    if start_timer.get("kind") == "timeDate":
        return Schedule(start=_moment(text, element))
    if start_timer.get("kind") != "timeCycle":
        raise InvalidInput(f"{element}: a {start_timer.get('kind')} cannot start a process")
    parts = text.strip().split("/")
    if not parts[0].upper().startswith("R") or len(parts) not in (2, 3):
        raise InvalidInput(f"{element}: {text!r} is not a cycle like R/START/P6M", field=element)
    repetitions = int(parts[0][1:]) if parts[0][1:] else None
    start = _moment(parts[1], element) if len(parts) == 3 else deployed_at
    every = parse_duration(parts[-1], field=element)
    return Schedule(start=start, every=every, repetitions=repetitions)


def _moment(text: str, element: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInput(f"{element}: {text!r} is not an ISO date-time", field=element) from exc
    if moment.tzinfo is None:
        raise InvalidInput(f"{element}: {text!r} needs a time zone (+07:00)", field=element)
    return moment


@dataclass(frozen=True)
class _Periodic:
    process_key: str
    definition_id: int
    first_deployed_at: datetime
    schedule: Schedule


class PeriodStarter:
    """Starts the instances of due periods; one transaction per period."""

    def __init__(
        self,
        db: Database,
        runtime: Runtime,
        settings: Settings,
        functions: Mapping[str, Callable[..., Any]],
    ) -> None:
        if settings.catch_up not in CATCH_UP_POLICIES:
            choices = ", ".join(CATCH_UP_POLICIES)
            message = f"GOVFLOW_CATCH_UP={settings.catch_up!r}; expected one of {choices}"
            raise InvalidInput(message, field="GOVFLOW_CATCH_UP")
        self.db = db
        self.runtime = runtime
        self.policy = settings.catch_up
        self.grace = timedelta(seconds=settings.catch_up_grace_s)
        self.functions = dict(functions)
        self._schedules: dict[int, Schedule | None] = {}
        """By definition id (versions are immutable); None when it has no usable timer."""

    def start_due(self, now: datetime) -> int:
        """Start every due period's instance (by the catch-up policy); the count started."""
        started = 0
        for periodic, unstarted in self._unstarted(now):
            for period, action in self._plan(unstarted, now):
                started += self._start_one(periodic, period, action, now)
        return started

    def next_due_at(self, now: datetime) -> datetime | None:
        """The start of the earliest period that has no instance yet."""
        candidates = []
        for periodic, unstarted in self._unstarted(now):
            since = max(periodic.first_deployed_at, now + timedelta(microseconds=1))
            upcoming = periodic.schedule.next_start(since)
            candidates += [p.start for p in unstarted[:1]] + ([upcoming] if upcoming else [])
        return min(candidates, default=None)

    def _unstarted(self, now: datetime) -> list[tuple[_Periodic, list[Period]]]:
        """Each periodic process with its periods begun by ``now`` (since its first
        deployment) that no instance was started or skipped for, oldest first. One read
        transaction: the scheduler asks twice a tick (a simulated year has hundreds)."""
        with self.db.reading() as session:
            periodics = self._periodic_in(session)
            recorded = _recorded_starts(session, [p.process_key for p in periodics])
        return [
            (
                periodic,
                [
                    period
                    for period in periodic.schedule.periods(periodic.first_deployed_at, now)
                    if period.start not in recorded.get(periodic.process_key, set())
                ],
            )
            for periodic in periodics
        ]

    def _plan(self, missing: list[Period], now: datetime) -> Iterator[tuple[Period, str]]:
        """``start`` or ``skip`` for each period without an instance, oldest first."""
        for position, period in enumerate(missing):
            missed = now - period.start > self.grace
            is_latest = position == len(missing) - 1
            if not missed or self.policy == "each" or (self.policy == "latest" and is_latest):
                yield period, "start"
            else:
                yield period, "skip"

    def _start_one(self, periodic: _Periodic, period: Period, action: str, now: datetime) -> bool:
        is_late = now - period.start > self.grace
        try:
            with self.db.writing() as session:
                if not self._claim(session, periodic, period, action, is_late, now):
                    return False  # another scheduler recorded this period first
                if action == "skip":
                    log.info("%s: skipped missed period %s", periodic.process_key, period.start)
                    return False
                self._start_instance(session, periodic, period, is_late, now)
        except GovflowError as exc:
            log.error("%s: period %s not started: %s", periodic.process_key, period.start, exc)
            return False
        return True

    def _claim(
        self,
        session: Session,
        periodic: _Periodic,
        period: Period,
        action: str,
        is_late: bool,
        now: datetime,
    ) -> bool:
        """Record the period; False if it already was (ON CONFLICT waits for the other)."""
        dialect = sqlite if self.db.is_sqlite else postgresql
        statement = (
            dialect.insert(StartedPeriod)
            .values(
                process_key=periodic.process_key,
                period_start=period.start,
                period_index=period.index,
                definition_id=periodic.definition_id,
                status="started" if action == "start" else "skipped",
                is_late=is_late,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["process_key", "period_start"])
            .returning(StartedPeriod.id)
        )
        return session.execute(statement).first() is not None

    def _start_instance(
        self, session: Session, periodic: _Periodic, period: Period, is_late: bool, now: datetime
    ) -> None:
        instance = self.runtime.start_instance(
            session,
            periodic.process_key,
            period.variables(),
            "scheduler",
            business_key=f"{periodic.process_key}@{period.start.isoformat()}",
        )
        session.flush()
        row = session.scalars(
            select(StartedPeriod).where(
                StartedPeriod.process_key == periodic.process_key,
                StartedPeriod.period_start == period.start,
            )
        ).one()
        row.instance_id = instance.id
        lateness = (now - period.start).total_seconds()
        session.add(
            Event(
                instance_id=instance.id,
                at=now,
                actor="scheduler",
                kind="period_started",
                element_id=None,
                task_id=None,
                data={**period.variables(), "is_late": is_late, "lateness_s": lateness},
            )
        )
        log.info(
            "%s: started instance %s for period %s%s",
            periodic.process_key,
            instance.id,
            period.start.isoformat(),
            " (late)" if is_late else "",
        )

    def current_periods(self, now: datetime) -> list[tuple[str, Period]]:
        """Each periodic process with its period containing ``now`` (see period_at)."""
        return [(p.process_key, p.schedule.period_at(now)) for p in self._periodic_processes()]

    def _periodic_processes(self) -> list[_Periodic]:
        with self.db.reading() as session:
            return self._periodic_in(session)

    def _periodic_in(self, session: Session) -> list[_Periodic]:
        """The latest version of each process, with its first deployment, if it has a schedule."""
        rows = session.execute(
            select(
                ProcessDefinition.process_key,
                func.max(ProcessDefinition.id),
                func.min(ProcessDefinition.deployed_at),
            ).group_by(ProcessDefinition.process_key)
        ).all()
        found = []
        for key, definition_id, first_deployed_at in rows:
            schedule = self._schedule(session, definition_id, first_deployed_at)
            if schedule is not None:
                found.append(_Periodic(key, definition_id, first_deployed_at, schedule))
        return found

    def _schedule(
        self, session: Session, definition_id: int, deployed_at: datetime
    ) -> Schedule | None:
        if definition_id not in self._schedules:
            meta = session.get(ProcessDefinition, definition_id).meta  # type: ignore[union-attr]
            self._schedules[definition_id] = self._read_schedule(meta, deployed_at)
        return self._schedules[definition_id]

    def _read_schedule(self, meta: Mapping[str, Any], deployed_at: datetime) -> Schedule | None:
        start_timer = meta.get("start_timer")
        if not start_timer:
            return None
        try:
            text = sandbox.evaluate(start_timer["expression"], self.functions)
            return parse_schedule(start_timer, str(text), deployed_at)
        except GovflowError as exc:
            log.error("start timer %s ignored: %s", start_timer.get("element_id"), exc)
            return None


def _recorded_starts(session: Session, process_keys: list[str]) -> dict[str, set[datetime]]:
    """The period starts recorded (started or skipped) for each of ``process_keys``."""
    recorded: dict[str, set[datetime]] = {}
    if not process_keys:
        return recorded
    rows = session.execute(
        select(StartedPeriod.process_key, StartedPeriod.period_start).where(
            StartedPeriod.process_key.in_(process_keys)
        )
    )
    for process_key, period_start in rows:
        recorded.setdefault(process_key, set()).add(period_start)
    return recorded

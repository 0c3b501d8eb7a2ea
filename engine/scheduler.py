"""The scheduler: the database says what is due, APScheduler only wakes us up.

A tick does everything due at the clock's "now": it starts the instances of due
periods, fires due BPMN timers, fires due task deadlines (reminders, overdue marks,
escalations), sends due e-mail and the service tasks' due calls (:mod:`engine.outbox`).
Every row is claimed and settled in its own transaction (see :mod:`engine.claims`),
so any number of scheduler processes on any number of machines can tick together
against PostgreSQL, and one killed mid-way loses nothing: its uncommitted claim is
rolled back and another scheduler takes it.

APScheduler holds no schedule of its own: after each tick the job asks the database
for the earliest due moment and sets its next run there, but never later than the
re-check interval, because other nodes add timers this one has not seen.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED, BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import Select, func, select

from engine.calendar import WorkCalendar
from engine.claims import drain
from engine.clock import Clock
from engine.escalation import Escalations
from engine.models import ProcessInstance, Timer
from engine.notify import Directory, Notifier
from engine.outbox import Outbox
from engine.periodic import PeriodStarter
from engine.runtime import Runtime
from engine.scripting import script_functions
from engine.settings import Settings
from engine.statuses import ACTIVE_STATUSES
from engine.store import Database

if TYPE_CHECKING:
    from engine.api import Engine

__all__ = [
    "BackgroundTicker",
    "TickReport",
    "Ticker",
    "run_scheduler",
]

log = logging.getLogger(__name__)

_JOB_ID = "govflow-tick"
_MIN_PAUSE = timedelta(milliseconds=20)
_STUCK_PAUSE = timedelta(seconds=1)


@dataclass(frozen=True)
class TickReport:
    periods_started: int = 0
    timers_fired: int = 0
    deadlines_fired: int = 0
    emails_sent: int = 0
    emails_failed: int = 0
    calls_settled: int = 0
    calls_failed: int = 0

    @property
    def total(self) -> int:
        return (
            self.periods_started
            + self.timers_fired
            + self.deadlines_fired
            + self.emails_sent
            + self.calls_settled
        )


class Ticker:
    """Everything the scheduler does, without APScheduler: testable with a ManualClock."""

    def __init__(
        self,
        db: Database,
        runtime: Runtime,
        clock: Clock,
        settings: Settings,
        calendar: WorkCalendar,
        directory: Directory,
    ) -> None:
        self.db = db
        self.runtime = runtime
        self.clock = clock
        self.settings = settings
        self.notifier = Notifier(db, settings, directory)
        self.escalations = Escalations(db, settings, calendar, self.notifier)
        self.periods = PeriodStarter(db, runtime, settings, script_functions(clock, calendar))
        self.outbox = Outbox(db, runtime, clock, settings)

    def tick(self) -> TickReport:
        now = self.clock.now()
        periods = self.periods.start_due(now)
        timers = self.fire_due_timers()
        deadlines = self.escalations.fire_due(now)
        mail = self.notifier.send_due(now)
        calls = self.outbox.send_due()
        return TickReport(
            periods, timers, deadlines, mail.sent, mail.failed, calls.sent, calls.failed
        )

    def fire_due_timers(self, limit: int | None = None) -> int:
        """Fire the due timers of active instances, in batches; the count fired."""
        now = self.clock.now()

        def due(excluded: set[int]) -> Select[int]:
            return (
                select(Timer.id)
                .join(ProcessInstance, ProcessInstance.id == Timer.instance_id)
                .where(Timer.status == "pending", Timer.due_at <= now)
                .where(ProcessInstance.status.in_(ACTIVE_STATUSES), Timer.id.not_in(excluded))
                .order_by(Timer.due_at)
            )

        return drain(
            self.db,
            due,
            self.runtime.fire_timer,
            lock_of=Timer,
            limit=limit,
            batch=self.settings.scheduler_batch,
        )

    def next_due_at(self) -> datetime | None:
        """The earliest moment anything is due (possibly already past), or None."""
        now = self.clock.now()
        with self.db.reading() as session:
            timer = session.scalar(
                select(func.min(Timer.due_at))
                .join(ProcessInstance, ProcessInstance.id == Timer.instance_id)
                .where(Timer.status == "pending", ProcessInstance.status.in_(ACTIVE_STATUSES))
            )
            candidates = [
                timer,
                self.escalations.next_due_at(session),
                self.notifier.next_due_at(session),
                self.outbox.next_due_at(session),
            ]
        candidates.append(self.periods.next_due_at(now))
        return min((c for c in candidates if c is not None), default=None)


# -- APScheduler ------------------------------------------------------------------------


class _TickJob:
    """The job: tick, then sleep until the next due moment (or the re-check interval).

    ``running`` is held during a tick so that stopping can wait for it without
    APScheduler's own wait, which deadlocks (see :meth:`BackgroundTicker.stop`).
    ``woken`` is set by a wake-up that came during a tick: APScheduler skips that run
    (``max_instances=1``), and the tick may have read the due rows before the new ones
    were committed, so it runs again at once instead of sleeping.
    """

    def __init__(self, scheduler: BaseScheduler, engine: Engine) -> None:
        self.scheduler = scheduler
        self.engine = engine
        self.running = threading.Lock()
        self.woken = threading.Event()
        self.stopped = False

    def __call__(self) -> None:
        with self.running:
            if self.stopped:
                return
            self.woken.clear()
            wake_at = self._tick()
        if self.woken.is_set():
            wake_at = self.engine.clock.now()
        if self.scheduler.state != STATE_STOPPED:
            self.scheduler.modify_job(_JOB_ID, next_run_time=wake_at)

    def stop(self) -> None:
        """Wait for a running tick; a run that starts later does nothing.

        APScheduler may have handed a run to its worker thread before it was shut down,
        and that run may start only now: its tick would use an engine its owner is
        about to close, and leave a connection open in the closed engine's pool."""
        with self.running:
            self.stopped = True

    def _tick(self) -> datetime:
        engine = self.engine
        try:
            report = engine.tick()
            if report.total or report.emails_failed or report.calls_failed:
                log.info(
                    "tick: %d period(s) started, %d timer(s) fired, %d deadline(s) fired, "
                    "%d e-mail(s) sent, %d failed, %d call(s) settled, %d failed",
                    report.periods_started,
                    report.timers_fired,
                    report.deadlines_fired,
                    report.emails_sent,
                    report.emails_failed,
                    report.calls_settled,
                    report.calls_failed,
                )
            return _next_wake(engine, progressed=report.total > 0)
        except Exception:  # the database may be down: try again after the re-check interval
            log.exception("tick failed")
            return engine.clock.now() + timedelta(seconds=engine.settings.scheduler_recheck_s)


def _next_wake(engine: Engine, *, progressed: bool) -> datetime:
    """The next due moment, between a short pause and the re-check interval.

    Something already due after a tick that did nothing is stuck (its instance busy,
    its firing failing): the longer pause keeps it from spinning the loop. After a
    tick that did work, newly due rows are simply next. The short floor lets this run
    end before the next one starts (``max_instances=1`` would skip it otherwise).
    """
    now = engine.clock.now()
    latest = now + timedelta(seconds=engine.settings.scheduler_recheck_s)
    due = engine.next_due_at()
    if due is None:
        return latest
    earliest = now + (_STUCK_PAUSE if due <= now and not progressed else _MIN_PAUSE)
    return min(max(due, earliest), latest)


def _add_job(scheduler: BaseScheduler, engine: Engine) -> _TickJob:
    # The interval is only a safety net; each run sets the next one itself.
    job = _TickJob(scheduler, engine)
    scheduler.add_job(
        job,
        "interval",
        seconds=engine.settings.scheduler_recheck_s,
        id=_JOB_ID,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
        next_run_time=engine.clock.now(),
    )
    return job


def _scheduler_options() -> dict[str, Any]:
    return {"timezone": "UTC"}


class BackgroundTicker:
    """The scheduler in a thread of the web process (``govflow serve`` on one machine)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.scheduler = BackgroundScheduler(**_scheduler_options())
        self.job = _add_job(self.scheduler, engine)
        self.scheduler.start()
        engine.runtime.on_calls_queued.append(self.wake)
        log.info("background scheduler started")

    def wake(self) -> None:
        """Tick now: a command of this process queued calls, which should not wait for the
        re-check interval. (A tick already running sees ``woken`` and runs again.)"""
        self.job.woken.set()
        if self.scheduler.state != STATE_STOPPED:
            self.scheduler.modify_job(_JOB_ID, next_run_time=self.engine.clock.now())

    def stop(self) -> None:
        """Stop, letting a running tick finish.

        APScheduler's ``shutdown(wait=True)`` holds the job-store lock while it joins
        the worker thread, and a tick re-arms itself through that lock: it would
        deadlock. So: shut down without waiting, then wait for the tick ourselves.
        """
        self.engine.runtime.on_calls_queued.remove(self.wake)
        self.scheduler.shutdown(wait=False)
        self.job.stop()


def run_scheduler(engine: Engine) -> None:
    """For ``govflow scheduler``: tick until interrupted."""
    scheduler = BlockingScheduler(**_scheduler_options())
    _add_job(scheduler, engine)
    log.info("scheduler started (re-check every %ss)", engine.settings.scheduler_recheck_s)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("scheduler stopped")

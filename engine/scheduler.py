"""The scheduler: APScheduler ticks, the database says what is due.

APScheduler only wakes us; the ``timer`` table is the queue, so a restart or a
second scheduler loses and duplicates nothing (each firing is one transaction that
settles its timer row under the instance lock).
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from engine.api import Engine

__all__ = ["run_scheduler", "start_background_scheduler"]

log = logging.getLogger(__name__)

TICK_SECONDS = 1.0


def _tick(engine: Engine) -> None:
    fired = engine.fire_due_timers()
    if fired:
        log.info("fired %d timer(s)", fired)


def _add_tick(scheduler: BackgroundScheduler | BlockingScheduler, engine: Engine) -> None:
    scheduler.add_job(
        _tick,
        "interval",
        seconds=TICK_SECONDS,
        args=[engine],
        id="fire-due-timers",
        max_instances=1,
        coalesce=True,
    )


def start_background_scheduler(engine: Engine) -> BackgroundScheduler:
    """For ``govflow serve`` on one machine: the scheduler in a thread of the web process."""
    scheduler = BackgroundScheduler(timezone="UTC")
    _add_tick(scheduler, engine)
    scheduler.start()
    return scheduler


def run_scheduler(engine: Engine) -> None:
    """For ``govflow scheduler``: block and fire timers until interrupted."""
    scheduler = BlockingScheduler(timezone="UTC")
    _add_tick(scheduler, engine)
    log.info("scheduler started")
    scheduler.start()

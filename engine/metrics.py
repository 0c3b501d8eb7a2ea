"""The scheduler's health in Prometheus text format, read from the database.

Every figure comes from the tables, not from one process's memory, so any node
answers for the whole cluster: how many timers wait and are overdue now, how late
the latest firings were, how much was fired, started, mailed and called.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from engine.models import Deadline, OutboxEmail, OutboxEntry, StartedPeriod, Timer

if TYPE_CHECKING:
    from engine.api import Engine

__all__ = ["LATENESS_SAMPLE", "render_metrics"]

LATENESS_SAMPLE = 1000
"""The lateness summary covers this many of the latest firings."""
_QUANTILES = (0.5, 0.9, 0.99)


def render_metrics(engine: Engine) -> str:
    """The metrics page: ``# HELP``/``# TYPE`` then samples, one per line."""
    now = engine.clock.now()
    with engine.db.reading() as session:
        timers = _count_by(session, Timer.status)
        due_now = session.execute(
            select(func.count()).where(Timer.status == "pending", Timer.due_at <= now)
        ).scalar_one()
        lateness = _recent_lateness(session)
        deadlines = _count_by(session, Deadline.kind, Deadline.status == "fired")
        periods = _count_by(session, StartedPeriod.status)
        mail_sent = session.execute(
            select(func.count()).where(OutboxEmail.sent_at.is_not(None))
        ).scalar_one()
        mail_failed = session.execute(
            select(func.count()).where(OutboxEmail.sent_at.is_(None), OutboxEmail.attempts > 0)
        ).scalar_one()
        mail_waiting = session.execute(
            select(func.count()).where(OutboxEmail.sent_at.is_(None))
        ).scalar_one()
        calls = _count_by(session, OutboxEntry.status, OutboxEntry.kind == "connector")
    lines: list[str] = []
    _metric(
        lines,
        "govflow_timers_pending",
        "gauge",
        "Timers waiting to fire.",
        [("", timers.get("pending", 0))],
    )
    _metric(
        lines,
        "govflow_timers_due",
        "gauge",
        "Pending timers whose due time has passed.",
        [("", due_now)],
    )
    _metric(
        lines,
        "govflow_timers_fired_total",
        "counter",
        "Timers fired.",
        [("", timers.get("fired", 0))],
    )
    _summary(lines, lateness)
    _metric(
        lines,
        "govflow_deadlines_fired_total",
        "counter",
        "Task reminders, overdue marks and escalations fired.",
        [(f'kind="{kind}"', count) for kind, count in sorted(deadlines.items())],
    )
    _metric(
        lines,
        "govflow_periods_total",
        "counter",
        "Periods of periodic processes, by outcome (started or skipped by catch-up).",
        [(f'status="{status}"', count) for status, count in sorted(periods.items())],
    )
    _metric(lines, "govflow_emails_sent_total", "counter", "E-mails sent.", [("", mail_sent)])
    _metric(
        lines,
        "govflow_emails_failing",
        "gauge",
        "E-mails not sent after at least one failed attempt.",
        [("", mail_failed)],
    )
    _metric(lines, "govflow_emails_waiting", "gauge", "E-mails not sent yet.", [("", mail_waiting)])
    _metric(
        lines,
        "govflow_calls",
        "gauge",
        "Service tasks' calls in the outbox, by status (failed: an incident waits for a retry).",
        [(f'status="{status}"', count) for status, count in sorted(calls.items())],
    )
    return "\n".join(lines) + "\n"


def _count_by(
    session: Session, column: InstrumentedAttribute[str], *where: ColumnElement[bool]
) -> dict[str, int]:
    query = select(column, func.count()).where(*where).group_by(column)
    return {key: count for key, count in session.execute(query)}


def _recent_lateness(session: Session) -> list[float]:
    """Seconds between due and firing of the latest fired timers, sorted."""
    rows = session.execute(
        select(Timer.due_at, Timer.settled_at)
        .where(Timer.status == "fired")
        .order_by(Timer.settled_at.desc())
        .limit(LATENESS_SAMPLE)
    )
    return sorted(
        max(0.0, (settled - due).total_seconds()) for due, settled in rows if settled is not None
    )


def _summary(lines: list[str], lateness: list[float]) -> None:
    name = "govflow_timer_lateness_seconds"
    samples = [
        (f'quantile="{q}"', lateness[min(len(lateness) - 1, int(q * len(lateness)))])
        for q in _QUANTILES
        if lateness
    ]
    help_text = f"Delay between a timer's due time and its firing (latest {LATENESS_SAMPLE})."
    _metric(lines, name, "summary", help_text, samples)
    lines.append(f"{name}_sum {sum(lateness):.6f}")
    lines.append(f"{name}_count {len(lateness)}")


def _metric(
    lines: list[str], name: str, kind: str, help_text: str, samples: Iterable[tuple[str, float]]
) -> None:
    lines.append(f"# HELP {name} {help_text}")
    lines.append(f"# TYPE {name} {kind}")
    for labels, value in samples:
        lines.append(f"{name}{{{labels}}} {value:g}" if labels else f"{name} {value:g}")

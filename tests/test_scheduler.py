"""The scheduler: ticks fire what is due, once, with any number of scheduler processes."""

from __future__ import annotations

import importlib.util
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, text

from engine.api import Engine, read_files
from engine.clock import ManualClock
from engine.metrics import render_metrics
from engine.models import Timer
from engine.scheduler import BackgroundTicker
from engine.settings import Settings

BENCH = Path(__file__).resolve().parent.parent / "bench" / "timers.py"


def _bench():
    """bench/timers.py: its bulk set-up and its scheduler processes serve this test too."""
    spec = importlib.util.spec_from_file_location("bench_timers", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def start_waiting(engine: Engine, wake_at: datetime) -> int:
    return engine.start("escalation_wait", {"wake_at": wake_at.isoformat()}, actor="an").id


def test_tick_fires_due_timers_once_and_knows_the_next(
    engine: Engine, deploy, clock: ManualClock
) -> None:
    deploy("escalation_wait.bpmn")
    soon, later = clock.now() + timedelta(hours=1), clock.now() + timedelta(hours=2)
    first, second = start_waiting(engine, soon), start_waiting(engine, later)
    assert engine.next_due_at() == soon
    assert engine.tick().timers_fired == 0
    clock.set(soon)
    assert engine.tick().timers_fired == 1
    assert engine.tick().timers_fired == 0
    assert engine.instance(first).status == "completed"
    assert engine.next_due_at() == later
    clock.set(later + timedelta(days=3))  # late: fires at once on the next tick
    assert engine.tick().timers_fired == 1
    assert engine.instance(second).status == "completed"
    assert engine.next_due_at() is None


def test_a_failing_timer_does_not_hold_back_the_others(
    engine: Engine, deploy, clock: ManualClock
) -> None:
    deploy("escalation_wait.bpmn")
    due = clock.now() + timedelta(minutes=5)
    broken, healthy = start_waiting(engine, due), start_waiting(engine, due)
    with engine.db.writing() as session:  # a state that cannot be restored
        session.execute(  # every write of an instance moves its lock_version on
            text(
                "UPDATE process_instance SET state = '{', lock_version = lock_version + 1 "
                "WHERE id = :id"
            ),
            {"id": broken},
        )
    clock.set(due)
    assert engine.tick().timers_fired == 1
    assert engine.instance(healthy).status == "completed"
    assert engine.next_due_at() == due  # the broken one stays due, for a later attempt


def test_metrics_in_prometheus_text_format(engine: Engine, deploy, clock: ManualClock) -> None:
    deploy("escalation_wait.bpmn")
    due = clock.now() + timedelta(minutes=1)
    start_waiting(engine, due)
    start_waiting(engine, due + timedelta(hours=1))
    clock.set(due + timedelta(seconds=2))
    assert "govflow_timers_due 1\n" in render_metrics(engine)
    engine.tick()
    page = render_metrics(engine)
    assert "# TYPE govflow_timers_pending gauge\ngovflow_timers_pending 1\n" in page
    assert "govflow_timers_fired_total 1\n" in page
    assert 'govflow_timer_lateness_seconds{quantile="0.99"} 2\n' in page
    assert "govflow_timer_lateness_seconds_count 1\n" in page
    assert "govflow_timers_due 0\n" in page


def test_background_scheduler_wakes_at_the_due_time(db_url: str) -> None:
    """Real time: the re-check interval is 30 s, yet the timer fires within 1 s of due."""
    settings = replace(Settings.from_env(), scheduler_recheck_s=30.0)
    engine = Engine(db_url, settings=settings)
    engine.upgrade_schema()
    engine.deploy(read_files([Path(__file__).parent / "bpmn" / "escalation_wait.bpmn"]))
    due = datetime.now(UTC) + timedelta(seconds=1.5)
    instance_id = start_waiting(engine, due)
    ticker = BackgroundTicker(engine)  # its first tick finds nothing due yet
    try:
        _wait_for(lambda: engine.instance(instance_id).status == "completed", 5.0)
        with engine.db.reading() as session:
            fired_at = session.scalar(select(Timer.settled_at))
        assert timedelta(0) <= fired_at - due < timedelta(seconds=1)
    finally:
        ticker.stop()
        engine.close()


def test_a_run_handed_over_before_the_stop_does_nothing_when_it_starts_after(
    db_url: str, monkeypatch
) -> None:
    """APScheduler may give a run to its worker thread just before the shutdown, the
    thread starting it only after ``stop`` returned and the engine was closed: that run
    must not tick (it would take a connection from the closed engine's pool and leave
    it open there)."""
    engine = Engine(db_url, settings=replace(Settings.from_env(), scheduler_recheck_s=30.0))
    engine.upgrade_schema()
    ticks = []
    tick = engine.tick
    monkeypatch.setattr(engine, "tick", lambda: ticks.append(time.monotonic()) or tick())
    ticker = BackgroundTicker(engine)
    try:
        _wait_for(lambda: len(ticks) == 1, 5.0)  # the first run, at the start, ticked
    finally:
        ticker.stop()
        engine.close()
    ticker.job()  # the late run, as the worker thread would start it
    assert len(ticks) == 1


def test_three_scheduler_processes_fire_each_timer_once_despite_sigkill(
    postgres_url: str,
) -> None:
    bench = _bench()
    engine = Engine(postgres_url)
    engine.upgrade_schema()
    total = 2000
    first_due = datetime.now(UTC) + timedelta(seconds=4)
    bench.clone_waiting_instances(engine, total, first_due)
    bench.spread_due_times(engine, first_due, 0)  # all due at the same moment
    schedulers = bench.start_schedulers(postgres_url, 3)
    try:
        # A generous bound: the test is about exactly-once, and a loaded CI machine is slow
        killed = bench.wait_until_fired(engine, total, 180, schedulers, kill_at=total // 4)
    finally:
        bench.stop(schedulers)
    assert killed
    figures = bench.firing_figures(engine)
    assert figures["fired"] == figures["timer_fired_events"] == total
    assert figures["instances_fired_twice"] == 0
    assert figures["instances_not_completed"] == 0
    engine.close()


def _wait_for(condition, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "not done in time"
        time.sleep(0.05)

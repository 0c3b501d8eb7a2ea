"""Periodic processes: one instance per period, exactly once, with a catch-up policy."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta

from engine.api import Engine, read_files
from engine.clock import ManualClock
from engine.periodic import Schedule, parse_schedule
from engine.settings import Settings

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
BPMN_DIR = Path(__file__).parent / "bpmn"


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=HANOI)


def period_starts(engine: Engine, key: str) -> list[str]:
    return sorted(i.data["period_start"] for i in engine.instances(process_key=key))


def engine_with(db_url: str, clock: ManualClock, **settings: object) -> Engine:
    engine = Engine(db_url, clock=clock, settings=replace(Settings.from_env(), **settings))
    engine.upgrade_schema()
    return engine


def test_six_monthly_cycle_starts_one_instance_per_period(
    engine: Engine, deploy, clock: ManualClock
) -> None:
    deploy("periodic_review.bpmn")  # 4 January 2021: the 1 January period is before it
    assert engine.tick().periods_started == 0
    assert engine.next_due_at() == local(2021, 7, 1)

    clock.set(local(2021, 7, 1))
    assert engine.tick().periods_started == 1
    assert engine.tick().periods_started == 0
    (instance,) = engine.instances(process_key="periodic_review")
    assert instance.data["period_start"] == "2021-07-01T00:00:00+07:00"
    assert instance.data["period_end"] == "2022-01-01T00:00:00+07:00"
    assert instance.data["year"] == 2021
    (task,) = instance.open_tasks  # the start timer did not make it wait again
    assert task.due_at == local(2022, 1, 1)
    started = [e for e in engine.history(instance.id) if e.kind == "period_started"]
    assert [e.data["is_late"] for e in started] == [False]

    clock.set(local(2022, 1, 1, 0, 0))
    assert engine.tick().periods_started == 1
    assert period_starts(engine, "periodic_review") == [
        "2021-07-01T00:00:00+07:00",
        "2022-01-01T00:00:00+07:00",
    ]


def test_annual_instance_gets_its_year_for_due_dates(
    engine: Engine, deploy, clock: ManualClock
) -> None:
    deploy("periodic_annual.bpmn")
    clock.set(local(2022, 1, 1, 0, 0, 30))
    engine.tick()
    (instance,) = engine.instances(process_key="periodic_annual")
    assert instance.open_tasks[0].due_at == local(2022, 12, 23, 17)  # before Sunday 25/12


@pytest.mark.parametrize(
    ("policy", "expected", "late"),
    [
        ("each", ["2021-07-01T00:00:00+07:00", "2022-01-01T00:00:00+07:00"], [True, True]),
        ("latest", ["2022-01-01T00:00:00+07:00"], [True]),
        ("none", [], []),
    ],
)
def test_catch_up_after_two_missed_periods(
    db_url: str, clock: ManualClock, deploy_with, policy: str, expected: list[str], late
) -> None:
    engine = engine_with(db_url, clock, catch_up=policy)
    deploy_with(engine, "periodic_review.bpmn")
    engine.tick()
    clock.set(local(2022, 3, 15))  # the scheduler was down over 1 July and 1 January
    engine.tick()
    engine.tick()
    assert period_starts(engine, "periodic_review") == expected
    flags = [
        e.data["is_late"]
        for i in engine.instances(process_key="periodic_review")
        for e in engine.history(i.id)
        if e.kind == "period_started"
    ]
    assert flags == late

    clock.set(local(2022, 7, 1, 0, 0, 5))  # back to normal: the next period, on time
    assert engine.tick().periods_started == 1
    assert engine.tick().periods_started == 0
    assert period_starts(engine, "periodic_review") == [*expected, "2022-07-01T00:00:00+07:00"]
    engine.close()


def test_three_schedulers_start_a_period_once(
    db_url: str, engine: Engine, deploy, clock: ManualClock
) -> None:
    deploy("periodic_review.bpmn")
    clock.set(local(2021, 7, 1, 0, 0, 1))
    schedulers = [Engine(db_url, clock=clock) for _ in range(3)]
    barrier = threading.Barrier(3)
    reports = []

    def run(scheduler: Engine) -> None:
        barrier.wait()
        reports.append(scheduler.tick())

    threads = [threading.Thread(target=run, args=(s,)) for s in schedulers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for scheduler in schedulers:
        scheduler.close()
    assert sum(r.periods_started for r in reports) == 1
    assert period_starts(engine, "periodic_review") == ["2021-07-01T00:00:00+07:00"]


def test_a_new_version_takes_the_future_periods(engine: Engine, deploy, clock: ManualClock) -> None:
    deploy("periodic_review.bpmn")
    clock.set(local(2021, 7, 1, 0, 1))
    engine.tick()
    deploy("periodic_review_v2.bpmn")
    clock.set(local(2022, 1, 1, 0, 1))
    engine.tick()
    versions = sorted(
        (i.data["period_start"], i.version) for i in engine.instances(process_key="periodic_review")
    )
    assert versions == [("2021-07-01T00:00:00+07:00", 1), ("2022-01-01T00:00:00+07:00", 2)]


def test_time_date_start_event_starts_once(engine: Engine, deploy, clock: ManualClock) -> None:
    deploy("periodic_once.bpmn")
    assert engine.next_due_at() == local(2021, 3, 1, 8, 0)
    clock.set(local(2021, 3, 1, 8, 0))
    assert engine.tick().periods_started == 1
    clock.set(local(2023, 3, 1, 8, 0))
    assert engine.tick().periods_started == 0
    assert engine.next_due_at() is None
    (instance,) = engine.instances(process_key="periodic_once")
    assert [t.element_id for t in instance.open_tasks] == ["propose"]


def test_starting_a_periodic_process_by_hand_does_not_wait(engine: Engine, deploy) -> None:
    deploy("periodic_review.bpmn")
    instance = engine.start("periodic_review", actor="an")
    assert [t.element_id for t in instance.open_tasks] == ["review"]


def test_months_do_not_drift() -> None:
    text = "R/2021-01-01T00:00:00+07:00/P6M"
    start_timer = {"element_id": "s", "kind": "timeCycle"}
    schedule = parse_schedule(start_timer, text, datetime(2020, 1, 1, tzinfo=UTC))
    starts = [p.start for p in schedule.periods(local(2021, 1, 1), local(2031, 1, 1))]
    assert len(starts) == 21
    assert {(s.month, s.day, s.hour) for s in starts} == {(1, 1, 0), (7, 1, 0)}
    assert schedule.next_start(local(2030, 1, 1) + timedelta(seconds=1)) == local(2030, 7, 1)


def test_bounded_cycle_ends() -> None:
    start = local(2021, 1, 1)
    schedule = Schedule(
        start=start,
        every=parse_schedule({"kind": "timeCycle"}, "R/P1Y", start).every,
        repetitions=3,
    )
    assert [p.index for p in schedule.periods(start, local(2030, 1, 1))] == [0, 1, 2]
    assert schedule.period(2).end == local(2024, 1, 1)  # the last period still ends
    assert schedule.next_start(local(2024, 1, 1)) is None


@pytest.fixture
def deploy_with():
    def deploy(engine: Engine, *names: str):
        return engine.deploy(read_files(BPMN_DIR / name for name in names), actor="tester")

    return deploy


def test_the_period_at_a_moment_continues_past_the_last_repetition() -> None:
    hanoi = ZoneInfo("Asia/Ho_Chi_Minh")
    yearly = Schedule(datetime(2021, 1, 1, tzinfo=hanoi), relativedelta(years=1), repetitions=5)
    period = yearly.period_at(datetime(2026, 11, 25, tzinfo=hanoi))
    assert (period.index, period.start, period.end) == (
        5,
        datetime(2026, 1, 1, tzinfo=hanoi),
        datetime(2027, 1, 1, tzinfo=hanoi),
    )
    half = Schedule(datetime(2021, 1, 1, tzinfo=hanoi), relativedelta(months=6), repetitions=10)
    assert half.period_at(datetime(2026, 7, 1, tzinfo=hanoi)).start == datetime(
        2026, 7, 1, tzinfo=hanoi
    )  # a boundary belongs to the period it starts
    assert half.period_at(datetime(2021, 3, 1, tzinfo=hanoi)).index == 0

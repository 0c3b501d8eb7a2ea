"""One simulated year of the shipped plan: cycles, products, deadlines, lateness."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from engine.api import Engine
from engine.simulation import simulate

PROCESSES = Path(__file__).resolve().parent.parent / "processes"
YEARLY = [
    "yearly_inspection_plan",  # I.6
    "yearly_portal_registration",  # II.3
    "data_quality_inspection",  # II.4
    "yearly_infrastructure_report",  # III.1
    "yearly_data_protection",  # III.2
    "yearly_training",  # IV.1
    "yearly_monitoring",  # IV.2
]


@pytest.fixture(scope="module")
def year_2021(tmp_path_factory: pytest.TempPathFactory):
    """The year 2021 with the Intellectual Property Office reporting late."""
    url = f"sqlite:///{tmp_path_factory.mktemp('sim') / 'year.db'}"
    began = time.perf_counter()
    report = simulate(
        PROCESSES,
        date(2021, 1, 1),
        date(2021, 12, 31),
        late_units=frozenset({"DBO:NOIP"}),
        database_url=url,
    )
    elapsed = time.perf_counter() - began
    engine = Engine(url)
    yield report, engine, elapsed
    engine.close()


def test_a_year_runs_in_under_a_minute(year_2021) -> None:
    _, _, elapsed = year_2021
    assert elapsed < 60


def test_six_monthly_and_yearly_cycles(year_2021) -> None:
    report, _, _ = year_2021
    for six_monthly in ["open_data_catalogue", "default_sharing_catalogue"]:
        assert report.instances[six_monthly] == 2, six_monthly
    assert report.instances["public_feedback_consolidation"] == 2  # II.8
    for yearly in YEARLY:
        assert report.instances[yearly] == 1, yearly


def test_every_cycle_produced_its_product(year_2021) -> None:
    report, _, _ = year_2021
    produced = Counter(product.process_key for product in report.products)
    assert produced["open_data_catalogue"] == 2
    assert produced["default_sharing_catalogue"] == 2
    for yearly in YEARLY:
        assert produced[yearly] == 1, yearly
    assert all(date(2021, 1, 1) <= p.at.date() <= date(2021, 12, 31) for p in report.products)


def test_inspection_deadlines_are_25_and_31_december_in_hanoi_time(year_2021) -> None:
    _, engine, _ = year_2021
    (inspection,) = engine.instances(process_key="data_quality_inspection")
    tasks = engine.tasks(instance_id=inspection.id, status=None)
    unit_reports = {t.due_at for t in tasks if t.element_id == "inspect"}
    ministry_reports = {t.due_at for t in tasks if t.element_id == "report_to_ministry"}
    assert unit_reports == {datetime(2021, 12, 24, 17, 0, tzinfo=UTC)}  # 25/12 00:00 +07
    assert ministry_reports == {datetime(2021, 12, 30, 17, 0, tzinfo=UTC)}  # 31/12 00:00 +07


def test_unit_reports_come_with_their_documents(year_2021) -> None:
    _, engine, _ = year_2021
    (inspection,) = engine.instances(process_key="data_quality_inspection")
    reports = engine.tasks(instance_id=inspection.id, status=None)
    uploaded = {(a.task_id, a.filename) for a in engine.attachments(inspection.id)}
    unit_reports = [t for t in reports if t.element_id == "inspect" and t.status == "completed"]
    assert unit_reports
    assert {(t.id, "unit_report_file.txt") for t in unit_reports} <= uploaded
    (ministry,) = [t for t in reports if t.element_id == "report_to_ministry"]
    assert (ministry.id, "ministry_report_file.txt") in uploaded
    assert inspection.data["ministry_report_file"]["filename"] == "ministry_report_file.txt"


def test_the_late_unit_is_late_and_the_others_are_not(year_2021) -> None:
    report, _, _ = year_2021
    late = report.lateness["DBO:NOIP"]
    assert late.tasks > 0 and late.late == late.tasks
    assert late.worst_days_late >= 5
    assert report.lateness["DBO:STAMEQ"].late == 0
    assert report.escalations > 0

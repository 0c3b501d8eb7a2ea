"""One simulated year of the shipped plan: cycles, products, deadlines, lateness."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from plan_driving import HANOI, organisation_set

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
    report = simulate(
        PROCESSES,
        date(2021, 1, 1),
        date(2021, 12, 31),
        late_units=frozenset({"DBO:NOIP"}),
        database_url=url,
    )
    engine = Engine(url)
    yield report, engine
    engine.close()


def test_six_monthly_and_yearly_cycles(year_2021) -> None:
    report, _ = year_2021
    for six_monthly in ["open_data_catalogue", "default_sharing_catalogue"]:
        assert report.instances[six_monthly] == 2, six_monthly
    assert report.instances["public_feedback_consolidation"] == 2  # II.8
    for yearly in YEARLY:
        assert report.instances[yearly] == 1, yearly


def test_every_cycle_produced_its_product(year_2021) -> None:
    report, _ = year_2021
    produced = Counter(product.process_key for product in report.products)
    assert produced["open_data_catalogue"] == 2
    assert produced["default_sharing_catalogue"] == 2
    for yearly in YEARLY:
        assert produced[yearly] == 1, yearly
    assert all(date(2021, 1, 1) <= p.at.date() <= date(2021, 12, 31) for p in report.products)


def test_inspection_deadlines_are_25_and_31_december_in_hanoi_time(year_2021) -> None:
    _, engine = year_2021
    (inspection,) = engine.instances(process_key="data_quality_inspection")
    tasks = engine.tasks(instance_id=inspection.id, status=None)
    unit_reports = {t.due_at for t in tasks if t.element_id == "inspect"}
    ministry_reports = {t.due_at for t in tasks if t.element_id == "report_to_ministry"}
    assert unit_reports == {datetime(2021, 12, 24, 10, 0, tzinfo=UTC)}  # Fri 24/12 17:00 +07
    assert ministry_reports == {datetime(2021, 12, 30, 10, 0, tzinfo=UTC)}  # Thu 30/12 17:00 +07


def test_unit_reports_come_with_their_documents(year_2021) -> None:
    _, engine = year_2021
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
    report, _ = year_2021
    late = report.lateness["DBO:NOIP"]
    assert late.late == late.tasks  # whatever it completed, it completed late
    assert late.missing > 0
    assert report.lateness["DBO:STAMEQ"].late == 0
    assert report.lateness["DBO:STAMEQ"].missing == 0
    assert report.escalations > 0


def test_no_step_waits_for_the_late_unit_beyond_its_deadline(year_2021) -> None:
    """Every other unit, ITC and the leadership included, finishes every task by its due
    time although NOIP is late: each step went on at its cut-off without NOIP."""
    report, _ = year_2021
    late_elsewhere = {
        unit: lateness.late
        for unit, lateness in report.lateness.items()
        if unit != "DBO:NOIP" and lateness.late
    }
    assert late_elsewhere == {}


def test_the_late_unit_is_cut_off_where_the_step_would_wait_past_its_cut_off(year_2021) -> None:
    """Five working days late is at or past every step's cut-off: the unit is recorded
    missing there, and the step's product does not wait for it."""
    report, _ = year_2021
    assert report.lateness["DBO:NOIP"].missing >= 10
    assert report.lateness["DBO:NOIP"].tasks == 0  # cut off at every step that waits for it
    by_process = {p.process_key: p.summary for p in report.products}
    for process_key in [
        "yearly_portal_registration",  # II.3
        "yearly_infrastructure_report",  # III.1
        "yearly_data_protection",  # III.2
    ]:
        assert by_process[process_key]["missing"] == ["DBO:NOIP"], process_key
    catalogues = [p for p in report.products if p.process_key == "open_data_catalogue"]
    assert [p.summary["missing"] for p in catalogues] == [["DBO:NOIP"], ["DBO:NOIP"]]


@pytest.fixture(scope="module")
def five_years(tmp_path_factory: pytest.TempPathFactory):
    """The whole plan, 2021-2025, every unit on time."""
    url = f"sqlite:///{tmp_path_factory.mktemp('sim') / 'plan.db'}"
    report = simulate(PROCESSES, date(2021, 1, 1), date(2025, 12, 31), database_url=url)
    engine = Engine(url)
    yield report, engine
    engine.close()


def test_five_years_run_to_the_end_without_incident(five_years) -> None:
    """Its wall time (target: under a minute) is measured by bench/simulation.py."""
    _, engine = five_years
    assert [i.id for i in engine.instances() if i.status == "incident"] == []
    last_halves = [
        i for i in engine.instances(process_key="open_data_catalogue") if i.data["year"] == 2025
    ]
    assert {i.data["period_end"] for i in last_halves} == {
        "2025-07-01T00:00:00+07:00",
        "2026-01-01T00:00:00+07:00",  # the last period of the cycle ends too
    }


SIX_MONTHLY = ["open_data_catalogue", "default_sharing_catalogue", "public_feedback_consolidation"]


@pytest.mark.parametrize("catalogue", SIX_MONTHLY)
def test_each_half_year_decides_its_catalogue_within_that_half_year(
    five_years, catalogue: str
) -> None:
    """I.3 and I.7: the Minister's decision of a half-year comes out in that half-year,
    because the simulated leadership approves as soon as the approval opens; II.8's
    consolidation too, by the half-year's last working day."""
    report, engine = five_years
    instances = {i.id: i for i in engine.instances(process_key=catalogue)}
    halves = []
    for product in (p for p in report.products if p.process_key == catalogue):
        period = instances[product.instance_id].data
        start = datetime.fromisoformat(period["period_start"])
        assert start <= product.at < datetime.fromisoformat(period["period_end"]), period
        halves.append((start.year, start.month))
    assert sorted(halves) == [(year, month) for year in range(2021, 2026) for month in (1, 7)]


def test_itc_late_is_escalated_to_its_head_and_the_leadership_never_to_itself(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'late_itc.db'}"
    report = simulate(
        PROCESSES,
        date(2021, 1, 1),
        date(2021, 6, 30),
        late_units=frozenset({"ITC"}),
        database_url=url,
    )
    assert report.escalated_to["LEAD"] > 0
    assert report.escalated_to["head:ITC"] > 0
    assert report.escalated_to["ITC"] == 0


@pytest.mark.parametrize("process_key", YEARLY)
def test_each_yearly_product_comes_out_in_its_year(five_years, process_key: str) -> None:
    """I.6, II.3, II.4, III.1, III.2, IV.1 and IV.2: one product a year, 2021-2025, each
    in the year it is for (Hà Nội time)."""
    report, engine = five_years
    years = {i.id: i.data["year"] for i in engine.instances(process_key=process_key)}
    produced = [
        (years[p.instance_id], p.at.astimezone(HANOI).year)
        for p in report.products
        if p.process_key == process_key
    ]
    assert sorted(produced) == [(year, year) for year in range(2021, 2026)]


def test_ii4_reports_come_before_25_and_31_december_every_year(five_years) -> None:
    """II.4: the units' reports before 25/12, the ministry's report before 31/12."""
    _, engine = five_years
    inspections = engine.instances(process_key="data_quality_inspection")
    assert sorted(i.data["year"] for i in inspections) == list(range(2021, 2026))
    for inspection in inspections:
        year = inspection.data["year"]
        done = [
            (t.element_id, t.completed_at)
            for t in engine.tasks(instance_id=inspection.id, status="completed")
        ]
        unit_reports = [at for element, at in done if element == "inspect"]
        (ministry_report,) = [at for element, at in done if element == "report_to_ministry"]
        assert len(unit_reports) == len(organisation_set("DBO")), year
        assert max(unit_reports) < datetime(year, 12, 25, tzinfo=HANOI), year
        assert ministry_report < datetime(year, 12, 31, tzinfo=HANOI), year

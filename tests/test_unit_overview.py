"""The plan-wide overview: late and missing tasks of every process, per unit and cycle."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from clients import PASSWORD, logged_in
from openpyxl import load_workbook

from engine.api import Engine, read_files
from engine.clock import ManualClock
from engine.errors import InvalidInput
from engine.unit_overview import Counts, cycles_of
from web import create_app

BPMN_DIR = Path(__file__).parent / "bpmn"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def half_year_of_work(engine: Engine, clock: ManualClock) -> None:
    """ITC: a draft cut off by its boundary timer (missing), a step done on time and the
    next left open past its due time (late), a late step of a cancelled instance (not
    counted), a step due in the second half; NASATI on time, PFD late, LEGAL overdue."""
    names = ("escalation_boundary.bpmn", "five_tasks.bpmn", "units_review.bpmn")
    engine.deploy(read_files(BPMN_DIR / name for name in names))
    engine.start("escalation_boundary", actor="itc.head")
    (step,) = engine.start("five_tasks", actor="itc.head").open_tasks
    cancelled = engine.start("five_tasks", actor="itc.head")
    review = engine.start("units_review", {"units": ["NASATI", "PFD", "LEGAL"]}, actor="itc.head")
    proposals = {task.unit: task.id for task in review.open_tasks}
    engine.complete(step.id, {"score": 1}, actor="itc.staff")
    engine.complete(proposals["NASATI"], {"changes": 1}, actor="nasati.staff")
    clock.set(datetime(2021, 1, 8, tzinfo=HANOI))
    engine.tick()  # the boundary timer takes the draft over
    engine.cancel(cancelled.id, actor="itc.head")
    clock.set(datetime(2021, 6, 20, tzinfo=HANOI))
    engine.complete(proposals["PFD"], {"changes": 2}, actor="pfd.staff")
    clock.set(datetime(2021, 7, 5, 9, tzinfo=HANOI))
    engine.start("five_tasks", actor="itc.head")  # due 6 July


def test_late_and_missing_tasks_are_counted_per_unit_and_half_year(
    plan_engine: Engine, clock: ManualClock
) -> None:
    half_year_of_work(plan_engine, clock)
    overview = plan_engine.unit_overview()
    assert [c.label for c in overview.cycles] == ["2021-H1", "2021-H2"]
    assert overview.units == ["ITC", "NASATI", "PFD", "LEGAL"]  # the organisation's order
    assert overview.counts == {
        ("ITC", "2021-H1"): Counts(due=3, late=1, missing=1),
        ("ITC", "2021-H2"): Counts(due=1, late=0, missing=0),
        ("NASATI", "2021-H1"): Counts(due=1, late=0, missing=0),
        ("PFD", "2021-H1"): Counts(due=1, late=1, missing=0),
        ("LEGAL", "2021-H1"): Counts(due=1, late=1, missing=0),
    }
    assert overview.total("ITC") == Counts(due=4, late=1, missing=1)
    assert overview.cell("NASATI", overview.cycles[1]) == Counts()


def test_years_are_cycles_too_and_the_bounds_are_checked(
    plan_engine: Engine, clock: ManualClock
) -> None:
    half_year_of_work(plan_engine, clock)
    overview = plan_engine.unit_overview("year", 2020, 2022)
    assert [c.label for c in overview.cycles] == ["2020", "2021", "2022"]
    assert overview.counts[("ITC", "2021")] == Counts(due=4, late=1, missing=1)
    assert plan_engine.unit_overview("year", 2022, 2022).units == []
    with pytest.raises(InvalidInput, match="at most 10 years"):
        plan_engine.unit_overview("year", 2020, 2030)
    with pytest.raises(InvalidInput, match="2000 to 2100"):
        plan_engine.unit_overview("year", 2022, 2021)
    with pytest.raises(InvalidInput, match="cadence"):
        plan_engine.unit_overview("month")


def test_a_cycle_runs_from_midnight_in_hanoi() -> None:
    first, second = cycles_of(2021, 2021, "half")
    assert (first.start, first.end) == (
        datetime(2021, 1, 1, tzinfo=HANOI),
        datetime(2021, 7, 1, tzinfo=HANOI),
    )
    assert second.end == datetime(2022, 1, 1, tzinfo=HANOI)
    assert second.end - second.start == timedelta(days=184)


def test_supervisors_download_the_overview_with_numbers_as_numbers(
    plan_engine: Engine, clock: ManualClock
) -> None:
    half_year_of_work(plan_engine, clock)
    plan_engine.set_password("itc.head", PASSWORD)
    client = logged_in(
        create_app({"TESTING": True, "SECRET_KEY": "test"}, engine=plan_engine), "itc.head"
    )

    answer = client.get("/overview.xlsx", query_string={"cadence": "year"})
    assert answer.status_code == 200
    assert "late-missing-2021-2021.xlsx" in answer.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(answer.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows == [
        [
            "Đơn vị",
            "Tên đơn vị",
            "Tổng số chậm",
            "Tổng số không nộp",
            "2021 chậm",
            "2021 không nộp",
        ],
        ["ITC", "Trung tâm Công nghệ thông tin", 1, 1, 1, 1],
        ["NASATI", "Cục Thông tin khoa học và công nghệ quốc gia", 0, 0, 0, 0],
        ["PFD", "Vụ Kế hoạch - Tài chính", 1, 0, 1, 0],
        ["LEGAL", "Vụ Pháp chế", 1, 0, 1, 0],
    ]
    assert all(cell.font.b for cell in sheet[1]) and sheet.freeze_panes == "C2"
    bad = client.get("/overview", query_string={"first_year": "twenty"})
    assert bad.status_code == 422
    assert "Năm là số năm trong khoảng 2000 đến 2100, mỗi lần tối đa 10 năm." in bad.get_data(
        as_text=True
    )

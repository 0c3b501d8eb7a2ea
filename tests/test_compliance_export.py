"""The compliance export: an unknown process is a 404, any text a valid spreadsheet."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from clients import PASSWORD
from flask.testing import FlaskClient
from openpyxl import load_workbook

from engine.api import Engine, read_files
from engine.clock import ManualClock
from web import create_app
from web.spreadsheet import sheet_title


@pytest.fixture
def supervisor(plan_engine: Engine) -> FlaskClient:
    plan_engine.set_password("itc.head", PASSWORD)
    plan_engine.deploy(read_files([Path(__file__).parent / "bpmn" / "units_review.bpmn"]))
    client = create_app({"TESTING": True, "SECRET_KEY": "test"}, engine=plan_engine).test_client()
    answer = client.post("/api/v1/session", json={"username": "itc.head", "password": PASSWORD})
    assert answer.status_code == 200
    return client


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_an_unknown_process_is_not_found(supervisor: FlaskClient, file_format: str) -> None:
    for key in ("a[1]", "no_such_process", "x" * 300):
        answer = supervisor.get(f"/compliance.{file_format}", query_string={"process_key": key})
        assert answer.status_code == 404
    assert supervisor.get("/compliance", query_string={"process_key": "a[1]"}).status_code == 404


def test_control_characters_in_a_business_key_still_give_a_workbook(
    plan_engine: Engine, supervisor: FlaskClient
) -> None:
    plan_engine.start("units_review", {"units": ["NASATI"]}, actor="itc", business_key="FB\x01-7")
    answer = supervisor.get("/compliance.xlsx", query_string={"process_key": "units_review"})
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.data)).active
    assert sheet.title == "units_review"
    assert sheet.cell(1, 4).value.endswith("FB-7")


def test_sheet_titles_lose_what_excel_refuses() -> None:
    assert sheet_title("a[1]:b*c?d/e\\f") == "a1bcdef"
    assert sheet_title("x" * 40) == "x" * 31
    assert sheet_title("[]") == "compliance"


def test_the_workbook_has_numbers_a_bold_frozen_header_and_a_sheet_per_process(
    plan_engine: Engine, supervisor: FlaskClient, clock: ManualClock
) -> None:
    plan_engine.deploy(read_files([Path(__file__).parent / "bpmn" / "five_tasks.bpmn"]))
    cycle = plan_engine.start("units_review", {"units": ["NASATI", "PFD"]}, actor="itc")
    plan_engine.start("five_tasks", actor="itc")
    (pfd,) = [t for t in cycle.open_tasks if t.unit == "PFD"]
    assert pfd.due_at is not None
    clock.set(pfd.due_at + timedelta(days=7))  # Monday 14/06 17:00 + a week: 5 working days
    supervisor.post("/api/v1/session", json={"username": "itc.head", "password": PASSWORD})

    answer = supervisor.get(
        "/compliance.xlsx",
        query_string=[("process_key", "units_review"), ("process_key", "five_tasks")],
    )

    assert answer.status_code == 200, answer.get_data(as_text=True)[-600:]
    workbook = load_workbook(io.BytesIO(answer.data))
    assert workbook.sheetnames == ["units_review", "five_tasks"]
    sheet = workbook["units_review"]
    assert sheet.freeze_panes == "C2"  # the unit's code and name stay in view
    assert all(cell.font.bold for cell in sheet[1])
    assert [c.value for c in sheet[1]][:3] == ["Đơn vị", "Tên đơn vị", "Số kỳ chậm"]
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["PFD"] == ("Vụ Kế hoạch - Tài chính", 1, "quá hạn 5 ngày làm việc", 5)
    assert isinstance(rows["PFD"][3], int)
    assert [row[0] for row in workbook["five_tasks"].iter_rows(min_row=2, values_only=True)] == [
        "ITC"
    ]

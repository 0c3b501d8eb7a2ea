"""Supervisors in a real browser (Debian's Chromium), on SQLite and PostgreSQL: an
incident repaired from its page, and a diagram that tells an incident from an overdue
task, zooms, and shows an element's tasks and history on a click."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from live_site import log_in, serving_engine
from playwright.sync_api import Dialog, Page, expect

from engine.api import Engine, read_files
from engine.clock import ManualClock
from engine.views import InstanceView

BPMN = Path(__file__).parent / "bpmn" / "incident_overdue.bpmn"


@pytest.fixture
def site(plan_engine: Engine) -> Iterator[str]:
    plan_engine.deploy(read_files([BPMN]))
    with serving_engine(plan_engine, "itc.head") as url:
        yield url


def _instance_page(page: Page, site: str, engine: Engine, parts: int) -> InstanceView:
    """The supervisor on the page of a new instance that divides by ``parts``."""
    instance = engine.start("incident_overdue", {"budget": 100, "parts": parts}, actor="t")
    log_in(page, site, user="itc.head")
    page.goto(f"{site}/instances/{instance.id}")
    return instance


def test_a_supervisor_fixes_the_data_of_an_incident_and_runs_the_step_again(
    page: Page, site: str, plan_engine: Engine
) -> None:
    instance = _instance_page(page, site, plan_engine, parts=0)

    page.get_by_role("link", name="Xử lý sự cố").click()
    expect(page.get_by_role("alert").first).to_contain_text("Bước “divide” bị lỗi: phép chia cho 0")
    expect(page.locator('g.state-incident[data-element-id="divide"]')).to_have_count(1)
    page.get_by_label("parts").fill("oops")
    page.get_by_role("button", name="Lưu các biến và chạy lại bước bị lỗi").click()
    expect(page.get_by_role("alert").filter(has_text="hãy nhập một giá trị JSON")).to_be_visible()
    page.get_by_label("parts").fill("4")
    page.get_by_role("button", name="Lưu các biến và chạy lại bước bị lỗi").click()

    expect(page.get_by_role("status").first).to_have_text(
        "Đã chạy lại bước bị lỗi (biến đã sửa: parts)."
    )
    assert plan_engine.instance(instance.id).status == "running"
    assert plan_engine.instance(instance.id).data["share"] == 25
    history = page.get_by_role("table").last
    expect(history).to_contain_text("Nguyễn Văn An (ITC)")
    expect(history.get_by_role("row").filter(has_text="parts")).to_contain_text("0 → 4")


def test_the_diagram_tells_an_incident_from_an_overdue_task_and_zooms(
    page: Page, site: str, plan_engine: Engine, clock: ManualClock
) -> None:
    instance = plan_engine.start("incident_overdue", {"budget": 100, "parts": 0}, actor="t")
    clock.advance(timedelta(days=3))  # "review" was due after one day
    log_in(page, site, user="itc.head")
    page.goto(f"{site}/instances/{instance.id}")

    expect(page.locator("#diagram[data-ready=true]")).to_have_count(1)
    incident = page.locator('g.state-incident[data-element-id="divide"]')
    overdue = page.locator('g.state-overdue[data-element-id="review"]')
    expect(incident).to_have_count(1)
    expect(overdue).to_have_count(1)
    colours = [
        box.locator(".djs-visual > :first-child").evaluate("e => getComputedStyle(e).stroke")
        for box in (incident, overdue)
    ]
    assert colours[0] != colours[1]
    expect(page.locator('g.state-completed[data-element-id="start"]')).to_have_count(0)

    before = overdue.bounding_box()
    page.get_by_role("button", name="Phóng to").click()
    page.get_by_role("button", name="Phóng to").click()
    after = overdue.bounding_box()
    assert before is not None and after is not None and after["width"] > before["width"] * 1.4

    overdue.click()
    panel = page.locator('.element-panel[data-element="review"]')
    expect(panel).to_be_visible()
    expect(panel.get_by_role("heading", level=3)).to_have_text("Review the plan")  # not "review"
    expect(panel).to_contain_text("nhiệm vụ được giao")
    opened = page.get_by_role("row").filter(has_text="nhiệm vụ được giao")
    expect(opened.get_by_role("cell").nth(3)).to_have_text("Review the plan")  # the step


def test_cancelling_asks_first_and_says_it_is_done(
    page: Page, site: str, plan_engine: Engine
) -> None:
    instance = _instance_page(page, site, plan_engine, parts=5)
    questions: list[str] = []

    def answer(dialog: Dialog, accept: bool) -> None:
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.get_by_role("button", name="Hủy").click()
    assert questions and "không thể hoàn tác" in questions[0]
    assert plan_engine.instance(instance.id).status == "running"

    page.once("dialog", lambda dialog: answer(dialog, True))
    page.get_by_role("button", name="Hủy").click()
    expect(page.get_by_role("status").first).to_have_text("Đã hủy hồ sơ.")
    assert plan_engine.instance(instance.id).status == "cancelled"

"""Staff fill forms in Chromium: every error at once, files kept, sizes, suspended tasks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import BPMN_DIR
from live_site import PASSWORD, log_in, serving
from playwright.sync_api import Page, expect

from engine.api import Engine, read_files
from engine.clock import ManualClock
from engine.settings import Settings
from web import create_app

PROCESSES = Path(__file__).parent.parent / "processes"
LIMIT = 2048


@pytest.fixture
def forms_engine(db_url: str, clock: ManualClock) -> Iterator[Engine]:
    """The shipped organisation, documents up to 2 KB, the dataset report deployed."""
    settings = replace(
        Settings.from_env(),
        units_file=PROCESSES / "units.yaml",
        calendar_file=PROCESSES / "calendar.yaml",
        max_upload_bytes=LIMIT,
    )
    engine = Engine(db_url, clock=clock, settings=settings)
    engine.upgrade_schema()
    engine.set_password("itc.staff", PASSWORD)
    engine.deploy(read_files([BPMN_DIR / "dataset_report.bpmn"]), actor="tester")
    yield engine
    engine.close()


@pytest.fixture
def site(forms_engine: Engine) -> Iterator[str]:
    with serving(create_app({"SECRET_KEY": "browser-test"}, engine=forms_engine)) as url:
        yield url


def open_report_task(tab: Page, site: str) -> None:
    log_in(tab, site)
    tab.get_by_role("link", name="Report the datasets").click()


def submit(tab: Page) -> None:
    tab.get_by_role("button", name="Hoàn thành nhiệm vụ").click()


def test_staff_see_every_error_at_once_and_keep_their_file(
    page: Page,
    site: str,
    forms_engine: Engine,
    tmp_path: Path,
) -> None:
    instance = forms_engine.start("dataset_report", actor="test")
    report = tmp_path / "báo cáo.pdf"
    report.write_bytes(b"%PDF-1.7 signed")
    open_report_task(page, site)
    expect(page.get_by_text("Mỗi tệp tối đa 2 KB.")).to_be_visible()

    page.get_by_label("Report number *").fill("1")
    page.get_by_label("Datasets *", exact=True).fill("2")
    page.get_by_label("Open datasets *").fill("5")
    page.get_by_label("Signed report *").set_input_files(report)
    submit(page)

    expect(page.locator("#e_report_number")).to_have_text("Report number cần ít nhất 3 ký tự.")
    expect(page.locator("#e_open_datasets")).to_have_text(
        "Open datasets cannot exceed the datasets."
    )
    expect(page.get_by_label("Datasets *", exact=True)).to_have_value("2")  # what was typed stays
    expect(page.get_by_text("Đã đính kèm, chờ gửi: báo cáo.pdf (15 B)")).to_be_visible()
    assert forms_engine.attachments(instance.id) == []  # nothing stored yet

    page.get_by_label("Report number *").fill("12/BC")
    page.get_by_label("Open datasets *").fill("2")
    submit(page)
    expect(page.get_by_role("status")).to_have_text("Đã hoàn thành nhiệm vụ “Report the datasets”.")
    (document,) = forms_engine.attachments(instance.id)
    assert document.filename == "báo cáo.pdf"

    (done,) = forms_engine.tasks(instance_id=instance.id, status="completed")
    page.goto(f"{site}/tasks/{done.id}")
    expect(page.get_by_text("Hoàn thành bởi itc.staff lúc 04/01/2021 08:00")).to_be_visible()
    values = page.get_by_role("table")
    expect(values.get_by_role("row", name="Open datasets")).to_contain_text("2")
    expect(values.get_by_role("link", name="báo cáo.pdf")).to_be_visible()
    expect(page.get_by_role("heading", name="Tài liệu của nhiệm vụ này")).to_be_visible()


def test_a_file_over_the_limit_is_refused_in_vietnamese_on_the_same_page(
    page: Page,
    site: str,
    forms_engine: Engine,
    tmp_path: Path,
) -> None:
    forms_engine.start("dataset_report", actor="test")
    big = tmp_path / "big.pdf"
    big.write_bytes(b"x" * (LIMIT + 1))
    open_report_task(page, site)
    page.get_by_label("Report number *").fill("12/BC")
    page.get_by_label("Signed report *").set_input_files(big)

    message = "Signed report: tệp lớn hơn giới hạn 2 KB."
    expect(page.locator("#e_report_file")).to_have_text(message)
    submit(page)  # the browser does not send it
    expect(page.locator("#e_report_file")).to_have_text(message)
    expect(page.get_by_label("Report number *")).to_have_value("12/BC")


def test_a_task_of_a_suspended_instance_is_read_only_and_a_late_submit_keeps_the_values(
    page: Page,
    site: str,
    forms_engine: Engine,
) -> None:
    instance = forms_engine.start("dataset_report", actor="test")
    open_report_task(page, site)
    page.get_by_label("Report number *").fill("12/BC")
    forms_engine.suspend(instance.id, actor="itc.head")  # while the page is open

    submit(page)
    expect(page.get_by_role("alert")).to_contain_text("Quy trình đang tạm dừng")
    expect(page.get_by_label("Report number *")).to_have_value("12/BC")

    page.goto(page.url.removesuffix("/complete"))
    expect(page.get_by_role("status")).to_contain_text("đã bị itc.head tạm dừng")
    expect(page.get_by_label("Report number *")).to_be_disabled()
    expect(page.get_by_role("button", name="Hoàn thành nhiệm vụ")).to_have_count(0)

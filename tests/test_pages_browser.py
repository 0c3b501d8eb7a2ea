"""Unit staff's pages in a real browser: log-in, inbox, task form, documents, languages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from live_site import log_in, serving_engine
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from engine.api import Engine, read_files
from engine.clock import ManualClock

BPMN_DIR = Path(__file__).parent / "bpmn"
PROCESSES = Path(__file__).parent.parent / "processes"


@pytest.fixture
def site(tmp_path: Path, plan_engine: Engine) -> Iterator[str]:
    """govflow served over real HTTP on a free port, with two tasks waiting for ITC."""
    plan_engine.deploy(
        read_files([BPMN_DIR / n for n in ("five_tasks.bpmn", "report_upload.bpmn")])
    )
    plan_engine.start("five_tasks", actor="test")
    with serving_engine(plan_engine, "itc.staff", "itc.head", "itc.designer") as url:
        yield url


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_staff_complete_a_task_from_their_inbox_in_vietnamese(page: Page, site: str) -> None:
    log_in(page, site, password="wrong password")
    expect(page.get_by_role("status")).to_have_text("Sai tên đăng nhập hoặc mật khẩu.")
    log_in(page, site)

    expect(page.get_by_role("heading", name="Nhiệm vụ đang mở của đơn vị")).to_be_visible()
    row = page.get_by_role("row", name="Step 1")
    expect(row).to_contain_text("05/01/2021 08:00")  # due P1D after 04/01 08:00, Hà Nội time
    row.get_by_role("link", name="Step 1").click()

    page.get_by_role("button", name="Nhận xử lý").click()
    expect(page.get_by_text("Người nhận xử lý: Trần Thị Bình (ITC)")).to_be_visible()
    page.get_by_label("Score *").fill("11")
    page.get_by_role("button", name="Hoàn thành nhiệm vụ").click()
    expect(page.get_by_role("alert")).to_have_text("Score không được lớn hơn 10.")
    page.get_by_label("Score *").fill("7")
    page.get_by_role("button", name="Hoàn thành nhiệm vụ").click()

    expect(page.get_by_role("status")).to_have_text("Đã hoàn thành nhiệm vụ “Step 1”.")
    expect(page.get_by_role("row", name="Step 2")).to_be_visible()
    expect(page.get_by_role("row", name="Step 1")).to_have_count(0)

    page.get_by_role("row", name="Step 2").get_by_role("link", name="Step 2").click()
    page.get_by_role("link", name="five_tasks · 2021").click()  # staff see their instance's story
    expect(page.get_by_role("table").last).to_contain_text("hoàn thành nhiệm vụ")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_deadline_given_as_a_date_shows_the_end_of_its_working_day(
    page: Page, site: str, plan_engine: Engine
) -> None:
    processes = Path(__file__).parent.parent / "processes"
    plan_engine.deploy(read_files([processes / "yearly_training.bpmn"]))
    plan_engine.start("yearly_training", {"year": 2021}, actor="test")
    log_in(page, site)
    row = page.get_by_role("row", name="Lập kế hoạch tổ chức hội nghị tập huấn")
    expect(row).to_contain_text("29/06/2021 17:00")  # "before 30/6": Tuesday 29/6 at 17:00


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_document_is_uploaded_with_the_form_and_english_is_one_click_away(
    page: Page, site: str, plan_engine: Engine, tmp_path: Path
) -> None:
    instance = plan_engine.start("report_upload", actor="test")
    report = tmp_path / "báo cáo.pdf"
    report.write_bytes(b"%PDF-1.7 signed report")
    log_in(page, site)

    page.get_by_role("link", name="EN").click()
    expect(page.get_by_role("heading", name="Open tasks of my units")).to_be_visible()
    page.get_by_role("link", name="Submit the unit report").click()
    page.get_by_label("Report number *").fill("12/BC-TTCNTT")
    page.get_by_label("Signed report *").set_input_files(report)
    page.get_by_role("button", name="Complete the task").click()

    expect(page.get_by_role("status")).to_have_text("Task “Submit the unit report” completed.")
    (document,) = plan_engine.attachments(instance.id)
    assert (document.filename, document.uploaded_by) == ("báo cáo.pdf", "itc.staff")
    assert plan_engine.instance(instance.id).data["report_file"]["id"] == document.id


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_supervisors_see_who_is_behind_and_each_instances_diagram(
    page: Page, site: str, plan_engine: Engine, clock: ManualClock
) -> None:
    plan_engine.deploy(read_files([BPMN_DIR / "valid" / "catalogue_review.bpmn"]))
    (draft,) = plan_engine.start("catalogue_review", actor="test").open_tasks
    plan_engine.complete(draft.id, {"title": "2021", "kind": "sector"}, actor="itc.staff")
    clock.set(clock.now() + timedelta(days=10))  # five_tasks' first task is now overdue
    log_in(page, site, user="itc.head")

    page.get_by_role("link", name="Quá hạn", exact=True).click()
    expect(
        page.get_by_role("heading", name="Trung tâm Công nghệ thông tin (ITC): 1")
    ).to_be_visible()
    expect(page.get_by_role("row", name="Step 1")).to_contain_text("05/01/2021 08:00")
    page.get_by_role("link", name="Hồ sơ quy trình").click()
    page.get_by_label("Trạng thái").select_option("running")
    page.get_by_role("button", name="Lọc").click()
    row = page.get_by_role("row", name="catalogue_review v1")
    expect(row).to_contain_text("đang chạy")
    row.get_by_role("link").first.click()

    expect(page.locator("#diagram[data-ready=true]")).to_have_count(1)
    expect(page.locator('g.state-active[data-element-id="Task_review"]')).to_have_count(1)
    expect(page.locator('g.state-completed[data-element-id="Task_draft"]')).to_have_count(1)
    history = page.get_by_role("table").last
    expect(history).to_contain_text("hoàn thành nhiệm vụ")
    expect(history).to_contain_text("Trần Thị Bình (ITC)")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_staff_do_not_reach_the_supervisors_pages(page: Page, site: str) -> None:
    log_in(page, site)
    expect(page.get_by_role("link", name="Hồ sơ quy trình")).to_have_count(0)
    response = page.goto(f"{site}/overdue")
    assert response is not None and response.status == 403
    expect(page.get_by_role("alert")).to_have_text("Chức năng này dành cho vai trò: giám sát.")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_designers_validate_deploy_and_see_the_diagram(
    page: Page, site: str, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.bpmn"
    broken.write_text("<bpmn:definitions xmlns:bpmn='x'>\n  <oops>\n</bpmn:definitions>\n")
    log_in(page, site, user="itc.designer")
    page.get_by_role("link", name="Quy trình", exact=True).click()
    page.get_by_role("link", name="Kiểm tra hoặc triển khai tệp BPMN").click()

    page.get_by_label("Các tệp BPMN").set_input_files(broken)
    page.get_by_role("button", name="Kiểm tra").click()
    expect(page.get_by_role("alert")).to_have_text("Có 1 lỗi: chưa triển khai tệp nào.")
    problem = page.get_by_role("row", name="broken.bpmn")
    expect(problem).to_contain_text("XML sai cú pháp")
    expect(problem.get_by_role("cell").nth(1)).to_have_text("3")  # the line

    page.get_by_label("Các tệp BPMN").set_input_files(BPMN_DIR / "valid" / "report_check.bpmn")
    page.get_by_role("button", name="Triển khai", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Đã triển khai report_check phiên bản 1.")

    page.get_by_role("link", name="Quy trình", exact=True).click()
    page.get_by_role("row", name="report_check").get_by_role("link", name="v1").click()
    expect(page.locator("#diagram[data-ready=true]")).to_have_count(1)
    expect(page.locator('g[data-element-id="Task_check"]')).to_have_count(1)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_collapsed_sub_process_offers_to_open_it_in_the_pages_language(
    page: Page, site: str, plan_engine: Engine
) -> None:
    plan_engine.deploy(read_files([PROCESSES / "public_feedback.bpmn"]))
    log_in(page, site, user="itc.designer")
    page.goto(f"{site}/processes/public_feedback/1")
    expect(page.locator("#diagram[data-ready=true]")).to_have_count(1)
    drill_down = page.locator(".bjs-drilldown")
    expect(drill_down).to_have_attribute("title", "Mở Tổng hợp ý kiến phản hồi của đơn vị")
    page.goto(f"{site}/lang/en")
    page.goto(f"{site}/processes/public_feedback/1")
    expect(drill_down).to_have_attribute("title", "Open Tổng hợp ý kiến phản hồi của đơn vị")


def nasati_on_time_pfd_late(engine: Engine, clock: ManualClock, late_by: timedelta) -> None:
    """A cycle of units_review: NASATI's proposal on time, PFD's ``late_by``."""
    engine.deploy(read_files([BPMN_DIR / "units_review.bpmn"]))
    cycle = engine.start("units_review", {"units": ["NASATI", "PFD"]}, actor="test")
    on_time, late = sorted(cycle.open_tasks, key=lambda t: t.unit or "")
    engine.complete(on_time.id, {"changes": 1}, actor="nasati.staff")
    assert late.due_at is not None
    clock.set(late.due_at + late_by)
    engine.complete(late.id, {"changes": 2}, actor="pfd.staff")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_supervisors_see_which_unit_is_behind_and_export_it(
    page: Page, site: str, plan_engine: Engine, clock: ManualClock, tmp_path: Path
) -> None:
    nasati_on_time_pfd_late(plan_engine, clock, timedelta(days=2, hours=3))
    log_in(page, site, user="itc.head")

    page.get_by_role("link", name="Tình hình thực hiện").click()
    page.get_by_label("Quy trình").select_option("units_review")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_role("row", name="NASATI")).to_contain_text("đúng hạn")
    expect(page.get_by_role("row", name="PFD")).to_contain_text("chậm 2 ngày làm việc")

    with page.expect_download() as download:
        page.get_by_role("link", name="Xuất CSV").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Đơn vị,Tên đơn vị,Số kỳ chậm,#")
    assert lines[1:] == [
        "NASATI,Cục Thông tin khoa học và công nghệ quốc gia,0,đúng hạn,",
        "PFD,Vụ Kế hoạch - Tài chính,1,chậm 2 ngày làm việc,2",
    ]

    with page.expect_download() as download:
        page.get_by_role("link", name="Xuất XLSX").click()
    download.value.save_as(tmp_path / "compliance.xlsx")
    sheet = load_workbook(tmp_path / "compliance.xlsx").active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[1:] == [
        ["NASATI", "Cục Thông tin khoa học và công nghệ quốc gia", 0, "đúng hạn", None],
        ["PFD", "Vụ Kế hoạch - Tài chính", 1, "chậm 2 ngày làm việc", 2],
    ]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_supervisors_start_a_process_through_its_start_form(
    page: Page, site: str, plan_engine: Engine
) -> None:
    processes = Path(__file__).resolve().parent.parent / "processes"
    plan_engine.deploy(read_files([processes / "one_off_status_review.bpmn"]))
    log_in(page, site, user="itc.head")

    page.get_by_role("link", name="Khởi tạo quy trình").click()
    page.get_by_label("Quy trình").select_option("one_off_status_review")
    page.get_by_role("button", name="Chọn").click()
    page.get_by_label("Thời hạn hoàn thành").fill("2026-12-31T09:00")  # a date-time picker
    page.get_by_label("Mã hồ sơ").fill("I.3-2026")
    page.get_by_role("button", name="Khởi tạo", exact=True).click()

    title = "II.1 Rà soát, đánh giá hiện trạng dữ liệu, hệ thống thông tin"
    expect(page.get_by_role("status").first).to_contain_text(f"Đã khởi tạo {title}")
    (started,) = plan_engine.instances(process_key="one_off_status_review")
    assert started.business_key == "I.3-2026"
    assert started.data["due_at"] == "2026-12-31T09:00:00+07:00"  # Hà Nội time
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def step_one_overdue_for_itc_staff(
    page: Page, site: str, engine: Engine, clock: ManualClock
) -> None:
    """five_tasks' first step past its due time, its overdue mark sent; ITC staff in."""
    (step,) = engine.tasks(unit="ITC")
    assert step.due_at is not None
    clock.set(step.due_at + timedelta(minutes=1))
    assert engine.tick().deadlines_fired >= 1
    log_in(page, site)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_staff_read_their_notifications_in_vietnamese(
    page: Page, site: str, plan_engine: Engine, clock: ManualClock
) -> None:
    step_one_overdue_for_itc_staff(page, site, plan_engine, clock)
    page.get_by_role("link", name="Thông báo").click()
    row = page.get_by_role("row", name="Quá hạn: “Step 1” (ITC)")
    expect(row).to_contain_text("đã đến hạn lúc 05/01/2021 08:00")
    row.get_by_role("button", name="Đánh dấu đã đọc").click()
    expect(page.get_by_role("row", name="Quá hạn: “Step 1” (ITC)")).to_be_visible()
    expect(page.get_by_role("button", name="Đánh dấu đã đọc")).to_have_count(0)
    unread = [n for n in plan_engine.notifications("itc.staff").items if n.read_at is None]
    assert unread == []


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_supervisors_suspend_resume_and_cancel_an_instance(
    page: Page, site: str, plan_engine: Engine
) -> None:
    (instance,) = plan_engine.instances(process_key="five_tasks")
    log_in(page, site, user="itc.head")
    page.goto(f"{site}/instances/{instance.id}")
    status = page.get_by_text("Trạng thái:")

    page.get_by_role("button", name="Tạm dừng").click()
    expect(status).to_contain_text("tạm dừng")
    page.get_by_role("button", name="Tiếp tục").click()
    expect(status).to_contain_text("đang chạy")
    page.once("dialog", lambda dialog: dialog.accept())  # "cancel this instance?"
    page.get_by_role("button", name="Hủy").click()
    expect(status).to_contain_text("đã hủy")
    expect(page.get_by_role("button", name="Tiếp tục")).to_have_count(0)
    kinds = [e.kind for e in plan_engine.history(instance.id)]
    assert kinds[-3:] == ["instance_suspended", "instance_resumed", "instance_cancelled"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_staff_see_their_badges_and_mark_every_notification_read(
    page: Page, site: str, plan_engine: Engine, clock: ManualClock
) -> None:
    step_one_overdue_for_itc_staff(page, site, plan_engine, clock)
    expect(page.locator("#open-tasks-badge")).to_have_text("1")
    expect(page.locator("#unread-badge")).to_have_text("1")
    expect(page.locator("#unread-badge")).to_have_attribute("title", "Thông báo chưa đọc")

    page.get_by_role("link", name="Thông báo").click()
    page.get_by_role("button", name="Đánh dấu tất cả là đã đọc").click()
    expect(page.get_by_role("status")).to_contain_text("Đã đánh dấu đã đọc 1 thông báo")
    expect(page.locator("#unread-badge")).to_have_text("0")
    page.get_by_role("link", name="Mở").click()  # the task the notification is about
    expect(page.get_by_role("heading", level=1)).to_contain_text("Step 1")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_supervisors_see_late_and_missing_tasks_by_unit_and_export_them(
    page: Page, site: str, plan_engine: Engine, clock: ManualClock, tmp_path: Path
) -> None:
    nasati_on_time_pfd_late(plan_engine, clock, timedelta(days=2))
    log_in(page, site, user="itc.head")

    page.get_by_role("link", name="Chậm và không nộp").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Nhiệm vụ chậm và không nộp theo đơn vị"
    )
    page.get_by_label("Kỳ").select_option("year")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_role("columnheader", name="2021")).to_be_visible()
    cells = page.get_by_role("row", name="PFD").get_by_role("cell")
    expect(cells).to_have_text(["Vụ Kế hoạch - Tài chính (PFD)", "1", "0", "1", "0"])
    expect(page.get_by_role("row", name="NASATI").get_by_role("cell")).to_have_text(
        ["Cục Thông tin khoa học và công nghệ quốc gia (NASATI)", "0", "0", "0", "0"]
    )

    with page.expect_download() as download:
        page.get_by_role("link", name="Xuất XLSX").click()
    download.value.save_as(tmp_path / "overview.xlsx")
    sheet = load_workbook(tmp_path / "overview.xlsx").active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    # the site's five_tasks left ITC's first step open past its due date: late too
    assert [row[:3] for row in rows[1:]] == [
        ["ITC", "Trung tâm Công nghệ thông tin", 1],
        ["NASATI", "Cục Thông tin khoa học và công nghệ quốc gia", 0],
        ["PFD", "Vụ Kế hoạch - Tài chính", 1],
    ]
    assert [row[3:] for row in rows[1:]] == [[0, 1, 0], [0, 0, 0], [0, 1, 0]]

"""A designer in a real browser (Debian's Chromium), on SQLite and PostgreSQL: compares
versions 1 and 2 of a process and sees the new task marked, dry-runs the migration of
the running version-1 instances, migrates the one that can move, and its next task
reaches the new unit's inbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from live_site import log_in, serving_engine, watched_page
from playwright.sync_api import Browser, Dialog, Page, expect
from version_models import deploy_v1_with_two_instances

from engine.api import Engine


@pytest.fixture
def site(plan_engine: Engine) -> Iterator[str]:
    with serving_engine(plan_engine, "itc.designer", "nasati.staff") as url:
        yield url


def _compare_marks_the_new_task(page: Page) -> None:
    page.get_by_role("link", name="So sánh các phiên bản").first.click()
    expect(page.locator(".version-diagram[data-ready=true]")).to_have_count(2)
    added = page.locator('#diagram-new g.diff-added[data-element-id="check"]')
    expect(added).to_have_count(1)
    expect(page.locator('#diagram-old g.diff-removed[data-element-id="sign"]')).to_have_count(1)
    expect(page.locator('#diagram-old [data-element-id="check"]')).to_have_count(0)
    rows = page.locator("tbody#change-check")
    expect(rows).to_contain_text("Check the draft")
    expect(rows).to_contain_text("được thêm")
    expect(rows.get_by_role("row").filter(has_text="Đơn vị")).to_contain_text("NASATI")
    expect(rows.get_by_role("row").filter(has_text="Hạn xử lý")).to_contain_text(
        "${add_working_days(now(), 5)}"
    )


def test_a_designer_compares_versions_and_migrates_an_instance_to_the_new_one(
    page: Page, browser: Browser, site: str, plan_engine: Engine
) -> None:
    at_draft, at_sign = deploy_v1_with_two_instances(plan_engine)
    log_in(page, site, user="itc.designer")
    page.goto(f"{site}/processes")
    _compare_marks_the_new_task(page)

    page.get_by_role("link", name="Chuyển các hồ sơ đang chạy sang phiên bản mới").click()
    expect(page.locator(f"#instance-row-{at_sign}")).to_contain_text("Sign (LEAD)")
    page.get_by_label(f"#{at_draft}").check()
    page.get_by_label(f"#{at_sign}").check()
    page.get_by_role("button", name="Chạy thử").click()
    expect(page.locator(f"#instance-row-{at_draft} .answer")).to_have_text("có thể chuyển")
    expect(page.locator(f"#instance-row-{at_sign} .answer")).to_contain_text(
        "ở lại: Các bước đang chờ “Sign” không có trong phiên bản 2."
    )
    assert plan_engine.instance(at_draft).version == 1  # a dry run changes nothing

    questions: list[str] = []

    def answer(dialog: Dialog, accept: bool) -> None:
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.get_by_label(f"#{at_sign}").uncheck()
    page.once("dialog", lambda dialog: answer(dialog, False))
    page.get_by_role("button", name="Chuyển các hồ sơ đã chọn").click()
    assert plan_engine.instance(at_draft).version == 1  # the designer said no
    page.once("dialog", lambda dialog: answer(dialog, True))
    page.get_by_role("button", name="Chuyển các hồ sơ đã chọn").click()
    expect(page.get_by_role("status").first).to_have_text(
        f"Đã chuyển 1 hồ sơ sang phiên bản 2: #{at_draft}."
    )
    assert questions == ["Chuyển các hồ sơ đã chọn sang phiên bản 2? Lịch sử của chúng sẽ ghi lại việc này."] * 2  # fmt: skip  # noqa: E501
    expect(page.locator(f"#instance-row-{at_draft}")).to_have_count(0)
    expect(page.locator(f"#instance-row-{at_sign}")).to_have_count(1)

    page.goto(f"{site}/instances/{at_draft}")
    history = page.get_by_role("table").last
    expect(history.get_by_role("row").last).to_contain_text(
        "chuyển quy trình từ phiên bản 1 sang phiên bản 2"
    )
    expect(history.get_by_role("row").last).to_contain_text("Phạm Thị Hoa (ITC)")

    plan_engine.complete(plan_engine.tasks(instance_id=at_draft)[0].id, actor="itc.staff")
    with watched_page(browser) as staff:
        log_in(staff, site, user="nasati.staff")
        expect(staff.get_by_role("row", name="Check the draft")).to_be_visible()

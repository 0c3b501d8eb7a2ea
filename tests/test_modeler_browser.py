"""The modeler in Chromium: a designer adds a task for a unit with a deadline in working
days, sees govflow's validation on the diagram, connects it, saves a draft and deploys
version 2 with a note; and every shipped process opens and saves back as unchanged."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from environment import require
from live_site import log_in, serving_engine
from playwright.sync_api import Locator, Page, expect

from engine.api import Engine, read_files
from engine.drafts import process_key_of
from web.modeler import MODELER_BUNDLE

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = ROOT / "processes"
SCREENSHOT = ROOT / "screenshots" / "designer_modeler_path.png"
"""Written by the designer's test; the README shows it (screenshots/ is git-ignored)."""


@pytest.fixture
def site(plan_engine: Engine) -> Iterator[str]:
    require(None if MODELER_BUNDLE.exists() else "the modeler is not built: npm run build")
    plan_engine.deploy(read_files([PROCESSES]), actor="test")
    with serving_engine(plan_engine, "itc.designer") as url:
        yield url


def open_modeler(page: Page, site: str, process_key: str) -> None:
    page.goto(f"{site}/processes/{process_key}/edit")
    expect(page.locator("body[data-modeler-ready]")).to_have_attribute("data-modeler-ready", "true")


def shape(page: Page, element_id: str) -> Locator:
    return page.locator(f'#modeler-canvas g.djs-element[data-element-id="{element_id}"]')


def select(page: Page, element_id: str) -> None:
    """Select an element as a click would, also one the palette covers."""
    page.evaluate(
        "id => { const m = window.govflowModeler.modeler;"
        " m.get('selection').select(m.get('elementRegistry').get(id)); }",
        element_id,
    )


DRAGGING = "() => window.govflowModeler.modeler.get('dragging').context()"
"""bpmn-js's drag in progress, if any: ``active`` once it started, ``payload.hover`` the
element under the pointer."""


def drag(page: Page, handle: Locator, target: Locator, target_id: str) -> None:
    """Press on ``handle``, move onto ``target`` and release, as bpmn-js connects. As a
    designer watches the screen, it waits for the drag to start before travelling and for
    the target to be hovered before releasing: a busy browser handles input late."""
    handle.hover()
    start, end = handle.bounding_box(), target.bounding_box()
    assert start is not None and end is not None
    page.mouse.down()
    page.mouse.move(start["x"] - 10, start["y"] + start["height"] / 2, steps=3)
    page.wait_for_function(f"() => ({DRAGGING})()?.active === true")
    x, y = end["x"] + end["width"] / 2, end["y"] + end["height"] / 2
    page.mouse.move(x, y, steps=10)
    page.wait_for_function(f"id => ({DRAGGING})()?.payload.hover?.id === id", arg=target_id)
    page.mouse.up()


EDITS_LANDED = """([id, days, reminder]) => {
  const bo = window.govflowModeler.modeler.get('elementRegistry').get(id).businessObject;
  const properties = (bo.extensionElements?.values || []).flatMap((e) => e.values || []);
  return (bo.get('camunda:dueDate') || '').includes(`, ${days})`)
    && properties.some((p) => p.name === 'reminder' && p.value === reminder);
}"""
"""Whether the properties panel's edits, which it applies after a pause, reached the task."""


def test_a_designer_adds_a_task_and_deploys_version_2(
    page: Page, site: str, plan_engine: Engine
) -> None:
    page.set_viewport_size({"width": 1600, "height": 1000})
    log_in(page, site, user="itc.designer")
    open_modeler(page, site, "data_upgrade_plan")
    expect(page.locator("body")).to_have_attribute("data-import-warnings", "0")
    palette_task = page.locator('.djs-palette [data-action="create.task"]')
    expect(palette_task).to_have_attribute("aria-label", "Tạo nhiệm vụ")

    shape(page, "record_product").click()
    page.locator('.djs-context-pad [data-action="append.append-task"]').click()
    page.keyboard.type("Kiểm tra kết quả")
    page.locator("#modeler-properties").click(position={"x": 5, "y": 5})  # ends the label
    page.locator('.djs-context-pad [data-action="replace"]').click()
    page.locator('[data-id="replace-with-user-task"]').click()
    new_task = page.evaluate("window.govflowModeler.modeler.get('selection').get()[0].id")
    header = page.locator(".bio-properties-panel-header-type")
    expect(header).to_have_text("Nhiệm vụ người dùng")  # the panel shows the user task
    page.locator(".bio-properties-panel-group-header", has_text="Giao việc").click()
    page.get_by_label("Đơn vị").select_option("ITC")
    page.locator(".bio-properties-panel-group-header", has_text="Thời hạn (ngày làm việc)").click()
    page.get_by_label("Hạn sau số ngày làm việc").fill("5")
    page.get_by_label("Nhắc trước hạn").fill("2WD")
    page.wait_for_function(EDITS_LANDED, arg=[new_task, "5", "2WD"])
    expect(page.locator("#modeler-deploy")).to_be_enabled()  # checked; a warning does not block

    badge = page.locator(f'.djs-overlays[data-container-id="{new_task}"] .govflow-problem')
    expect(badge).to_have_attribute(  # a warning: BPMN 2.0 §10.5.3 allows an implicit end
        "title", "không có luồng tuần tự đi ra: nhánh kết thúc tại đây (một sự kiện kết thúc ngầm)"
    )
    expect(page.locator("#modeler-problems")).to_contain_text(new_task)

    select(page, new_task)
    connect = page.locator('.djs-context-pad [data-action="connect"]')
    drag(page, connect, shape(page, "end"), "end")
    connected = "id => window.govflowModeler.modeler.get('elementRegistry').get(id).outgoing.length"
    assert page.evaluate(connected, new_task) == 1
    expect(badge).to_have_count(0)
    expect(page.locator("#modeler-problem-count")).to_have_text("Không phát hiện lỗi.")
    expect(page.locator("#modeler-deploy")).to_be_enabled()

    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.locator("#modeler-status")).to_contain_text("Đã lưu bản nháp: data_upgrade_plan")
    page.screenshot(path=SCREENSHOT, full_page=True)
    draft = plan_engine.draft("data_upgrade_plan", "itc.designer")
    assert draft is not None and 'camunda:dueDate="${add_working_days(now(), 5)}"' in draft.xml
    assert '<camunda:property name="reminder" value="2WD" />' in draft.xml

    page.get_by_label("Ghi chú thay đổi (bắt buộc khi triển khai)").fill("Thêm bước kiểm tra")
    page.get_by_role("button", name="Triển khai thành phiên bản mới").click()
    expect(page.locator("#modeler-status")).to_have_text(
        "Đã triển khai data_upgrade_plan phiên bản 2."
    )
    version = {(d.process_key, d.version): d for d in plan_engine.definition_page().items}
    assert version["data_upgrade_plan", 2].note == "Thêm bước kiểm tra"
    assert version["data_upgrade_plan", 2].deployed_by == "itc.designer"
    meta_units = plan_engine.latest_source("data_upgrade_plan")
    assert 'camunda:candidateGroups="ITC"' in meta_units


def test_every_shipped_process_opens_and_saves_back_unchanged(
    page: Page, site: str, plan_engine: Engine
) -> None:
    log_in(page, site, user="itc.designer")
    for path in sorted(PROCESSES.glob("*.bpmn")):
        process_key = process_key_of(path.read_text(encoding="utf-8"))
        open_modeler(page, site, process_key)
        expect(page.locator("body")).to_have_attribute("data-import-warnings", "0")
        xml = page.evaluate("window.govflowModeler.currentXml()")
        files = plan_engine.with_called_files(path.name, xml.encode())
        result = plan_engine.deploy(files, actor="itc.designer", note="-")
        assert result.created == [], path.name
        assert (process_key, 1) in result.unchanged


def test_in_english_timers_preview_and_messages_come_from_other_processes(
    page: Page, site: str
) -> None:
    log_in(page, site, user="itc.designer")
    page.goto(f"{site}/lang/en")
    open_modeler(page, site, "data_upgrade_plan")
    expect(page.locator('.djs-palette [data-action="create.task"]')).to_have_attribute(
        "aria-label", "Create task"
    )
    shape(page, "draft").click()
    panel = page.locator("#modeler-properties")
    panel.locator(".bio-properties-panel-group-header", has_text="User assignment").click()
    expect(panel.get_by_label("Unit")).to_have_value("${owner_unit}")
    expect(panel.locator(".bio-properties-panel-group-header").first).to_have_text("General")
    headers = panel.locator(".bio-properties-panel-group-header")
    expect(headers.filter(has_text="Form fields")).to_have_count(1)
    expect(headers.filter(has_text="Task listeners")).to_have_count(0)  # govflow refuses them
    select(page, "record_product")
    headers.filter(has_text="Script").click()
    expect(panel.get_by_label("Script", exact=True)).to_have_value(re.compile(r"^product = \{"))

    open_modeler(page, site, "yearly_training")  # R5/2021-06-01T00:00:00+07:00/P1Y
    select(page, "start")  # under the palette
    panel.locator(".bio-properties-panel-group-header", has_text="Next firings").click()
    firings = panel.locator(".govflow-firings li")
    expect(firings).to_have_count(5)
    expect(firings.first).to_have_text("01/06/2021 00:00 · working day")
    expect(firings.last).to_have_text("01/06/2025 00:00 · not a working day")  # a Sunday

    open_modeler(page, site, "sharing_service_publication")
    select(page, "database_live")  # its message start event
    panel.locator(".bio-properties-panel-group-header", has_text="Used by other processes").click()
    panel.get_by_label("Message name").select_option("portal_acknowledgement")
    reference = (
        "() => window.govflowModeler.modeler.get('elementRegistry').get('database_live')"
        ".businessObject.eventDefinitions[0].messageRef.name"
    )
    assert page.evaluate(reference) == "portal_acknowledgement"
    assert 'name="portal_acknowledgement"' in page.evaluate("window.govflowModeler.currentXml()")


SHOWN_TEXTS = """() => {
  const texts = new Set();
  const parts = '#modeler-properties, .djs-popup, .djs-context-pad, .djs-palette, .djs-overlays';
  for (const part of document.querySelectorAll(parts)) {
    for (const element of part.querySelectorAll('*')) {
      if (element.getClientRects().length === 0) continue;  // not shown
      for (const name of ['title', 'aria-label', 'placeholder']) {
        if (element.getAttribute(name)) texts.add(element.getAttribute(name).trim());
      }
      if (element.children.length === 0) texts.add(element.textContent.trim());
      for (const option of element.tagName === 'SELECT' ? element.options : []) {
        texts.add(option.textContent.trim());  // the choices it offers
      }
    }
  }
  return [...texts];
}"""
"""The texts a designer reads in the modeler's palette, context pad, menus, panel and the
diagram's overlays (a collapsed sub-process's drill-down button)."""

KINDS = """() => {
  const kinds = new Map();
  for (const element of window.govflowModeler.modeler.get('elementRegistry').getAll()) {
    const semantic = element.businessObject;
    const events = (semantic.eventDefinitions || []).map((definition) => definition.$type);
    kinds.set([element.type, ...events, semantic.cancelActivity].join(' '), element.id);
  }
  return Object.fromEntries(kinds);
}"""
"""One element id for each kind of element (its type, event and interruption) shown."""

OPEN_THE_PANEL = """() => {
  const panel = document.getElementById('modeler-properties');
  for (const header of panel.querySelectorAll('.bio-properties-panel-group-header:not(.open)')) {
    header.click();
  }
  for (const entry of panel.querySelectorAll('.bio-properties-panel-collapsible-entry')) {
    const entries = entry.querySelector(':scope > .bio-properties-panel-collapsible-entry-entries');
    if (!entries || !entries.classList.contains('open')) {
      entry.querySelector(':scope > .bio-properties-panel-collapsible-entry-header').click();
    }
  }
}"""
"""Opens every group of the properties panel, and every entry of a list in them."""


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the words, whatever the database
def test_in_vietnamese_the_modeler_shows_no_english(page: Page, site: str) -> None:
    """Every kind of element of the shipped processes selected, its properties opened and
    its replace menu shown: each text bpmn-js asks a translation for is in the catalogue."""
    log_in(page, site, user="itc.designer")
    visited: set[str] = set()
    untranslated: set[str] = set()
    shown: set[str] = set()
    for path in sorted(PROCESSES.glob("*.bpmn")):
        open_modeler(page, site, process_key_of(path.read_text(encoding="utf-8")))
        for kind, element_id in page.evaluate(KINDS).items():
            if kind in visited:
                continue
            visited.add(kind)
            select(page, element_id)
            for _ in range(2):  # the groups, then the entries (form fields, ...) they hold
                page.evaluate(OPEN_THE_PANEL)
            shown.update(page.evaluate(SHOWN_TEXTS))
            page.evaluate(
                "id => { const m = window.govflowModeler.modeler;"
                " m.get('popupMenu').open(m.get('elementRegistry').get(id), 'bpmn-replace',"
                " { x: 10, y: 10 }); }",
                element_id,
            )
            shown.update(page.evaluate(SHOWN_TEXTS))
            page.keyboard.press("Escape")
        untranslated.update(page.evaluate("[...window.govflowModeler.untranslated]"))
    assert len(visited) > 20  # tasks, events, gateways, flows, lanes, ...
    assert in_english(untranslated, shown) == []


def in_english(templates: set[str], shown: set[str]) -> list[str]:
    """The ``templates`` (such as ``Open {element}``) that one of the ``shown`` texts is."""
    patterns = {t: re.compile(re.sub(r"\\\{\w+\\\}", ".+", re.escape(t))) for t in templates}
    return sorted(t for t, pattern in patterns.items() if any(map(pattern.fullmatch, shown)))


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the page's words
def test_a_save_after_the_session_ended_is_refused_in_vietnamese(page: Page, site: str) -> None:
    log_in(page, site, user="itc.designer")
    open_modeler(page, site, "data_upgrade_plan")
    page.context.clear_cookies()  # logged out elsewhere, or the session expired

    page.get_by_role("button", name="Lưu bản nháp").click()

    expect(page.locator("#modeler-status")).to_have_text(  # the problem's detail, not its title
        "Biểu mẫu đã hết hạn. Hãy tải lại trang rồi gửi lại."
    )


RENAME_A_USER_TASK = """() => {
  const m = window.govflowModeler.modeler;
  const task = m.get('elementRegistry').filter((e) => e.type === 'bpmn:UserTask')[0];
  m.get('modeling').updateLabel(task, 'Renamed in the browser');
  return task.id;
}"""
NAME_OF = "id => window.govflowModeler.modeler.get('elementRegistry').get(id).businessObject.name"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the browser keeps them
def test_edits_not_saved_are_offered_back_when_the_process_is_opened_again(
    page: Page, site: str, plan_engine: Engine
) -> None:
    log_in(page, site, user="itc.designer")
    open_modeler(page, site, "data_upgrade_plan")
    banner = page.locator("#modeler-unsaved")
    expect(banner).to_be_hidden()  # nothing kept yet
    task_id = page.evaluate(RENAME_A_USER_TASK)
    page.wait_for_function(
        "() => (localStorage.getItem('govflow-modeler-unsaved:itc.designer:data_upgrade_plan')"
        " || '')"
        ".includes('Renamed in the browser')"
    )

    open_modeler(page, site, "data_upgrade_plan")  # the tab was closed, or the session ended

    assert page.evaluate(NAME_OF, task_id) != "Renamed in the browser"
    expect(banner).to_contain_text("Trình duyệt này còn giữ những thay đổi")
    expect(page.locator("#modeler-unsaved-at")).to_have_text(
        re.compile(r"\d\d/\d\d/\d{4} \d\d:\d\d")
    )
    banner.get_by_role("button", name="Khôi phục").click()
    expect(banner).to_be_hidden()
    page.wait_for_function(f"id => ({NAME_OF})(id) === 'Renamed in the browser'", arg=task_id)

    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.locator("#modeler-status")).to_contain_text("Đã lưu bản nháp")
    draft = plan_engine.draft("data_upgrade_plan", "itc.designer")
    assert draft is not None and "Renamed in the browser" in draft.xml
    open_modeler(page, site, "data_upgrade_plan")
    expect(banner).to_be_hidden()  # saved: nothing left to offer

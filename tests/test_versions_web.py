"""The designers' version pages over HTTP: comparing two versions and the migration
screen; who may see them, and the answers to bad choices (on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from access_world import ROLES, Client, client_as
from clients import PASSWORD
from flask import Flask
from version_models import V1, deploy_v1_with_two_instances

from engine.api import Engine
from engine.paging import PageRequest
from web import create_app


@pytest.fixture
def app(plan_engine: Engine) -> Flask:
    for username in ("itc.designer", "itc.head", "nasati.staff", "admin"):
        plan_engine.set_password(username, PASSWORD)
    return create_app({"TESTING": True, "SECRET_KEY": "test"}, engine=plan_engine)


@pytest.fixture
def instances(plan_engine: Engine) -> tuple[int, int]:
    return deploy_v1_with_two_instances(plan_engine)


def _as(app: Flask, engine: Engine, role: str) -> Client:
    assert ROLES[role] is not None
    return client_as(app, engine, role)


@pytest.mark.parametrize("role", ["supervisor", "staff"])
def test_only_designers_and_admins_open_the_version_pages(
    app: Flask, plan_engine: Engine, instances: tuple[int, int], role: str
) -> None:
    refused = _as(app, plan_engine, role)
    assert refused.get("/processes/approval/compare?old=1&new=2").status_code == 403
    assert refused.get("/processes/approval/migration").status_code == 403
    assert refused.post("/processes/approval/migration", data={"to": "2"}).status_code == 403
    admin = _as(app, plan_engine, "admin")
    assert admin.get("/processes/approval/compare?old=1&new=2").status_code == 200
    assert admin.get("/processes/approval/migration").status_code == 200


def test_the_comparison_lists_what_changed(
    app: Flask, plan_engine: Engine, instances: tuple[int, int]
) -> None:
    page = _as(app, plan_engine, "designer").get("/processes/approval/compare")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-marks="{&#34;sign&#34;: &#34;removed&#34;' in html
    assert "&#34;check&#34;: &#34;added&#34;" in html
    for shown in ("Check the draft", "NASATI", "${add_working_days(now(), 5)}", "«remarks»"):
        assert shown in html, shown
    assert "2 thành phần được thêm, 2 bị xóa, 1 được sửa." in html
    version_2 = _as(app, plan_engine, "designer").get("/processes/approval/2")
    assert "/processes/approval/compare?old=1&amp;new=2" in version_2.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "status", "field", "words"),
    [
        ("old=1&new=9", 404, "new", "Phiên bản 9 của quy trình này chưa được triển khai."),
        ("old=x&new=2", 422, "old", "Hãy chọn một phiên bản trong danh sách."),
        ("old=2&new=2", 422, "new", "Hãy chọn hai phiên bản khác nhau."),
    ],
)
def test_a_bad_choice_of_versions_names_its_field_in_the_users_language(
    app: Flask,
    plan_engine: Engine,
    instances: tuple[int, int],
    query: str,
    status: int,
    field: str,
    words: str,
) -> None:
    page = _as(app, plan_engine, "designer").get(f"/processes/approval/compare?{query}")
    html = page.get_data(as_text=True)
    assert page.status_code == status
    assert f'id="{field}-error" role="alert">{words}</p>' in html


def test_in_english_the_pages_speak_english(
    app: Flask, plan_engine: Engine, instances: tuple[int, int]
) -> None:
    designer = _as(app, plan_engine, "designer")
    designer.get("/lang/en")
    page = designer.get("/processes/approval/compare?old=1&new=9").get_data(as_text=True)
    assert 'id="new-error" role="alert">Version 9 of this process is not deployed.</p>' in page
    form = {"to": "2", "instance": [str(i) for i in instances], "action": "dry_run"}
    dry_run = designer.post("/processes/approval/migration", data=form).get_data(as_text=True)
    assert "stays: Its active step(s) “Sign” do not exist in version 2." in dry_run


def test_an_unknown_process_is_not_found(app: Flask, plan_engine: Engine) -> None:
    designer = _as(app, plan_engine, "designer")
    assert designer.get("/processes/nothing/compare").status_code == 404
    assert designer.get("/processes/nothing/migration").status_code == 404


def test_the_dry_run_says_which_instances_can_move_and_why_the_others_cannot(
    app: Flask, plan_engine: Engine, instances: tuple[int, int]
) -> None:
    at_draft, at_sign = instances
    designer = _as(app, plan_engine, "designer")
    listing = designer.get("/processes/approval/migration").get_data(as_text=True)
    assert "Draft (ITC)" in listing and "Sign (LEAD)" in listing
    form = {"to": "2", "instance": [str(at_draft), str(at_sign)], "action": "dry_run"}
    answer = designer.post("/processes/approval/migration", data=form)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "có thể chuyển" in html
    assert "Các bước đang chờ “Sign” không có trong phiên bản 2." in html
    assert {plan_engine.instance(i).version for i in instances} == {1}


def test_migrating_moves_the_chosen_instance_and_its_history_says_who_and_which_versions(
    app: Flask, plan_engine: Engine, instances: tuple[int, int]
) -> None:
    at_draft, at_sign = instances
    designer = _as(app, plan_engine, "designer")
    form = {"to": "2", "instance": [str(at_draft)], "action": "migrate"}
    answer = designer.post("/processes/approval/migration", data=form)
    assert answer.status_code == 302
    assert (plan_engine.instance(at_draft).version, plan_engine.instance(at_sign).version) == (2, 1)
    moved = plan_engine.history(at_draft)[-1]
    assert (moved.kind, moved.actor, moved.data) == (
        "instance_migrated",
        "itc.designer",
        {"from_version": 1, "to_version": 2},
    )
    story = designer.get(f"/instances/{at_draft}").get_data(as_text=True)
    assert "chuyển quy trình từ phiên bản 1 sang phiên bản 2" in story


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"to": "2", "action": "migrate"}, "instance"),
        ({"to": "2", "instance": "abc", "action": "migrate"}, "instance"),
        ({"to": "2", "instance": "987654", "action": "migrate"}, "instance"),
        ({"to": "9", "instance": "1", "action": "migrate"}, "to"),
        ({"to": "two", "instance": "1", "action": "migrate"}, "to"),
    ],
)
def test_a_bad_migration_form_names_its_field(
    app: Flask, plan_engine: Engine, instances: tuple[int, int], form: dict, field: str
) -> None:
    answer = _as(app, plan_engine, "designer").post("/processes/approval/migration", data=form)
    assert answer.status_code == 422
    assert f'role="alert" data-field="{field}"' in answer.get_data(as_text=True)
    assert {plan_engine.instance(i).version for i in instances} == {1}


def test_the_designer_chooses_the_target_version_the_newest_by_default(
    app: Flask, plan_engine: Engine, instances: tuple[int, int]
) -> None:
    at_draft, at_sign = instances
    third = V1.replace(b'name="Approval"', b'name="Approval, signed again"')
    plan_engine.deploy({"approval.bpmn": third}, actor="itc.designer")
    designer = _as(app, plan_engine, "designer")
    newest = designer.get("/processes/approval/migration").get_data(as_text=True)
    assert '<option value="3" selected>v3 (mới nhất)</option>' in newest
    second = designer.get("/processes/approval/migration?to=2").get_data(as_text=True)
    assert '<option value="2" selected>v2</option>' in second
    assert '<input type="hidden" name="to" value="2">' in second

    form = {"to": "2", "instance": [str(at_draft)], "action": "migrate"}
    answer = designer.post("/processes/approval/migration", data=form)

    assert answer.status_code == 302 and answer.location.endswith("?to=2")
    assert (plan_engine.instance(at_draft).version, plan_engine.instance(at_sign).version) == (2, 1)
    (entry,) = [
        e for e in plan_engine.audit_log(PageRequest()).items if e.action == "instances_migrated"
    ]
    assert (entry.actor, entry.target) == ("itc.designer", "approval v1 → v2")


def test_a_target_version_that_is_not_deployed_is_named(
    app: Flask, plan_engine: Engine, instances: tuple[int, int]
) -> None:
    answer = _as(app, plan_engine, "designer").get("/processes/approval/migration?to=9")
    assert answer.status_code == 404
    assert "Phiên bản 9 của quy trình này chưa được triển khai." in answer.get_data(as_text=True)

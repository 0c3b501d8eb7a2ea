"""The admins' pages, the own-password page and the audit log page, through the test
client on SQLite and PostgreSQL: who may open them, every bad field named in
Vietnamese, a success message after each change, and the log in words."""

from __future__ import annotations

import re

import pytest
from clients import PASSWORD
from flask import Flask
from flask.testing import FlaskClient

from engine.api import Engine
from web import create_app


@pytest.fixture
def app(plan_engine: Engine) -> Flask:
    for username in ("admin", "itc.staff", "itc.head"):
        plan_engine.set_password(username, PASSWORD)
    return create_app({"TESTING": True, "SECRET_KEY": "test"}, engine=plan_engine)


def _as(app: Flask, username: str) -> FlaskClient:
    """A client logged in as ``username``, its forms sending the CSRF token."""
    client = app.test_client()
    answer = client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.json
    client.environ_base["HTTP_X_CSRFTOKEN"] = answer.json["csrf_token"]
    return client


def _alerts(page: str) -> dict[str, str]:
    """Each field's error on a page, by the field's name."""
    return dict(re.findall(r'<div class="error" id="e_(\w+)" role="alert">(.*?)</div>', page))


def _flash(client: FlaskClient, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'class="flash success" role="status">(.*?)</div>', page)
    assert match, page
    return match.group(1)


@pytest.mark.parametrize("username", ["itc.staff", "itc.head"])
def test_only_an_admin_opens_the_admin_pages(app: Flask, username: str) -> None:
    client = _as(app, username)
    for path in ("/admin/users", "/admin/users/new", "/admin/users/itc.staff"):
        assert client.get(path).status_code == 403
    assert (
        client.post("/admin/users/itc.staff/password", data={"password": "x" * 12}).status_code
        == 403
    )
    assert client.post("/admin/users/itc.staff/sessions/end").status_code == 403
    assert _as(app, "admin").get("/admin/users").status_code == 200


def test_supervisors_and_admins_read_the_audit_log_staff_do_not(app: Flask) -> None:
    assert _as(app, "itc.staff").get("/admin/audit").status_code == 403
    assert _as(app, "itc.head").get("/admin/audit").status_code == 200
    assert _as(app, "admin").get("/admin/audit").status_code == 200


def test_a_form_without_its_csrf_token_is_refused(app: Flask) -> None:
    client = _as(app, "admin")
    del client.environ_base["HTTP_X_CSRFTOKEN"]
    answer = client.post("/admin/users/itc.staff/sessions/end")
    assert answer.status_code == 400


def test_every_bad_field_of_a_new_user_is_named_in_vietnamese(app: Flask) -> None:
    form = {"username": "Bad Name", "full_name": "", "email": "nope", "units": "NOWHERE"}
    answer = _as(app, "admin").post("/admin/users/new", data=form)

    assert answer.status_code == 422
    assert _alerts(answer.get_data(as_text=True)) == {
        "username": "Tên đăng nhập chỉ gồm chữ thường, chữ số, dấu chấm, _ và -.",
        "full_name": "Cần nhập họ và tên (tối đa 200 ký tự).",
        "email": "Nhập địa chỉ thư điện tử, ví dụ an@most.gov.vn.",
        "units": "Chọn các đơn vị có trong tổ chức.",
        "roles": "Chọn ít nhất một vai trò.",
    }
    assert 'value="nope"' in answer.get_data(as_text=True)  # what was typed stays


def test_an_admin_creates_a_user_who_then_gets_a_password(app: Flask, plan_engine: Engine) -> None:
    admin = _as(app, "admin")
    form = {
        "username": "itc.new",
        "full_name": "Lê Văn Mới",
        "email": "moi@most.gov.vn",
        "units": ["ITC"],
        "roles": ["staff"],
        "is_active": "on",
    }
    answer = admin.post("/admin/users/new", data=form)
    assert answer.status_code == 302 and answer.location == "/admin/users/itc.new"
    assert _flash(admin, answer.location) == "Đã tạo người dùng itc.new."

    short = admin.post("/admin/users/itc.new/password", data={"password": "short"})
    assert short.status_code == 422
    assert _alerts(short.get_data(as_text=True)) == {"password": "Cần ít nhất 8 ký tự."}
    admin.post("/admin/users/itc.new/password", data={"password": PASSWORD})
    assert _as(app, "itc.new").get("/tasks").status_code == 200
    assert "itc.new" in [u.username for u in plan_engine.organisation.members_of("ITC")]


def test_a_token_is_shown_once_and_revoked(app: Flask, plan_engine: Engine) -> None:
    admin = _as(app, "admin")
    empty = admin.post("/admin/users/itc.staff/tokens", data={"token_name": " "})
    assert empty.status_code == 422
    assert _alerts(empty.get_data(as_text=True)) == {"token_name": "Mục này là bắt buộc."}

    created = admin.post("/admin/users/itc.staff/tokens", data={"token_name": "portal"})
    assert created.status_code == 201
    token = re.search(r'<code id="new-token">(gf_[^<]+)</code>', created.get_data(as_text=True))
    assert token is not None
    user = plan_engine.user_of_token(token.group(1))
    assert user is not None and user.username == "itc.staff"
    page = admin.get("/admin/users/itc.staff").get_data(as_text=True)
    assert token.group(1) not in page and "portal" in page

    (listed,) = plan_engine.tokens_of("itc.staff")
    elsewhere = admin.post(f"/admin/users/itc.head/tokens/{listed.id}/revoke")
    assert elsewhere.status_code == 404
    assert f"itc.head không có mã truy cập số {listed.id}." in elsewhere.get_data(as_text=True)
    unknown = admin.get("/admin/users/nobody")
    assert unknown.status_code == 404
    assert "Không có người dùng nobody." in unknown.get_data(as_text=True)
    answer = admin.post(f"/admin/users/itc.staff/tokens/{listed.id}/revoke")
    assert answer.status_code == 302
    assert _flash(admin, answer.location) == "Đã thu hồi mã truy cập."
    assert plan_engine.user_of_token(token.group(1)) is None


def test_ending_a_users_sessions_logs_them_out(app: Flask) -> None:
    staff, admin = _as(app, "itc.staff"), _as(app, "admin")
    answer = admin.post("/admin/users/itc.staff/sessions/end")
    assert _flash(admin, answer.location) == "Đã kết thúc 1 phiên đăng nhập của itc.staff."
    assert staff.get("/tasks").status_code == 302  # to the log-in page


def test_a_user_changes_their_own_password_with_the_current_one(app: Flask) -> None:
    staff = _as(app, "itc.staff")
    new = {"password": "a brand new passphrase", "confirm_password": "a brand new passphrase"}
    wrong = staff.post("/account/password", data={"current_password": "guess", **new})
    assert wrong.status_code == 403
    assert _alerts(wrong.get_data(as_text=True)) == {
        "current_password": "Mật khẩu hiện tại không đúng."
    }
    empty = staff.post("/account/password", data={"current_password": "", **new})
    assert empty.status_code == 422
    assert _alerts(empty.get_data(as_text=True)) == {"current_password": "Mục này là bắt buộc."}
    differ = {"current_password": PASSWORD, "password": "a" * 10, "confirm_password": "b" * 10}
    answer = staff.post("/account/password", data=differ)
    assert answer.status_code == 422 and "confirm_password" in _alerts(
        answer.get_data(as_text=True)
    )

    answer = staff.post("/account/password", data={"current_password": PASSWORD, **new})
    assert _flash(staff, answer.location) == "Đã đổi mật khẩu của bạn."
    assert staff.get("/tasks").status_code == 200  # this session stays


def test_the_audit_page_says_who_did_what_when_in_ha_noi_time(app: Flask) -> None:
    admin = _as(app, "admin")
    admin.post("/admin/users/itc.staff/sessions/end")
    form = {"full_name": "Trần Bình", "email": "binh@most.gov.vn", "units": ["ITC"]}
    admin.post("/admin/users/itc.staff", data={**form, "roles": ["staff"], "is_active": "on"})

    page = admin.get("/admin/audit").get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", page, re.S)
    assert [(what, who.split(" (")[0]) for _, who, what in rows[:2]] == [
        ("đã sửa người dùng", "Quản trị hệ thống"),
        ("đã kết thúc các phiên đăng nhập", "Quản trị hệ thống"),
    ]
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", rows[0][0])
    assert "Họ và tên: Trần Thị Bình → Trần Bình" in page

    paged = admin.get("/admin/audit?limit=1").get_data(as_text=True)
    assert 'rel="next"' in paged and "đã kết thúc" not in paged


def test_an_admin_cannot_lock_themselves_out(app: Flask, plan_engine: Engine) -> None:
    form = {"full_name": "Quản trị hệ thống", "email": "admin@example.gov.vn", "units": ["ITC"]}
    answer = _as(app, "admin").post("/admin/users/admin", data={**form, "roles": ["staff"]})

    assert answer.status_code == 422
    assert _alerts(answer.get_data(as_text=True))["roles"].startswith(
        "Bạn không thể tự bỏ vai trò quản trị của mình"
    )
    admin = plan_engine.user("admin")
    assert admin is not None and admin.roles == ("admin",)


def test_in_english_the_page_and_its_errors_are_english(app: Flask) -> None:
    admin = _as(app, "admin")
    admin.get("/lang/en")
    form = {"full_name": "Trần Thị Bình", "email": "nope", "units": ["ITC"], "roles": ["staff"]}
    answer = admin.post("/admin/users/itc.staff", data=form)

    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert _alerts(page) == {"email": "Enter an e-mail address such as an@most.gov.vn."}
    assert "<h2>Profile</h2>" in page and "Reset the password" in page

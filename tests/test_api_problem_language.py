"""A problem document of the API says what went wrong twice: ``title`` and ``code`` in
the engine's English for programs, ``detail`` in the caller's language for people
(``Accept-Language``, Vietnamese by default), named by ``Content-Language``."""

from __future__ import annotations

import pytest
from clients import PASSWORD, logged_in
from conftest import BPMN_DIR
from flask import Flask
from flask.testing import FlaskClient

from engine.api import Engine, read_files
from web import create_app


@pytest.fixture
def app(plan_engine: Engine) -> Flask:
    plan_engine.deploy(read_files([BPMN_DIR / "five_tasks.bpmn"]))
    plan_engine.set_password("itc.staff", PASSWORD)
    return create_app({"TESTING": True, "SECRET_KEY": "test"}, engine=plan_engine)


@pytest.fixture
def staff(app: Flask) -> FlaskClient:
    return logged_in(app, "itc.staff")


def test_a_refusal_is_detailed_in_vietnamese_and_titled_in_english(staff: FlaskClient) -> None:
    answer = staff.get("/api/v1/tasks?unit=NASATI")

    assert answer.status_code == 403
    assert answer.content_language.to_header() == "vi"
    assert answer.json["code"] == "forbidden" and answer.json["unit"] == "NASATI"
    assert answer.json["title"] == "you do not work for unit NASATI"
    assert answer.json["detail"] == (
        "Bạn không thuộc Cục Thông tin khoa học và công nghệ quốc gia (NASATI)."
    )


def test_accept_language_asks_for_the_detail_in_english(staff: FlaskClient) -> None:
    answer = staff.get("/api/v1/tasks?unit=NASATI", headers={"Accept-Language": "en-GB,en;q=0.8"})

    assert answer.content_language.to_header() == "en"
    assert answer.json["detail"] == (
        "You do not work for National Agency for Science and Technology Information (NASATI)."
    )
    assert answer.json["title"] == "you do not work for unit NASATI"  # the same for programs


def test_the_language_chosen_on_the_pages_wins_over_accept_language(staff: FlaskClient) -> None:
    staff.get("/lang/en")
    answer = staff.get("/api/v1/tasks?limit=0", headers={"Accept-Language": "vi"})

    assert answer.status_code == 422 and answer.json["field"] == "limit"
    assert answer.json["detail"] == "The page size (limit) is a whole number from 1 to 200."


def test_a_forms_problems_are_detailed_by_field_in_vietnamese(
    plan_engine: Engine, staff: FlaskClient
) -> None:
    (task,) = plan_engine.start("five_tasks", actor="test").open_tasks

    answer = staff.post(f"/api/v1/tasks/{task.id}/complete", json={"data": {"score": 11}})

    assert answer.status_code == 422 and answer.json["field"] == "score"
    assert answer.json["detail"] == "Score không được lớn hơn 10."


@pytest.mark.parametrize(
    ("language", "detail"),
    [("vi", "Sai tên đăng nhập hoặc mật khẩu."), ("en", "Wrong username or password.")],
)
def test_a_wrong_password_is_detailed_in_the_callers_language(
    app: Flask, language: str, detail: str
) -> None:
    answer = app.test_client().post(
        "/api/v1/session",
        json={"username": "itc.staff", "password": "wrong"},
        headers={"Accept-Language": language},
    )

    assert answer.status_code == 401
    assert (answer.json["title"], answer.json["detail"]) == ("wrong username or password", detail)


def test_flasks_own_errors_are_detailed_too(staff: FlaskClient) -> None:
    answer = staff.get("/api/v1/no-such-list")

    assert answer.status_code == 404 and answer.json["code"] == "not_found"
    assert answer.json["detail"] == "Trang này không tồn tại hoặc bạn không có quyền xem."


def test_a_bodys_problems_are_detailed_field_by_field(app: Flask, staff: FlaskClient) -> None:
    missing = app.test_client().post("/api/v1/session", json={})
    assert missing.status_code == 422 and missing.json["field"] == "username"
    assert missing.json["title"] == "username: Missing data for required field."
    assert missing.json["detail"] == "Cần nhập username. Cần nhập password."

    stray = staff.post(
        "/api/v1/session/password",
        json={"current_password": PASSWORD, "new_password": 7, "remember": True},
        headers={"Accept-Language": "en"},
    )
    assert stray.status_code == 422
    assert stray.json["detail"] == (
        "new_password: text is expected. remember is not a field of this request."
    )

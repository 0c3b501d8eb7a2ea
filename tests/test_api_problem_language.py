"""A problem document of the API says what went wrong twice: ``title`` and ``code`` in
the engine's English for programs, ``detail`` in the caller's language for people
(``Accept-Language``, Vietnamese by default), named by ``Content-Language``."""

from __future__ import annotations

import io
from typing import Any

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


MALFORMED = {
    "not_json": (
        "post",
        "/api/v1/tasks/{task}/complete",
        {"data": b'{"data":', "content_type": "application/json"},
        "Send the body as a JSON object (Content-Type: application/json).",
        "Hãy gửi nội dung yêu cầu là một đối tượng JSON (Content-Type: application/json).",
    ),
    "not_an_object": (
        "post",
        "/api/v1/tasks/{task}/complete",
        {"json": [1, 2]},
        "Send the body as a JSON object (Content-Type: application/json).",
        "Hãy gửi nội dung yêu cầu là một đối tượng JSON (Content-Type: application/json).",
    ),
    "too_deep": (
        "post",
        "/api/v1/tasks/{task}/complete",
        {"data": b"[" * 70 + b"]" * 70, "content_type": "application/json"},
        "The body is nested deeper than 64 levels.",
        "Nội dung yêu cầu lồng nhau sâu quá 64 cấp.",
    ),
    "not_a_choice": (
        "get",
        "/api/v1/tasks?status=late",
        {},
        "status is one of: open, completed, cancelled, all.",
        "status phải là một trong các giá trị: open, completed, cancelled, all.",
    ),
    "not_a_date": (
        "get",
        "/api/v1/tasks?due_before=tomorrow",
        {},
        "due_before is a date (YYYY-MM-DD) or a date and time in ISO 8601 "
        "(YYYY-MM-DDTHH:MM+07:00).",
        "due_before là một ngày (YYYY-MM-DD) hoặc một ngày giờ theo ISO 8601 "
        "(YYYY-MM-DDTHH:MM+07:00).",
    ),
    "too_long": (
        "get",
        "/api/v1/tasks?q=" + "x" * 501,
        {},
        "q allows at most 500 characters.",
        "q chỉ được có tối đa 500 ký tự.",
    ),
    "nul_character": (
        "get",
        "/api/v1/tasks?q=a%00b",
        {},
        "q holds a NUL character, which cannot be stored.",
        "q chứa ký tự NUL, ký tự này không lưu được.",
    ),
    "no_file_part": (
        "post",
        "/api/v1/tasks/{task}/attachments",
        {"data": {"other": "x"}},
        "Send file as a part of a multipart/form-data body.",
        "Hãy gửi file là một phần của nội dung multipart/form-data.",
    ),
    "notification_limit": (
        "get",
        "/api/v1/notifications?limit=0",
        {},
        "The page size (limit) is a whole number from 1 to 200.",
        "Số dòng mỗi trang (limit) là số nguyên từ 1 đến 200.",
    ),
}


@pytest.mark.parametrize("case", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_request_is_detailed_in_the_callers_language(
    plan_engine: Engine, staff: FlaskClient, case: tuple[str, str, dict[str, Any], str, str]
) -> None:
    method, path, request, english, vietnamese = case
    (task,) = plan_engine.start("five_tasks", actor="test").open_tasks
    path = path.format(task=task.id)
    for language, detail in (("en", english), ("vi", vietnamese)):
        headers = {"Accept-Language": language}
        answer = getattr(staff, method)(path, headers=headers, **request)
        assert answer.status_code == 422, answer.json
        assert (answer.content_language.to_header(), answer.json["detail"]) == (language, detail)
        assert answer.json["title"] != detail  # the engine's English stays for programs


def test_a_body_over_the_limit_is_detailed_with_the_limit(app: Flask, staff: FlaskClient) -> None:
    app.config["MAX_JSON_BYTES"] = 2048
    answer = staff.post("/api/v1/session/password", json={"current_password": "x" * 4096})

    assert answer.status_code == 413 and answer.json["code"] == "too_large"
    assert answer.json["detail"] == "Nội dung yêu cầu lớn hơn giới hạn 2 KB."


BROKEN_FLOW = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"
    targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f" sourceRef="start" targetRef="x"/>
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.mark.parametrize("path", ["/api/v1/definitions/validate", "/api/v1/deployments"])
def test_a_definitions_problems_are_detailed_in_the_callers_language(
    app: Flask, plan_engine: Engine, path: str
) -> None:
    plan_engine.set_password("itc.designer", PASSWORD)
    designer = logged_in(app, "itc.designer")
    worded = {}
    for language in ("vi", "en"):
        answer = designer.post(
            path,
            data={"files": [(io.BytesIO(BROKEN_FLOW), "broken.bpmn")]},
            content_type="multipart/form-data",
            headers={"Accept-Language": language},
        )
        assert answer.content_language.to_header() == language
        (problem,) = answer.json["problems"]
        assert (problem["file"], problem["line"], problem["element_id"]) == ("broken.bpmn", 6, "f")
        worded[language] = problem

    vietnamese, english = worded["vi"], worded["en"]
    assert vietnamese["message"] == english["message"] == english["detail"]
    assert vietnamese["hint"] == english["hint"] == english["hint_detail"]
    assert english["message"] == "sequence flow targetRef 'x' is not in the file"
    assert vietnamese["hint_detail"] == (
        "nối luồng tới một thành phần của cùng quy trình hoặc quy trình con"
    )
    assert vietnamese["detail"] != english["detail"]


def test_a_refused_deployment_counts_its_problems_in_the_callers_language(
    app: Flask, plan_engine: Engine
) -> None:
    plan_engine.set_password("itc.designer", PASSWORD)
    answer = logged_in(app, "itc.designer").post(
        "/api/v1/deployments",
        data={"files": [(io.BytesIO(BROKEN_FLOW), "broken.bpmn")]},
        content_type="multipart/form-data",
    )

    assert answer.status_code == 422 and answer.json["code"] == "invalid_definition"
    assert answer.json["title"] == "1 problem(s) in the process definitions"
    assert answer.json["detail"] == (
        "Các tệp quy trình có 1 lỗi, mỗi lỗi được liệt kê với tệp, dòng và phần tử của nó."
    )

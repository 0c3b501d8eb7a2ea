"""The error pages speak the reader's language: 403, 404, 413, 429 and 500 in
Vietnamese by default, in English on request, and the engine's refusals in words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from clients import PASSWORD, logged_in
from flask import Flask

from engine.api import Engine, read_files
from web import create_app

BPMN_DIR = Path(__file__).parent / "bpmn"


@pytest.fixture
def app(plan_engine: Engine) -> Flask:
    for username in ("itc.staff", "nasati.staff"):
        plan_engine.set_password(username, PASSWORD)
    plan_engine.deploy(read_files([BPMN_DIR / "five_tasks.bpmn"]))
    config = {"TESTING": True, "PROPAGATE_EXCEPTIONS": False, "SECRET_KEY": "test"}
    return create_app(config, engine=plan_engine)


def _said(page: str) -> tuple[str, str]:
    """The page's heading and its alert, as the reader sees them."""
    heading = re.search(r"<h1>(.*?)</h1>", page, re.S)
    alert = re.search(r'role="alert">(.*?)</p>', page, re.S)
    assert heading and alert, page
    words = (" ".join(re.sub(r"<[^>]+>", " ", m.group(1)).split()) for m in (heading, alert))
    return next(words), next(words)


def test_a_page_of_another_role_is_refused_naming_the_role(app: Flask) -> None:
    answer = logged_in(app, "itc.staff").get("/overdue")
    assert answer.status_code == 403
    assert _said(answer.get_data(as_text=True)) == (
        "Không có quyền truy cập (403)",
        "Chức năng này dành cho vai trò: giám sát.",
    )


def test_an_unknown_address_and_a_task_of_another_unit_are_not_found(
    app: Flask, plan_engine: Engine
) -> None:
    client = logged_in(app, "nasati.staff")
    answer = client.get("/no-such-page")
    assert answer.status_code == 404
    heading, alert = _said(answer.get_data(as_text=True))
    assert (heading, alert) == (
        "Không tìm thấy trang (404)",
        "Trang này không tồn tại hoặc bạn không có quyền xem.",
    )
    (task,) = plan_engine.start("five_tasks", actor="test").open_tasks  # an ITC task
    answer = client.get(f"/tasks/{task.id}")
    assert answer.status_code == 404
    assert _said(answer.get_data(as_text=True))[1] == (
        f"Không có nhiệm vụ {task.id}, hoặc bạn không có quyền xem."
    )


def test_english_on_request(app: Flask) -> None:
    client = logged_in(app, "itc.staff")
    client.get("/lang/en")
    assert _said(client.get("/overdue").get_data(as_text=True)) == (
        "Access refused (403)",
        "This is for the role: supervisor.",
    )


def test_a_claim_taken_meanwhile_is_said_in_vietnamese(app: Flask, plan_engine: Engine) -> None:
    (task,) = plan_engine.start("five_tasks", actor="test").open_tasks
    plan_engine.claim(task.id, actor="itc.head")
    page = logged_in(app, "itc.staff").post(f"/tasks/{task.id}/claim", follow_redirects=True)
    said = "Nhiệm vụ đang do Nguyễn Văn An (ITC) nhận xử lý."  # itc.head by their name
    assert said in page.get_data(as_text=True)


def test_a_task_of_a_suspended_instance_or_done_says_why_in_vietnamese(
    app: Flask, plan_engine: Engine
) -> None:
    client = logged_in(app, "itc.staff")
    (task,) = plan_engine.start("five_tasks", actor="test").open_tasks
    plan_engine.suspend(task.instance_id, actor="itc.head")
    page = client.post(f"/tasks/{task.id}/claim", follow_redirects=True).get_data(as_text=True)
    assert "Hồ sơ quy trình đang ở trạng thái “tạm dừng”" in page

    plan_engine.resume(task.instance_id, actor="itc.head")
    plan_engine.complete(task.id, {"score": 5}, actor="itc.staff")
    page = client.post(f"/tasks/{task.id}/claim", follow_redirects=True).get_data(as_text=True)
    assert "Nhiệm vụ không còn mở: đã hoàn thành." in page


def test_a_body_over_the_limit_is_a_vietnamese_413(plan_engine: Engine) -> None:
    config = {"TESTING": True, "SECRET_KEY": "test", "MAX_CONTENT_LENGTH": 64}
    client = create_app(config, engine=plan_engine).test_client()
    answer = client.post("/login", data={"username": "x" * 200, "password": "y"})
    assert answer.status_code == 413
    assert _said(answer.get_data(as_text=True))[0] == "Dung lượng quá lớn (413)"


def test_a_failure_of_the_server_is_a_vietnamese_500(
    app: Flask, plan_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the disk is on fire")

    client = logged_in(app, "itc.staff")
    monkeypatch.setattr(plan_engine, "notifications", broken)
    answer = client.get("/notifications")
    assert answer.status_code == 500
    page = answer.get_data(as_text=True)
    assert _said(page) == (
        "Đã xảy ra lỗi (500)",
        "Máy chủ gặp lỗi và đã ghi nhận lại. Hãy thử lại sau hoặc báo cho "
        "Trung tâm Công nghệ thông tin.",
    )
    assert "disk is on fire" not in page


@pytest.mark.parametrize(
    ("address", "status", "said"),
    [
        ("/tasks?unit=NASATI", 403, "Bạn không thuộc Cục Thông tin khoa học và công nghệ quốc gia"),
        ("/tasks?scope=all", 403, "Chỉ cán bộ giám sát mới xem được nhiệm vụ của mọi đơn vị."),
        ("/tasks?limit=many", 422, "Số dòng mỗi trang (limit) là số nguyên từ 1 đến 200."),
        ("/tasks?cursor=forged", 422, "Liên kết tới trang này của danh sách không hợp lệ"),
        ("/instances?cycle=2023-H3", 422, "Kỳ là một năm (2023) hoặc nửa năm (2023-H1)."),
        ("/overview?cadence=weekly", 422, "Chu kỳ là sáu tháng (half) hoặc một năm (year)."),
        ("/overview?last_year=MMXXI", 422, "Năm là số năm trong khoảng 2000 đến 2100, mỗi lần"),
    ],
)
def test_a_list_address_that_is_refused_says_why_in_vietnamese(
    app: Flask, plan_engine: Engine, address: str, status: int, said: str
) -> None:
    plan_engine.set_password("itc.head", PASSWORD)  # a supervisor, who lists the instances
    supervisor = address.startswith(("/instances", "/overview"))
    client = logged_in(app, "itc.head" if supervisor else "itc.staff")
    answer = client.get(address)
    assert answer.status_code == status
    assert said in _said(answer.get_data(as_text=True))[1]


def test_releasing_a_colleagues_claim_is_refused_naming_who_may(
    app: Flask, plan_engine: Engine
) -> None:
    (task,) = plan_engine.start("five_tasks", actor="test").open_tasks
    plan_engine.claim(task.id, actor="itc.head")
    answer = logged_in(app, "itc.staff").post(f"/tasks/{task.id}/unclaim")
    assert answer.status_code == 403
    assert _said(answer.get_data(as_text=True))[1] == (
        "Nguyễn Văn An (ITC) đã nhận xử lý nhiệm vụ này: chỉ người đó, lãnh đạo "
        "Trung tâm Công nghệ thông tin (ITC) hoặc cán bộ giám sát mới thôi nhận xử lý được."
    )

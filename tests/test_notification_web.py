"""Notifications on the pages and in the API: every link opens, pages follow their
``more`` link and ``Link`` header to the end, "mark all read", the header's badges."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from clients import PASSWORD
from flask import Flask
from flask.testing import FlaskClient

from engine.api import Engine, read_files
from engine.clock import ManualClock
from web import create_app

BPMN_DIR = Path(__file__).parent / "bpmn"
USERS = ("itc.staff", "itc.head", "nasati.staff", "nasati.head", "pfd.staff", "lead.vice")
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
_LINK = re.compile(r'<td><a href="(/tasks/[^"]+)">')
_MORE = re.compile(r'<a rel="next" href="([^"]+)">')


@pytest.fixture
def app(plan_engine: Engine, clock: ManualClock) -> Flask:
    """Late tasks of ITC, NASATI and PFD, each escalated along its whole chain."""
    for username in USERS:
        plan_engine.set_password(username, PASSWORD)
    names = ("five_tasks.bpmn", "escalation_custom.bpmn", "escalation_review.bpmn")
    plan_engine.deploy(read_files(BPMN_DIR / name for name in (*names, "units_review.bpmn")))
    for key in ("five_tasks", "escalation_custom", "escalation_review"):
        plan_engine.start(key, actor="itc.head")
    plan_engine.start("units_review", {"units": ["NASATI", "PFD", "ITC"]}, actor="itc.head")
    clock.set(datetime(2021, 8, 2, tzinfo=HANOI))  # past every chain's last step
    plan_engine.tick()
    return create_app({"TESTING": True, "SECRET_KEY": "test"}, engine=plan_engine)


def logged_in(app: Flask, username: str) -> tuple[FlaskClient, str]:
    client = app.test_client()
    answer = client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.json
    return client, answer.json["csrf_token"]


def crawl(client: FlaskClient, path: str = "/notifications") -> tuple[list[str], int]:
    """The task links of every page of the notifications, and how many pages."""
    links, pages = [], 0
    while path:
        page = client.get(path).get_data(as_text=True)
        links += _LINK.findall(page)
        pages += 1
        more = _MORE.search(page)
        path = more.group(1).replace("&amp;", "&") if more else ""
    return links, pages


@pytest.mark.parametrize("username", USERS)
def test_every_notification_link_opens_for_its_recipient(app: Flask, username: str) -> None:
    client, _ = logged_in(app, username)
    links, _pages = crawl(client)
    assert links, f"{username} got no notification with a link: the crawl proves nothing"
    answers = {link: client.get(link).status_code for link in links}
    assert {link: code for link, code in answers.items() if code != 200} == {}
    api_links = [n["link"] for n in client.get("/api/v1/notifications?limit=200").json]
    assert api_links and all(client.get(link).status_code == 200 for link in api_links)


def test_a_notification_about_a_task_the_recipient_may_not_open_has_no_link(
    app: Flask, plan_engine: Engine
) -> None:
    (task,) = plan_engine.tasks(unit="NASATI", process_key="escalation_custom")
    with plan_engine.db.writing() as session:
        plan_engine.ticker.notifier.notify(
            session, "pfd.staff", kind="task_escalated", subject="-", message="about NASATI",
            now=plan_engine.clock.now(), instance_id=task.instance_id, task_id=task.id,
        )  # fmt: skip
    client, _ = logged_in(app, "pfd.staff")
    page = client.get("/notifications").get_data(as_text=True)
    assert "Send the proposal" in page and f"/tasks/{task.id}" not in page
    (about,) = [n for n in client.get("/api/v1/notifications").json if n["task_id"] == task.id]
    assert about["link"] is None


def test_pages_and_the_api_page_through_everything_once(app: Flask, plan_engine: Engine) -> None:
    client, _ = logged_in(app, "itc.head")
    everything = [n.id for n in plan_engine.notifications("itc.head", limit=200).items]
    assert len(everything) > 3

    seen, path, pages = [], "/api/v1/notifications?limit=2", 0
    while path:
        answer = client.get(path)
        seen += [n["id"] for n in answer.json]
        pages += 1
        match = re.fullmatch(r'<([^>]+)>; rel="next"', answer.headers.get("Link", ""))
        path = match.group(1) if match else ""
    assert seen == everything and pages == -(-len(everything) // 2)

    links, pages = crawl(client, "/notifications?limit=2")
    assert pages == -(-len(everything) // 2) and len(links) == len(everything)
    assert crawl(client)[1] == 1  # the default page holds them all: no "more" link
    assert client.get("/api/v1/notifications?limit=0").status_code == 422
    assert client.get("/api/v1/notifications?before=nonsense").status_code == 422


def test_mark_all_read_on_the_page_and_in_the_api(app: Flask, plan_engine: Engine) -> None:
    client, csrf = logged_in(app, "nasati.staff")
    unread = plan_engine.inbox_counts("nasati.staff").unread
    assert unread > 0
    header = client.get("/tasks").get_data(as_text=True)
    assert re.search(rf'id="unread-badge"[^>]*>{unread}<', header)
    open_tasks = plan_engine.inbox_counts("nasati.staff").open_tasks
    assert re.search(rf'id="open-tasks-badge"[^>]*>{open_tasks}<', header)

    answer = client.post("/notifications/read", data={"csrf_token": csrf})
    assert answer.status_code == 302
    assert plan_engine.inbox_counts("nasati.staff").unread == 0
    assert re.search(r'id="unread-badge"[^>]*>0<', client.get("/tasks").get_data(as_text=True))

    other, csrf = logged_in(app, "pfd.staff")
    unread = plan_engine.inbox_counts("pfd.staff").unread
    marked = other.post("/api/v1/notifications/read", headers={"X-CSRFToken": csrf})
    assert unread > 0 and marked.json == {"marked": unread}
    assert other.post("/api/v1/notifications/read", headers={"X-CSRFToken": csrf}).json == {
        "marked": 0
    }

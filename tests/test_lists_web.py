"""The lists through the API and the pages: Link headers, filters in the URL, counts,
the inbox's scopes, next / previous links."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from clients import PASSWORD
from conftest import BPMN_DIR, START
from flask import Flask
from flask.testing import FlaskClient

from engine.api import Engine, read_files
from web import create_app


@pytest.fixture
def app(plan_engine: Engine) -> Flask:
    for username in ("itc.staff", "itc.head", "pfd.staff"):
        plan_engine.set_password(username, PASSWORD)
    plan_engine.deploy(read_files([BPMN_DIR / "unit_lists.bpmn"]), actor="tester")
    for day in range(5):
        for unit in ("ITC", "PFD"):
            variables = {"unit": unit, "due_at": (START + timedelta(days=day)).isoformat()}
            plan_engine.start("unit_report", variables, actor="t", business_key=f"{unit}-{day}")
    return create_app({"TESTING": True, "SECRET_KEY": "test"}, engine=plan_engine)


def client_of(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    answer = client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200
    return client


def link(answer, rel: str) -> str | None:
    """The path and query of the Link header's ``rel`` page."""
    for part in answer.headers.get("Link", "").split(","):
        if f'rel="{rel}"' in part:
            url = urlsplit(part.split(";")[0].strip().strip("<>"))
            return f"{url.path}?{url.query}"
    return None


def test_the_api_pages_with_link_headers_that_keep_the_filters(app: Flask) -> None:
    supervisor = client_of(app, "itc.head")
    first = supervisor.get("/api/v1/tasks?unit=PFD&limit=2")
    assert first.status_code == 200 and link(first, "prev") is None
    following = link(first, "next")
    assert following is not None and "unit=PFD" in following and "limit=2" in following
    pages = [first.json]
    while following:
        answer = supervisor.get(following)
        pages.append(answer.json)
        following = link(answer, "next")
    assert [len(p) for p in pages] == [2, 2, 1]
    assert {t["unit"] for p in pages for t in p} == {"PFD"}
    assert len({t["id"] for p in pages for t in p}) == 5
    back = supervisor.get(link(answer, "prev"))
    assert [t["id"] for t in back.json] == [t["id"] for t in pages[1]]

    refused = supervisor.get("/api/v1/tasks?cursor=nonsense")
    assert (refused.status_code, refused.json["field"]) == (422, "cursor")
    assert supervisor.get("/api/v1/tasks?limit=500").json["field"] == "limit"


def test_the_api_filters_counts_and_searches(app: Flask, plan_engine: Engine) -> None:
    staff, supervisor = client_of(app, "itc.staff"), client_of(app, "itc.head")
    (task,) = plan_engine.tasks(unit="ITC")[:1]
    plan_engine.claim(task.id, actor="itc.staff")

    assert {t["unit"] for t in staff.get("/api/v1/tasks").json} == {"ITC"}
    assert [t["id"] for t in staff.get("/api/v1/tasks?scope=mine").json] == [task.id]
    assert len(staff.get("/api/v1/tasks?assignee=unassigned").json) == 4
    assert staff.get("/api/v1/tasks?scope=all").status_code == 403
    assert staff.get("/api/v1/tasks?unit=PFD").status_code == 403
    assert len(supervisor.get("/api/v1/tasks?scope=all").json) == 10
    assert len(supervisor.get("/api/v1/tasks?plan_task=I.3&cycle=2021-H1").json) == 10
    assert supervisor.get("/api/v1/tasks?cycle=2021-H3").json["field"] == "cycle"
    due = supervisor.get("/api/v1/tasks?due_before=2021-01-06&unit=ITC").json
    assert len(due) == 2  # due on the 4th and the 5th, 08:00 Hà Nội time
    rfc3339_lower_case = "2021-01-06t00:00:00%2B07:00"  # RFC 3339 allows a lower-case t and z
    assert supervisor.get(f"/api/v1/tasks?due_before={rfc3339_lower_case}&unit=ITC").json == due
    assert supervisor.get("/api/v1/tasks?due_before=2021-01-06t00:00:00z&unit=ITC").json == due
    for edge in ("0001-01-01", "9999-12-31T23:59:59-07:00"):  # beyond UTC's first or last year
        answer = supervisor.get(f"/api/v1/tasks/counts?due_before={edge}")
        assert (answer.status_code, answer.json["field"]) == (422, "due_before")
        answer = supervisor.get(f"/tasks?scope=all&due_after={edge}")
        assert answer.status_code == 422
    assert len(supervisor.get("/api/v1/tasks?q=bao+cao&business_key=PFD-3").json) == 1
    assert supervisor.get("/api/v1/tasks?q=nothing+like+it").json == []

    counts = staff.get("/api/v1/tasks/counts?overdue=true").json
    assert counts == {"all": 5, "overdue": 0, "unassigned": 4, "mine": 1}
    instances = supervisor.get("/api/v1/instances/counts?status=completed").json
    assert instances == {"all": 10, "running": 10}
    found = supervisor.get("/api/v1/instances?q=danh+gia&business_key=ITC-2").json
    assert [i["business_key"] for i in found] == ["ITC-2"]
    assert found[0]["open_tasks"][0]["unit"] == "ITC"


def test_the_inbox_shows_my_tasks_apart_and_pages_with_links(
    app: Flask, plan_engine: Engine
) -> None:
    staff, supervisor = client_of(app, "itc.staff"), client_of(app, "itc.head")
    task = plan_engine.tasks(unit="ITC")[0]
    plan_engine.claim(task.id, actor="itc.staff")

    page = staff.get("/tasks?limit=2").get_data(as_text=True)
    assert "Nhiệm vụ của tôi" in page and "Nhiệm vụ đang mở của đơn vị" in page
    assert page.count('href="/tasks/') == 1 + 2  # one of mine, a page of two of my unit's
    following = re.search(r'href="([^"]+)" rel="next"', page)
    assert following is not None and "limit=2" in following.group(1)
    assert "Tất cả đơn vị" not in page  # every unit: supervisors only
    assert re.search(r"Quá hạn 0", page) and re.search(r"Của tôi 1", page)

    mine = staff.get("/tasks?scope=mine").get_data(as_text=True)
    assert mine.count('href="/tasks/') == 1
    every = supervisor.get("/tasks?scope=all&q=bao+cao&unit=PFD").get_data(as_text=True)
    assert every.count('href="/tasks/') == 5 and "Tất cả 5" in every
    assert staff.get("/tasks?scope=all").status_code == 403


def test_the_supervisors_pages_page_too(app: Flask, plan_engine: Engine) -> None:
    supervisor = client_of(app, "itc.head")
    instances = supervisor.get("/instances?limit=3&process_key=unit_report").get_data(as_text=True)
    assert instances.count('href="/instances/') == 3 and 'rel="next"' in instances
    assert "Tất cả 10" in instances
    instance = plan_engine.tasks(unit="ITC")[0].instance_id
    history = supervisor.get(f"/instances/{instance}?history_limit=1").get_data(as_text=True)
    assert "history_cursor=" in history
    compliance = supervisor.get("/compliance?process_key=unit_report&limit=4")
    text = compliance.get_data(as_text=True)
    assert text.count('<th><a href="/instances/') == 4 and "Các kỳ trước" in text
    processes = supervisor.get("/processes?limit=1").get_data(as_text=True)
    assert 'rel="next"' in processes

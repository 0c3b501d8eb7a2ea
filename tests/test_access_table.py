"""Every route of the URL map against the access table (web/access.py), as each role.

:data:`EXPECTED` is the table as the README states it: for each rule, the answer each
role gets from a route with that rule, on NASATI's task (claimed by NASATI's head),
its instance (PFD has a task in it too) and NASATI's document. ``ok``: the view ran
(whatever it then answered); ``401``: not logged in (the API's 401, the pages' log-in
redirect); ``403``: refused; ``404``: the very answer a missing id gets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from access_world import ROLES, Client, World, build_world, client_as, prepare
from flask import Flask
from werkzeug.routing import Rule as Route

from engine.api import Engine
from web import access, create_app

COLUMNS = tuple(ROLES)
# columns, as ROLES: anonymous, staff, other_staff, outsider, head, other_head, supervisor,
# designer, admin, token
EXPECTED = {
    "public":                 "ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    "logged_in":              "401 ok  ok  ok  ok  ok  ok  ok  ok  ok",
    "supervisor":             "401 403 403 403 403 403 ok  403 ok  403",
    "designer":               "401 403 403 403 403 403 403 ok  ok  403",
    "supervisor_or_designer": "401 403 403 403 403 403 ok  ok  ok  403",
    "account_admin":          "401 403 403 403 403 403 403 403 ok  403",
    "own_account":            "401 ok  ok  ok  ok  ok  ok  ok  ok  403",
    "audit_reader":           "401 403 403 403 403 403 ok  403 ok  403",
    "see_task":               "401 ok  404 404 ok  404 ok  404 ok  ok",
    "work_task":              "401 ok  404 404 ok  404 403 404 403 ok",
    "release_claim":          "401 403 404 404 ok  404 ok  404 ok  403",
    "assign_task":            "401 403 404 404 ok  404 ok  404 ok  403",
    "see_instance":           "401 ok  ok  404 ok  ok  ok  ok  ok  ok",
    "see_document":           "401 ok  404 404 ok  404 ok  404 ok  ok",
}  # fmt: skip

ENDS_THE_SESSION = {"api.logout", "pages.logout"}
"""Called from a session of their own, so that the other routes keep theirs."""

GHOSTS: dict[str, Any] = {
    "task_id": "00000000-0000-0000-0000-000000000000",
    "instance_id": 987654,
    "attachment_id": "no-such-document",
}
"""Ids that do not exist, for the arguments that name a resource a role may not see."""


def _arguments(world: World) -> dict[str, Any]:
    """A value for every argument a route takes; a new argument needs one here."""
    return {
        "task_id": world.nasati_task,
        "instance_id": world.instance_id,
        "attachment_id": world.nasati_document,
        "process_key": "two_units_report",
        "version": 1,
        "code": "en",
        "notification_id": 1,
        "filename": "missing.css",
        "username": "egov.staff",
        "token_id": 1,
    }


@pytest.fixture
def app(plan_engine: Engine) -> Flask:
    prepare(plan_engine)
    return create_app({"TESTING": True, "SECRET_KEY": "test"}, engine=plan_engine)


def test_every_route_has_an_access_rule(app: Flask) -> None:
    missing = [
        f"{route.endpoint} ({' '.join(sorted(_methods(route)))} {route.rule})"
        for route in app.url_map.iter_rules()
        if route.endpoint not in access.TABLE
    ]
    assert missing == [], f"no access rule for: {', '.join(missing)}; add one to web/access.py"
    unknown = {rule.name for rule in access.TABLE.values()} - set(EXPECTED)
    assert unknown == set(), f"rules without a row in this test's EXPECTED: {unknown}"


def test_a_route_naming_a_resource_checks_it_unless_only_supervisors_call_it(app: Flask) -> None:
    """Only supervisors (and admin) see every task, instance and document."""
    unchecked = [
        route.endpoint
        for route in app.url_map.iter_rules()
        if set(GHOSTS) & set(route.arguments)
        and access.TABLE[route.endpoint].check is None
        and access.TABLE[route.endpoint].roles != ("supervisor",)
    ]
    assert unchecked == []


def test_a_route_without_a_rule_is_refused_even_to_admin(plan_engine: Engine) -> None:
    prepare(plan_engine)
    app = create_app({"TESTING": True, "SECRET_KEY": "test"}, engine=plan_engine)
    app.add_url_rule("/api/v1/forgotten", "api.forgotten", lambda: "reached")
    answer = client_as(app, plan_engine, "admin").get("/api/v1/forgotten")
    assert (answer.status_code, answer.json["title"]) == (
        403,
        "no access rule for api.forgotten: refused",
    )


def test_account_administration_needs_the_admin_in_person(
    plan_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare(plan_engine)
    app = create_app({"TESTING": True, "SECRET_KEY": "test"}, engine=plan_engine)
    app.add_url_rule("/api/v1/accounts", "api.accounts", lambda: "reached")
    monkeypatch.setitem(access.TABLE, "api.accounts", access.ACCOUNT_ADMIN)
    assert client_as(app, plan_engine, "admin").get("/api/v1/accounts").status_code == 200
    _, token = plan_engine.create_token("admin", "automation")
    by_token = app.test_client().get(
        "/api/v1/accounts", headers={"Authorization": f"Bearer {token}"}
    )
    assert (by_token.status_code, by_token.json["code"]) == (403, "forbidden")


def test_every_route_answers_each_role_as_the_table_says(app: Flask, plan_engine: Engine) -> None:
    world = build_world(plan_engine)
    clients = {role: client_as(app, plan_engine, role) for role in COLUMNS}
    wrong = []
    for route, method, fixed in _requests(app):
        rule = access.TABLE[route.endpoint]
        expected = dict(zip(COLUMNS, EXPECTED[rule.name].split(), strict=True))
        for role in COLUMNS:
            client = clients[role]
            if route.endpoint in ENDS_THE_SESSION:
                client = client_as(app, plan_engine, role)
            path = _path(app, route, {**_arguments(world), **fixed})
            answer = client.open(method, path, json={})
            seen = _classify(answer, client, app, route, method, {**_arguments(world), **fixed})
            answer.close()  # a file sent (the diagram viewer) stays open until then
            if seen != expected[role]:
                wrong.append(
                    f"{method} {path} ({route.endpoint}, rule {rule.name}) as {role}: "
                    f"{seen} ({answer.status_code}), the table says {expected[role]}"
                )
            world = _restored(plan_engine, world)
    assert wrong == [], "\n".join(wrong)


def _methods(route: Route) -> set[str]:
    return set(route.methods or ()) - {"HEAD", "OPTIONS"}


_ANY = re.compile(r"<any\(([^)]*)\):(\w+)>")


def _requests(app: Flask) -> Iterator[tuple[Route, str, dict[str, str]]]:
    """Each route, method and choice of an ``any(...)`` argument."""
    for route in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        choices = [{}]
        for values, name in _ANY.findall(route.rule):
            choices = [{**c, name: v.strip()} for c in choices for v in values.split(",")]
        for method in sorted(_methods(route)):
            for fixed in choices:
                yield route, method, fixed


def _path(app: Flask, route: Route, values: dict[str, Any]) -> str:
    unknown = set(route.arguments) - set(values)
    assert not unknown, f"{route.endpoint}: give {unknown} a value in _arguments()"
    with app.test_request_context():
        built = route.build({name: values[name] for name in route.arguments})
    assert built is not None
    return built[1]


def _classify(
    answer: Any, client: Client, app: Flask, route: Route, method: str, values: dict[str, Any]
) -> str:
    location = urlsplit(answer.location or "")
    to_log_in = location.path == "/login" and "next" in parse_qs(location.query)
    if answer.status_code == 302 and to_log_in:
        return "401"
    if answer.status_code == 401 and answer.is_json and answer.json["code"] == "unauthenticated":
        return "401"
    if answer.status_code == 403:
        return "403"
    hidden = [name for name in GHOSTS if name in route.arguments]
    if answer.status_code != 404 or not hidden:
        return "ok"
    ghost_path = _path(app, route, {**values, **{name: GHOSTS[name] for name in hidden}})
    with client.open(method, ghost_path, json={}) as missing:
        same = _message(answer, values, hidden) == _message(missing, GHOSTS, hidden)
    return "404" if missing.status_code == 404 and same else "404 unlike a missing id"


def _message(answer: Any, values: dict[str, Any], names: list[str]) -> str:
    """The problem document, or the error page's alert, with the ids blanked."""
    if answer.is_json:
        text = str(sorted(answer.json.items()))
    else:
        match = re.search(r'role="alert">([^<]*)<', answer.get_data(as_text=True))
        text = match.group(1) if match else answer.get_data(as_text=True)
    for name in names:
        text = re.sub(rf"\b{re.escape(str(values[name]))}\b", "ID", text)
    return text


def _restored(engine: Engine, world: World) -> World:
    """The world as it was: NASATI's task claimed by its head, the instance running."""
    status = engine.instance(world.instance_id).status
    if status == "cancelled":
        return build_world(engine)
    if status == "suspended":
        engine.resume(world.instance_id, actor="test")
    task = engine.task(world.nasati_task)
    if task.assignee != "nasati.head":
        engine.unclaim(world.nasati_task, actor="test", claimant=task.assignee)
        engine.claim(world.nasati_task, actor="nasati.head")
    return world

"""The access rule's sharp edges, each once a hole: documents of other units, heads and
supervisors working other units' tasks, assignees nobody checked, claims released
silently, and 403 against 404 telling outsiders which ids exist."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from access_world import Client, World, build_world, client_as, prepare
from flask import Flask

from engine.api import Engine
from engine.errors import Conflict, InvalidInput
from web import create_app


@pytest.fixture
def app(plan_engine: Engine) -> Flask:
    prepare(plan_engine)
    return create_app({"TESTING": True, "SECRET_KEY": "test"}, engine=plan_engine)


@pytest.fixture
def world(app: Flask, plan_engine: Engine) -> World:
    return build_world(plan_engine)


@pytest.fixture
def as_role(app: Flask, plan_engine: Engine) -> Callable[[str], Client]:
    return lambda role: client_as(app, plan_engine, role)


def test_staff_download_only_their_units_documents_of_a_shared_instance(as_role, world) -> None:
    pfd = as_role("other_staff")  # PFD also has a task in this instance
    assert pfd.get(f"/api/v1/attachments/{world.pfd_document}").status_code == 200
    assert pfd.get(f"/api/v1/attachments/{world.nasati_document}").status_code == 404
    listed = pfd.get(f"/api/v1/instances/{world.instance_id}/attachments").json
    assert [d["id"] for d in listed] == [world.pfd_document]
    page = pfd.get(f"/instances/{world.instance_id}").get_data(as_text=True)
    assert "pfd.pdf" in page and "nasati.pdf" not in page
    everything = as_role("supervisor").get(f"/api/v1/instances/{world.instance_id}/attachments")
    assert {d["id"] for d in everything.json} == {world.nasati_document, world.pfd_document}


def test_heads_and_supervisors_do_not_work_other_units_tasks(as_role, world) -> None:
    document = {"file": (b"%PDF", "x.pdf")}
    other_head, supervisor = as_role("other_head"), as_role("supervisor")
    task = f"/api/v1/tasks/{world.pfd_task}"
    assert as_role("head").post(f"/api/v1/tasks/{world.pfd_task}/claim").status_code == 404
    for who, refusal in ((other_head, 404), (supervisor, 403)):
        nasati = f"/api/v1/tasks/{world.nasati_task}"
        assert who.post(f"{nasati}/claim").status_code == refusal
        assert who.post(f"{nasati}/complete", {"data": {}}).status_code == refusal
        upload = who.post(
            f"{nasati}/attachments", data=document, content_type="multipart/form-data"
        )
        assert upload.status_code == refusal
    assert supervisor.get(task).json["unit"] == "PFD"  # they see it, they do not work it
    assert other_head.post(f"{task}/claim").json["assignee"] == "pfd.head"  # their own unit


def test_an_assignee_must_exist_and_work_for_the_tasks_unit(as_role, world) -> None:
    head = as_role("head")
    path = f"/api/v1/tasks/{world.nasati_task}/assign"
    for nobody in ("no.such.user", "pfd.staff"):
        refused = head.post(path, {"assignee": nobody})
        assert (refused.status_code, refused.json["field"]) == (422, "assignee"), nobody
    assert head.post(path, {"assignee": "nasati.staff"}).json["assignee"] == "nasati.staff"
    assert as_role("staff").post(path, {"assignee": "nasati.staff"}).status_code == 403


def test_the_engine_refuses_unknown_and_outside_assignees(plan_engine: Engine, world) -> None:
    with pytest.raises(InvalidInput, match="no user 'ghost'") as unknown:
        plan_engine.assign(world.nasati_task, "ghost", actor="itc.head")
    assert unknown.value.details["field"] == "assignee"
    with pytest.raises(InvalidInput, match=r"pfd\.staff does not work for NASATI"):
        plan_engine.assign(world.nasati_task, "pfd.staff", actor="itc.head")
    with pytest.raises(Conflict, match=r"claimed by nasati\.head, not nasati\.staff"):
        plan_engine.unclaim(world.nasati_task, actor="nasati.staff")


def test_only_the_claimant_a_head_or_a_supervisor_releases_a_claim(
    as_role, world, plan_engine: Engine
) -> None:
    path = f"/api/v1/tasks/{world.nasati_task}/unclaim"
    colleague = as_role("staff").post(path)
    assert (colleague.status_code, colleague.json["code"]) == (403, "forbidden")
    assert plan_engine.task(world.nasati_task).assignee == "nasati.head"

    assert as_role("supervisor").post(path).json["assignee"] is None
    (release,) = [e for e in plan_engine.history(world.instance_id) if e.kind == "claim_released"]
    assert (release.actor, release.data) == ("itc.head", {"assignee": None, "was": "nasati.head"})


def test_a_colleague_sees_no_release_button_on_the_page(as_role, world) -> None:
    page = as_role("staff").get(f"/tasks/{world.nasati_task}").get_data(as_text=True)
    assert "/unclaim" not in page and "/claim" not in page
    head_page = as_role("head").get(f"/tasks/{world.nasati_task}").get_data(as_text=True)
    assert f"/tasks/{world.nasati_task}/unclaim" in head_page


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/instances/{instance}",
        "/api/v1/instances/{instance}/history",
        "/api/v1/tasks/{task}",
        "/api/v1/attachments/{document}",
        "/instances/{instance}",
        "/tasks/{task}",
    ],
)
def test_outsiders_cannot_tell_a_hidden_id_from_a_missing_one(as_role, world, path) -> None:
    outsider = as_role("outsider")
    real = {"instance": world.instance_id, "task": world.nasati_task}
    real["document"] = world.nasati_document
    ghost = {"instance": 987654, "task": "0" * 8 + "-0000-0000-0000-" + "0" * 12, "document": "x"}
    hidden, missing = (outsider.get(path.format(**ids)) for ids in (real, ghost))
    assert hidden.status_code == missing.status_code == 404
    assert _without(hidden, real) == _without(missing, ghost)


def _without(answer, ids: dict[str, object]) -> str:
    """The answer's message (a problem document, or an error page's alert), ids blanked."""
    if answer.is_json:
        text = str(sorted(answer.json.items()))
    else:
        match = re.search(r'role="alert">([^<]*)<', answer.get_data(as_text=True))
        text = match.group(1) if match else ""
    for identifier in ids.values():
        text = re.sub(rf"\b{re.escape(str(identifier))}\b", "ID", text)
    return text

"""The modeler's page and JSON endpoints: designers only, problems in the page's
language, drafts per designer, deployment with a required note, the timer preview."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from access_world import Client, client_as, prepare
from flask import Flask
from flask_babel import gettext

from engine.api import Engine, read_files
from web import create_app
from web.modeler_words import WORDS
from web.problem_words import PROBLEM_WORDS

PROCESSES = Path(__file__).parent.parent / "processes"
UPGRADE = (PROCESSES / "data_upgrade_plan.bpmn").read_text()
DANGLING = UPGRADE.replace(
    "</bpmn:process>",
    '<bpmn:userTask id="check" name="Check" camunda:candidateGroups="ITC"'
    ' camunda:dueDate="${add_working_days(now(), 5)}" /></bpmn:process>',
    1,
)


@pytest.fixture
def app(plan_engine: Engine) -> Flask:
    prepare(plan_engine)
    plan_engine.deploy(read_files([PROCESSES]), actor="test")
    return create_app({"TESTING": True, "SECRET_KEY": "test"}, engine=plan_engine)


@pytest.fixture
def designer(app: Flask, plan_engine: Engine) -> Client:
    return client_as(app, plan_engine, "designer")


def test_the_page_offers_units_and_the_messages_of_other_processes(designer: Client) -> None:
    page = designer.get("/processes/sharing_service_publication/edit")
    assert page.status_code == 200
    found = re.search(r'id="modeler-config">(.*?)</script>', page.get_data(as_text=True), re.S)
    assert found is not None
    config = json.loads(found.group(1))
    units = {option["value"] for option in config["units"]}
    assert {"ITC", "DBO", "DBO:STAMEQ"} <= units
    assert "portal_acknowledgement" in config["eventNames"]["message"]
    assert config["words"]["Create task"] != "Create task"  # Vietnamese by default
    assert config["csrfToken"]


def test_a_new_process_starts_from_a_start_event(designer: Client) -> None:
    assert designer.get("/processes/new").status_code == 200
    xml = designer.get("/processes/new.bpmn").get_data(as_text=True)
    problems = designer.post("/modeler/validate", {"xml": xml}).json["problems"]
    assert [p["element_id"] for p in problems if p["is_error"]] == ["start"]  # leads nowhere
    assert designer.post("/modeler/draft", {"xml": xml}).json["process_key"] == "new_process"
    assert designer.get("/processes/new_process/edit").status_code == 200  # the draft


@pytest.mark.parametrize("role", ["staff", "supervisor", "token"])
def test_only_designers_and_admins_model(app: Flask, plan_engine: Engine, role: str) -> None:
    client = client_as(app, plan_engine, role)
    assert client.get("/processes/data_upgrade_plan/edit").status_code == 403
    assert client.post("/modeler/validate", {"xml": UPGRADE}).status_code == 403
    assert client.post("/modeler/draft", {"xml": UPGRADE}).status_code == 403
    admin = client_as(app, plan_engine, "admin")
    assert admin.get("/processes/data_upgrade_plan/edit").status_code == 200


def test_validation_places_each_problem_in_the_pages_language(designer: Client) -> None:
    answer = designer.post("/modeler/validate", {"xml": DANGLING})
    assert answer.status_code == 200
    problems = [p for p in answer.json["problems"] if p["element_id"] == "check"]
    assert problems and problems[0]["is_error"]
    assert problems[0]["line"] and problems[0]["message"] != "not reachable from a start event"
    designer.open("GET", "/lang/en")
    english = designer.post("/modeler/validate", {"xml": DANGLING}).json["problems"]
    assert "not reachable from a start event" in [p["message"] for p in english]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/modeler/validate", {}, "xml"),
        ("/modeler/validate", [1], "body"),
        ("/modeler/draft", {"xml": "<not-bpmn/>"}, "xml"),
        ("/modeler/deploy", {"xml": UPGRADE}, "note"),
        ("/modeler/deploy", {"xml": UPGRADE, "note": "  "}, "note"),
        ("/modeler/deploy", {"xml": UPGRADE, "note": "x" * 2001}, "note"),
        ("/modeler/timer-preview", {"kind": "timeCycle", "text": "every day"}, "text"),
        ("/modeler/timer-preview", {"kind": "soon", "text": "P1D"}, "kind"),
    ],
)
def test_bad_input_is_a_4xx_naming_the_field(
    designer: Client, path: str, body: object, field: str
) -> None:
    answer = designer.open("POST", path, json=body)
    assert answer.status_code == 422, answer.get_data(as_text=True)
    assert answer.json["field"] == field


def test_a_draft_is_read_back_by_its_designer_only(
    app: Flask, plan_engine: Engine, designer: Client
) -> None:
    drafted = UPGRADE.replace("II.2 ", "II.2 (draft) ", 1)
    assert "(draft)" in drafted
    saved = designer.post("/modeler/draft", {"xml": drafted})
    assert saved.json["process_key"] == "data_upgrade_plan"
    mine = designer.get("/processes/data_upgrade_plan/edit.bpmn").get_data(as_text=True)
    assert "(draft)" in mine
    admin = client_as(app, plan_engine, "admin")
    theirs = admin.get("/processes/data_upgrade_plan/edit.bpmn").get_data(as_text=True)
    assert "(draft)" not in theirs
    assert designer.get("/processes/no_such_process/edit").status_code == 404


def test_a_designer_discards_their_draft_and_the_latest_version_opens_again(
    designer: Client,
) -> None:
    designer.post("/modeler/draft", {"xml": UPGRADE.replace("II.2 ", "II.2 (draft) ", 1)})
    discarded = designer.post("/processes/data_upgrade_plan/draft/discard")
    assert discarded.json == {"discarded": True, "message": "Đã bỏ bản nháp."}
    assert "(draft)" not in designer.get("/processes/data_upgrade_plan/edit.bpmn").get_data(
        as_text=True
    )
    again = designer.post("/processes/data_upgrade_plan/draft/discard")
    assert again.json["discarded"] is False


def test_every_designer_change_is_on_the_audit_page(
    app: Flask, plan_engine: Engine, designer: Client
) -> None:
    """Issue 14: drafts saved and discarded, deployments and migrations are audited."""
    renamed = UPGRADE.replace("II.2 ", "II.2 - ", 1)
    designer.post("/modeler/draft", {"xml": renamed})
    designer.post("/processes/data_upgrade_plan/draft/discard")
    designer.post("/modeler/deploy", {"xml": renamed, "note": "a clearer name"})
    plan_engine.migrate("data_upgrade_plan", 1, actor="itc.designer")

    page = client_as(app, plan_engine, "admin").get("/admin/audit").get_data(as_text=True)
    rows = re.findall(
        r"<tr>\s*<td>.*?</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", page, re.S
    )
    assert [(what, target) for who, what, target in rows[:4]] == [
        ("đã chuyển các phiên bản chạy sang phiên bản quy trình khác", "data_upgrade_plan v1 → v2"),
        ("đã triển khai quy trình", "data_upgrade_plan v2"),
        ("đã bỏ bản nháp quy trình của mình", "data_upgrade_plan"),
        ("đã lưu bản nháp quy trình", "data_upgrade_plan"),
    ]
    designer_name = plan_engine.organisation.users["itc.designer"].full_name
    assert {who for who, _, _ in rows[:4]} == {f"{designer_name} (ITC)"}


def test_deploy_makes_the_next_version_with_note_and_author(
    plan_engine: Engine, designer: Client
) -> None:
    refused = designer.post("/modeler/deploy", {"xml": DANGLING, "note": "a check"})
    assert refused.status_code == 422 and refused.json["problems"]
    unchanged = designer.post("/modeler/deploy", {"xml": UPGRADE, "note": "nothing"})
    assert unchanged.status_code == 200 and unchanged.json["created"] == []
    renamed = UPGRADE.replace("II.2 ", "II.2 - ", 1)
    created = designer.post("/modeler/deploy", {"xml": renamed, "note": "a clearer name"})
    assert created.status_code == 201
    assert created.json["created"] == [{"process_key": "data_upgrade_plan", "version": 2}]
    listed = designer.get("/processes").get_data(as_text=True)
    assert "a clearer name" in listed and "itc.designer" in listed
    version = designer.get("/processes/data_upgrade_plan/2").get_data(as_text=True)
    assert "bởi itc.designer" in version and "a clearer name" in version
    first = designer.get("/processes/data_upgrade_plan/1").get_data(as_text=True)
    assert "bởi test" in first and "a clearer name" not in first


def test_the_timer_preview_gives_five_firings_on_the_hanoi_clock(designer: Client) -> None:
    answer = designer.post(
        "/modeler/timer-preview", {"kind": "timeCycle", "text": "R/2021-01-01T00:00:00+07:00/P6M"}
    )
    firings = answer.json["firings"]
    assert len(firings) == 5
    assert firings[0]["at"].endswith(" 00:00")  # midnight in Hà Nội, not 17:00 UTC
    assert [f["at"][:5] for f in firings[:2]] in (["01/01", "01/07"], ["01/07", "01/01"])
    expression = designer.post("/modeler/timer-preview", {"kind": "timeDate", "text": "${x}"})
    assert expression.status_code == 422


def test_every_modeler_word_and_problem_has_its_vietnamese(app: Flask) -> None:
    same_in_both = {"2WD", "BPMN", "CMMN"}  # a code, and two standards' names
    with app.test_request_context():  # Vietnamese, the default
        untranslated = [
            text
            for text in (*WORDS, *PROBLEM_WORDS)
            if gettext(text) == text and text not in same_in_both
        ]
    assert untranslated == []

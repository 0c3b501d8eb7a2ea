"""The processes' own words in the page's language: the English name a BPMN gives a
process or a user task (the property ``name_en``) in English, its ``name`` otherwise."""

from __future__ import annotations

from pathlib import Path

from bpmn_text import process
from flask.testing import FlaskClient
from live_site import PASSWORD
from lxml import etree

from engine.api import Engine, read_files
from engine.calendar import to_local
from web import create_app

PROCESSES = Path(__file__).parent.parent / "processes"
DRAFT_VI = "Xây dựng kế hoạch hoàn thiện, nâng cấp, chuẩn hóa dữ liệu"
DRAFT_EN = "Draft the plan to complete, upgrade and standardise the data"
_NAMESPACES = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "camunda": "http://camunda.org/schema/1.0/bpmn",
}


def _nasati_staff(plan_engine: Engine) -> tuple[FlaskClient, str]:
    plan_engine.set_password("nasati.staff", PASSWORD)
    plan_engine.deploy(read_files([PROCESSES / "data_upgrade_plan.bpmn"]))
    instance = plan_engine.start("data_upgrade_plan", {"owner_unit": "NASATI"}, actor="itc.head")
    client = create_app({"TESTING": True, "SECRET_KEY": "test"}, engine=plan_engine).test_client()
    client.post("/api/v1/session", json={"username": "nasati.staff", "password": PASSWORD})
    (task,) = instance.open_tasks
    return client, task.id


def test_a_task_shows_its_english_name_in_english_and_its_name_in_vietnamese(
    plan_engine: Engine,
) -> None:
    client, task_id = _nasati_staff(plan_engine)
    inbox = client.get("/tasks").get_data(as_text=True)
    assert DRAFT_VI in inbox and DRAFT_EN not in inbox

    client.get("/lang/en")
    inbox = client.get("/tasks").get_data(as_text=True)
    assert DRAFT_EN in inbox and DRAFT_VI not in inbox
    assert f"<h1>{DRAFT_EN}</h1>" in client.get(f"/tasks/{task_id}").get_data(as_text=True)


def test_a_task_without_an_english_name_keeps_its_name(plan_engine: Engine) -> None:
    plan_engine.deploy(read_files([Path(__file__).parent / "bpmn" / "five_tasks.bpmn"]))
    _nasati_staff(plan_engine)
    names = plan_engine.names_in("en")
    assert names["five_tasks"] == {}
    assert (
        names["data_upgrade_plan"][""] == "II.2 Plan to complete, upgrade and standardise the data"
    )
    assert names["data_upgrade_plan"]["draft"] == DRAFT_EN


def _english_names(element: etree._Element) -> list[str]:
    return element.xpath(
        "bpmn:extensionElements/camunda:properties/camunda:property[@name='name_en']/@value",
        namespaces=_NAMESPACES,
    )


def test_every_shipped_process_and_user_task_has_an_english_name() -> None:
    """processes/README.md, "Names in English": no shipped process or user task shows
    its Vietnamese name on an English page."""
    unnamed = [
        f"{path.name}: {element.get('id')}"
        for path in sorted(PROCESSES.glob("*.bpmn"))
        for element in etree.parse(str(path)).xpath(
            "//bpmn:process | //bpmn:userTask", namespaces=_NAMESPACES
        )
        if not _english_names(element)
    ]
    assert unnamed == []


def test_a_form_field_and_its_choices_show_their_english_labels_in_english(
    plan_engine: Engine,
) -> None:
    client, task_id = _nasati_staff(plan_engine)
    form = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Số tập dữ liệu cần chuẩn hóa *" in form and "Datasets to standardise" not in form

    client.get("/lang/en")
    form = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Datasets to standardise *" in form and "Số tập dữ liệu cần chuẩn hóa" not in form


def test_a_choice_gives_its_english_label_beside_its_label(plan_engine: Engine) -> None:
    _, task_id = _nasati_staff(plan_engine)
    plan = {"plan_summary": "x", "datasets_to_standardise": 3, "completion_on": "2026-12-31"}
    plan_engine.complete(task_id, plan, actor="nasati.staff")
    (approve,) = plan_engine.tasks(process_key="data_upgrade_plan", unit="ITC")
    (decision,) = [f for f in approve.form["fields"] if f["id"] == "decision"]
    assert decision["label_en"] == "Appraisal"
    assert [(o["label"], o["label_en"]) for o in decision["options"]] == [
        ("Thống nhất", "Agreed"),
        ("Yêu cầu chỉnh sửa", "Revise it"),
    ]


def _named_process(name: str) -> dict[str, bytes]:
    """The process ``named`` with ``name`` and the plan task code II.5 as its property."""
    body = """    <bpmn:extensionElements><camunda:properties>
      <camunda:property name="plan_task" value="II.5"/>
    </camunda:properties></bpmn:extensionElements>
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="work"/>
    <bpmn:userTask id="work" camunda:candidateGroups="ITC"/>
    <bpmn:sequenceFlow id="f1" sourceRef="work" targetRef="end"/>
    <bpmn:endEvent id="end"/>"""
    text = process("named", body).replace(b'id="named"', f'id="named" name="{name}"'.encode())
    return {"named.bpmn": text}


def test_a_process_is_titled_by_its_newest_name_in_the_language_asked(plan_engine: Engine) -> None:
    plan_engine.deploy(read_files([PROCESSES / "data_upgrade_plan.bpmn"]))
    plan_engine.deploy(_named_process("Bản cũ"))
    plan_engine.deploy(_named_process("Ấn phẩm mới"))

    assert plan_engine.process_titles("vi") == {
        "data_upgrade_plan": "II.2 Kế hoạch hoàn thiện, nâng cấp, chuẩn hóa dữ liệu",
        "named": "Ấn phẩm mới",  # version 2's name; in the order of the names
    }
    assert plan_engine.process_titles("en") == {
        "data_upgrade_plan": "II.2 Plan to complete, upgrade and standardise the data",
        "named": "Ấn phẩm mới",  # no English name: its name
    }


def test_the_supervisors_pages_name_a_process_by_its_name_not_its_key(
    plan_engine: Engine,
) -> None:
    plan_engine.deploy(read_files([PROCESSES / "data_upgrade_plan.bpmn"]))
    plan_engine.deploy(_named_process("Quy trình thử"))
    started = plan_engine.start("data_upgrade_plan", {"owner_unit": "NASATI"}, actor="itc.head")
    named = plan_engine.start("named", actor="itc.head")
    plan_engine.set_password("itc.head", PASSWORD)
    client = create_app({"TESTING": True, "SECRET_KEY": "test"}, engine=plan_engine).test_client()
    client.post("/api/v1/session", json={"username": "itc.head", "password": PASSWORD})
    title_vi = "II.2 Kế hoạch hoàn thiện, nâng cấp, chuẩn hóa dữ liệu"
    title_en = "II.2 Plan to complete, upgrade and standardise the data"

    page = client.get("/instances").get_data(as_text=True)
    assert f"{title_vi}<br>" in page and title_en not in page
    assert f'<option value="data_upgrade_plan" >{title_vi}</option>' in page
    instance_page = client.get(f"/instances/{started.id}").get_data(as_text=True)
    assert f"<h1>{title_vi}</h1>" in instance_page
    year = to_local(named.started_at).year
    assert f"II.5 · {year} · #{named.id}" in client.get(f"/instances/{named.id}").get_data(
        as_text=True
    )  # the code its property gives, though the plan file does not name the process
    compliance = client.get("/compliance").get_data(as_text=True)
    assert f"> {title_vi}</label>" in compliance and "> data_upgrade_plan</label>" not in compliance

    client.get("/lang/en")
    page = client.get("/instances").get_data(as_text=True)
    assert f"{title_en}<br>" in page and title_vi not in page

"""An instance ended by an uncaught BPMN error is listed as failed, in the API and on
the supervisors' page (in Vietnamese), apart from completed ones and incidents."""

from __future__ import annotations

from pathlib import Path

from clients import PASSWORD

from engine.api import Engine, read_files
from web import create_app


def test_failed_instances_are_listed_by_status(plan_engine: Engine) -> None:
    plan_engine.set_password("itc.head", PASSWORD)
    plan_engine.deploy(read_files([Path(__file__).parent / "bpmn" / "script_errors.bpmn"]))
    failed = plan_engine.start("check_data", {"outcome": "other"}).id
    plan_engine.start("check_data", {"outcome": "fine"})
    client = create_app({"TESTING": True, "SECRET_KEY": "test"}, engine=plan_engine).test_client()
    answer = client.post("/api/v1/session", json={"username": "itc.head", "password": PASSWORD})
    assert answer.status_code == 200

    listed = client.get("/api/v1/instances?status=failed")

    assert [(i["id"], i["status"]) for i in listed.json] == [(failed, "failed")]
    page = client.get("/instances?status=failed").get_data(as_text=True)
    assert "thất bại (lỗi BPMN)" in page
    assert f"/instances/{failed}" in page

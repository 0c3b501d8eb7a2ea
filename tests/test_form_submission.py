"""A form submitted with its files: documents are stored only with a valid form."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from conftest import BPMN_DIR

from engine.api import Engine, read_files
from engine.clock import ManualClock
from engine.errors import Conflict, InvalidInput
from engine.pending_uploads import Upload
from engine.settings import Settings

PDF = Upload("báo cáo.pdf", b"%PDF-1.7 report", "application/pdf")
VALID = {"report_number": "12/BC", "datasets": "5", "open_datasets": "2"}


@pytest.fixture
def small_engine(db_url: str, clock: ManualClock) -> Iterator[Engine]:
    """Documents up to 100 bytes."""
    engine = Engine(db_url, clock=clock, settings=replace(Settings(), max_upload_bytes=100))
    engine.upgrade_schema()
    engine.deploy(read_files([BPMN_DIR / "dataset_report.bpmn"]), actor="tester")
    yield engine
    engine.close()


def open_task(engine: Engine) -> str:
    (task,) = engine.start("dataset_report", actor="itc").open_tasks
    return task.id


def test_a_refused_form_stores_no_document_and_holds_its_file_for_the_next_submit(
    small_engine: Engine,
) -> None:
    task_id = open_task(small_engine)
    with pytest.raises(InvalidInput) as refused:
        small_engine.submit_form(
            task_id,
            {**VALID, "open_datasets": "9"},
            uploads={"report_file": PDF},
            held={},
            actor="an",
        )
    assert [p["field"] for p in refused.value.details["problems"]] == ["open_datasets"]
    (held,) = refused.value.details["held"]
    assert (held["field"], held["filename"], held["size"]) == ("report_file", PDF.filename, 15)
    instance_id = small_engine.task(task_id).instance_id
    assert small_engine.attachments(instance_id) == []

    with pytest.raises(InvalidInput):  # someone else cannot take another's held file
        small_engine.submit_form(
            task_id, VALID, uploads={}, held={"report_file": held["id"]}, actor="binh"
        )
    done = small_engine.submit_form(
        task_id, VALID, uploads={}, held={"report_file": held["id"]}, actor="an"
    )
    (document,) = small_engine.attachments(instance_id)
    assert document.filename == PDF.filename and document.task_id == task_id
    assert done.data["report_file"]["id"] == document.id
    assert small_engine.attachment(document.id)[1] == PDF.content


def test_a_file_over_the_limit_is_a_problem_of_its_field_beside_the_others(
    small_engine: Engine,
) -> None:
    task_id = open_task(small_engine)
    big = Upload("big.pdf", b"x" * 101)
    with pytest.raises(InvalidInput) as refused:
        small_engine.submit_form(
            task_id, {"datasets": "5"}, uploads={"report_file": big}, held={}, actor="an"
        )
    found = [(p["field"], p["rule"]) for p in refused.value.details["problems"]]
    assert found == [
        ("report_file", "too_large"),
        ("report_number", "required"),
        ("open_datasets", "required"),
    ]
    assert refused.value.details["problems"][0]["limit"] == 100
    assert refused.value.details["held"] == []


def test_a_valid_form_stores_its_file_once_and_completes(small_engine: Engine) -> None:
    task_id = open_task(small_engine)
    done = small_engine.submit_form(
        task_id, VALID, uploads={"report_file": PDF}, held={}, actor="an"
    )
    assert len(small_engine.attachments(done.id)) == 1
    assert small_engine.task(task_id).status == "completed"


def test_a_form_of_a_suspended_instance_is_refused_and_stores_nothing(
    small_engine: Engine,
) -> None:
    task_id = open_task(small_engine)
    instance_id = small_engine.task(task_id).instance_id
    small_engine.suspend(instance_id, actor="itc.head")
    with pytest.raises(Conflict):
        small_engine.submit_form(task_id, VALID, uploads={"report_file": PDF}, held={}, actor="an")
    assert small_engine.attachments(instance_id) == []


def test_an_instance_is_called_by_its_plan_task_and_cycle(plan_engine: Engine) -> None:
    processes = BPMN_DIR.parent.parent / "processes"
    names = ("yearly_portal_registration", "one_off_decision")
    plan_engine.deploy(read_files([processes / f"{name}.bpmn" for name in names]))
    yearly = plan_engine.start("yearly_portal_registration", {"year": 2026}, actor="t")
    once = plan_engine.start(
        "one_off_decision",
        {
            "task_code": "I.4",
            "title": "Plan",
            "lead_unit": "ITC",
            "approver": "LEAD",
            "cooperating": "DBO",
            "due_at": "31/12/2021",
        },
        actor="t",
    )
    labels = plan_engine.plan_labels([yearly.id, once.id])
    assert labels == {yearly.id: "II.3 · 2026", once.id: "I.4 · 2021"}
    assert once.data["due_at"] == "2021-12-31T17:00:00+07:00"  # a date typed: 17:00 that day

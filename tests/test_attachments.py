"""Documents uploaded to human tasks and submitted through ``file`` form fields."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from engine.api import Engine, read_files
from engine.clock import ManualClock
from engine.errors import Conflict, InvalidInput
from engine.settings import Settings

PDF = b"%PDF-1.7\n" + "Báo cáo kiểm tra chất lượng dữ liệu 2021".encode() + b"\n%%EOF\n"


@pytest.fixture
def report_task(engine: Engine, deploy) -> str:
    deploy("report_upload.bpmn")
    (task,) = engine.start("report_upload", actor="itc").open_tasks
    return task.id


def test_an_uploaded_document_is_submitted_by_its_field(engine: Engine, report_task: str):
    uploaded = engine.attach(
        report_task, r"C:\Users\an\Báo cáo 2021.pdf", PDF, content_type=None, actor="an"
    )
    assert (uploaded.filename, uploaded.content_type) == ("Báo cáo 2021.pdf", "application/pdf")
    assert uploaded.size == len(PDF) and uploaded.sha256 == hashlib.sha256(PDF).hexdigest()

    view = engine.complete(
        report_task, {"report_number": "45/BC-TTTT", "report_file": uploaded.id}, actor="an"
    )

    assert view.data["report_file"] == {
        "id": uploaded.id,
        "filename": "Báo cáo 2021.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "sha256": uploaded.sha256,
    }
    stored, content = engine.attachment(uploaded.id)
    assert (stored, content) == (uploaded, PDF)
    assert engine.attachments(view.id) == [uploaded]
    kinds = [(e.kind, e.actor) for e in engine.history(view.id)]
    assert ("file_attached", "an") in kinds


def test_a_file_field_takes_only_a_document_of_its_own_task(engine: Engine, report_task: str):
    other_task = engine.start("report_upload", actor="itc").open_tasks[0].id
    elsewhere = engine.attach(other_task, "other.pdf", PDF, actor="binh")
    with pytest.raises(InvalidInput) as foreign:
        engine.complete(
            report_task, {"report_number": "1", "report_file": elsewhere.id}, actor="an"
        )
    assert foreign.value.details["field"] == "report_file"
    with pytest.raises(InvalidInput) as not_an_id:
        engine.complete(
            report_task, {"report_number": "1", "report_file": "report.pdf"}, actor="an"
        )
    assert not_an_id.value.details["field"] == "report_file"
    with pytest.raises(InvalidInput) as missing:
        engine.complete(report_task, {"report_number": "1"}, actor="an")
    assert missing.value.details["field"] == "report_file"
    assert engine.task(report_task).status == "open"


def test_uploads_are_refused_when_empty_too_big_or_not_the_uploaders_task(
    db_url: str, clock: ManualClock, engine: Engine, report_task: str
) -> None:
    with pytest.raises(InvalidInput, match="is empty"):
        engine.attach(report_task, "empty.pdf", b"", actor="an")
    engine.claim(report_task, actor="an")
    with pytest.raises(Conflict, match="claimed by an"):
        engine.attach(report_task, "report.pdf", PDF, actor="binh")

    small = replace(Settings.from_env(), max_upload_bytes=len(PDF) - 1)
    limited = Engine(db_url, clock=clock, settings=small)
    try:
        with pytest.raises(InvalidInput, match="the limit is") as too_big:
            limited.attach(report_task, "report.pdf", PDF, actor="an")
        assert too_big.value.details["field"] == "file"
    finally:
        limited.close()
    assert engine.attachments(engine.task(report_task).instance_id) == []


def test_a_completed_task_takes_no_more_documents(engine: Engine, report_task: str) -> None:
    uploaded = engine.attach(report_task, "report.pdf", PDF, actor="an")
    engine.complete(report_task, {"report_number": "7", "report_file": uploaded.id}, actor="an")
    with pytest.raises(Conflict, match="already completed"):
        engine.attach(report_task, "late.pdf", PDF, actor="an")


def test_file_is_a_form_type_the_validator_knows(engine: Engine) -> None:
    files = read_files([Path(__file__).parent / "bpmn" / "report_upload.bpmn"])
    assert engine.validate(files) == []

"""The history in words and the diagram's element states, from views alone."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import session

from engine.units import load_organisation
from engine.views import EventView, IncidentView, InstanceView, TaskView
from web import create_app
from web.content_names import person
from web.diagram_states import ElementState, element_states
from web.history_words import in_words, is_document

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
ORGANISATION = load_organisation(Path(__file__).parent.parent / "processes" / "units.yaml")


@pytest.fixture(autouse=True)
def vietnamese_page() -> Iterator[None]:
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": "sqlite://"})
    with app.test_request_context():
        yield


def _event(kind: str, actor: str = "itc.head", element: str | None = "review", **data) -> EventView:
    return EventView(1, 7, NOW, actor, kind, element, None, data)


def _task(element: str, due_in_hours: int) -> TaskView:
    due = NOW + timedelta(hours=due_in_hours)
    row = ("t", 7, "p", element, element, "ITC", None, "open", NOW, due, None, None, None, {})
    return TaskView(*row)


def test_who_is_named_with_units_and_the_engine_is_the_system() -> None:
    assert person(ORGANISATION, "itc.head") == "Nguyễn Văn An (ITC)"
    assert person(ORGANISATION, "engine") == "hệ thống"
    assert person(ORGANISATION, "someone.gone") == "someone.gone"


def test_events_become_phrases_and_changes_old_to_new() -> None:
    report = {"id": "d1", "filename": "báo cáo.pdf", "sha256": "x", "size": 3}
    retried, completed, assigned, odd = in_words(
        ORGANISATION,
        [
            _event("incident_retried", changes={"parts": {"old": 0, "new": 4}}),
            _event("task_completed", actor="itc.staff", report_file=report),
            _event("task_assigned", assignee="itc.staff", was=None),
            _event("something_new"),
        ],
    )
    assert retried.what == "sửa dữ liệu và chạy lại bước bị lỗi"
    assert [(c.name, c.old, c.new, c.had_old) for c in retried.changes] == [("parts", 0, 4, True)]
    assert completed.who == "Trần Thị Bình (ITC)" and completed.what == "hoàn thành nhiệm vụ"
    assert is_document(completed.changes[0].new) and not completed.changes[0].had_old
    assert [(c.old, c.new) for c in assigned.changes] == [("-", "Trần Thị Bình (ITC)")]
    assert odd.what == "something new"


def test_a_deadline_names_whom_its_message_went_to() -> None:
    """Two escalations of one task read differently: to the unit's head, then to the
    leadership; a reminder names the unit it reminded."""
    events = [
        _event("task_reminder_sent", actor="scheduler", recipient="ITC", step=0),
        _event("task_overdue", actor="scheduler", recipient="ITC", step=0),
        _event("task_escalated", actor="scheduler", recipient="head:ITC", step=1),
        _event("task_escalated", actor="scheduler", recipient="LEAD", step=2),
        _event("task_escalated", actor="scheduler", recipient="GONE", step=3),
    ]
    assert [line.what for line in in_words(ORGANISATION, events)] == [
        "đã gửi nhắc việc đến Trung tâm Công nghệ thông tin (ITC)",
        "nhiệm vụ đã quá hạn",
        "nhiệm vụ quá hạn được chuyển lên lãnh đạo Trung tâm Công nghệ thông tin (ITC)",
        "nhiệm vụ quá hạn được chuyển lên Lãnh đạo Bộ (LEAD)",
        "nhiệm vụ quá hạn được chuyển lên GONE",  # a unit no longer in the organisation
    ]
    english = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": "sqlite://"})
    with english.test_request_context():
        session["lang"] = "en"
        (_, _, head, lead, _) = in_words(ORGANISATION, events)
    assert head.what == "the overdue task was referred to the head of IT Centre (ITC)"
    assert lead.what == "the overdue task was referred to Minister and Vice-Ministers (LEAD)"


def test_an_incident_outranks_an_overdue_task_and_tokens_are_counted() -> None:
    instance = InstanceView(
        7, "p", 1, "incident", None, NOW, "t", NOW, None, {},
        open_tasks=[_task("review", -1), _task("review", 5), _task("sign", 5)],
        incidents=[IncidentView(1, None, "divide", "boom", 1, NOW)],
    )  # fmt: skip
    history = [_event("task_completed", element="draft"), _event("task_opened", element="sign")]

    states = element_states(instance, history, NOW)

    assert states == {
        "draft": ElementState("completed"),
        "review": ElementState("overdue", tokens=2),
        "sign": ElementState("active", tokens=1),
        "divide": ElementState("incident"),
    }
    late = replace(instance, incidents=[IncidentView(1, None, "review", "boom", 1, NOW)])
    assert element_states(late, history, NOW)["review"] == ElementState("incident", tokens=2)


def test_only_descriptions_of_uploaded_documents_are_documents() -> None:
    assert not is_document({"id": "x"}) and not is_document("x")
    assert is_document({"id": "x", "filename": "a.pdf", "sha256": "0" * 64})

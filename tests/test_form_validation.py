"""Forms: every problem at once, dates as people type them, cross-field rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.api import Engine
from engine.definitions import validate_files
from engine.errors import InvalidInput
from engine.forms import clean_submission

BPMN = Path(__file__).parent / "bpmn" / "dataset_report.bpmn"

FORM = [
    {"id": "datasets", "label": "Datasets", "type": "long", "required": True},
    {"id": "open_datasets", "label": "Open", "type": "long", "required": True},
    {"id": "title", "label": "Title", "type": "string", "constraints": {"minlength": "3"}},
]
RULES = [
    {"field": "open_datasets", "expression": "open_datasets <= datasets", "message": "too many"}
]


def problems_of(data: dict, form: list = FORM, rules: list = RULES) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInput) as refused:
        clean_submission(form, data, rules=rules)
    return [(p["field"], p["rule"]) for p in refused.value.details["problems"]]


def test_every_problem_is_reported_at_once_each_with_its_field() -> None:
    assert problems_of({"datasets": "many", "title": "ab"}) == [
        ("datasets", "type:long"),
        ("open_datasets", "required"),
        ("title", "minlength"),
    ]


def test_a_broken_rule_is_a_problem_of_its_field() -> None:
    assert problems_of({"datasets": "2", "open_datasets": "3"}) == [("open_datasets", "rule")]
    assert clean_submission(FORM, {"datasets": "3", "open_datasets": "3"}, rules=RULES) == {
        "datasets": 3,
        "open_datasets": 3,
    }


def test_a_rule_waits_until_the_fields_it_reads_are_valid() -> None:
    assert problems_of({"datasets": "x", "open_datasets": "3"}) == [("datasets", "type:long")]


def test_the_error_keeps_the_first_problem_as_its_own_details() -> None:
    with pytest.raises(InvalidInput) as refused:
        clean_submission(FORM, {"title": "ab"}, rules=RULES)
    assert refused.value.details["field"] == "datasets"
    assert refused.value.details["rule"] == "required"
    assert "Open is required" in refused.value.message


@pytest.mark.parametrize("typed", ["31/12/2026", "2026-12-31", " 31/12/2026 "])
def test_a_date_is_taken_as_typed_or_as_a_picker_sends_it(typed: str) -> None:
    form = [{"id": "on", "label": "On", "type": "date"}]
    assert clean_submission(form, {"on": typed}) == {"on": "2026-12-31"}
    assert problems_of({"on": "31/13/2026"}, form, []) == [("on", "type:date")]


@pytest.mark.parametrize(
    ("typed", "moment"),
    [
        ("31/12/2026", "2026-12-31T17:00:00+07:00"),  # a date: the end of that working day
        ("2026-12-31", "2026-12-31T17:00:00+07:00"),
        ("2026-12-31T09:15", "2026-12-31T09:15:00+07:00"),  # datetime-local: Hà Nội time
        ("31/12/2026 09:15", "2026-12-31T09:15:00+07:00"),
        ("2026-12-31T10:00:00+00:00", "2026-12-31T17:00:00+07:00"),
    ],
)
def test_a_moment_is_on_the_ha_noi_clock(typed: str, moment: str) -> None:
    form = [{"id": "at", "label": "At", "type": "datetime"}]
    assert clean_submission(form, {"at": typed}) == {"at": moment}


def test_a_form_may_say_what_time_a_date_alone_means() -> None:
    form = [{"id": "at", "label": "At", "type": "datetime", "time_of_day": "08:30"}]
    assert clean_submission(form, {"at": "31/12/2026"}) == {"at": "2026-12-31T08:30:00+07:00"}


def test_a_task_form_checks_its_rule_its_dates_and_its_unit_picker(engine: Engine, deploy) -> None:
    deploy("dataset_report.bpmn")
    (task,) = engine.start("dataset_report", actor="itc").open_tasks
    document = engine.attach(task.id, "r.pdf", b"%PDF", actor="an")
    with pytest.raises(InvalidInput) as refused:
        engine.complete(
            task.id,
            {"datasets": 2, "open_datasets": 5, "owner_unit": "NOWHERE", "report_number": "1"},
            actor="an",
        )
    found = {(p["field"], p["rule"]) for p in refused.value.details["problems"]}
    assert found == {
        ("report_number", "minlength"),
        ("open_datasets", "rule"),
        ("owner_unit", "choice"),
        ("report_file", "required"),
    }
    done = engine.complete(
        task.id,
        {
            "report_number": "12/BC",
            "datasets": 5,
            "open_datasets": 2,
            "published_on": "01/02/2026",
            "next_review": "31/12/2026",
            "meeting_at": "31/12/2026",
            "owner_unit": "ITC",
            "report_file": document.id,
        },
        actor="an",
    )
    assert done.data["published_on"] == "2026-02-01"
    assert done.data["next_review"] == "2026-12-31T17:00:00+07:00"
    assert done.data["meeting_at"] == "2026-12-31T08:30:00+07:00"


RULE = '<govflow:rule field="open_datasets" message="Open datasets cannot exceed the datasets.">'


@pytest.mark.parametrize(
    ("rule", "complaint"),
    [
        (RULE + "${open_datasets &lt;=}</govflow:rule>", "form rule does not compile"),
        (RULE + "${len(nothing) &gt; 1}</govflow:rule>", "form rule reads no field"),
        (
            RULE.replace('"open_datasets"', '"missing"', 1) + "${datasets}</govflow:rule>",
            "form rule field 'missing' is not a field",
        ),
        (RULE + "${__import__('os')}</govflow:rule>", "form rule does not compile"),
    ],
)
def test_a_bad_rule_is_refused_at_deployment_with_file_line_and_element(
    rule: str, complaint: str
) -> None:
    text = BPMN.read_text(encoding="utf-8")
    good = text[text.index(RULE) : text.index("</govflow:rule>") + len("</govflow:rule>")]
    bad = text.replace(good, rule)
    line = bad[: bad.index(rule)].count("\n") + 1
    (problem,) = validate_files({"bad.bpmn": bad.encode()})
    assert complaint in problem.message
    assert (problem.file, problem.line, problem.element_id) == ("bad.bpmn", line, "report")


def test_a_time_of_day_that_is_no_time_is_refused_at_deployment() -> None:
    text = BPMN.read_text(encoding="utf-8").replace('value="08:30"', 'value="late"')
    (problem,) = validate_files({"bad.bpmn": text.encode()})
    assert "time_of_day 'late'" in problem.message and problem.element_id == "report"

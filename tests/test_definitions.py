"""Definition validation: a corpus of mistakes, each with its message and line.

The cases are in ``mistakes_structure.py`` and ``mistakes_rules.py``, built with
``mistake_documents.py``; here each must be reported with its line, and valid files
must validate, deploy and run as drawn.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from mistake_documents import UNITS, Case
from mistakes_rules import RULE_CASES
from mistakes_structure import STRUCTURE_CASES

from engine.api import Engine, read_files
from engine.clock import ManualClock
from engine.definitions import load_models, validate_files
from engine.errors import InvalidDefinition
from web.cli import cli

CASES = [*STRUCTURE_CASES, *RULE_CASES]


def test_the_corpus_has_forty_distinct_mistakes() -> None:
    assert len({c.name for c in CASES}) == len(CASES) >= 40


@pytest.mark.parametrize("mistake", CASES, ids=lambda c: c.name)
def test_each_mistake_is_reported_with_its_line(mistake: Case) -> None:
    problems = validate_files({f"{mistake.name}.bpmn": mistake.text.encode()}, UNITS)
    described = "\n".join(f"{p}  ({p.hint})" for p in problems)
    matching = [p for p in problems if mistake.fragment in p.message]
    assert matching, f"expected {mistake.fragment!r} in:\n{described}"
    assert matching[0].line == mistake.line, described
    assert matching[0].file == f"{mistake.name}.bpmn"
    assert matching[0].hint, "every problem says how to fix it"
    assert len(problems) == mistake.count, described


# -- valid Camunda Modeler files ------------------------------------------------------

VALID_DIR = Path(__file__).parent / "bpmn" / "valid"


def test_modeler_files_validate_clean() -> None:
    files = read_files([VALID_DIR])
    assert len(files) == 4
    assert validate_files(files, UNITS) == []
    assert {m.key for m in load_models(files, UNITS)} == {
        "catalogue_review",
        "half_yearly",
        "report_check",
        "valid_unit_reports",
    }


def test_catalogue_review_runs_as_drawn(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(read_files([VALID_DIR]))
    instance = engine.start("catalogue_review", actor="itc")
    (draft,) = instance.open_tasks
    assert (draft.element_id, draft.unit) == ("Task_draft", "ITC")  # from the lane
    assert draft.due_at == clock.now() + timedelta(days=2)
    engine.complete(draft.id, {"title": "2021", "kind": "sector", "databases": 3}, actor="an")

    (review,) = engine.tasks(instance_id=instance.id)
    # local_deadline(2021, 6, 30): before Wednesday 30/06, so Tuesday 29/06 17:00 in Hà Nội
    assert (review.unit, review.due_at.isoformat()) == ("DBO", "2021-06-29T10:00:00+00:00")
    clock.advance(timedelta(hours=3))
    assert engine.fire_due_timers() == 1  # the PT2H reminder, non-interrupting
    assert engine.instance(instance.id).data["reminded"] is True
    engine.complete(review.id, {"approved": "true"}, actor="dbo")

    clock.set(datetime(2021, 6, 30, 18, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    assert engine.fire_due_timers() == 1  # the publication date
    done = engine.instance(instance.id)
    assert (done.status, done.data["published"]) == ("completed", "catalogue 2021")


def test_unit_reports_fan_out_and_call_a_process_in_another_file(engine: Engine) -> None:
    engine.deploy(read_files([VALID_DIR]))
    instance = engine.start(
        "valid_unit_reports", {"units": ["DBO:STAMEQ", "DBO:NOIP"]}, actor="itc"
    )
    units = sorted((t.element_id, t.unit) for t in instance.open_tasks)
    assert units == [
        ("Task_check", "ITC"),
        ("Task_report", "DBO:NOIP"),
        ("Task_report", "DBO:STAMEQ"),
    ]
    for number, task in enumerate(instance.open_tasks):
        answer = {"checked": True} if task.element_id == "Task_check" else {"records": number}
        engine.complete(task.id, answer, actor="staff")
    done = engine.instance(instance.id)
    assert done.status == "completed"
    assert sorted(r["unit"] for r in done.data["reports"]) == ["DBO:NOIP", "DBO:STAMEQ"]


def test_deploy_is_all_or_nothing(engine: Engine) -> None:
    files = read_files([VALID_DIR])
    broken = next(c for c in CASES if c.name == "gateway_flow_without_condition")
    files["broken.bpmn"] = broken.text.encode()
    with pytest.raises(InvalidDefinition) as refused:
        engine.deploy(files)
    assert [p.file for p in refused.value.problems] == ["broken.bpmn"]
    assert engine.definitions() == []


def test_validate_command_prints_each_problem_with_its_hint(
    db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    bad = next(c for c in CASES if c.name == "gateway_flow_without_condition")
    path = tmp_path / "bad.bpmn"
    path.write_text(bad.text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path)], catch_exceptions=False)
    assert result.exit_code == 1
    (line,) = result.output.splitlines()
    assert line.startswith(f"{path}:{bad.line}: n: flow out of gateway 'gw' has neither")
    assert "(hint: give the flow a condition" in line
    result = CliRunner().invoke(cli, ["deploy", str(path)], catch_exceptions=False)
    assert result.exit_code == 1 and f"{path}:{bad.line}: n:" in result.output


def test_a_message_path_as_bpmn_js_saves_it_is_read_as_the_standard_one(
    plan_engine: Engine,
) -> None:
    """bpmn-js writes a correlation property's ``messagePath`` as ``formalExpression``:
    that file, saved unchanged in the modeler, is the same definition and correlates."""
    shipped = Path(__file__).parent.parent / "processes" / "open_data_catalogue.bpmn"
    standard = shipped.read_bytes()
    assert b"<bpmn:messagePath>feedback_for_period</bpmn:messagePath>" in standard
    as_bpmn_js = standard.replace(b"bpmn:messagePath>", b"bpmn:formalExpression>")
    assert plan_engine.validate({"catalogue.bpmn": as_bpmn_js}) == []
    assert plan_engine.deploy({"catalogue.bpmn": standard}).created == [("open_data_catalogue", 1)]
    again = plan_engine.deploy({"catalogue.bpmn": as_bpmn_js})
    assert again.created == [] and again.unchanged == [("open_data_catalogue", 1)]


def test_a_schema_violation_names_its_element_in_a_file_on_one_line() -> None:
    one_line = (
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"'
        ' targetNamespace="x"><bpmn:process id="p" isExecutable="true">'
        '<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f1" sourceRef="start"'
        ' targetRef="end" bogus="1"/><bpmn:endEvent id="end"/></bpmn:process>'
        "</bpmn:definitions>"
    )

    problems = validate_files({"one_line.bpmn": one_line.encode()}, UNITS)

    schema = [p for p in problems if "not valid BPMN 2.0" in p.message]
    assert [(p.line, p.element_id) for p in schema] == [(1, "f1")]
    assert "'bogus'" in schema[0].message

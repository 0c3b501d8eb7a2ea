"""Task data JSON cannot hold: converted where it has an obvious JSON form, else refused
where it comes in (an incident at the script, an InvalidInput for a caller), never a
500 or an instance that looks running and cannot move. SQLite and PostgreSQL."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest
from bpmn_text import script_between_tasks
from SpiffWorkflow.bpmn import BpmnWorkflow

from engine.api import Engine
from engine.clock import ManualClock
from engine.definitions import load_models
from engine.definitions.serializer import load_spec
from engine.errors import InvalidInput
from engine.runtime.loading import store_state
from engine.runtime.spiff import make_script_engine

FORM = """<bpmn:extensionElements><camunda:formData>
  <camunda:formField id="ratio" label="Ratio" type="double"/>
</camunda:formData></bpmn:extensionElements>"""


def _bpmn(script: str) -> bytes:
    return script_between_tasks("data_step", script, FORM)


def _run_script(engine: Engine, script: str, variables: dict | None = None):
    engine.deploy({"data_step.bpmn": _bpmn(script)}, actor="tester")
    instance = engine.start("data_step", variables, actor="an")
    (first,) = instance.open_tasks
    return engine.complete(first.id, {}, actor="an")


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("seen = {3, 1, 2}", {"seen": [1, 2, 3]}),
        ("seen = set('ba')", {"seen": ["a", "b"]}),
        ("seen = {1, 'a'}", {"seen": [1, "a"]}),
        ("pair = (1, (2, 3))", {"pair": [1, [2, 3]]}),
        ("day = date(2021, 1, 5)", {"day": "2021-01-05"}),
        (
            "at = datetime(2021, 1, 5, 8, tzinfo=timezone.utc)",
            {"at": "2021-01-05T08:00:00+00:00"},
        ),
        ("due = add_working_days(now(), 1)", {"due": "2021-01-05T01:00:00+00:00"}),
        ("counts = {2021: {'x'}}", {"counts": {"2021": ["x"]}}),
    ],
)
def test_script_values_with_a_json_form_are_converted(
    db_url: str, engine: Engine, clock: ManualClock, script: str, expected: dict
) -> None:
    done = _run_script(engine, script)
    assert done.status == "running" and done.incidents == []
    assert {name: done.data[name] for name in expected} == expected
    restarted = Engine(db_url, clock=clock)  # the stored state reads back the same
    try:
        (review,) = restarted.tasks(instance_id=done.id)
        finished = restarted.complete(review.id, {}, actor="an")
        assert finished.status == "completed"
        assert {name: finished.data[name] for name in expected} == expected
    finally:
        restarted.close()


@pytest.mark.parametrize(
    ("script", "variable", "kind", "line"),
    [
        ("x = 1\nblob = b'raw'", "blob", "bytes", 2),
        ("numbers = (n for n in range(3))", "numbers", "generator", 1),
        ("big = 10 ** 5000", "big", "digits", 1),
        ("ratio = float('nan')", "ratio", "nan", 1),
        ("ratio = float('inf')", "ratio", "inf", 1),
        ("report = {}\nreport['raw'] = b'x'", "report['raw']", "bytes", 2),
        ("loop = []\nloop.append(loop)", "loop", "nested deeper", 1),
        ("zone = timezone.utc", "zone", "timezone", 1),
        ("late = timedelta(days=2)", "late", "timedelta", 1),
        ("pairs = {(1, 2): 'a'}", "pairs", "key of type tuple", 1),
    ],
)
def test_script_values_json_cannot_hold_are_an_incident_at_the_step(
    engine: Engine, script: str, variable: str, kind: str, line: int
) -> None:
    done = _run_script(engine, script)
    assert done.status == "incident"
    assert engine.instance(done.id).status == "incident"
    (incident,) = done.incidents
    assert incident.element_id == "compute"
    assert f"variable {variable} holds" in incident.message and kind in incident.message
    assert incident.line == line
    assert [t.element_id for t in engine.tasks(instance_id=done.id)] == []


def test_a_refused_script_changes_no_data_and_a_retry_after_the_fix_runs_on(
    engine: Engine,
) -> None:
    script = "report['checked'] = True\nreport['raw'] = b'x' if raw else 'text'"
    done = _run_script(engine, script, {"report": {"n": 1}, "raw": True})
    assert done.status == "incident"

    fixed = engine.retry(done.id, {"raw": False}, actor="itc.head")
    assert fixed.status == "running" and fixed.incidents == []
    assert fixed.data["report"] == {"n": 1, "checked": True, "raw": "text"}
    (review,) = fixed.open_tasks
    assert review.element_id == "review"


@pytest.mark.parametrize(
    "value",
    [float("nan"), math.inf, b"bytes", {"deep": {"er": object()}}, 10**5000],
    ids=["nan", "inf", "bytes", "object", "huge"],
)
def test_callers_data_json_cannot_hold_is_invalid_input(engine: Engine, value: object) -> None:
    engine.deploy({"data_step.bpmn": _bpmn("pass")}, actor="tester")
    with pytest.raises(InvalidInput) as refused:
        engine.start("data_step", {"x": value}, actor="an")
    assert refused.value.details["field"] == "x"
    assert engine.instances() == []

    instance = engine.start("data_step", {"kept": {1, 2}}, actor="an")
    assert instance.data["kept"] == [1, 2]
    (first,) = instance.open_tasks
    with pytest.raises(InvalidInput) as in_form:
        engine.complete(first.id, {"ratio": "nan"}, actor="an")
    assert in_form.value.details["field"] == "ratio"
    with pytest.raises(InvalidInput):
        engine.deliver_message("reply", {"x": value}, instance_id=instance.id)
    assert engine.instance(instance.id).status == "running"


def test_the_save_refuses_what_json_cannot_hold_whatever_put_it_there() -> None:
    (model,) = load_models({"data_step.bpmn": _bpmn("pass")})
    spec, subprocess_specs = load_spec(model.spec)
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=make_script_engine({}, 1.0))
    workflow.do_engine_steps()
    (first,) = [t for t in workflow.get_tasks() if t.task_spec.bpmn_id == "first"]
    first.data["blob"] = b"raw"
    record = SimpleNamespace(state="{}")
    with pytest.raises(InvalidInput) as refused:
        store_state(record, workflow)
    assert refused.value.details == {"field": "blob", "rule": "json", "element_id": "first"}
    assert record.state == "{}"

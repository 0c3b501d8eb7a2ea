"""Text longer than the column that stores it is refused as an InvalidInput naming the
field, on PostgreSQL (which used to answer with a database error, a 500) as on
SQLite (which used to store it whole)."""

from __future__ import annotations

import pytest
from bpmn_text import process

from engine.api import Engine
from engine.errors import InvalidInput

ASSIGNED_BY_EXPRESSION = """    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="task"/>
    <bpmn:userTask id="task" camunda:candidateGroups="ITC" camunda:assignee="${owner}"/>
    <bpmn:sequenceFlow id="f1" sourceRef="task" targetRef="end"/>
    <bpmn:endEvent id="end"/>"""


@pytest.fixture
def bounded(engine: Engine) -> Engine:
    engine.deploy({"bounded.bpmn": process("bounded", ASSIGNED_BY_EXPRESSION)}, actor="tester")
    return engine


def _field_of(refused: pytest.ExceptionInfo[InvalidInput]) -> str:
    return str(refused.value.details["field"])


def test_an_assignee_longer_than_its_column_is_refused(bounded: Engine) -> None:
    (task,) = bounded.start("bounded", {"owner": "an"}, actor="an").open_tasks
    with pytest.raises(InvalidInput) as refused:
        bounded.assign(task.id, "x" * 121, actor="itc.head")
    # no user has so long a name: refused as a field, never a database error
    assert _field_of(refused) == "assignee"
    assert bounded.task(task.id).assignee == "an"


def test_an_actor_or_business_key_too_long_changes_nothing(bounded: Engine) -> None:
    with pytest.raises(InvalidInput) as key:
        bounded.start("bounded", {"owner": "an"}, actor="an", business_key="k" * 256)
    assert _field_of(key) == "business_key"
    with pytest.raises(InvalidInput) as starter:
        bounded.start("bounded", {"owner": "an"}, actor="a" * 121)
    assert _field_of(starter) == "actor"
    assert bounded.instances() == []

    instance = bounded.start("bounded", {"owner": None}, actor="an", business_key="k" * 255)
    (task,) = instance.open_tasks
    for command in (
        lambda: bounded.complete(task.id, {}, actor="a" * 121),
        lambda: bounded.claim(task.id, actor="a" * 121),
        lambda: bounded.suspend(instance.id, actor="a" * 121),
    ):
        with pytest.raises(InvalidInput) as refused:
            command()
        assert _field_of(refused) == "actor"
    assert bounded.instance(instance.id).status == "running"
    assert bounded.task(task.id).status == "open"


def test_an_assignee_expression_too_long_opens_the_task_with_an_incident(bounded: Engine) -> None:
    instance = bounded.start("bounded", {"owner": "o" * 121}, actor="an")
    (task,) = instance.open_tasks
    assert task.assignee is None and task.unit == "ITC"
    (incident,) = instance.incidents
    assert incident.element_id == "task" and "assignee" in incident.message


def test_a_deployment_by_or_of_names_too_long_is_refused(engine: Engine) -> None:
    bpmn = process("named", ASSIGNED_BY_EXPRESSION)
    with pytest.raises(InvalidInput) as actor:
        engine.deploy({"named.bpmn": bpmn}, actor="a" * 121)
    assert _field_of(actor) == "actor"
    with pytest.raises(InvalidInput) as file_name:
        engine.deploy({"n" * 251 + ".bpmn": bpmn}, actor="tester")
    assert _field_of(file_name) == "files"
    assert engine.definitions() == []


def test_a_token_name_too_long_is_refused(plan_engine: Engine) -> None:
    with pytest.raises(InvalidInput) as refused:
        plan_engine.create_token("itc.staff", "t" * 121)
    assert _field_of(refused) == "name"


def test_a_nul_character_is_refused_where_postgresql_text_cannot_hold_it(bounded: Engine) -> None:
    with pytest.raises(InvalidInput) as key:
        bounded.start("bounded", {"owner": None}, actor="an", business_key="FB\x00-7")
    assert _field_of(key) == "business_key"
    instance = bounded.start("bounded", {"owner": None, "note": "a\x00b"}, actor="an")
    assert instance.data["note"] == "a\x00b"  # JSON writes it as \u0000
    (task,) = instance.open_tasks
    with pytest.raises(InvalidInput) as assignee:
        bounded.assign(task.id, "an\x00", actor="itc.head")
    assert _field_of(assignee) == "assignee"
    with pytest.raises(InvalidInput) as actor:
        bounded.claim(task.id, actor="an\x00")
    assert _field_of(actor) == "actor"
    assert bounded.task(task.id).assignee is None


def test_a_nul_character_in_any_lookup_is_invalid_input(bounded: Engine) -> None:
    lookups = [
        lambda: bounded.start("bounded\x00", actor="an"),
        lambda: bounded.task("task\x00"),
        lambda: bounded.authenticate("itc.head\x00", "password"),
        lambda: bounded.tasks(unit="ITC\x00"),
        lambda: bounded.deliver_message("reply", {}, business_key="FB\x00"),
        lambda: bounded.compliance("bounded\x00"),
    ]
    for lookup in lookups:
        with pytest.raises(InvalidInput) as refused:
            lookup()
        assert refused.value.details["rule"] == "nul"

"""Versions and migration: running instances keep their version unless moved on purpose."""

# ruff: noqa: E501 -- BPMN XML is kept as a designer would see it
from __future__ import annotations

import pytest
from click.testing import CliRunner
from version_models import deploy_v1_with_two_instances

from engine.api import Engine
from engine.errors import InvalidInput
from web.cli import cli

TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="approval" name="Approval" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="draft"/>
    <bpmn:userTask id="draft" name="Draft" camunda:candidateGroups="ITC"/>
    <bpmn:sequenceFlow id="f1" sourceRef="draft" targetRef="sign"/>
    <bpmn:userTask id="sign" name="Sign" camunda:candidateGroups="LEAD"/>
    <bpmn:sequenceFlow id="f2" sourceRef="sign" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""
V1 = TEMPLATE.encode()
V2 = (
    TEMPLATE.replace('targetRef="sign"', 'targetRef="end"')
    .replace('    <bpmn:userTask id="sign" name="Sign" camunda:candidateGroups="LEAD"/>\n', "")
    .replace('    <bpmn:sequenceFlow id="f2" sourceRef="sign" targetRef="end"/>\n', "")
    .encode()
)
"""Version 2 drops the task 'sign': 'draft' leads straight to the end."""


def _open_elements(engine: Engine, instance_id: int) -> list[str]:
    return [task.element_id for task in engine.tasks(instance_id=instance_id)]


def _finish(engine: Engine, instance_id: int) -> None:
    while tasks := engine.tasks(instance_id=instance_id):
        engine.complete(tasks[0].id, actor="an")


def test_redeploying_an_unchanged_file_creates_no_version(engine: Engine) -> None:
    first = engine.deploy({"approval.bpmn": V1})
    again = engine.deploy({"approval.bpmn": V1})
    assert first.created == [("approval", 1)]
    assert (again.created, again.unchanged, again.deployment_id) == ([], [("approval", 1)], None)
    assert [(d.process_key, d.version) for d in engine.definitions()] == [("approval", 1)]


def test_a_changed_file_is_version_2_and_version_1_instances_finish_on_1(engine: Engine) -> None:
    engine.deploy({"approval.bpmn": V1})
    old = engine.start("approval", actor="an")
    assert engine.deploy({"approval.bpmn": V2}).created == [("approval", 2)]
    new = engine.start("approval", actor="an")
    assert (engine.instance(old.id).version, new.version) == (1, 2)
    engine.complete(engine.tasks(instance_id=new.id)[0].id, actor="an")
    assert engine.instance(new.id).status == "completed"

    engine.complete(engine.tasks(instance_id=old.id)[0].id, actor="an")
    assert _open_elements(engine, old.id) == ["sign"]  # version 1's path
    _finish(engine, old.id)
    assert engine.instance(old.id).status == "completed"
    assert engine.instance(old.id).version == 1


def test_migration_moves_what_can_move_and_keeps_the_rest(engine: Engine) -> None:
    engine.deploy({"approval.bpmn": V1})
    movable = engine.start("approval", actor="an")  # at 'draft', which v2 keeps
    stuck = engine.start("approval", actor="an")
    engine.complete(engine.tasks(instance_id=stuck.id)[0].id, actor="an")  # at 'sign'
    engine.deploy({"approval.bpmn": V2})
    stuck_before = engine.instance(stuck.id)

    report = engine.migrate("approval", 1, actor="designer")

    assert (report.from_version, report.to_version) == (1, 2)
    assert report.moved == [movable.id]
    assert list(report.refused) == [stuck.id]
    assert report.refused[stuck.id].active_tasks == ("sign",)
    assert engine.instance(movable.id).version == 2
    after = engine.instance(stuck.id)
    assert (after.version, after.updated_at, after.data) == (
        1,
        stuck_before.updated_at,
        stuck_before.data,
    )
    assert [e.kind for e in engine.history(movable.id)][-1] == "instance_migrated"
    assert "instance_migrated" not in [e.kind for e in engine.history(stuck.id)]

    engine.complete(engine.tasks(instance_id=movable.id)[0].id, actor="an")
    assert engine.instance(movable.id).status == "completed"  # version 2's path: no 'sign'
    _finish(engine, stuck.id)
    assert engine.instance(stuck.id).status == "completed"


def test_a_dry_run_reports_and_changes_nothing(engine: Engine) -> None:
    engine.deploy({"approval.bpmn": V1})
    instance = engine.start("approval", actor="an")
    engine.deploy({"approval.bpmn": V2})
    report = engine.migrate("approval", 1, 2, actor="designer", dry_run=True)
    assert report.moved == [instance.id] and report.dry_run
    assert engine.instance(instance.id).version == 1
    assert "instance_migrated" not in [e.kind for e in engine.history(instance.id)]


def test_migrating_to_the_same_version_is_refused(engine: Engine) -> None:
    engine.deploy({"approval.bpmn": V1})
    with pytest.raises(InvalidInput):
        engine.migrate("approval", 1, 1, actor="designer")


def test_migrate_command(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    run("db", "upgrade")
    path = tmp_path / "approval.bpmn"
    path.write_bytes(V1)
    run("deploy", str(path))
    run("start", "approval")
    path.write_bytes(V2)
    run("deploy", str(path))
    assert "would move 1 instance(s) of approval v1 -> v2" in run(
        "migrate", "approval", "--from", "1", "--dry-run"
    )
    out = run("migrate", "approval", "--from", "1", "--to", "2")
    assert "moved 1 instance(s)" in out and "moved instance 1" in out


def test_a_task_replaced_in_its_place_blocks_and_only_chosen_instances_move(
    engine: Engine,
) -> None:
    """Version 2 of tests/version_models.py puts 'check' where 'sign' was: SpiffWorkflow
    would align the two, but an instance at 'sign' must stay."""
    at_draft, at_sign = deploy_v1_with_two_instances(engine)
    other = engine.start("approval", actor="an")  # on version 2 already

    dry = engine.migrate("approval", 1, actor="designer", dry_run=True, instance_ids=[at_sign])
    assert (dry.moved, {i: r.active_tasks for i, r in dry.refused.items()}) == (
        [],
        {at_sign: ("sign",)},
    )
    assert str(dry.refused[at_sign]) == "active task(s) sign do not exist in the new version"

    report = engine.migrate("approval", 1, actor="designer", instance_ids=[at_draft, other.id])
    assert (report.moved, report.refused) == ([at_draft], {})
    assert [engine.instance(i).version for i in (at_draft, at_sign)] == [2, 1]

"""Moving running instances of one process version to another.

A new version never changes running instances by itself (they keep the spec they
started with). Migration is the deliberate exception: an instance moves only if every
task that is active in it (ready, waiting or started) still exists in the target
version under its own id, so no token is left on an element that is gone. SpiffWorkflow does the
alignment and the move itself (``SpiffWorkflow.bpmn.util.diff``); hand-editing the
serialized state would break on its next format change.

Only READY tasks are reset onto the new spec. Waiting timers keep the due time they
were given, as a reminder must not be postponed by a deployment; their derived timer
rows therefore stay valid, and so do the human task rows, as a reset task keeps its id.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.util.diff import WorkflowDiff, diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions.serializer import SERIALIZER
from engine.errors import InvalidInput, NotFound
from engine.models import ProcessDefinition, ProcessInstance
from engine.runtime.loading import CompiledDefinition, restore, store_state
from engine.runtime.rows import append_history
from engine.runtime.spiff import spiff_time
from engine.runtime.unit_of_work import history_row

__all__ = ["MigrationReport", "Refusal", "migrate_instances"]

_ACTIVE_TASKS = TaskState.READY | TaskState.WAITING | TaskState.STARTED
_MOVABLE_STATUSES = ("running", "incident", "suspended")


@dataclass(frozen=True)
class Refusal:
    """Why an instance stays, as data, so that a page can say it in its own language:
    the active tasks the target lacks, or the called process it does not include."""

    active_tasks: tuple[str, ...] = ()
    called_process: str | None = None

    def __str__(self) -> str:
        if self.called_process is not None:
            return f"called process '{self.called_process}' is not part of the new version"
        return f"active task(s) {', '.join(self.active_tasks)} do not exist in the new version"


@dataclass(frozen=True)
class MigrationReport:
    process_key: str
    from_version: int
    to_version: int
    moved: list[int] = field(default_factory=list)
    refused: dict[int, Refusal] = field(default_factory=dict)
    """Instance id → why it stays on ``from_version``."""
    dry_run: bool = False


def migrate_instances(
    session: Session,
    runtime: Any,
    process_key: str,
    from_version: int,
    to_version: int | None = None,
    *,
    actor: str,
    dry_run: bool = False,
    instance_ids: Collection[int] | None = None,
) -> MigrationReport:
    """Move each unfinished instance of ``from_version`` that can move; report the others.

    ``to_version`` None means the latest; ``instance_ids`` None means every unfinished
    instance of ``from_version``, else only those of them (others are ignored, as one
    may have moved or ended since the caller listed it). With ``dry_run`` nothing is
    written.
    """
    source = _definition(session, process_key, from_version)
    target = _definition(session, process_key, to_version)
    if target.version == source.version:
        raise InvalidInput(f"{process_key} is already at version {target.version}", field="to")
    compiled = runtime.specs.get(session, target.id)
    report = MigrationReport(process_key, source.version, target.version, dry_run=dry_run)
    for instance_id in _unfinished(session, source.id, instance_ids):
        instance = runtime.db.lock_instance(session, instance_id)
        old = runtime.specs.get(session, instance.definition_id)
        workflow = restore(instance, old, runtime.script_engine)
        reason = _move(workflow, compiled, runtime.clock.now())
        if reason is not None:
            report.refused[instance_id] = reason
            continue
        report.moved.append(instance_id)
        if not dry_run:
            _save(session, instance, workflow, target, actor, runtime.clock.now(), source.version)
    return report


def _definition(session: Session, process_key: str, version: int | None) -> ProcessDefinition:
    query = select(ProcessDefinition).where(ProcessDefinition.process_key == process_key)
    if version is None:
        query = query.order_by(ProcessDefinition.version.desc()).limit(1)
    else:
        query = query.where(ProcessDefinition.version == version)
    definition = session.scalars(query).first()
    if definition is None:
        which = "any version" if version is None else f"version {version}"
        raise NotFound(
            f"process '{process_key}' has no {which}", process_key=process_key, version=version
        )
    return definition


def _unfinished(
    session: Session, definition_id: int, instance_ids: Collection[int] | None
) -> list[int]:
    query = (
        select(ProcessInstance.id)
        .where(ProcessInstance.definition_id == definition_id)
        .where(ProcessInstance.status.in_(_MOVABLE_STATUSES))
        .order_by(ProcessInstance.id)
    )
    if instance_ids is not None:
        query = query.where(ProcessInstance.id.in_(list(instance_ids)))
    return list(session.scalars(query))


def _move(workflow: BpmnWorkflow, target: CompiledDefinition, now: Any) -> Refusal | None:
    """Migrate ``workflow`` in memory onto ``target``; the reason it cannot, or None."""
    top, subprocesses = diff_workflow(
        SERIALIZER.registry, workflow, target.spec, target.subprocess_specs
    )
    reason = _blocking(top)
    for sp_id, sp_diff in subprocesses.items():
        if sp_diff is None:
            name = workflow.subprocesses[sp_id].spec.name
            reason = reason or Refusal(called_process=name)
        else:
            reason = reason or _blocking(sp_diff)
    if reason is not None:
        return reason
    with spiff_time(now):
        migrate_workflow(top, workflow, target.spec, reset_mask=TaskState.READY)
        for sp_id, sp_diff in subprocesses.items():
            subprocess = workflow.subprocesses[sp_id]
            new_spec = target.subprocess_specs[subprocess.spec.name]
            migrate_workflow(sp_diff, subprocess, new_spec, reset_mask=TaskState.READY)
    workflow.subprocess_specs = target.subprocess_specs
    return None


def _blocking(diff: WorkflowDiff) -> Refusal | None:
    """The active tasks that the target lacks under their own id. SpiffWorkflow aligns
    a removed task with a new one in its place (``sign`` replaced by ``check``); a token
    moved so would be a task of one element and unit in the engine's rows and of
    another in the workflow, so such a task blocks as a removed one does."""
    gone = [t for t in diff.removed if t.state & _ACTIVE_TASKS]
    gone += [
        task
        for task, spec in diff.alignment.items()
        if task.state & _ACTIVE_TASKS and spec.name != task.task_spec.name
    ]
    active = sorted({t.task_spec.bpmn_id or t.task_spec.name for t in gone})
    return Refusal(active_tasks=tuple(active)) if active else None


def _save(
    session: Session,
    instance: ProcessInstance,
    workflow: BpmnWorkflow,
    target: ProcessDefinition,
    actor: str,
    now: Any,
    from_version: int,
) -> None:
    store_state(instance, workflow)
    instance.definition_id, instance.version, instance.updated_at = target.id, target.version, now
    session.flush()
    event = history_row(
        instance.id,
        now,
        actor,
        "instance_migrated",
        data={"from_version": from_version, "to_version": target.version},
    )
    append_history(session, [event])

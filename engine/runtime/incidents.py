"""Incidents: a step that fails stops where a supervisor sees it, never as a crash.

A failing step of the workflow (a script, an expression, a task's own completion)
leaves its task in error and the instance in ``incident``, with the element, the
message and the line, in the command's transaction; the rest of the command still
commits. A supervisor fixes the data and retries. A retry that fails again changes
nothing but the incident, which then says the new error and line.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from SpiffWorkflow.util.task import TaskState

from engine.errors import GovflowError, ScriptError
from engine.models import Incident
from engine.runtime.bpmn_throw import UncaughtBpmnError
from engine.runtime.projection import stalled_tasks
from engine.runtime.unit_of_work import UnitOfWork

__all__ = [
    "data_changes",
    "describe_failure",
    "fail_instance",
    "raise_incident",
    "retry_failed",
    "run_again",
    "step_or_incident",
]

log = logging.getLogger(__name__)


def describe_failure(exc: BaseException) -> tuple[str, int | None]:
    """The message and script line of a failed step, in the clearest words available
    (a NUL a script put in its error written out: PostgreSQL text cannot hold it)."""
    inner = exc.__cause__ or exc.__context__
    if isinstance(inner, ScriptError):  # the sandbox's own words are the clearest
        message, line = inner.message, inner.line
    elif isinstance(exc, ScriptError):
        message, line = exc.message, exc.line
    else:
        message, line = str(exc).rstrip(". "), getattr(exc, "line_number", None) or None
    return message.replace("\x00", "\\x00"), line


def raise_incident(work: UnitOfWork, exc: Exception, task: Any = None) -> None:
    """Record ``exc`` as an incident at ``task`` (or the task Spiff names, or the one
    its failure stalled) of the instance."""
    task = task or getattr(exc, "task", None) or next(iter(stalled_tasks(work.workflow)), None)
    uncaught = _uncaught_error(exc)
    if uncaught is not None:
        fail_instance(work, uncaught)
        return
    message, line = describe_failure(exc)
    log.warning("instance %s: incident at %s: %s", work.instance.id, task, message)
    incident = Incident(
        instance_id=work.instance.id,
        task_id=str(task.id) if task is not None else None,
        element_id=task.task_spec.bpmn_id if task is not None else None,
        message=message,
        line=line,
        created_at=work.now,
    )
    work.session.add(incident)
    work.instance.status = "incident"
    work.record(
        "incident_raised",
        actor="engine",
        element_id=incident.element_id,
        task_id=incident.task_id,
        data={"message": message, "line": line},
    )


def fail_instance(work: UnitOfWork, error: UncaughtBpmnError) -> None:
    """End the instance ``failed``: a BPMN error nobody caught (BPMN 2.0 §10.5.3), which
    no retry could change. Its open tasks, timers and calls are withdrawn."""
    log.info("instance %s failed with BPMN error %s", work.instance.id, error.code)
    task = error.task
    work.workflow.cancel()
    work.instance.status, work.instance.ended_at = "failed", work.now
    work.record(
        "instance_failed",
        actor="engine",
        element_id=task.task_spec.bpmn_id if task is not None else None,
        task_id=str(task.id) if task is not None else None,
        data={"error_code": error.code, "message": error.message},
    )


def _uncaught_error(exc: BaseException | None) -> UncaughtBpmnError | None:
    while exc is not None and not isinstance(exc, UncaughtBpmnError):
        exc = exc.__cause__ or exc.__context__
    return exc


def run_again(task: Any, fixes: Mapping[str, Any]) -> None:
    """Run a failed task again with ``fixes`` in its data: one in error runs, a stalled
    one is reached again (its timer evaluated anew)."""
    if task.state == TaskState.ERROR:
        task.data.update(fixes)
        task.run()
    else:  # reaching it copies its parent's data again
        task.parent.data.update(fixes)
        task.internal_data.pop("event_value", None)
        task.task_spec._update(task)


def data_changes(failed: Sequence[Any], fixes: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """What a retry's ``fixes`` change in the data the first failed task runs on:
    ``{name: {"old": ..., "new": ...}}`` for each value that differs (old None: new)."""
    if not failed:
        return {}
    task = failed[0]
    data = task.data if task.state == TaskState.ERROR else task.parent.data
    return {
        name: {"old": data.get(name), "new": value}
        for name, value in fixes.items()
        if data.get(name) != value
    }


@contextmanager
def step_or_incident(work: UnitOfWork, task: Any = None) -> Iterator[None]:
    """Run a step of a command on the workflow; its failure becomes an incident.

    govflow's own errors (a Conflict, a refused input) still refuse the command.
    """
    try:
        yield
    except GovflowError:
        raise
    except Exception as exc:
        raise_incident(work, exc, task)


def retry_failed(
    work: UnitOfWork, incidents: Sequence[Incident], task: Any, exc: Exception
) -> ScriptError:
    """Update the open incidents of ``task`` to the new error; the error to answer with.

    The workflow is not written back: the retry's data and effects are dropped, and
    the instance stays as it was, in ``incident``.
    """
    message, line = describe_failure(exc)
    mine = [i for i in incidents if i.task_id == str(task.id)] or list(incidents)
    for incident in mine:
        incident.message, incident.line = message, line
    work.record(
        "incident_raised",
        actor="engine",
        element_id=task.task_spec.bpmn_id,
        task_id=str(task.id),
        data={"message": message, "line": line, "retried": True},
    )
    work.flush_events()
    return ScriptError(f"the retry failed again: {message}", line=line)

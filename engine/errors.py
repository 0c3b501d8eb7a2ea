"""The one error tree of govflow.

Every failure the engine reports is a :class:`GovflowError` subclass with a stable
``code``; ``web.errors`` maps codes to HTTP statuses in one place. SpiffWorkflow,
lxml and SQLAlchemy errors are wrapped here, never leaked to callers.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Conflict",
    "DefinitionProblem",
    "Forbidden",
    "GovflowError",
    "InvalidDefinition",
    "InvalidInput",
    "Misconfigured",
    "NotFound",
    "ScriptError",
    "TooManyAttempts",
    "missing_attachment",
    "missing_instance",
    "missing_task",
]


class GovflowError(Exception):
    """Root of every error govflow raises on purpose."""

    code = "error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, **self.details}


class NotFound(GovflowError):
    code = "not_found"


def missing_task(task_id: object) -> NotFound:
    """The one answer for a task id that names no task (nor one the caller may see)."""
    return NotFound(f"no task {task_id}", task_id=task_id)


def missing_instance(instance_id: object) -> NotFound:
    """The one answer for an instance id that names no instance (nor one the caller may see)."""
    return NotFound(f"no process instance {instance_id}", instance_id=instance_id)


def missing_attachment(attachment_id: object) -> NotFound:
    """The one answer for a document id that names no document (nor one the caller may see)."""
    return NotFound(f"no file {attachment_id}", attachment_id=attachment_id)


class Conflict(GovflowError):
    """The command lost a race or no longer applies (task done, instance busy)."""

    code = "conflict"


class Forbidden(GovflowError):
    code = "forbidden"


class InvalidInput(GovflowError):
    """Bad data from a caller; ``details['field']`` names the offending field."""

    code = "invalid_input"


class TooManyAttempts(GovflowError):
    """Too many failed log-ins for a username or from an address; ``retry_after`` says
    in how many seconds the next attempt is accepted."""

    code = "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "too many failed log-in attempts; try again later", retry_after=retry_after
        )
        self.retry_after = retry_after


class Misconfigured(GovflowError):
    """A setting production must give is missing or wrong; the message names it."""

    code = "misconfigured"


class ScriptError(GovflowError):
    """A script or expression was refused by the sandbox or failed while running."""

    code = "script_error"

    def __init__(self, message: str, *, line: int | None = None, source: str = "") -> None:
        super().__init__(message, line=line)
        self.line = line
        self.source = source


@dataclass(frozen=True)
class DefinitionProblem:
    """One thing wrong with a BPMN file, precise enough to fix without guessing."""

    file: str
    line: int | None
    element_id: str | None
    element_name: str | None
    message: str
    hint: str = ""
    severity: str = "error"
    """"error" refuses the deployment; "warning" (a model the standard allows, with a
    part that has no effect) is printed by validation and does not stop a deploy."""

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line or 0}"
        kind = "" if self.is_error else "warning: "
        return f"{where}: {self.element_id or '-'}: {kind}{self.message}"


class InvalidDefinition(GovflowError):
    """A deployment or validation found problems; all of them are in ``problems``."""

    code = "invalid_definition"

    def __init__(self, problems: list[DefinitionProblem]) -> None:
        summary = f"{len(problems)} problem(s) in the process definitions"
        super().__init__(summary, problems=[p.__dict__ for p in problems])
        self.problems = problems

"""A task's form submitted with its files in one command: all of it, or none of it.

The web page sends the values and the chosen files together. The values are checked
first, with every file standing in for its document; only a valid form stores its
files as the task's documents and completes the task, in one transaction. A refused
form stores nothing as a document: its files are held (:mod:`engine.pending_uploads`)
and named in the error, so the page keeps them for the next submit.

A mixin of :class:`engine.api.Engine`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy.orm import Session

from engine import pending_uploads, queries
from engine.errors import InvalidInput
from engine.forms import clean_submission, invalid_submission, with_choices
from engine.pending_uploads import PendingUpload, Upload
from engine.runtime import Runtime
from engine.settings import Settings
from engine.views import InstanceView, TaskView

__all__ = ["FormSubmissions"]

_STAND_IN = str(uuid.UUID(int=0))
"""The id a chosen file stands in with while the values are checked."""


class FormSubmissions:
    runtime: Runtime
    settings: Settings

    _command: Callable[[], AbstractContextManager[Session]]  # the Engine's write transaction

    def submit_form(
        self,
        task_id: str,
        values: Mapping[str, Any],
        *,
        uploads: Mapping[str, Upload],
        held: Mapping[str, str],
        actor: str,
    ) -> InstanceView:
        """Complete the task with ``values`` and, for its ``file`` fields, the new
        ``uploads`` or the files ``held`` from a refused submit (their ids, by field).

        InvalidInput with every problem when refused; its ``held`` then lists the
        files kept for the next submit (id, field, file name, size).
        """
        with self._command() as session:
            task = queries.task_view(session, task_id)
            kept = pending_uploads.held_files(session, task_id, actor, held.values())
            problems = self._file_problems(task, uploads)
            refused = _value_problems(self._fields(task), task, values, {*uploads, *kept})
            if problems or refused:
                return_error = self._hold(session, task, uploads, kept, actor, problems + refused)
            else:
                files = dict(self._store(session, task_id, uploads, kept, actor))
                instance = self.runtime.complete_task(session, task_id, {**values, **files}, actor)
                pending_uploads.drop_held(session, task_id)
                session.flush()
                return queries.instance_view(session, instance.id, instance)
        raise return_error

    def _fields(self, task: TaskView) -> list[dict[str, Any]]:
        return with_choices(task.form.get("fields", []), self.runtime.picker_choices)

    def _file_problems(self, task: TaskView, uploads: Mapping[str, Upload]) -> list[dict]:
        """An empty file, or one over the size limit, is a problem of its field."""
        labels = {f["id"]: f["label"] for f in task.form.get("fields", [])}
        limit = self.settings.max_upload_bytes
        problems = []
        for field, upload in uploads.items():
            label = labels.get(field, field)
            if not upload.content:
                message = f"{label}: {upload.filename} is empty"
                problems.append({"field": field, "rule": "empty", "label": label})
            elif len(upload.content) > limit:
                message = f"{label}: {upload.filename} is over the limit of {limit:,} bytes"
                problems.append({"field": field, "rule": "too_large", "label": label})
            else:
                continue
            problems[-1].update(limit=limit, message=message, filename=upload.filename)
        return problems

    def _hold(
        self,
        session: Session,
        task: TaskView,
        uploads: Mapping[str, Upload],
        kept: Mapping[str, PendingUpload],
        actor: str,
        problems: list[dict[str, Any]],
    ) -> InvalidInput:
        """Hold the acceptable new files (each in place of one held for its field)."""
        refused_files = {p["field"] for p in problems if p["rule"] in {"empty", "too_large"}}
        now = self.runtime.clock.now()
        held = {field: row.held() for field, row in kept.items()}
        for field, upload in uploads.items():
            if field in refused_files:
                continue
            if field in kept:
                session.delete(kept[field])
            held[field] = pending_uploads.hold(session, task.id, field, upload, actor, now)
        error = invalid_submission(problems)
        error.details["held"] = [vars(file) for file in held.values()]
        return error

    def _store(
        self,
        session: Session,
        task_id: str,
        uploads: Mapping[str, Upload],
        kept: Mapping[str, PendingUpload],
        actor: str,
    ) -> Iterator[tuple[str, str]]:
        """Each file as a document of the task: (field, document id)."""
        chosen = {field: row.upload() for field, row in kept.items()} | dict(uploads)
        for field, upload in chosen.items():
            stored = self.runtime.attach_file(
                session,
                task_id,
                upload.filename,
                upload.content,
                upload.content_type,
                actor,
                self.settings.max_upload_bytes,
            )
            yield field, stored.id


def _value_problems(
    fields: list[dict[str, Any]], task: TaskView, values: Mapping[str, Any], files: set[str]
) -> list[dict[str, Any]]:
    """The problems of the values, each chosen file standing in for its document."""
    stand_ins = {field: _STAND_IN for field in files}
    try:
        clean_submission(fields, {**values, **stand_ins}, rules=task.form.get("rules", []))
    except InvalidInput as exc:
        problems = exc.details.get("problems")
        return (
            list(problems)
            if isinstance(problems, list)
            else [{**exc.details, "message": exc.message}]
        )
    return []

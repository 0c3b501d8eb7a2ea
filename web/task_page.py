"""A task's page: its form (every problem beside its field, files kept across a refused
submit), its documents, and, once done, what was submitted, by whom and when.

A task of a suspended instance is shown read-only with the reason; one submitted
anyway is refused in the page's language with what was typed kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from engine.errors import GovflowError, InvalidInput
from engine.forms import with_choices
from engine.pending_uploads import Upload
from engine.views import EventView, InstanceView, TaskView
from web import engine_of
from web.access import TABLE, task_choices
from web.auth import caller
from web.error_words import error_text
from web.errors import error_page
from web.i18n import file_size, input_problems

__all__ = ["render_task", "submit_task"]


def submit_task(task: TaskView) -> ResponseReturnValue:
    """Complete the task with the posted form and files; the page again when refused."""
    engine, fields = engine_of(current_app), task.form.get("fields", [])
    held = {
        f["id"]: request.form.get(f"held_{f['id']}", "")
        for f in fields
        if f["type"] == "file" and f"keep_{f['id']}" in request.form
    }
    if engine.instance(task.instance_id).status == "suspended":
        refusal = {"": _("The process is suspended: the task cannot be completed now.")}
        return render_task(task, errors=refusal, values=request.form), 409
    try:
        engine.submit_form(
            task.id, _values(fields), uploads=_uploads(fields), held=held, actor=caller().username
        )
    except InvalidInput as exc:
        held_files = exc.details.get("held")
        held_files = held_files if isinstance(held_files, list) else []
        page = render_task(task, errors=input_problems(exc), values=request.form, held=held_files)
        return page, 422
    except GovflowError as exc:
        flash(error_text(exc), "error")
        return redirect(url_for("pages.task_page", task_id=task.id))
    flash(_("Task “%(name)s” completed.", name=task.name), "success")
    return redirect(url_for("pages.inbox"))


def too_large_page() -> ResponseReturnValue:
    """A body over the limit cannot be read, not even its CSRF token (the page's script
    refuses such a file before it is sent): the task's page again, if the caller may
    work it, saying why in the page's language; else the error page."""
    limit = file_size(engine_of(current_app).settings.max_upload_bytes)
    text = _("The files are larger than the limit of %(limit)s.", limit=limit)
    if request.endpoint == "pages.complete" and current_user.is_authenticated:
        check = TABLE["pages.complete"].check
        try:
            task = (
                check(engine_of(current_app), caller(), request.view_args or {}) if check else None
            )
        except GovflowError:
            task = None
        if isinstance(task, TaskView):
            return render_task(task, errors={"": text}), 413
    return error_page(413, text), 413


def _values(fields: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in fields:
        name, kind = field["id"], field["type"]
        if field.get("readonly") or kind == "file":
            continue
        if kind == "boolean":
            data[name] = name in request.form
        elif request.form.get(name, "") != "":
            data[name] = request.form[name]
    return data


def _uploads(fields: Sequence[Mapping[str, Any]]) -> dict[str, Upload]:
    uploads = {}
    for field in fields:
        upload = request.files.get(field["id"]) if field["type"] == "file" else None
        if upload is not None and upload.filename:
            uploads[field["id"]] = Upload(upload.filename, upload.read(), upload.mimetype)
    return uploads


def render_task(
    task: TaskView,
    errors: Mapping[str, str] | None = None,
    values: Any = None,
    held: Sequence[Mapping[str, Any]] = (),
) -> str:
    engine, errors = engine_of(current_app), errors or {}
    instance = engine.instance(task.instance_id)
    fields = with_choices(task.form.get("fields", []), engine.organisation.picker_options())
    field_ids = {field["id"] for field in fields}
    history = engine.history(task.instance_id)
    return render_template(
        "task.html",
        task=task,
        fields=fields,
        label=engine.plan_labels([task.instance_id]).get(task.instance_id, task.process_key),
        now=engine.clock.now(),
        choices=task_choices(engine, caller(), task),
        suspension=_suspension(instance, history),
        errors=errors,
        general_error=" ".join(m for f, m in errors.items() if f not in field_ids),
        values=values or _shown(fields, instance.data),
        held={file["field"]: file for file in held},
        max_upload_bytes=engine.settings.max_upload_bytes,
        documents=[d for d in engine.attachments(task.instance_id) if d.task_id == task.id],
        submitted=_submitted(task, history),
    )


def _shown(fields: Sequence[Mapping[str, Any]], data: Mapping[str, Any]) -> dict[str, Any]:
    """What a read-only field shows: the instance's variable of that name, such as the
    inspection plan I.6 handed to II.4 or the feedback II.8 handed to I.3."""
    return {
        field["id"]: data[field["id"]]
        for field in fields
        if field.get("readonly") and data.get(field["id"]) not in (None, "")
    }


def _suspension(instance: InstanceView, history: list[EventView]) -> EventView | None:
    """The event that suspended the instance, while it is suspended."""
    if instance.status != "suspended":
        return None
    events = [e for e in history if e.kind == "instance_suspended"]
    return events[-1] if events else None


def _submitted(task: TaskView, history: list[EventView]) -> dict[str, Any]:
    """The values the task was completed with (a file field's: its document)."""
    for event in reversed(history):
        if event.kind == "task_completed" and event.task_id == task.id:
            return event.data
    return {}

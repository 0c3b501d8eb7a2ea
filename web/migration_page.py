"""The migration screen: for the newest version of a process, the instances still
running on an older one, grouped by version, with where their tokens stand (the open
tasks, or the failed step); a dry run says which of the chosen ones can move and why
the others cannot; then the chosen ones are moved (``Engine.migrate``, one call per
old version, only the chosen instances), each move written to the instance's history
with who did it and from and to which version.

The form names the version it was shown for: if a newer one was deployed since, the
designer looks again rather than moving instances somewhere they did not see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from engine.api import Engine
from engine.runtime.migration import MigrationReport, Refusal
from engine.views import InstanceView
from web import engine_of
from web.auth import caller
from web.versions import deployed_versions

__all__ = ["blueprint"]

blueprint = Blueprint("migration", __name__)

_MOVABLE = ("running", "incident", "suspended")
"""As the engine's migration: an ended instance has nothing to move."""


class _BadForm(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


@blueprint.get("/processes/<process_key>/migration")
def migration_page(process_key: str) -> ResponseReturnValue:
    return _page(engine_of(current_app), process_key)


@blueprint.post("/processes/<process_key>/migration")
def migrate(process_key: str) -> ResponseReturnValue:
    """A dry run shows the page with each chosen instance's answer; a migration moves
    what can move and comes back to the page with what it did."""
    engine = engine_of(current_app)
    latest = deployed_versions(engine, process_key)[-1]
    waiting = _waiting(engine, process_key, latest)
    try:
        _check_target(request.form.get("to"), latest)
        chosen = _chosen(request.form.getlist("instance"), waiting)
    except _BadForm as bad:
        return _page(engine, process_key, errors={bad.field: bad.message}), 422
    dry_run = request.form.get("action") != "migrate"
    reports = [
        engine.migrate(
            process_key,
            version,
            latest,
            actor=caller().username,
            dry_run=dry_run,
            instance_ids=ids,
        )
        for version, ids in sorted(chosen.items())
    ]
    if dry_run:
        return _page(engine, process_key, answers=_answers(reports, waiting))
    _tell(reports, waiting)
    return redirect(url_for("migration.migration_page", process_key=process_key))


def _page(
    engine: Engine,
    process_key: str,
    *,
    answers: Mapping[int, str | None] | None = None,
    errors: Mapping[str, str] | None = None,
) -> str:
    latest = deployed_versions(engine, process_key)[-1]
    by_version: dict[int, list[InstanceView]] = defaultdict(list)
    for instance in _waiting(engine, process_key, latest).values():
        by_version[instance.version].append(instance)
    return render_template(
        "migration.html",
        process_key=process_key,
        latest=latest,
        by_version=dict(sorted(by_version.items(), reverse=True)),
        answers=answers or {},
        chosen={int(i) for i in request.form.getlist("instance") if i.isdigit()},
        errors=errors or {},
    )


def _waiting(engine: Engine, process_key: str, latest: int) -> dict[int, InstanceView]:
    """The unfinished instances on a version older than ``latest``, by id, newest first
    (ended instances are not even read: a yearly process has many)."""
    unfinished = [
        instance
        for status in _MOVABLE
        for instance in engine.instances(process_key=process_key, status=status)
        if instance.version < latest
    ]
    return {instance.id: instance for instance in sorted(unfinished, key=lambda i: -i.id)}


def _check_target(raw: str | None, latest: int) -> None:
    if raw != str(latest):
        message = _(
            "Version %(version)s is the newest now: look at the list again.", version=latest
        )
        raise _BadForm("to", message)


def _chosen(raw: list[str], waiting: Mapping[int, InstanceView]) -> dict[int, list[int]]:
    """The chosen instance ids by the version they are on."""
    if not raw:
        raise _BadForm("instance", _("Choose at least one instance."))
    by_version: dict[int, list[int]] = defaultdict(list)
    for text in raw:
        instance = waiting.get(int(text)) if text.isdigit() else None
        if instance is None:
            message = _("Instance %(id)s is not waiting on an older version.", id=text)
            raise _BadForm("instance", message)
        by_version[instance.version].append(instance.id)
    return by_version


def _answers(
    reports: list[MigrationReport], waiting: Mapping[int, InstanceView]
) -> dict[int, str | None]:
    """Each chosen instance: None if it can move, else why not, in words."""
    answers: dict[int, str | None] = {}
    for report in reports:
        answers.update(dict.fromkeys(report.moved))
        for instance_id, refusal in report.refused.items():
            answers[instance_id] = _why(refusal, waiting[instance_id], report.to_version)
    return answers


def _why(refusal: Refusal, instance: InstanceView, version: int) -> str:
    if refusal.called_process is not None:
        return _(
            "The process it called, %(name)s, is not part of version %(version)s.",
            name=refusal.called_process,
            version=version,
        )
    names = {task.element_id: task.name for task in instance.open_tasks}
    steps = ", ".join(f"“{names.get(element, element)}”" for element in refusal.active_tasks)
    return _(
        "Its active step(s) %(steps)s do not exist in version %(version)s.",
        steps=steps,
        version=version,
    )


def _tell(reports: list[MigrationReport], waiting: Mapping[int, InstanceView]) -> None:
    moved = [instance_id for report in reports for instance_id in report.moved]
    if moved:
        version = reports[0].to_version
        ids = ", ".join(f"#{i}" for i in moved)
        flash(
            ngettext(
                "Moved %(num)d instance to version %(version)s: %(ids)s.",
                "Moved %(num)d instances to version %(version)s: %(ids)s.",
                len(moved),
                version=version,
                ids=ids,
            ),
            "success",
        )
    for instance_id, why in _answers(reports, waiting).items():
        if why is not None:
            flash(_("Instance #%(id)s stays: %(why)s", id=instance_id, why=why), "error")

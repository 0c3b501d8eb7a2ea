"""The migration screen: for a target version of a process (the newest unless the
designer chooses another), the instances still running on other versions, grouped by
version, with where their tokens stand (the open tasks, or the failed step); a dry run
says which of the chosen ones can move and why the others cannot; then the chosen ones
are moved (``Engine.migrate``, one call per version they are on, only the chosen
instances), each move written to the instance's history with who did it and from and
to which version, and to the audit log.

The form names its target version, so instances move only to the version the designer
looked at, even if a newer one was deployed since.
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
from web.versions import BadChoice, chosen_version, deployed_versions

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
    engine = engine_of(current_app)
    versions = deployed_versions(engine, process_key)
    try:
        target = _target(versions)
    except BadChoice as bad:
        return _page(engine, process_key, versions[-1], errors={bad.field: bad.message}), (
            bad.status
        )
    return _page(engine, process_key, target)


@blueprint.post("/processes/<process_key>/migration")
def migrate(process_key: str) -> ResponseReturnValue:
    """A dry run shows the page with each chosen instance's answer; a migration moves
    what can move and comes back to the page with what it did."""
    engine = engine_of(current_app)
    versions = deployed_versions(engine, process_key)
    target = versions[-1]
    try:
        target = _target(versions)
        waiting = _waiting(engine, process_key, target)
        chosen = _chosen(request.form.getlist("instance"), waiting)
    except (BadChoice, _BadForm) as bad:
        return _page(engine, process_key, target, errors={bad.field: bad.message}), 422
    dry_run = request.form.get("action") != "migrate"
    reports = [
        engine.migrate(
            process_key,
            version,
            target,
            actor=caller().username,
            dry_run=dry_run,
            instance_ids=ids,
        )
        for version, ids in sorted(chosen.items())
    ]
    if dry_run:
        return _page(engine, process_key, target, answers=_answers(reports, waiting))
    _tell(reports, waiting)
    return redirect(url_for("migration.migration_page", process_key=process_key, to=target))


def _target(versions: list[int]) -> int:
    """The version the form's ``to`` names, the newest when it names none."""
    return chosen_version(request.values.get("to"), "to", versions, default=versions[-1])


def _page(
    engine: Engine,
    process_key: str,
    target: int,
    *,
    answers: Mapping[int, str | None] | None = None,
    errors: Mapping[str, str] | None = None,
) -> str:
    by_version: dict[int, list[InstanceView]] = defaultdict(list)
    for instance in _waiting(engine, process_key, target).values():
        by_version[instance.version].append(instance)
    return render_template(
        "migration.html",
        process_key=process_key,
        target=target,
        versions=deployed_versions(engine, process_key),
        by_version=dict(sorted(by_version.items(), reverse=True)),
        answers=answers or {},
        chosen={int(i) for i in request.form.getlist("instance") if i.isdigit()},
        errors=errors or {},
    )


def _waiting(engine: Engine, process_key: str, target: int) -> dict[int, InstanceView]:
    """The unfinished instances on a version other than ``target``, by id, newest first
    (ended instances are not even read: a yearly process has many)."""
    unfinished = [
        instance
        for status in _MOVABLE
        for instance in engine.instances(process_key=process_key, status=status)
        if instance.version != target
    ]
    return {instance.id: instance for instance in sorted(unfinished, key=lambda i: -i.id)}


def _chosen(raw: list[str], waiting: Mapping[int, InstanceView]) -> dict[int, list[int]]:
    """The chosen instance ids by the version they are on."""
    if not raw:
        raise _BadForm("instance", _("Choose at least one instance."))
    by_version: dict[int, list[int]] = defaultdict(list)
    for text in raw:
        instance = waiting.get(int(text)) if text.isdigit() else None
        if instance is None:
            message = _("Instance %(id)s is not running on another version.", id=text)
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

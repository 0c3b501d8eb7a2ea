"""Two versions of a process side by side: both diagrams (bpmn-js's NavigatedViewer),
the elements added, removed and changed marked on them, and a table of every property
that changed (names, flows, units, due dates, form fields, timers, scripts).

The differences come from the engine (``Engine.compare``, computed from the two
deployed XMLs); the page only marks them: removed and changed on the older diagram,
added and changed on the newer.
"""

from __future__ import annotations

import json

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.api import Engine
from engine.definitions.version_diff import VersionDiff
from engine.errors import InvalidInput, NotFound
from web import engine_of
from web.supervision import BPMN_VIEWER
from web.version_words import change_label, property_label, type_label

__all__ = ["BadChoice", "blueprint", "chosen_version", "deployed_versions"]

blueprint = Blueprint("versions", __name__)
blueprint.add_app_template_filter(property_label, "property_label")
blueprint.add_app_template_filter(type_label, "type_label")
blueprint.add_app_template_filter(change_label, "change_label")


class BadChoice(Exception):
    """A version field a page cannot use: the field, what to say, the status."""

    def __init__(self, field: str, message: str, status: int) -> None:
        super().__init__(message)
        self.field, self.message, self.status = field, message, status


def deployed_versions(engine: Engine, process_key: str) -> list[int]:
    """The process's versions, oldest first; NotFound when none is deployed."""
    versions = sorted(d.version for d in engine.definitions() if d.process_key == process_key)
    if not versions:
        raise NotFound(f"process '{process_key}' is not deployed", process_key=process_key)
    return versions


@blueprint.get("/processes/<process_key>/compare")
def compare(process_key: str) -> ResponseReturnValue:
    """Without a choice, the newest version against the one before it."""
    engine = engine_of(current_app)
    versions = deployed_versions(engine, process_key)
    try:
        old = chosen_version(request.args.get("old"), "old", versions, default=versions[-2:][0])
        new = chosen_version(request.args.get("new"), "new", versions, default=versions[-1])
        diff = engine.compare(process_key, old, new) if len(versions) > 1 else None
    except BadChoice as bad:
        return _page(process_key, versions, request.args, errors={bad.field: bad.message}), (
            bad.status
        )
    except InvalidInput:
        message = _("Choose two different versions.")
        return _page(process_key, versions, request.args, errors={"new": message}), 422
    return _page(process_key, versions, {"old": old, "new": new}, diff=diff)


def chosen_version(raw: str | None, field: str, versions: list[int], *, default: int) -> int:
    """The version a form field names, ``default`` when it names none; BadChoice (422,
    or 404 for a version not deployed) otherwise."""
    if raw is None or raw == "":
        return default
    try:
        version = int(raw)
    except ValueError:
        raise BadChoice(field, _("Choose a version from the list."), 422) from None
    if version not in versions:
        message = _("Version %(version)s of this process is not deployed.", version=version)
        raise BadChoice(field, message, 404)
    return version


def _page(
    process_key: str,
    versions: list[int],
    chosen: object,
    *,
    diff: VersionDiff | None = None,
    errors: dict[str, str] | None = None,
) -> str:
    return render_template(
        "compare.html",
        process_key=process_key,
        versions=versions,
        chosen=chosen,
        diff=diff,
        errors=errors or {},
        marks=_marks(diff) if diff is not None else None,
        has_viewer=BPMN_VIEWER.exists(),
    )


def _marks(diff: VersionDiff) -> dict[str, str]:
    """What each diagram marks, as JSON for its data attribute: element id -> kind."""
    changed = {element_id: "changed" for element_id in diff.ids("changed")}
    old = {element_id: "removed" for element_id in diff.ids("removed")} | changed
    new = {element_id: "added" for element_id in diff.ids("added")} | changed
    return {"old": json.dumps(old), "new": json.dumps(new)}

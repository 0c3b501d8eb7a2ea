"""The in-browser modeler: bpmn-js with govflow's properties, live validation, drafts
and deployment of the next version with a change note.

The page (``/processes/<key>/edit``, ``/processes/new``) loads the bundle that
``npm run build`` writes to ``web/static/build/`` (web/assets/modeler); it opens the
designer's draft of the process if they saved one, else its latest version. Its JSON
endpoints answer problem documents (web/errors.py) in the page's language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from engine.errors import InvalidDefinition, InvalidInput
from web import engine_of
from web.auth import caller
from web.i18n import local_time
from web.inputs import json_body
from web.modeler_words import catalogue
from web.problem_words import problem_json

__all__ = ["MODELER_BUNDLE", "blueprint"]

blueprint = Blueprint("modeler", __name__)

MODELER_BUNDLE = Path(__file__).resolve().parent / "static/build/modeler.js"
"""Written by ``npm run build`` (package.json)."""

_NOTE_LIMIT = 2000
_FILE = "modeler.bpmn"
"""The name the drawn file validates and deploys under (with the files it calls)."""
_NEW_PROCESS = Path(__file__).resolve().parent / "templates/new_process.bpmn"


@blueprint.get("/processes/new")
def new_process() -> ResponseReturnValue:
    return _modeler_page(None)


@blueprint.get("/processes/<process_key>/edit")
def edit_process(process_key: str) -> ResponseReturnValue:
    _source_of(process_key)  # NotFound first
    return _modeler_page(process_key)


@blueprint.get("/processes/new.bpmn")
def new_source() -> ResponseReturnValue:
    return Response(_NEW_PROCESS.read_text(encoding="utf-8"), mimetype="application/xml")


@blueprint.get("/processes/<process_key>/edit.bpmn")
def edit_source(process_key: str) -> ResponseReturnValue:
    return Response(_source_of(process_key), mimetype="application/xml")


@blueprint.post("/modeler/validate")
def validate() -> ResponseReturnValue:
    """Every problem of the posted XML, as ``govflow validate`` finds them."""
    engine = engine_of(current_app)
    problems = engine.validate(engine.with_called_files(_FILE, _posted_xml()))
    return jsonify(problems=[problem_json(p) for p in problems if p.file == _FILE])


@blueprint.post("/modeler/draft")
def save_draft() -> ResponseReturnValue:
    xml = _posted_xml().decode("utf-8")
    draft = engine_of(current_app).save_draft(xml, caller().username)
    return jsonify(process_key=draft.process_key, saved_at=local_time(draft.saved_at))


@blueprint.post("/processes/<process_key>/draft/discard")
def discard_draft(process_key: str) -> ResponseReturnValue:
    """Forget the caller's draft, so the modeler opens the latest version again."""
    discarded = engine_of(current_app).discard_draft(process_key, caller().username)
    message = _("Draft discarded.") if discarded else _("You have no draft of this process.")
    return jsonify(discarded=discarded, message=message)


@blueprint.post("/modeler/deploy")
def deploy() -> ResponseReturnValue:
    """The next version of the posted process, with its author and required note;
    422 with every problem when it does not validate."""
    xml, note = _posted_xml(), _posted_note()
    engine = engine_of(current_app)
    try:
        files = engine.with_called_files(_FILE, xml)
        result = engine.deploy(files, actor=caller().username, note=note)
    except InvalidDefinition as exc:
        problems = [problem_json(p) for p in exc.problems if p.file == _FILE]
        title = _("%(count)s problem(s): nothing was deployed.", count=len(problems))
        return jsonify(title=title, problems=problems, status=422), 422
    messages = [
        _("Deployed %(key)s version %(version)s.", key=k, version=v) for k, v in result.created
    ]
    messages += [
        _("%(key)s is unchanged (version %(version)s).", key=k, version=v)
        for k, v in result.unchanged
    ]
    return jsonify(
        created=[{"process_key": k, "version": v} for k, v in result.created],
        unchanged=[{"process_key": k, "version": v} for k, v in result.unchanged],
        message=" ".join(messages),
    ), (201 if result.created else 200)


@blueprint.post("/modeler/timer-preview")
def timer_preview() -> ResponseReturnValue:
    """The next five firings of a timer (``kind``, ``text``) on the Hà Nội clock."""
    body = _posted_object()
    kind, text = body.get("kind"), body.get("text")
    if not isinstance(kind, str) or not isinstance(text, str):
        raise InvalidInput(_("kind and text: write the timer's type and value."), field="text")
    try:
        firings = engine_of(current_app).timer_firings(kind, text)
    except InvalidInput as exc:
        raise InvalidInput(_timer_problem(exc), field=exc.details.get("field", "text")) from exc
    return jsonify(
        firings=[{"at": local_time(f.at), "is_working_day": f.is_working_day} for f in firings]
    )


def _timer_problem(error: InvalidInput) -> str:
    if error.details.get("rule") == "expression":
        return _("An expression depends on the instance's data: no preview.")
    return _(
        "The timer's value is not a date, a duration or a cycle: %(problem)s", problem=error.message
    )


def _modeler_page(process_key: str | None) -> ResponseReturnValue:
    engine = engine_of(current_app)
    source = (
        url_for("modeler.edit_source", process_key=process_key)
        if process_key
        else url_for("modeler.new_source")
    )
    config = {
        "processKey": process_key,
        "designer": caller().username,  # whose unsaved edits the browser keeps
        "urls": {
            "source": source,
            "validate": url_for("modeler.validate"),
            "draft": url_for("modeler.save_draft"),
            "discard": url_for("modeler.discard_draft", process_key=process_key)
            if process_key
            else None,
            "deploy": url_for("modeler.deploy"),
            "timerPreview": url_for("modeler.timer_preview"),
        },
        "units": _unit_options(),
        "eventNames": engine.event_names(besides=process_key),
        "words": catalogue(),
        "csrfToken": generate_csrf(),
    }
    return render_template(
        "modeler.html",
        process_key=process_key,
        config=config,
        has_modeler=MODELER_BUNDLE.exists(),
    )


def _unit_options() -> list[dict[str, str]]:
    """units.yaml's sets, then its units, each as ``CODE - name``."""
    organisation = engine_of(current_app).organisation
    names = {code: s.name_vi for code, s in organisation.sets.items()}
    names.update({code: unit.name_vi for code, unit in organisation.units.items()})
    return [{"value": code, "label": f"{code} - {name}"} for code, name in names.items()]


def _source_of(process_key: str) -> str:
    """The designer's draft of the process, else its latest version."""
    engine = engine_of(current_app)
    draft = engine.draft(process_key, caller().username)
    if draft is not None:
        return draft.xml
    return engine.latest_source(process_key)


def _posted_object() -> dict[str, Any]:
    body = json_body()
    if not isinstance(body, dict):
        raise InvalidInput(_("body: send a JSON object."), field="body")
    return body


def _posted_xml() -> bytes:
    xml = _posted_object().get("xml")
    if not isinstance(xml, str) or not xml.strip():
        raise InvalidInput(_("xml: send the BPMN diagram as text."), field="xml")
    return xml.encode("utf-8")


def _posted_note() -> str:
    note = _posted_object().get("note")
    if not isinstance(note, str) or not note.strip():
        raise InvalidInput(_("note: write what this version changes."), field="note")
    if len(note) > _NOTE_LIMIT:
        raise InvalidInput(
            _("note: at most %(limit)s characters.", limit=_NOTE_LIMIT), field="note"
        )
    return note.strip()

"""The process designers' pages: the deployed processes and their versions, each
version's diagram, and upload → validate → deploy of BPMN files."""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import login_required

from engine.errors import InvalidDefinition
from engine.views import DefinitionView
from web import engine_of
from web.access import require_role
from web.auth import caller
from web.supervision import BPMN_VIEWER

__all__ = ["blueprint"]

blueprint = Blueprint("design", __name__)


@blueprint.get("/processes")
@login_required
def processes() -> ResponseReturnValue:
    require_role(caller(), "designer", "supervisor")
    versions: dict[str, list[DefinitionView]] = defaultdict(list)
    for definition in engine_of(current_app).definitions():
        versions[definition.process_key].append(definition)
    return render_template("processes.html", versions=dict(sorted(versions.items())))


@blueprint.get("/processes/<process_key>/<int:version>")
@login_required
def process_version(process_key: str, version: int) -> ResponseReturnValue:
    require_role(caller(), "designer", "supervisor")
    engine_of(current_app).definition_source(process_key, version)  # NotFound first
    return render_template(
        "process.html", process_key=process_key, version=version, has_viewer=BPMN_VIEWER.exists()
    )


@blueprint.get("/processes/<process_key>/<int:version>.bpmn")
@login_required
def process_source(process_key: str, version: int) -> ResponseReturnValue:
    require_role(caller(), "designer", "supervisor")
    xml = engine_of(current_app).definition_source(process_key, version)
    return Response(xml, mimetype="application/xml")


@blueprint.route("/deploy", methods=["GET", "POST"])
@login_required
def deploy() -> ResponseReturnValue:
    """Validate the uploaded files, or deploy them together (nothing if one is wrong)."""
    require_role(caller(), "designer")
    if request.method == "GET":
        return render_template("deploy.html")
    files = {f.filename or "file.bpmn": f.read() for f in request.files.getlist("files") if f}
    engine = engine_of(current_app)
    if not files:
        return render_template("deploy.html", missing=True), 422
    if request.form.get("action") == "validate":
        problems = engine.validate(files)
        return render_template("deploy.html", checked=True, problems=problems), (
            422 if problems else 200
        )
    try:
        result = engine.deploy(files, actor=caller().username)
    except InvalidDefinition as exc:
        return render_template("deploy.html", checked=True, problems=exc.problems), 422
    return render_template("deploy.html", result=result)

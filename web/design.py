"""The process designers' pages: the deployed processes and their versions, each
version's diagram, and upload → validate → deploy of BPMN files."""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue

from engine.errors import InvalidDefinition
from engine.views import DefinitionView
from web import engine_of
from web.auth import caller
from web.paging import page_links, page_request
from web.problem_words import problem_words
from web.supervision import BPMN_VIEWER

__all__ = ["blueprint"]

blueprint = Blueprint("design", __name__)
blueprint.add_app_template_filter(problem_words, "problem_words")


@blueprint.get("/processes")
def processes() -> ResponseReturnValue:
    """The deployed versions, a page at a time, grouped by process."""
    page = engine_of(current_app).definition_page(page_request())
    versions: dict[str, list[DefinitionView]] = defaultdict(list)
    for definition in page.items:
        versions[definition.process_key].append(definition)
    return render_template("processes.html", versions=versions, links=page_links(page))


@blueprint.get("/processes/<process_key>/<int:version>")
def process_version(process_key: str, version: int) -> ResponseReturnValue:
    definition = engine_of(current_app).definition(process_key, version)  # NotFound first
    return render_template(
        "process.html",
        process_key=process_key,
        version=version,
        definition=definition,
        has_viewer=BPMN_VIEWER.exists(),
    )


@blueprint.get("/processes/<process_key>/<int:version>.bpmn")
def process_source(process_key: str, version: int) -> ResponseReturnValue:
    xml = engine_of(current_app).definition_source(process_key, version)
    return Response(xml, mimetype="application/xml")


@blueprint.route("/deploy", methods=["GET", "POST"])
def deploy() -> ResponseReturnValue:
    """Validate the uploaded files, or deploy them together (nothing if one is wrong)."""
    if request.method == "GET":
        return render_template("deploy.html")
    files = {f.filename or "file.bpmn": f.read() for f in request.files.getlist("files") if f}
    engine = engine_of(current_app)
    if not files:
        return render_template("deploy.html", missing=True), 422
    if request.form.get("action") == "validate":
        problems = engine.validate(files)
        return render_template("deploy.html", checked=True, problems=problems), (
            422 if any(problem.is_error for problem in problems) else 200
        )
    try:
        result = engine.deploy(files, actor=caller().username)
    except InvalidDefinition as exc:
        return render_template("deploy.html", checked=True, problems=exc.problems), 422
    return render_template("deploy.html", result=result)

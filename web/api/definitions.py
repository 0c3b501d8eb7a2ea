"""Process definitions: ``/api/v1/definitions``, ``/api/v1/deployments``."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask.typing import ResponseReturnValue

from engine.errors import InvalidInput
from web import engine_of
from web.api import blueprint
from web.api.openapi import documented
from web.api.schemas import DefinitionSchema, ValidationSchema
from web.auth import caller
from web.i18n import in_readers_language
from web.paging import json_page, page_request
from web.problem_words import api_problem

_MAX_FILES = 100


@blueprint.get("/definitions")
@documented(returns=DefinitionSchema, many=True, paged=True)
def list_definitions() -> ResponseReturnValue:
    """Every version of every process, by process key and version."""
    page = engine_of(current_app).definition_page(page_request())
    return json_page(page, DefinitionSchema(many=True).dump(page.items))


@blueprint.post("/definitions/validate")
@documented(upload="files", returns=ValidationSchema)
def validate() -> ResponseReturnValue:
    """Every problem of the uploaded ``files`` (multipart), each with file, line, element."""
    problems = engine_of(current_app).validate(_uploaded_files())
    return in_readers_language(jsonify(problems=[api_problem(p) for p in problems]))


@blueprint.post("/deployments")
@documented(upload="files", status=(201, 200))
def deploy() -> ResponseReturnValue:
    """Deploy the uploaded ``files`` together, or nothing (422 with every problem)."""
    result = engine_of(current_app).deploy(_uploaded_files(), actor=caller().username)
    created = [{"process_key": key, "version": version} for key, version in result.created]
    unchanged = [{"process_key": key, "version": version} for key, version in result.unchanged]
    status = 201 if created else 200
    return jsonify(deployment_id=result.deployment_id, created=created, unchanged=unchanged), status


def _uploaded_files() -> dict[str, bytes]:
    uploads = request.files.getlist("files")
    if not uploads:
        raise InvalidInput(
            "send the BPMN files as multipart parts named 'files'", field="files", rule="multipart"
        )
    if len(uploads) > _MAX_FILES:
        raise InvalidInput(
            f"at most {_MAX_FILES} files at once", field="files", rule="max_files", limit=_MAX_FILES
        )
    return {upload.filename or f"file{i}.bpmn": upload.read() for i, upload in enumerate(uploads)}

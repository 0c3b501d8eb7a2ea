"""Process definitions: BPMN files in, validated SpiffWorkflow specs out.

``load_models`` reads every file of one deployment together (call activities may
cross files), reports every problem it finds in one pass, and returns one
:class:`ProcessModel` per executable process, ready to be stored as a version.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from engine.definitions.dialect import NSMAP, normalize_for_spiff, read_process_meta
from engine.definitions.xmlsafe import XmlRefused, parse_xml
from engine.errors import DefinitionProblem, InvalidDefinition
from engine.workflow import dump_spec

__all__ = ["ProcessModel", "load_models", "validate_files"]


@dataclass(frozen=True)
class ProcessModel:
    """One executable process of a deployment, not yet stored."""

    key: str
    name: str
    file_name: str
    content_hash: str
    spec: dict[str, Any] = field(repr=False)
    meta: dict[str, Any] = field(repr=False)


@dataclass
class _File:
    name: str
    content: bytes
    tree: etree._ElementTree


def validate_files(files: Mapping[str, bytes]) -> list[DefinitionProblem]:
    """Every problem of these files; an empty list means they would deploy."""
    try:
        load_models(files)
    except InvalidDefinition as exc:
        return exc.problems
    return []


def load_models(files: Mapping[str, bytes]) -> list[ProcessModel]:
    """Parse, check and compile all ``files`` (name → content) or raise InvalidDefinition."""
    problems: list[DefinitionProblem] = []
    parsed = _parse_all(files, problems)
    if problems:
        raise InvalidDefinition(problems)
    parser = BpmnParser()
    for item in parsed:
        normalize_for_spiff(item.tree.getroot())
        _add_to_parser(parser, item, problems)
    models = [] if problems else _compile(parser, parsed, problems)
    if problems:
        raise InvalidDefinition(problems)
    return models


def _parse_all(files: Mapping[str, bytes], problems: list[DefinitionProblem]) -> list[_File]:
    parsed = []
    for name, content in files.items():
        try:
            parsed.append(_File(name, content, parse_xml(name, content)))
        except XmlRefused as refused:
            problems.append(refused.problem)
    return parsed


def _add_to_parser(parser: BpmnParser, item: _File, problems: list[DefinitionProblem]) -> None:
    try:
        parser.add_bpmn_xml(item.tree, filename=item.name)
    except ValidationException as exc:
        problems.append(_problem_from_spiff(exc, item))


def _compile(
    parser: BpmnParser, parsed: list[_File], problems: list[DefinitionProblem]
) -> list[ProcessModel]:
    models = []
    for item in parsed:
        digest = hashlib.sha256(item.content).hexdigest()
        for process in item.tree.getroot().iterfind("bpmn:process", NSMAP):
            if process.get("isExecutable", "true") == "false":
                continue
            key = process.get("id")
            try:
                spec = parser.get_spec(key)
                subprocess_specs = parser.get_subprocess_specs(key)
            except ValidationException as exc:
                problems.append(_problem_from_spiff(exc, item))
                continue
            models.append(
                ProcessModel(
                    key=key,
                    name=process.get("name") or key,
                    file_name=item.name,
                    content_hash=digest,
                    spec=dump_spec(spec, subprocess_specs),
                    meta=read_process_meta(process),
                )
            )
    return models


def _problem_from_spiff(exc: ValidationException, item: _File) -> DefinitionProblem:
    element_id = getattr(exc, "id", "") or None
    return DefinitionProblem(
        file=item.name,
        line=_line_of(item.tree, element_id) or (exc.line_number or None),
        element_id=element_id,
        element_name=getattr(exc, "name", "") or None,
        message=str(exc.args[0]) if exc.args else str(exc),
    )


def _line_of(tree: etree._ElementTree, element_id: str | None) -> int | None:
    if not element_id:
        return None
    found = tree.getroot().xpath("//*[@id=$id]", id=element_id)
    return found[0].sourceline if found else None

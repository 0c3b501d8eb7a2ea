"""Process definitions: BPMN files in, validated SpiffWorkflow specs out.

``load_models`` reads every file of one deployment together (call activities may
cross files) and reports every problem it finds in one pass, in four stages:

1. hardened XML parsing (:mod:`.xmlsafe`): a file that fails here is not read further;
2. the BPMN 2.0 schema (:mod:`.schema`), then govflow's own checks: structure
   (:mod:`.graph`), expressions and timers (:mod:`.expressions`), variables read before
   anything sets them (:mod:`.variables`, warnings), the Camunda dialect
   and unsupported constructs (:mod:`.extensions`), service tasks and their connectors
   (:mod:`.services`), ids SpiffWorkflow reserves (:mod:`.identifiers`). All of them
   run on every file, as a designer wants the whole list at once;
3. only if all files pass, SpiffWorkflow's parser, whose own errors are given lines;
4. one :class:`ProcessModel` per executable process, ready to be stored as a version;
   a spec that cannot be stored (a class the serializer has no converter for) is a
   problem of its element, never an error at the database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from engine.connectors import connector_names
from engine.definitions.ad_hoc import prepare_ad_hoc
from engine.definitions.compensation import prepare_compensation
from engine.definitions.complex_gateway import prepare_complex_gateways
from engine.definitions.definition_refs import inline_event_definitions
from engine.definitions.dialect import NSMAP, normalize_for_spiff, read_process_meta
from engine.definitions.expressions import check_expressions
from engine.definitions.extensions import check_extensions
from engine.definitions.findings import Findings
from engine.definitions.global_tasks import global_tasks_as_processes
from engine.definitions.graph import check_graph
from engine.definitions.identifiers import (
    check_identifiers,
    rename_reserved_ids,
    restore_reserved_ids,
)
from engine.definitions.implicit_splits import split_implicitly
from engine.definitions.links import join_links
from engine.definitions.mi_behaviour import non_interrupting_behaviour_catchers
from engine.definitions.receive_start import instantiating_receives_as_starts
from engine.definitions.schema import check_schema
from engine.definitions.serializer import dump_spec, unstorable_specs
from engine.definitions.services import GovflowParser, check_service_tasks
from engine.definitions.standard import check_standard
from engine.definitions.token_quantities import prepare_token_quantities
from engine.definitions.variables import check_variables
from engine.definitions.xmlsafe import XmlRefused, parse_xml
from engine.errors import DefinitionProblem, InvalidDefinition

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


_SPEC_ELEMENTS = "//bpmn:process | //bpmn:subProcess | //bpmn:transaction | //bpmn:adHocSubProcess"
"""Elements SpiffWorkflow turns into specs named by their id, one namespace per deployment."""


@dataclass
class _File:
    name: str
    content: bytes
    tree: etree._ElementTree


def validate_files(
    files: Mapping[str, bytes], known_units: frozenset[str] | None = None
) -> list[DefinitionProblem]:
    """Every problem of these files, warnings included; they deploy if none is an error.

    ``known_units``: the unit codes and set names candidate groups and lanes may
    name; None skips that check (no organisation loaded).
    """
    warnings: list[DefinitionProblem] = []
    try:
        _load(files, known_units, warnings)
    except InvalidDefinition as exc:
        return exc.problems
    return warnings


def load_models(
    files: Mapping[str, bytes], known_units: frozenset[str] | None = None
) -> list[ProcessModel]:
    """Parse, check and compile all ``files`` (name → content) or raise InvalidDefinition.

    Warnings do not stop a deployment; ``validate_files`` is where a designer sees them.
    """
    return _load(files, known_units, [])


def _load(
    files: Mapping[str, bytes],
    known_units: frozenset[str] | None,
    warnings: list[DefinitionProblem],
) -> list[ProcessModel]:
    problems: list[DefinitionProblem] = []
    parsed = _parse_all(files, problems)
    for problem in _check_all(parsed, known_units):
        (problems if problem.is_error else warnings).append(problem)
    if problems:
        raise InvalidDefinition(problems + warnings)
    parser = GovflowParser()
    renamed: dict[str, str] = {}
    for item in parsed:
        normalize_for_spiff(item.tree.getroot())
        prepare_complex_gateways(item.tree.getroot())
        prepare_ad_hoc(item.tree.getroot())
        prepare_token_quantities(item.tree.getroot())
        non_interrupting_behaviour_catchers(item.tree.getroot())
        join_links(item.tree.getroot())
        inline_event_definitions(item.tree.getroot())
        split_implicitly(item.tree.getroot())
        prepare_compensation(item.tree.getroot())
        renamed |= rename_reserved_ids(item.tree.getroot())
        _add_to_parser(parser, item, problems)
    models = [] if problems else _compile(parser, parsed, problems, renamed)
    if problems:
        raise InvalidDefinition(problems)
    return models


def _parse_all(files: Mapping[str, bytes], problems: list[DefinitionProblem]) -> list[_File]:
    parsed = []
    for name, content in files.items():
        try:
            tree = parse_xml(name, content)
            instantiating_receives_as_starts(tree.getroot())
            global_tasks_as_processes(tree.getroot())
            parsed.append(_File(name, content, tree))
        except XmlRefused as refused:
            problems.append(refused.problem)
    return parsed


def _check_all(parsed: list[_File], known_units: frozenset[str] | None) -> list[DefinitionProblem]:
    """The schema and semantic checks of every file, before Spiff rewrites anything."""
    owners: dict[str, str] = {}
    problems: list[DefinitionProblem] = []
    for item in parsed:
        findings = Findings(item.name)
        for process in item.tree.getroot().xpath(_SPEC_ELEMENTS, namespaces=NSMAP):
            _claim_process_id(process, item.name, owners, findings)
        problems.extend(findings.problems)
    process_ids = frozenset(owners)
    called = frozenset(
        call.get("calledElement") or ""
        for item in parsed
        for call in item.tree.getroot().iter(f"{{{NSMAP['bpmn']}}}callActivity")
    )
    connectors = connector_names()
    namespaces = {item.name: item.tree.getroot().get("targetNamespace", "") for item in parsed}
    for item in parsed:
        findings = Findings(item.name)
        root = item.tree.getroot()
        check_schema(item.tree, findings)
        check_graph(root, findings, process_ids)
        check_standard(root, findings, namespaces)
        check_expressions(root, findings)
        check_variables(root, findings, called)
        check_extensions(root, findings, known_units)
        check_service_tasks(root, findings, connectors)
        check_identifiers(root, findings)
        problems.extend(findings.problems)
    return problems


def _claim_process_id(
    process: etree._Element, file_name: str, owners: dict[str, str], findings: Findings
) -> None:
    key = process.get("id") or ""
    if key in owners and owners[key] != file_name:
        findings.add(
            process,
            f"id '{key}' names a process or subprocess in {owners[key]} too",
            "rename one: SpiffWorkflow keeps processes and subprocesses in one namespace",
        )
    owners.setdefault(key, file_name)


def _add_to_parser(parser: GovflowParser, item: _File, problems: list[DefinitionProblem]) -> None:
    try:
        parser.add_bpmn_xml(item.tree, filename=item.name)
    except ValidationException as exc:
        problems.append(_problem_from_spiff(exc, item))


def _compile(
    parser: GovflowParser,
    parsed: list[_File],
    problems: list[DefinitionProblem],
    renamed: dict[str, str],
) -> list[ProcessModel]:
    models = []
    elements = {
        process.get("id"): process
        for item in parsed
        for process in item.tree.getroot().iterfind("bpmn:process", NSMAP)
    }
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
            restore_reserved_ids([spec, *subprocess_specs.values()], renamed)
            stored = _storable_spec(spec, subprocess_specs, item, problems)
            if stored is None:
                continue
            models.append(
                ProcessModel(
                    key=key,
                    name=process.get("name") or key,
                    file_name=item.name,
                    content_hash=digest,
                    spec=stored,
                    meta=_meta_with_called(process, subprocess_specs, elements),
                )
            )
    return models


def _storable_spec(
    spec: Any, subprocess_specs: Mapping[str, Any], item: _File, problems: list[DefinitionProblem]
) -> dict[str, Any] | None:
    """The spec as JSON-ready data, or None with a problem for each element it cannot hold."""
    unstorable = [
        found for s in (spec, *subprocess_specs.values()) for found in unstorable_specs(s)
    ]
    for element_id, kind in unstorable:
        problems.append(
            DefinitionProblem(
                file=item.name,
                line=_line_of(item.tree, element_id),
                element_id=element_id,
                element_name=None,
                message=f"govflow cannot run this element (SpiffWorkflow builds a {kind})",
                hint="use a user task, script task or service task instead",
            )
        )
    if unstorable:
        return None
    stored = dump_spec(spec, subprocess_specs)
    try:
        json.dumps(stored)
    except (TypeError, ValueError) as exc:
        problems.append(
            DefinitionProblem(
                item.name,
                None,
                spec.name,
                None,
                f"the process cannot be stored: {exc}",
                "report this to the govflow maintainers with the file",
            )
        )
        return None
    return stored


def _meta_with_called(
    process: etree._Element, called: Mapping[str, Any], elements: Mapping[str, etree._Element]
) -> dict[str, Any]:
    """The process's meta, plus the user tasks of the processes it calls.

    A task of a called process runs inside the caller's instance, and the runtime
    looks its unit, due date and form up in the caller's definition.
    """
    meta = read_process_meta(process)
    for key in called:
        if key in elements:
            meta["tasks"] = {**read_process_meta(elements[key])["tasks"], **meta["tasks"]}
    return meta


def _problem_from_spiff(exc: ValidationException, item: _File) -> DefinitionProblem:
    """Spiff's error, with the line Spiff leaves empty for most node errors (SPIFF.md)."""
    element_id = getattr(exc, "id", "") or None
    return DefinitionProblem(
        file=item.name,
        line=_line_of(item.tree, element_id) or (exc.line_number or None),
        element_id=element_id,
        element_name=getattr(exc, "name", "") or None,
        message=str(exc.args[0]) if exc.args else str(exc),
        hint="SpiffWorkflow cannot build this element; check it against the BPMN 2.0 rules",
    )


def _line_of(tree: etree._ElementTree, element_id: str | None) -> int | None:
    if not element_id:
        return None
    found = tree.getroot().xpath("//*[@id=$id]", id=element_id)
    return found[0].sourceline if found else None

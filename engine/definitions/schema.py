"""The BPMN 2.0 XML Schema check, with the line of every violation.

SpiffWorkflow ships the OMG schemas; loading them takes ~10 ms, so it happens once.
Camunda's attributes and ``extensionElements`` pass: the schema admits foreign
attributes and extension content with ``processContents="lax"``.

Duplicate ids are left to the semantic checks, which say which element has the id
first; libxml2 stops checking an element's later children after an unexpected one,
so the semantic checks run even when this one failed.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import SpiffWorkflow
from lxml import etree

from engine.definitions.dialect import BPMN_NS
from engine.definitions.findings import Findings, owner_of

__all__ = ["check_schema"]

_SCHEMA_FILE = Path(SpiffWorkflow.__file__).parent / "bpmn" / "parser" / "schema" / "BPMN20.xsd"
_ID_TYPE = "'xs:ID'"
_EXPECTED_LIST = re.compile(r"Expected is one of \((?P<names>[^)]*)\)")
_SHOWN_ALTERNATIVES = 6


@functools.cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(_SCHEMA_FILE)))


def check_schema(tree: etree._ElementTree, findings: Findings) -> None:
    """Report every BPMN 2.0 schema violation of ``tree``."""
    schema = _schema()
    if schema.validate(tree):
        return
    prefixes = _prefixes(tree)
    for error in schema.error_log:
        if _ID_TYPE in error.message:
            continue
        findings.add_at_line(
            error.line,
            _id_at(tree, error.path, prefixes),
            "not valid BPMN 2.0: " + _readable(error.message),
            "compare with the BPMN 2.0 schema; Camunda Modeler writes valid files, "
            "so hand edits are the usual cause",
        )


def _prefixes(tree: etree._ElementTree) -> dict[str, str]:
    """The namespace prefixes the document declares, which libxml2's paths use."""
    return {
        prefix: uri
        for element in tree.iter()
        if isinstance(element.tag, str)
        for prefix, uri in element.nsmap.items()
        if prefix
    }


def _id_at(tree: etree._ElementTree, path: str | None, prefixes: dict[str, str]) -> str | None:
    """The id of the element libxml2's ``path`` names, or of its owner when it has none.

    The path, not the line: a file written on one line has every element on it."""
    try:
        found = tree.xpath(path, namespaces=prefixes) if path else []
    except etree.XPathError:  # a prefix bound to two namespaces in different places
        return None
    if not found or not isinstance(found[0], etree._Element):
        return None
    return owner_of(found[0]).get("id")


def _readable(message: str) -> str:
    """libxml2's words with ``bpmn:`` prefixes and a short list of alternatives."""
    text = message.replace(f"{{{BPMN_NS}}}", "bpmn:")
    match = _EXPECTED_LIST.search(text)
    if match:
        names = [name.strip() for name in match.group("names").split(",")]
        shown = ", ".join(names[:_SHOWN_ALTERNATIVES])
        more = (
            f", … ({len(names) - _SHOWN_ALTERNATIVES} more)"
            if len(names) > _SHOWN_ALTERNATIVES
            else ""
        )
        text = text[: match.start()] + f"Expected is one of ({shown}{more})" + text[match.end() :]
    return text.rstrip(".")

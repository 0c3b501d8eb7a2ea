"""Hardened XML reading for uploaded BPMN files.

A BPMN file comes from a person's upload, so it is untrusted input: no DTD, no
entity expansion (XXE, billion laughs), no network, and a size limit checked before
lxml sees a byte. lxml's defaults resolve entities, hence our own parser.
"""

from __future__ import annotations

import re

from lxml import etree

from engine.definitions.dialect import standard_message_paths
from engine.errors import DefinitionProblem

__all__ = ["MAX_FILE_BYTES", "XmlRefused", "parse_xml"]

MAX_FILE_BYTES = 5 * 1024 * 1024
"""The largest plan process is ~60 KB; 5 MB leaves room and bounds memory."""

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=False,
)


_ROOT_START = re.compile(rb"<[A-Za-z_]")


class XmlRefused(Exception):
    def __init__(self, problem: DefinitionProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def parse_xml(file_name: str, content: bytes) -> etree._ElementTree:
    """Parse ``content`` or raise :class:`XmlRefused` with file and line; bpmn-js's
    spelling of a message path is read as the standard one (see
    :func:`~engine.definitions.dialect.standard_message_paths`)."""
    if len(content) > MAX_FILE_BYTES:
        _refuse(
            file_name,
            None,
            f"file is {len(content) // 1024} KB; the limit is {MAX_FILE_BYTES // 1024} KB",
            "split the file into several processes or remove embedded data",
        )
    if _doctype_in_prolog(content):
        _refuse_doctype(file_name, content)
    try:
        tree = etree.ElementTree(etree.fromstring(content, _PARSER))
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        _refuse(file_name, line, f"not well-formed XML: {exc.msg}", "fix the XML syntax")
    if tree.docinfo.doctype:  # e.g. a UTF-16 file, which the byte scan cannot read
        _refuse_doctype(file_name, content)
    _require_utf8(file_name, content)
    standard_message_paths(tree.getroot())
    return tree


def _require_utf8(file_name: str, content: bytes) -> None:
    """A deployed file is stored and shown (the diagram) as text, read as UTF-8."""
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        _refuse(
            file_name,
            line,
            f"the file is not UTF-8 text (byte {exc.start})",
            "save it as UTF-8, as the Camunda Modeler does",
        )


def _doctype_in_prolog(content: bytes) -> bool:
    """A DOCTYPE before the root element, found before libxml2 reads a byte of it.

    Checked first so that an entity attack gets the message that explains it, not
    libxml2's complaint about the entity it declined to expand.
    """
    root = _ROOT_START.search(content)
    prolog = content[: root.start()] if root else content
    return b"<!DOCTYPE" in prolog


def _refuse_doctype(file_name: str, content: bytes) -> None:
    _refuse(
        file_name,
        _line_of_doctype(content),
        "a DOCTYPE is not allowed in BPMN files (entities and DTDs are refused)",
        "remove the <!DOCTYPE …> declaration; Camunda Modeler never writes one",
    )


def _line_of_doctype(content: bytes) -> int | None:
    position = content.find(b"<!DOCTYPE")
    return content[:position].count(b"\n") + 1 if position >= 0 else None


def _refuse(file_name: str, line: int | None, message: str, hint: str) -> None:
    raise XmlRefused(DefinitionProblem(file_name, line, None, None, message, hint))

"""Collecting definition problems, each pinned to the element a designer must fix.

Every check reports through :class:`Findings`, so file, line, element id and name are
filled in one way everywhere, and a check never stops at its first problem.

An element without an id of its own (a condition, a timer text, an event definition
written without id) is named by the nearest element above it that has one, and the
message starts with its tag, so the designer knows which part of that element to open.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from engine.definitions.dialect import BPMN_NS
from engine.errors import DefinitionProblem

__all__ = ["Findings", "owner_of"]


def owner_of(element: etree._Element) -> etree._Element:
    """The nearest BPMN element with an id at or above ``element``.

    Timer texts, form fields and conditions have no BPMN id of their own; a designer
    finds them through the event, task or flow that holds them.
    """
    node: etree._Element | None = element
    while node is not None:
        if isinstance(node.tag, str) and node.tag.startswith(f"{{{BPMN_NS}}}") and node.get("id"):
            return node
        node = node.getparent()
    return element


def _part_named(element: etree._Element, owner: etree._Element) -> str:
    """``<bpmn:timeDate> of `` for a BPMN element reported through its owner, else ""."""
    if element is owner or not isinstance(element.tag, str):
        return ""
    if not element.tag.startswith(f"{{{BPMN_NS}}}"):
        return ""
    return f"<bpmn:{etree.QName(element).localname}>: "


@dataclass
class Findings:
    """The problems found in one file."""

    file: str
    problems: list[DefinitionProblem] = field(default_factory=list)

    def add(self, element: etree._Element, message: str, hint: str = "") -> None:
        """Report ``message`` at ``element`` (its line, and its owner's id and name)."""
        self._report(element, message, hint, "error")

    def warn(self, element: etree._Element, message: str, hint: str = "") -> None:
        """Report something the standard allows but that will not do what it seems to."""
        self._report(element, message, hint, "warning")

    def _report(self, element: etree._Element, message: str, hint: str, severity: str) -> None:
        owner = owner_of(element)
        self.problems.append(
            DefinitionProblem(
                file=self.file,
                line=element.sourceline,
                element_id=owner.get("id"),
                element_name=owner.get("name"),
                message=_part_named(element, owner) + message,
                hint=hint,
                severity=severity,
            )
        )

    def add_at_line(
        self, line: int | None, element_id: str | None, message: str, hint: str
    ) -> None:
        self.problems.append(DefinitionProblem(self.file, line, element_id, None, message, hint))

"""Collecting definition problems, each pinned to the element a designer must fix.

Every check reports through :class:`Findings`, so file, line, element id and name are
filled in one way everywhere, and a check never stops at its first problem.
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


@dataclass
class Findings:
    """The problems found in one file."""

    file: str
    problems: list[DefinitionProblem] = field(default_factory=list)

    def add(self, element: etree._Element, message: str, hint: str = "") -> None:
        """Report ``message`` at ``element`` (its line, and its owner's id and name)."""
        owner = owner_of(element)
        self.problems.append(
            DefinitionProblem(
                file=self.file,
                line=element.sourceline,
                element_id=owner.get("id"),
                element_name=owner.get("name"),
                message=message,
                hint=hint,
            )
        )

    def add_at_line(
        self, line: int | None, element_id: str | None, message: str, hint: str
    ) -> None:
        self.problems.append(DefinitionProblem(self.file, line, element_id, None, message, hint))

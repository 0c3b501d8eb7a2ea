"""Cross-field rules a designer writes on a form: "open datasets ≤ total datasets".

A rule sits in the form's extension elements, beside ``camunda:formData``, with
``xmlns:govflow="urn:govflow:bpmn:1.0"`` on the definitions::

    <govflow:rule field="open_datasets"
                  message="Số tập dữ liệu mở không được lớn hơn số tập dữ liệu.">
      ${open_datasets &lt;= datasets}
    </govflow:rule>

The expression is Python over the form's fields, run in the sandbox
(:mod:`engine.sandbox`) like every condition; the submission is refused when it is
false, with ``message`` shown beside ``field``. A rule is checked only when every field
it names has a valid value: an empty optional field, or one already refused, leaves the
rule out, so a person never sees a rule's message for a field they have not filled.
Deployment refuses a rule that does not compile or names no field of its form
(:mod:`engine.definitions.extensions`).
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from engine import sandbox
from engine.errors import ScriptError

__all__ = ["rule_names", "rule_problems"]


def rule_names(expression: str) -> set[str]:
    """The names an expression reads (SyntaxError when it is no expression)."""
    tree = ast.parse(expression, mode="eval")
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def rule_problems(
    rules: Sequence[Mapping[str, Any]],
    fields: Mapping[str, Mapping[str, Any]],
    cleaned: Mapping[str, Any],
    failed: Collection[str],
) -> list[dict[str, Any]]:
    """A problem (as :func:`engine.forms.clean_submission` reports them) for each rule
    the ``cleaned`` values break; ``failed`` are the fields already refused."""
    values = {name: cleaned[name] for name in fields if name in cleaned}
    problems = []
    for rule in rules:
        named = rule_names(rule["expression"]) & fields.keys()
        if any(name in failed or name not in values for name in named):
            continue
        if not _holds(rule["expression"], values):
            field = fields.get(rule["field"], {})
            problems.append(
                {
                    "field": rule["field"],
                    "rule": "rule",
                    "label": field.get("label", rule["field"]),
                    "message": rule["message"],
                }
            )
    return problems


def _holds(expression: str, values: Mapping[str, Any]) -> bool:
    """Whether the rule holds; one that fails to run (``len`` of a number) does not."""
    try:
        return bool(sandbox.evaluate(expression, values))
    except ScriptError:
        return False

"""Values a file states literally that cannot be of the type BPMN 2.0 asks for.

A condition is a boolean expression (§8.3.6, FormalExpression ``evaluatesToTypeRef``;
§10.3.6, Tables 10.27 and 10.29; §10.5.1 conditional events; §10.6.5 complex gateways):
a condition written as the number ``23`` or a quoted text compiles as Python and would
be taken as "true" at run time, so it is refused when the model is deployed. A
multi-instance ``loopCardinality`` counts instances (§10.3.6): a literal that is no
whole number is refused. An expression that computes its value is left to run time.

``textFormat`` of documentation and text annotations is a MIME type (§8.2.3, Table 8.8;
§8.2.1 artifacts: Text Annotation), such as ``text/plain``.
"""

from __future__ import annotations

import ast
import re

from lxml import etree

from engine.definitions.dialect import BPMN_NS, NSMAP, expression_of
from engine.definitions.findings import Findings

__all__ = ["check_literal_values"]

_CONDITIONS = (
    ".//bpmn:conditionExpression",
    ".//bpmn:conditionalEventDefinition/bpmn:condition",
    ".//bpmn:complexBehaviorDefinition/bpmn:condition",
    ".//bpmn:multiInstanceLoopCharacteristics/bpmn:completionCondition",
    ".//bpmn:standardLoopCharacteristics/bpmn:loopCondition",
    ".//bpmn:adHocSubProcess/bpmn:completionCondition",
    ".//bpmn:complexGateway/bpmn:activationCondition",
)
_MIME_TYPE = re.compile(r"[A-Za-z0-9][\w.+-]*/[A-Za-z0-9][\w.+-]*(\s*;.*)?")


def check_literal_values(root: etree._Element, findings: Findings) -> None:
    """Report literal conditions that are no boolean, cardinalities that are no whole
    number, and text formats that are no MIME type."""
    for path in _CONDITIONS:
        for condition in root.iterfind(path, NSMAP):
            _check_condition(condition, findings)
    for cardinality in root.iterfind(".//bpmn:loopCardinality", NSMAP):
        _check_cardinality(cardinality, findings)
    for element in root.iter(f"{{{BPMN_NS}}}documentation", f"{{{BPMN_NS}}}textAnnotation"):
        _check_text_format(element, findings)


def _literal(element: etree._Element) -> object:
    """The constant the element's expression is, or ``...`` when it computes something."""
    raw = element.text or ""
    source = expression_of(raw) or raw.strip()
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError):  # reported by the expression checks
        return ...
    if isinstance(tree.body, ast.Constant):
        return tree.body.value
    return ...


def _check_condition(condition: etree._Element, findings: Findings) -> None:
    value = _literal(condition)
    if value is ... or isinstance(value, bool):
        return
    findings.add(
        condition,
        f"the condition is the constant {value!r}, not a true/false expression "
        "(BPMN 2.0 §8.3.6: a condition evaluates to a boolean)",
        "write a comparison such as ${count > 23}, or True / False",
    )


def _check_cardinality(cardinality: etree._Element, findings: Findings) -> None:
    value = _literal(cardinality)
    if value is ... or (isinstance(value, int) and not isinstance(value, bool)):
        return
    findings.add(
        cardinality,
        f"loopCardinality is the constant {value!r}, not a whole number "
        "(BPMN 2.0 §10.3.6: it counts the instances)",
        "give the number of instances, 0 or more, or an expression",
    )


def _check_text_format(element: etree._Element, findings: Findings) -> None:
    text_format = element.get("textFormat")
    if text_format is None or _MIME_TYPE.fullmatch(text_format.strip()):
        return
    findings.add(
        element,
        f"textFormat '{text_format}' is not a MIME type (BPMN 2.0 §8.2.3)",
        "write a MIME type such as text/plain or text/html",
    )

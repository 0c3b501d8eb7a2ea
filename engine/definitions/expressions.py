"""Every expression, script and timer of a file, compiled or parsed at deploy time.

Spiff evaluates them only when a token reaches them, and a bad timer then leaves the
task stuck in FUTURE (SPIFF.md). So each one is compiled in the sandbox (which also
refuses what the sandbox would refuse at run time), and each literal timer or due
date is parsed with the same functions the runtime uses.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine import sandbox
from engine.definitions.dialect import CAMUNDA_NS, NSMAP, expression_of
from engine.definitions.findings import Findings
from engine.errors import ScriptError

__all__ = ["check_expressions"]

_PYTHON_HINT = (
    "expressions are Python run in the sandbox: write ${a and b}, ${x == 'y'}, not JUEL's && or eq"
)
_PYTHON_FORMATS = {"", "python", "python3", "py"}
_TASK_EXPRESSIONS = ("candidateGroups", "assignee")
_TASK_MOMENTS = ("dueDate", "followUpDate")


def check_expressions(root: etree._Element, findings: Findings) -> None:
    """Report every expression, script, timer or due date that would fail at run time."""
    for condition in root.iter(f"{{{NSMAP['bpmn']}}}conditionExpression"):
        _check_condition(condition, findings)
    for owner in ("conditionalEventDefinition", "complexBehaviorDefinition"):
        for condition in root.iterfind(f".//bpmn:{owner}/bpmn:condition", NSMAP):
            _check_condition(condition, findings)
    for script_task in root.iterfind(".//bpmn:scriptTask", NSMAP):
        _check_script(script_task, findings)
    for definition in root.iterfind(".//bpmn:timerEventDefinition", NSMAP):
        _check_timer(definition, findings)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in _TASK_EXPRESSIONS:
            _check_embedded(element, name, findings)
        for name in _TASK_MOMENTS:
            _check_moment(element, name, findings)
    for loop in root.iterfind(".//bpmn:multiInstanceLoopCharacteristics", NSMAP):
        _check_multi_instance(loop, findings)


def _compile(
    element: etree._Element,
    source: str,
    mode: Literal["eval", "exec"],
    what: str,
    findings: Findings,
) -> None:
    try:
        sandbox.check(source, mode)
    except ScriptError as exc:
        findings.add(element, f"{what} does not compile: {exc.message}", _PYTHON_HINT)


def _check_condition(condition: etree._Element, findings: Findings) -> None:
    raw = condition.text or ""
    body = expression_of(raw)
    source = body if body is not None else raw.strip()
    if not source:
        findings.add(condition, "the condition is empty", "write a condition such as ${approved}")
        return
    _compile(condition, source, "eval", f"condition {raw.strip()!r}", findings)


def _check_script(task: etree._Element, findings: Findings) -> None:
    script_format = (task.get("scriptFormat") or "").strip().lower()
    if script_format not in _PYTHON_FORMATS:
        findings.add(
            task,
            f"script format '{task.get('scriptFormat')}' is not supported; scripts are Python",
            "set Format to 'python' and write the script in Python",
        )
        return
    script = task.find("bpmn:script", NSMAP)
    if script is None or not (script.text or "").strip():
        findings.add(task, "script task has no script", "write the script, or use a plain task")
        return
    try:
        sandbox.check(script.text, "exec")
    except ScriptError as exc:
        line = script.sourceline + exc.line - 1 if script.sourceline and exc.line else None
        findings.add_at_line(
            line or script.sourceline,
            task.get("id"),
            f"script does not compile: {exc.message}",
            "scripts are Python run in the sandbox: no import, no names starting with '_'",
        )


def _literal(text: str) -> str:
    """A timer literal without the quotes a designer may have put around it."""
    stripped = text.strip()
    if len(stripped) >= 2 and stripped[0] == stripped[-1] and stripped[0] in "'\"":
        return stripped[1:-1].strip()
    return stripped


def _check_timer(definition: etree._Element, findings: Findings) -> None:
    parts = [definition.find(f"bpmn:{kind}", NSMAP) for kind in _TIMER_PARSERS]
    present = [part for part in parts if part is not None]
    if not present:
        findings.add(
            definition,
            "timer has no time: set a date, a duration or a cycle",
            "e.g. duration PT2H, date 2021-06-30T17:00:00+07:00, "
            "cycle R/2021-01-01T00:00:00+07:00/P6M",
        )
    for part in present:
        kind = etree.QName(part).localname
        raw = part.text or ""
        body = expression_of(raw)
        if body is not None:
            _compile(part, body, "eval", f"timer expression {raw.strip()!r}", findings)
            continue
        _parse_literal(part, kind, _literal(raw), findings)


def _parse_literal(part: etree._Element, kind: str, text: str, findings: Findings) -> None:
    parse, example = _TIMER_PARSERS[kind]
    try:
        parse(text)
    except Exception:  # Spiff's parsers raise bare Exception, ValueError or AttributeError
        findings.add(
            part,
            f"{kind} {text!r} is not an ISO 8601 {_KIND_WORDS[kind]}",
            f"write e.g. {example}, or an expression as ${{...}}",
        )


def _parse_date(text: str) -> None:
    if not isinstance(TimerEventDefinition.parse_time_or_duration(text), datetime):
        raise ValueError(text)


def _parse_duration(text: str) -> None:
    if not text.upper().startswith("P"):
        raise ValueError(text)
    TimerEventDefinition.parse_iso_duration(text)


def _parse_cycle(text: str) -> None:
    if not text.upper().startswith("R"):
        raise ValueError(text)
    TimerEventDefinition.parse_iso_recurring_interval(text)


_TIMER_PARSERS: dict[str, tuple[Callable[[str], None], str]] = {
    "timeDate": (_parse_date, "2021-06-30T17:00:00+07:00"),
    "timeDuration": (_parse_duration, "PT2H or P1D"),
    "timeCycle": (_parse_cycle, "R/2021-01-01T00:00:00+07:00/P6M"),
}
_KIND_WORDS = {
    "timeDate": "date-time",
    "timeDuration": "duration",
    "timeCycle": "repeating interval",
}


def _check_embedded(element: etree._Element, name: str, findings: Findings) -> None:
    raw = element.get(f"{{{CAMUNDA_NS}}}{name}")
    body = expression_of(raw)
    if body is not None:
        _compile(element, body, "eval", f"camunda:{name} {raw!r}", findings)


def _check_moment(element: etree._Element, name: str, findings: Findings) -> None:
    raw = element.get(f"{{{CAMUNDA_NS}}}{name}")
    if raw is None:
        return
    body = expression_of(raw)
    if body is not None:
        _compile(element, body, "eval", f"camunda:{name} {raw!r}", findings)
        return
    text = raw.strip()
    try:
        if text.upper().startswith("P"):
            TimerEventDefinition.parse_iso_duration(text)
        else:
            datetime.fromisoformat(text)
    except Exception:  # Spiff's duration parser raises bare Exception
        findings.add(
            element,
            f"camunda:{name} {raw!r} is neither an ISO 8601 date-time nor a duration",
            "write e.g. P2D, 2021-06-30T17:00:00+07:00, or an expression as ${...}",
        )


def _check_collection_references(loop: etree._Element, findings: Findings) -> None:
    """``loopDataInputRef``/``loopDataOutputRef`` name a variable for Spiff, but BPMN makes
    them references to a declared element; an undeclared one is an unresolved reference
    that bpmn-js and Camunda Modeler warn about, and that other BPMN tools drop."""
    declared = set(loop.getroottree().xpath("//@id"))
    for tag in ("loopDataInputRef", "loopDataOutputRef"):
        reference = loop.find(f"bpmn:{tag}", NSMAP)
        name = (reference.text or "").strip() if reference is not None else ""
        if name and name not in declared:
            findings.add(
                reference,
                f"{tag} '{name}' refers to no element of the file",
                f'declare the list in the process: <bpmn:dataObject id="{name}" '
                f'name="{name}" isCollection="true" />',
            )


def _check_multi_instance(loop: etree._Element, findings: Findings) -> None:
    collection = loop.get(f"{{{CAMUNDA_NS}}}collection")
    sources = [collection] + [
        loop.findtext(f"bpmn:{tag}", None, NSMAP) for tag in ("loopCardinality", "loopDataInputRef")
    ]
    if not any((source or "").strip() for source in sources):
        findings.add(
            loop,
            "multi-instance has no collection and no cardinality",
            "set Collection (e.g. ${units}) and Element variable, or a loop cardinality",
        )
    _check_collection_references(loop, findings)
    expressions = {"collection": collection}
    for tag in ("loopCardinality", "completionCondition"):
        expressions[tag] = loop.findtext(f"bpmn:{tag}", None, NSMAP)
    for what, raw in expressions.items():
        if raw and raw.strip():
            source = expression_of(raw) or raw.strip()
            _compile(loop, source, "eval", f"multi-instance {what} {raw.strip()!r}", findings)

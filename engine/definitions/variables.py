"""Variables a script or expression reads before anything sets them.

Spiff runs a script with the task data as its names, so a name nothing has set fails
only when a token gets there (``name 'database' is not defined``), often as the first
step of a process started by hand. Here each process's flow is walked once: a name is
*set* on a path by the start form, a user task's form, a script's assignment, a data
object or the multi-instance variables; a name *read* by a script, a task's candidate
group, assignee or due date, or a timer, that is not set on every path leading there,
nor a script function or builtin, is reported as a warning at its element (file,
line, element id). Conditions and multi-instance collections are left out: they
mostly read what the caller of a process gives it, and fail loudly at the first run.

The check is conservative: whatever may bring unknown data (service, send and receive
tasks, call activities, message, signal or error events, a process that a message
starts or another process calls) counts as setting every name, joins after parallel
and inclusive gateways take what any branch set, and event subprocesses see every
name set anywhere in their process. A process started through the API may still be
given a variable its form does not name, so a finding is a warning, never an error.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from engine import sandbox
from engine.definitions.dialect import CAMUNDA_NS, NSMAP, expression_of
from engine.definitions.findings import Findings
from engine.errors import ScriptError
from engine.scripting import FUNCTION_NAMES

__all__ = ["PERIOD_VARIABLES", "check_variables"]

Names = frozenset[str] | None
"""Names set on every path so far; None when anything may have been set."""

PERIOD_VARIABLES = frozenset({"period_index", "period_start", "period_end", "year"})
"""What a timer cycle gives each instance it starts (engine/periodic.py, Period.variables)."""

_BPMN = f"{{{NSMAP['bpmn']}}}"
_QUIET = {"task", "manualTask", "exclusiveGateway", "parallelGateway", "inclusiveGateway",
          "eventBasedGateway", "complexGateway", "startEvent", "endEvent",
          "intermediateThrowEvent"}  # fmt: skip
"""Flow nodes that set no variable (unless an event definition brings data)."""
_UNION_JOINS = {"parallelGateway", "inclusiveGateway", "complexGateway"}
_DATA_EVENTS = ("message", "signal", "error", "escalation", "conditional")
_EXPRESSION_ATTRIBUTES = ("candidateGroups", "candidateUsers", "assignee", "dueDate")
_HINT = (
    "ask for it in the process's start form, set it in an earlier step on every path, "
    "or declare it as a data object"
)


@dataclass(frozen=True)
class _Read:
    element: etree._Element
    names: frozenset[str]
    line: int | None = None


def check_variables(root: etree._Element, findings: Findings, called: frozenset[str]) -> None:
    """Warn at each script or expression that reads a name no earlier step sets."""
    known = FUNCTION_NAMES | sandbox.BUILTIN_NAMES | _data_objects(root)
    for process in root.iterfind("bpmn:process", NSMAP):
        initial = _initial(process, called)
        if initial is not None:
            _check_container(process, initial, known, findings, _all_sets(process))


def _data_objects(root: etree._Element) -> frozenset[str]:
    return frozenset(
        name
        for item in root.iter(f"{_BPMN}dataObject", f"{_BPMN}dataObjectReference")
        for name in (item.get("id"), item.get("name"))
        if name
    )


def _initial(process: etree._Element, called: frozenset[str]) -> Names:
    """What a new instance holds: its start form, or a timer's period; None if unknown."""
    if process.get("id") in called:
        return None
    names: set[str] = set()
    for start in process.iterfind("bpmn:startEvent", NSMAP):
        if any(start.find(f"bpmn:{k}EventDefinition", NSMAP) is not None for k in _DATA_EVENTS):
            return None
        if start.find("bpmn:timerEventDefinition", NSMAP) is not None:
            names |= PERIOD_VARIABLES
        names |= _form_fields(start)
    return frozenset(names)


def _form_fields(element: etree._Element) -> frozenset[str]:
    path = "bpmn:extensionElements/camunda:formData/camunda:formField"
    return frozenset(f.get("id") or "" for f in element.iterfind(path, NSMAP)) - {""}


def _check_container(
    container: etree._Element,
    initial: frozenset[str],
    known: frozenset[str],
    findings: Findings,
    anywhere: Names,
) -> None:
    """Flow analysis of one process or subprocess, then its nested subprocesses."""
    nodes = {n.get("id"): n for n in container if _is_flow_node(n) and n.get("id")}
    flows = list(container.iterfind("bpmn:sequenceFlow", NSMAP))
    incoming: dict[str, list[str]] = {node_id: [] for node_id in nodes}
    for flow in flows:
        if flow.get("targetRef") in incoming and flow.get("sourceRef") in nodes:
            incoming[flow.get("targetRef") or ""].append(flow.get("sourceRef") or "")
    entered = _entered(nodes, incoming, initial)
    for node_id, node in nodes.items():
        for read in _reads(node):
            _report(read, entered[node_id], known | _loop_names(node), findings)
        if _local(node) == "subProcess":
            inner = anywhere if node.get("triggeredByEvent") == "true" else entered[node_id]
            if inner is not None:
                _check_container(node, inner | _loop_names(node), known, findings, anywhere)


def _entered(
    nodes: dict[str, etree._Element], incoming: dict[str, list[str]], initial: frozenset[str]
) -> dict[str, Names]:
    """Names set on every path into each node (a greatest fixed point: loops converge)."""
    out: dict[str, Names] = dict.fromkeys(nodes)
    entered: dict[str, Names] = dict.fromkeys(nodes)
    for _ in range(len(nodes) + 2):
        changed = False
        for node_id, node in nodes.items():
            if _local(node) == "boundaryEvent":  # it leaves its task before the task sets
                value = entered.get(node.get("attachedToRef") or "")
            else:
                value = _join(node, [out[source] for source in incoming[node_id]], initial)
            after = _after(node, value)
            changed |= after != out[node_id] or value != entered[node_id]
            entered[node_id], out[node_id] = value, after
        if not changed:
            break
    return entered


def _join(node: etree._Element, values: list[Names], initial: frozenset[str]) -> Names:
    """After an exclusive merge, what every branch set; after a parallel join, any."""
    if not values:
        return initial if _local(node) == "startEvent" else None
    if _local(node) in _UNION_JOINS:
        sets = [value for value in values if value is not None]
        return None if len(sets) < len(values) else frozenset().union(*sets)
    known = [value for value in values if value is not None]
    return frozenset.intersection(*known) if known else None


def _after(node: etree._Element, entered: Names) -> Names:
    sets = _sets(node)
    if entered is None or sets is None:
        return None
    return entered | sets


def _sets(node: etree._Element) -> frozenset[str] | None:
    """The names a node sets; None when it may set any."""
    kind = _local(node)
    if _brings_data(node):
        return None
    outputs = _loop_outputs(node)
    if kind == "userTask":
        return _form_fields(node) | outputs
    if kind == "scriptTask":
        return _script_names(node)[1] | outputs
    if kind == "subProcess":
        if node.get("triggeredByEvent") == "true":
            return frozenset()
        inner = _all_sets(node)
        return None if inner is None else inner | outputs
    if kind in _QUIET or kind in ("boundaryEvent", "intermediateCatchEvent"):
        return frozenset()
    return None


def _all_sets(container: etree._Element) -> frozenset[str] | None:
    """Every name set anywhere inside ``container``; None if some step may set any."""
    names: set[str] = set()
    for node in container.iter(f"{_BPMN}*"):
        if node is container or not _is_flow_node(node):
            continue
        sets = _loop_outputs(node) if _local(node) == "subProcess" else _sets(node)
        if sets is None:
            return None
        names |= sets
    return frozenset(names)


def _brings_data(node: etree._Element) -> bool:
    return any(node.find(f"bpmn:{k}EventDefinition", NSMAP) is not None for k in _DATA_EVENTS)


# -- what a node reads ------------------------------------------------------------------


def _reads(node: etree._Element) -> Iterable[_Read]:
    if _local(node) == "scriptTask":
        script = node.find("bpmn:script", NSMAP)
        if script is not None:
            reads, _ = _script_names(node)
            yield _Read(script, reads)
    for name in _EXPRESSION_ATTRIBUTES:
        raw = node.get(f"{{{CAMUNDA_NS}}}{name}")
        yield _Read(node, _expression_names(raw))
    if _local(node) != "startEvent":
        for tag in ("timeDate", "timeDuration", "timeCycle"):
            for part in node.iterfind(f"bpmn:timerEventDefinition/bpmn:{tag}", NSMAP):
                yield _Read(part, _expression_names(part.text))


def _report(read: _Read, entered: Names, known: frozenset[str], findings: Findings) -> None:
    if entered is None:
        return
    for name in sorted(read.names - entered - known):
        findings.warn(
            read.element,
            f"'{name}' is read here, but nothing sets it before this step on every path",
            _HINT,
        )


def _script_names(node: etree._Element) -> tuple[frozenset[str], frozenset[str]]:
    """(names a script reads from the task data, names it sets)."""
    script = node.find("bpmn:script", NSMAP)
    tree = _parse(script.text if script is not None else None, "exec")
    return _loads_and_stores(tree)


def _expression_names(raw: str | None) -> frozenset[str]:
    body = expression_of(raw)
    return _loads_and_stores(_parse(body, "eval"))[0] if body else frozenset()


def _parse(source: str | None, mode: str) -> ast.AST | None:
    if not source or not source.strip():
        return None
    try:
        sandbox.check(source, mode)  # type: ignore[arg-type]
        return ast.parse(source.strip() if mode == "eval" else source, mode=mode)
    except (ScriptError, SyntaxError, ValueError):
        return None  # reported by engine/definitions/expressions.py


def _loads_and_stores(tree: ast.AST | None) -> tuple[frozenset[str], frozenset[str]]:
    """Names the code loads but binds nowhere, and the names it binds.

    Every binding counts (comprehension and lambda variables included), so a name the
    code binds itself, before or after reading it, is never reported: it errs on silence.
    """
    if tree is None:
        return frozenset(), frozenset()
    loads: set[str] = set()
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loads if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.FunctionDef):
            bound.add(node.name)
    return frozenset(loads - bound), frozenset(bound)


# -- elements ---------------------------------------------------------------------------

_FLOW_NODES = _QUIET | {
    "userTask", "scriptTask", "serviceTask", "sendTask", "receiveTask", "businessRuleTask",
    "callActivity", "subProcess", "transaction", "adHocSubProcess", "boundaryEvent",
    "intermediateCatchEvent",
}  # fmt: skip


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _is_flow_node(element: etree._Element) -> bool:
    return (
        isinstance(element.tag, str)
        and element.tag.startswith(_BPMN)
        and (_local(element) in _FLOW_NODES)
    )


def _loop_names(node: etree._Element) -> frozenset[str]:
    """The per-instance variables of a multi-instance activity (its element and items)."""
    loop = node.find("bpmn:multiInstanceLoopCharacteristics", NSMAP)
    if loop is None:
        return frozenset()
    names = {loop.get(f"{{{CAMUNDA_NS}}}elementVariable") or ""}
    for tag in ("inputDataItem", "outputDataItem"):
        for item in loop.iterfind(f"bpmn:{tag}", NSMAP):
            names |= {item.get("id") or "", item.get("name") or ""}
    return frozenset(names - {""})


def _loop_outputs(node: etree._Element) -> frozenset[str]:
    loop = node.find("bpmn:multiInstanceLoopCharacteristics", NSMAP)
    if loop is None:
        return frozenset()
    output = (loop.findtext("bpmn:loopDataOutputRef", "", NSMAP) or "").strip()
    return frozenset({output} - {""})

"""Service tasks: each names a connector registered in Python, which the outbox calls.

A designer writes the connector either way the Camunda Modeler can draw it (see
:func:`engine.definitions.dialect.service_call_of`). Validation refuses a service
task that names no connector or one that is not installed, and compiles its input
and output expressions; the parser builds a
:class:`~engine.definitions.connector_task.ConnectorTask`.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.bpmn.parser.TaskParser import TaskParser
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.specs.defaults import EndEvent, IntermediateThrowEvent

from engine import sandbox
from engine.definitions.compensation import CompensationEndParser, CompensationThrowParser
from engine.definitions.complex_gateway import ComplexJoin, ComplexJoinParser
from engine.definitions.connector_task import ConnectorTask
from engine.definitions.data_mapping import with_mapped_data
from engine.definitions.dialect import CAMUNDA_NS, NSMAP, parameter_expression, service_call_of
from engine.definitions.event_subprocess import EventStart, EventStartParser
from engine.definitions.findings import Findings
from engine.definitions.multi_instance import with_standard_loops
from engine.errors import ScriptError

__all__ = ["GovflowParser", "check_service_tasks"]

_IDENTIFIER_HINT = "name it with letters, digits and _ starting with a letter"
_UNSUPPORTED = ("map", "list", "script")


def check_service_tasks(
    root: etree._Element, findings: Findings, known_connectors: Iterable[str]
) -> None:
    """Report service tasks without a known connector, and their bad mappings."""
    known = sorted(known_connectors)
    hint = f"known connectors: {', '.join(known) or 'none installed'}"
    for task in root.iterfind(".//bpmn:serviceTask", NSMAP):
        call = service_call_of(task)
        if not call.connector:
            findings.add(
                task,
                "this service task names no connector",
                f'set camunda:type="external" camunda:topic="<connector>" ({hint})',
            )
        elif call.connector not in known:
            findings.add(task, f"unknown connector '{call.connector}'", hint)
        if task.get(f"{{{CAMUNDA_NS}}}topic") and task.get(f"{{{CAMUNDA_NS}}}type") != "external":
            findings.add(
                task, 'camunda:topic without camunda:type="external"', 'add camunda:type="external"'
            )
        _check_parameters(task, findings)


def _check_parameters(task: etree._Element, findings: Findings) -> None:
    mapping = "bpmn:extensionElements/camunda:inputOutput/camunda:"
    for kind, scope in (("inputParameter", "the task's data"), ("outputParameter", "result")):
        for parameter in task.iterfind(mapping + kind, NSMAP):
            name = parameter.get("name") or ""
            if not name.isidentifier():
                findings.add(parameter, f"{kind} {name!r} is not a variable name", _IDENTIFIER_HINT)
            nested = [n for n in _UNSUPPORTED if parameter.find(f"camunda:{n}", NSMAP) is not None]
            if nested:
                findings.add(
                    parameter,
                    f"{kind} '{name}': camunda:{nested[0]} values are not supported",
                    f"write the value as an expression ${{…}} over {scope}",
                )
                continue
            try:
                sandbox.check(parameter_expression(parameter), "eval")
            except ScriptError as exc:
                findings.add(
                    parameter,
                    f"{kind} '{name}' does not compile: {exc.message}",
                    f"expressions are Python run in the sandbox, over {scope}",
                )


class _ServiceTaskParser(TaskParser):
    """Builds a ConnectorTask from a ``bpmn:serviceTask`` and its extensions."""

    def create_task(self) -> ConnectorTask:
        call = service_call_of(self.node)
        return self.spec_class(
            self.spec,
            self.bpmn_id,
            connector=call.connector or "",
            input_parameters=[list(pair) for pair in call.inputs],
            output_parameters=[list(pair) for pair in call.outputs],
            **self.bpmn_attributes,
        )


class GovflowParser(BpmnParser):
    """Spiff's parser, with service tasks that call connectors through the outbox, and
    start events of event subprocesses as the standard has them, and multi-instance
    activities as the standard runs them (:mod:`.multi_instance`)."""

    OVERRIDE_PARSER_CLASSES = with_mapped_data(
        with_standard_loops(
            {
                **BpmnParser.PARSER_CLASSES,
                full_tag("serviceTask"): (_ServiceTaskParser, ConnectorTask),
                full_tag("startEvent"): (EventStartParser, EventStart),
                full_tag("intermediateThrowEvent"): (
                    CompensationThrowParser,
                    IntermediateThrowEvent,
                ),
                full_tag("endEvent"): (CompensationEndParser, EndEvent),
                full_tag("complexGateway"): (ComplexJoinParser, ComplexJoin),
            }
        )
    )

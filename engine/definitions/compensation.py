"""Compensation (BPMN 2.0 §10.7, §13.5.5), which SpiffWorkflow does not run at all.

An activity's compensation handler is the activity marked ``isForCompensation`` that an
association joins to a compensation boundary event on it. A compensation throw (an
intermediate throw or end event with a ``compensateEventDefinition``) runs the handlers
of the activities of its own (sub)process level that completed, most recent first,
each once, and goes on when they are done; with ``waitForCompletion="false"`` it goes
on at once, the handlers running beside the path (what they change stays theirs), and
the process ends only after them. With an ``activityRef``, only that activity's.

Spiff refuses compensation boundary events ("Unsupported Catch Event") and never
parses handlers, which no flow reaches. So before its parser sees a file,
:func:`prepare_compensation` removes the boundary events and their associations and
writes on each compensation throw the (activity, handler) pairs of its level; the
parsers here build a :class:`CompensationThrow` or :class:`CompensationEnd` that starts
each handler as a child task, the way Spiff's multi-instance activities start theirs.
A compensation event subprocess inside a subprocess is rewritten first into the handler
of that subprocess, joined to it by such a boundary event.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any
from uuid import UUID

from lxml import etree
from SpiffWorkflow.bpmn.parser.event_parsers import IntermediateThrowEventParser
from SpiffWorkflow.bpmn.serializer.default.task_spec import EventConverter
from SpiffWorkflow.bpmn.specs.defaults import EndEvent, IntermediateThrowEvent
from SpiffWorkflow.bpmn.specs.event_definitions.simple import NoneEventDefinition
from SpiffWorkflow.util.deep_merge import DeepMerge
from SpiffWorkflow.util.task import TaskState

from engine.definitions.dialect import BPMN_NS, GOVFLOW_NS, NSMAP
from engine.definitions.end_events import SignalEndParser

__all__ = [
    "CompensationEnd",
    "CompensationEndParser",
    "CompensationThrow",
    "CompensationThrowConverter",
    "CompensationThrowParser",
    "connect_handlers",
    "prepare_compensation",
]

_DEFINITION = "bpmn:compensateEventDefinition"
_HANDLERS = f"{{{GOVFLOW_NS}}}compensationHandlers"
_COMPENSATES = f"{{{GOVFLOW_NS}}}compensates"
"""On a lifted compensation event subprocess: the id of the subprocess it undoes."""
_INNER = f"{{{GOVFLOW_NS}}}compensatesEnclosing"
"""On a throw in such a handler: it compensates the activities of that subprocess."""
_STATE = "compensation"
_COMPENSATING = "compensating"
"""A handler task's note of the task it undoes."""


def prepare_compensation(root: etree._Element) -> None:
    """Rewrite ``root`` in place so Spiff parses its compensation (see the module)."""
    for handler in root.xpath(_COMPENSATION_EVENT_SUBPROCESS, namespaces=NSMAP):
        _lift_event_subprocess(handler)
    for handler in root.xpath(_PROCESS_COMPENSATION_EVENT_SUBPROCESS, namespaces=NSMAP):
        handler.getparent().remove(handler)
    for transaction in root.iter(f"{{{BPMN_NS}}}transaction"):
        _compensate_before_cancel(transaction)
    levels = {event.getparent() for event in root.iterfind(f".//*[{_DEFINITION}]", NSMAP)}
    handlers = {level: _take_boundary_events(level) for level in levels}
    by_scope = {level.get("id"): found for level, found in handlers.items()}
    for level, found in handlers.items():
        compensated = level.get(_COMPENSATES)
        if compensated is not None:
            found = by_scope.get(compensated, {})
        pairs = " ".join(f"{activity}={handler}" for activity, handler in found.items())
        for kind in ("intermediateThrowEvent", "endEvent"):
            for event in level.iterfind(f"bpmn:{kind}[{_DEFINITION}]", NSMAP):
                definition = event.find(_DEFINITION, NSMAP)
                definition.set(_HANDLERS, pairs)
                if compensated is not None:
                    definition.set(_INNER, "true")


def _compensate_before_cancel(transaction: etree._Element) -> None:
    """A cancel end event first compensates the transaction's completed activities
    (§10.3.5 Transaction, §10.5.3 Cancel: "the Transaction is rolled back"): a
    compensation throw goes in before each cancel end event of a transaction that has
    compensation handlers."""
    if transaction.find(f"bpmn:boundaryEvent[{_DEFINITION}]", NSMAP) is None:
        return
    for end in transaction.iterfind("bpmn:endEvent[bpmn:cancelEventDefinition]", NSMAP):
        throw_id = f"{end.get('id')}_compensation"
        for flow in transaction.iterfind(f"bpmn:sequenceFlow[@targetRef='{end.get('id')}']", NSMAP):
            flow.set("targetRef", throw_id)
        throw = _compensation_event("intermediateThrowEvent", end.sourceline, id=throw_id)
        flow = _new_element(
            "sequenceFlow",
            end.sourceline,
            id=f"{throw_id}_flow",
            sourceRef=throw_id,
            targetRef=end.get("id") or "",
        )
        end.addprevious(throw)
        end.addprevious(flow)


_COMPENSATION_EVENT_SUBPROCESSES = (
    "//bpmn:subProcess[@triggeredByEvent='true'][bpmn:startEvent/bpmn:compensateEventDefinition]"
)
_COMPENSATION_EVENT_SUBPROCESS = (
    f"{_COMPENSATION_EVENT_SUBPROCESSES}"
    "[parent::bpmn:subProcess or parent::bpmn:transaction or parent::bpmn:adHocSubProcess]"
)
_PROCESS_COMPENSATION_EVENT_SUBPROCESS = f"{_COMPENSATION_EVENT_SUBPROCESSES}[parent::bpmn:process]"
"""One at the top of a process runs only when a calling process compensates its call
activity, which govflow does not do: it is left out, not started with the process."""


def _lift_event_subprocess(handler: etree._Element) -> None:
    """A compensation event subprocess is the compensation handler of the subprocess
    it is drawn in (§10.3.4, §10.7.1): it runs, once that subprocess has completed,
    when a throw of the level around it compensates it. So it becomes what a boundary
    event and an association would make it: a handler beside its subprocess, started
    at its (now plain) start event.

    A compensation throw inside it compensates the completed activities of the
    subprocess it undoes (§10.7.1): their handlers are copied into it, where its throws
    can start them, and the throws are marked to look for those activities there."""
    scope = handler.getparent()
    handler.extend(deepcopy(node) for node in _associated_handlers(scope))
    handler.set(_COMPENSATES, scope.get("id") or "")
    start = handler.find(f"bpmn:startEvent[{_DEFINITION}]", NSMAP)
    start.remove(start.find(_DEFINITION, NSMAP))
    del handler.attrib["triggeredByEvent"]
    handler.set("isForCompensation", "true")
    boundary_id = f"{handler.get('id')}_compensation"
    boundary = _compensation_event(
        "boundaryEvent", handler.sourceline, id=boundary_id, attachedToRef=scope.get("id") or ""
    )
    association = _new_element(
        "association",
        handler.sourceline,
        id=f"{boundary_id}_association",
        sourceRef=boundary_id,
        targetRef=handler.get("id") or "",
    )
    scope.addnext(handler)
    handler.addnext(boundary)
    boundary.addnext(association)


def _new_element(tag: str, line: int | None, **attributes: str) -> etree._Element:
    """A BPMN element the rewriting adds, reported at the ``line`` it stands for."""
    element = etree.Element(f"{{{BPMN_NS}}}{tag}", **attributes)
    element.sourceline = line
    return element


def _compensation_event(tag: str, line: int | None, **attributes: str) -> etree._Element:
    event = _new_element(tag, line, **attributes)
    event.append(_new_element("compensateEventDefinition", line))
    return event


def _associated_handlers(scope: etree._Element) -> list[etree._Element]:
    """The compensation handlers of the activities of ``scope`` (left in place)."""
    boundaries = {
        boundary.get("id")
        for boundary in scope.iterfind(f"bpmn:boundaryEvent[{_DEFINITION}]", NSMAP)
    }
    handler_ids = set()
    for association in scope.iterfind("bpmn:association", NSMAP):
        ends = {association.get("sourceRef"), association.get("targetRef")}
        if ends & boundaries:
            handler_ids |= ends - boundaries
    return [node for node in scope if node.get("id") in handler_ids]


def _take_boundary_events(level: etree._Element) -> dict[str, str]:
    """activity id → handler id of the compensation boundary events of ``level``, removed."""
    handlers = {}
    for boundary in level.iterfind(f"bpmn:boundaryEvent[{_DEFINITION}]", NSMAP):
        boundary_id = boundary.get("id")
        for association in level.iterfind("bpmn:association", NSMAP):
            ends = (association.get("sourceRef"), association.get("targetRef"))
            if boundary_id in ends:
                handler = ends[1] if ends[0] == boundary_id else ends[0]
                handlers[boundary.get("attachedToRef", "")] = handler or ""
                level.remove(association)
        level.remove(boundary)
    return handlers


class _Compensating:
    """Runs the handlers of the completed activities, one after another, then goes on."""

    handlers: list[list[str]]
    activity: str | None
    inner: bool
    wait: bool
    name: str
    completed_event: Any
    _wf_spec: Any

    def __init__(
        self,
        wf_spec: Any,
        bpmn_id: str,
        handlers: list[list[str]] | None = None,
        activity: str | None = None,
        inner: bool = False,
        wait: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(wf_spec, bpmn_id, **kwargs)  # type: ignore[call-arg]  # the spec class mixed in after this one
        self.handlers = [list(pair) for pair in handlers or []]
        self.activity = activity
        self.inner = inner
        self.wait = wait

    def connect_handlers(self) -> None:
        """Hear each handler's completion (Spiff's signals are not stored with the spec)."""
        for _, handler in self.handlers:
            event = self._wf_spec.task_specs[handler].completed_event
            if not event.is_connected(self._handler_done):
                event.connect(self._handler_done)

    def _update_hook(self, my_task: Any) -> Any:
        super()._update_hook(my_task)  # type: ignore[misc]
        if _STATE not in my_task.internal_data:
            my_task.internal_data[_STATE] = self._to_compensate(my_task)
        if not self.wait:  # §10.5.5: trigger the compensation and go on at once
            self._start_handler(my_task)
            return True
        return self._start_next(my_task)

    def _to_compensate(self, my_task: Any) -> list[list[str]]:
        """(task id, handler) of the completed activities, most recently completed first."""
        handler_of = dict(self.handlers)
        if self.activity is not None:
            handler_of = {k: v for k, v in handler_of.items() if k == self.activity}
        level = _undone_subprocess(my_task) if self.inner else my_task.workflow
        done = [
            task
            for task in level.get_tasks(state=TaskState.COMPLETED)
            if task.task_spec.bpmn_id in handler_of and not task.internal_data.get("compensated")
        ]
        done.sort(key=lambda task: task.last_state_change, reverse=True)
        for task in done:
            task.internal_data["compensated"] = True
        return [[str(task.id), handler_of[task.task_spec.bpmn_id]] for task in done]

    def _start_next(self, my_task: Any) -> bool | None:
        """Start the next handler and wait for it; True when none is left."""
        if not self._start_handler(my_task):
            return True
        my_task._set_state(TaskState.STARTED)
        return None

    def _start_handler(self, my_task: Any) -> bool:
        """Start the next handler as a child of the throw; whether there was one."""
        pending = my_task.internal_data[_STATE]
        if not pending:
            return False
        undone, handler = pending[0]
        my_task.internal_data[_STATE] = pending[1:]
        self.connect_handlers()
        child = my_task._add_child(my_task.workflow.spec.task_specs[handler], TaskState.WAITING)
        child.internal_data[_COMPENSATING] = undone
        child.triggered = True
        child.task_spec._update(child)
        return True

    def _handler_done(self, workflow: Any, child: Any) -> None:
        my_task = child.parent
        if my_task is None or my_task.task_spec is not self:
            return  # a handler another throw event started
        if not self.wait:  # the throw went on: the next handler starts, nobody waits
            self._start_handler(my_task)
            return
        DeepMerge.merge(my_task.data, child.data)
        if self._start_next(my_task):
            my_task._set_state(TaskState.READY)


def _undone_subprocess(my_task: Any) -> Any:
    """The (completed) workflow of the subprocess that the compensation event
    subprocess ``my_task`` runs in undoes; its own workflow if it runs otherwise."""
    top = my_task.workflow.top_workflow
    handler = top.get_task_from_id(my_task.workflow.parent_task_id)
    undone = handler.internal_data.get(_COMPENSATING)
    return top.subprocesses.get(UUID(undone), my_task.workflow) if undone else my_task.workflow


class CompensationThrow(_Compensating, IntermediateThrowEvent):
    """An intermediate throw event with a ``compensateEventDefinition``."""


class CompensationEnd(_Compensating, EndEvent):
    """An end event with a ``compensateEventDefinition``."""


class _CompensationParsing:
    """Builds the compensating spec when the event has a ``compensateEventDefinition``."""

    node: etree._Element
    process_parser: Any
    COMPENSATING: type

    def create_task(self) -> Any:
        definition = self.node.find(_DEFINITION, NSMAP)
        if definition is None:
            return super().create_task()  # type: ignore[misc]
        pairs = [pair.split("=", 1) for pair in (definition.get(_HANDLERS) or "").split()]
        handlers = [[activity, self._parse_handler(handler)] for activity, handler in pairs]
        task = self.COMPENSATING(
            self.spec,  # type: ignore[attr-defined]
            self.bpmn_id,  # type: ignore[attr-defined]
            handlers=handlers,
            activity=definition.get("activityRef"),
            inner=definition.get(_INNER) == "true",
            wait=definition.get("waitForCompletion") != "false",
            event_definition=NoneEventDefinition(),
            **self.bpmn_attributes,  # type: ignore[attr-defined]
        )
        for _, handler in handlers:  # Spiff runs no task that has no input
            handler_spec = self.spec.task_specs[handler]  # type: ignore[attr-defined]
            handler_spec._inputs.append(task.name)
        if isinstance(task, EndEvent):
            task.connect(self.spec.end)  # type: ignore[attr-defined]
        return task

    def _parse_handler(self, handler_id: str) -> str:
        node = self.process_parser.get_node_by_id(handler_id)
        return str(self.process_parser.parse_node(node).name)


class CompensationThrowParser(_CompensationParsing, IntermediateThrowEventParser):
    COMPENSATING = CompensationThrow


class CompensationEndParser(_CompensationParsing, SignalEndParser):
    COMPENSATING = CompensationEnd


class CompensationThrowConverter(EventConverter):
    """Stores a compensation throw or end event with its handlers."""

    def to_dict(self, spec: Any) -> dict[str, Any]:
        return {
            **super().to_dict(spec),
            "handlers": spec.handlers,
            "activity": spec.activity,
            "inner": spec.inner,
            "wait": spec.wait,
        }


def connect_handlers(spec: Any) -> None:
    """Connect the compensation events of a restored process spec to their handlers."""
    for task_spec in spec.task_specs.values():
        if isinstance(task_spec, _Compensating):
            task_spec.connect_handlers()

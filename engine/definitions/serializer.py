"""Spiff's specs and workflow state as JSON, with the spec stored once per version.

Spiff's JSON of a workflow embeds its spec, converted again on every save: our
workflow converter leaves it out, and :func:`load_state` puts back the spec object
cached per definition version, so an instance row holds only its own state and
saving it costs only that. The runtime restores and saves state; definitions dump
the specs they compile, so the one serializer lives here, below both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.config import DEFAULT_CONFIG
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.util.task import TaskState

from engine.definitions.compensation import (
    CompensationEnd,
    CompensationThrow,
    CompensationThrowConverter,
    connect_handlers,
)
from engine.definitions.complex_gateway import ComplexJoin, ComplexJoinConverter
from engine.definitions.conditional_entry import fire_on_entry
from engine.definitions.connector_task import ConnectorTask, ConnectorTaskConverter
from engine.definitions.data_mapping import MappedDataObject, MappedDataObjectConverter
from engine.definitions.event_scopes import (
    catch_in_scope,
    interrupting_catchers,
    interrupting_starts,
    raise_if_uncaught,
    run_interrupting,
    start_scoped_handlers,
)
from engine.definitions.event_subprocess import EventStart, EventStartConverter
from engine.definitions.mi_behaviour import BehaviourConverter
from engine.definitions.multi_instance import ParallelInstances, SequentialInstances

__all__ = [
    "SERIALIZER",
    "BroadcastingWorkflow",
    "dump_spec",
    "dump_state",
    "every_task",
    "load_spec",
    "load_state",
    "unstorable_specs",
]


class _StateConverter(BpmnWorkflowConverter):
    """Spiff's workflow converter without the specs, which are stored once per version.

    Spiff's own ``to_dict`` converts the whole spec on every call, only for us to drop
    it: that was about 40% of the cost of saving an instance.
    """

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        state = WorkflowConverter.to_dict(self, workflow)
        state["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        state["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return state


class BroadcastingWorkflow(BpmnWorkflow):
    """A workflow whose thrown signals also leave it when a task of its own caught them.

    BPMN 2.0 §10.5.4: a signal is broadcast to every catcher; SpiffWorkflow passes a
    signal on to the application (``bpmn_events``) only when nothing inside caught it.
    Stored under Spiff's own type name, so states stored before read back as this.
    It also sends events to the scopes BPMN gives them and lets interrupting catchers
    act first (:mod:`engine.definitions.event_scopes`).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.interrupting: list[Any] = []
        """Interrupting catchers a catch may have made ready, run before other steps."""

    def catch(self, event: BpmnEvent) -> None:
        waiting = interrupting_catchers(self)
        if event.target is None:
            start_scoped_handlers(self, event)
            self._catch_everywhere(event)
        elif not catch_in_scope(self, event):
            self._catch_everywhere(event)
        self.interrupting += waiting + interrupting_starts(self)

    def _catch_everywhere(self, event: BpmnEvent) -> None:
        caught = self.event_manager.catch(event)
        if caught and isinstance(event.event_definition, SignalEventDefinition):
            self.bpmn_events.append(event)
        raise_if_uncaught(self, event)

    def send_event(self, event: BpmnEvent) -> None:
        start_scoped_handlers(self, event)
        super().send_event(event)

    def _do_engine_steps(self, *callbacks: Any) -> bool:
        """Spiff's steps (deepest subprocess first; its callbacks, unused, ignored), an
        interrupting catcher that caught its event run before any other step."""
        active = self.get_active_subprocesses()
        for subprocess in sorted(active, key=lambda s: s.depth, reverse=True):
            while self._run_ready(subprocess):
                pass
            if subprocess.parent_task_id is not None:
                task = self.get_task_from_id(subprocess.parent_task_id)
                task.task_spec._update(task)
        ran = self._run_ready(self)
        return ran > 0 or len(self.get_active_subprocesses()) > len(active)

    def _run_ready(self, workflow: BpmnWorkflow) -> int:
        ran = 0
        self.interrupting += fire_on_entry(self)
        if not self.interrupting and not _has_runnable(self):
            return 0  # what the walk below would find: nothing to run
        for task in workflow.get_tasks(state=TaskState.READY):
            ran += run_interrupting(self.interrupting)  # what they make ready runs next round
            if task.state == TaskState.READY and not task.task_spec.manual:
                task.run()
                ran += 1
        return ran


def every_task(top: BpmnWorkflow) -> list[Any]:
    """Every task of a workflow and of its subprocesses, in no particular order.

    The tasks ``get_tasks()`` yields, read off Spiff's task dictionaries instead of
    walking the tree: a command looks at every task a few times, and the walk cost
    more than the look (reading the dictionaries made SQLite commands 2-5% faster)."""
    tasks = list(top.tasks.values())
    for subprocess in top.subprocesses.values():
        tasks.extend(subprocess.tasks.values())
    return tasks


def _has_runnable(top: BpmnWorkflow) -> bool:
    return any(t.state == TaskState.READY and not t.task_spec.manual for t in every_task(top))


_REGISTRY = BpmnWorkflowSerializer.configure(
    {
        **DEFAULT_CONFIG,
        BpmnWorkflow: _StateConverter,
        ConnectorTask: ConnectorTaskConverter,
        ComplexJoin: ComplexJoinConverter,
        EventStart: EventStartConverter,
        ParallelInstances: BehaviourConverter,
        SequentialInstances: BehaviourConverter,
        CompensationThrow: CompensationThrowConverter,
        CompensationEnd: CompensationThrowConverter,
        MappedDataObject: MappedDataObjectConverter,
    }
)
_StateConverter(BroadcastingWorkflow, _REGISTRY, typename="BpmnWorkflow")
SERIALIZER = BpmnWorkflowSerializer(_REGISTRY)


def unstorable_specs(spec: Any) -> list[tuple[str, str]]:
    """(element id, class) of each task spec the serializer has no converter for.

    Without one, Spiff's registry passes the object through and storing the spec
    fails at the database with a TypeError: deploy checks this first instead.
    """
    registry = SERIALIZER.registry
    return [
        (task_spec.bpmn_id or name, type(task_spec).__name__)
        for name, task_spec in spec.task_specs.items()
        if type(task_spec) not in registry.typenames
    ]


def dump_spec(spec: Any, subprocess_specs: Mapping[str, Any]) -> dict[str, Any]:
    """A definition's specs as JSON-ready data, stored once per version."""
    return {
        "spec": SERIALIZER.to_dict(spec),
        "subprocess_specs": {name: SERIALIZER.to_dict(s) for name, s in subprocess_specs.items()},
    }


def load_spec(data: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
    spec = SERIALIZER.from_dict(data["spec"])
    subprocess_specs = {
        name: SERIALIZER.from_dict(s) for name, s in data["subprocess_specs"].items()
    }
    for restored in (spec, *subprocess_specs.values()):
        connect_handlers(restored)
    return spec, subprocess_specs


def dump_state(workflow: BpmnWorkflow) -> dict[str, Any]:
    return SERIALIZER.to_dict(workflow)


def load_state(
    state: dict[str, Any],
    spec: Any,
    subprocess_specs: Mapping[str, Any],
    script_engine: PythonScriptEngine,
) -> BpmnWorkflow:
    # The registry passes objects that are not dicts through unchanged, so the
    # cached spec objects go in where the serialized specs were.
    workflow = SERIALIZER.from_dict({**state, "spec": spec, "subprocess_specs": subprocess_specs})
    workflow.script_engine = script_engine
    return workflow

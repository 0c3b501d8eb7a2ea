"""The seam between govflow and SpiffWorkflow: serializer, scripts, clock.

Only this module, ``definitions`` and ``runtime`` import SpiffWorkflow. Three things
Spiff does not do the way a persistent, testable engine needs, and what we do:

* Its JSON embeds the spec, converted again on every save: our workflow converter
  leaves it out and :func:`load_state` puts back the spec object cached per
  definition version, so an instance row holds only its own state and saving it
  costs only that.
* Its script engine ``exec``s Python: :class:`SandboxEnvironment` sends every script
  and expression through :mod:`engine.sandbox`, and is set again after every restore
  (Spiff does not serialize it).
* Its timers read ``datetime.now()`` directly: :func:`spiff_time` sets, for the
  current thread of work, the "now" that Spiff's timer module sees.
* Its service task runs nothing and its serializer has no converter for it: a
  :class:`ConnectorTask` waits for the outbox to call its connector (see
  ``engine.outbox``), and is stored with its connector and mappings.
"""

from __future__ import annotations

import contextvars
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.config import DEFAULT_CONFIG
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask
from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer
from SpiffWorkflow.util.task import TaskState

from engine import sandbox

__all__ = [
    "SERIALIZER",
    "ConnectorTask",
    "SandboxEnvironment",
    "dump_spec",
    "dump_state",
    "load_spec",
    "load_state",
    "make_script_engine",
    "spiff_time",
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


class ConnectorTask(ServiceTask):
    """A service task that hands a call to a connector, and waits for its result.

    Run the first time, it evaluates its inputs into ``internal_data['call']`` and
    stays STARTED (Spiff's state for "the application finishes this"): the runtime
    writes the call to the outbox in the same transaction. When the outbox settles the
    call, :meth:`settle` makes the task READY again with the result or the error, and
    the engine steps run it: the result goes into the data through the outputs, an
    error becomes the task's error (an incident), whose retry evaluates and queues the
    call again. An output that fails is an incident too, but its retry only evaluates
    the outputs again: the call was made.
    """

    def __init__(
        self,
        wf_spec: Any,
        bpmn_id: str,
        connector: str = "",
        input_parameters: list[list[str]] | None = None,
        output_parameters: list[list[str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.connector = connector
        self.input_parameters = [list(pair) for pair in input_parameters or []]
        self.output_parameters = [list(pair) for pair in output_parameters or []]

    def settle(self, task: Any, *, result: Any = None, error: str | None = None) -> None:
        """Hand the call's outcome to the waiting task, to be run by the next engine steps."""
        task.internal_data.pop("call", None)
        task._set_internal_data(outcome={"result": result, "error": error})
        task._set_state(TaskState.READY)

    def _run_hook(self, task: Any) -> bool | None:
        outcome = task.internal_data.get("outcome")
        if outcome is None:
            task._set_internal_data(call=self._evaluate_inputs(task))
            return None
        if outcome["error"] is not None:  # its retry calls again
            del task.internal_data["outcome"]
            raise WorkflowTaskException(outcome["error"], task=task)
        self._store_result(task, outcome["result"])  # if it fails, its retry does not call
        del task.internal_data["outcome"]
        return True

    def _store_result(self, task: Any, result: Any) -> None:
        if not self.output_parameters:
            task.data[f"{self.bpmn_id}_result"] = result
        for name, expression in self.output_parameters:
            task.data[name] = _evaluate(task, expression, {**task.data, "result": result})

    def _evaluate_inputs(self, task: Any) -> dict[str, Any]:
        if self.input_parameters:
            payload = {
                name: _evaluate(task, expr, task.data) for name, expr in self.input_parameters
            }
        else:
            payload = dict(task.data)
        for name, value in payload.items():
            try:
                json.dumps(value, allow_nan=False)
            except (TypeError, ValueError) as exc:
                raise WorkflowTaskException(
                    f"input '{name}' of connector '{self.connector}' is a "
                    f"{type(value).__name__}, which JSON cannot hold",
                    task=task,
                ) from exc
        return payload


def _evaluate(task: Any, expression: str, names: dict[str, Any]) -> Any:
    environment = task.workflow.script_engine.environment
    try:
        return environment.evaluate(expression, names)
    except Exception as exc:
        raise WorkflowTaskException(f"expression {expression!r} failed", task=task) from exc


class _ConnectorTaskConverter(BpmnTaskSpecConverter):
    def to_dict(self, spec: ConnectorTask) -> dict[str, Any]:
        return {
            **self.get_default_attributes(spec),
            "connector": spec.connector,
            "input_parameters": spec.input_parameters,
            "output_parameters": spec.output_parameters,
        }


SERIALIZER = BpmnWorkflowSerializer(
    BpmnWorkflowSerializer.configure(
        {**DEFAULT_CONFIG, BpmnWorkflow: _StateConverter, ConnectorTask: _ConnectorTaskConverter}
    )
)


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


_now: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("spiff_now", default=None)


class _ClockedDatetime(datetime):
    """What Spiff's timer module calls ``datetime``: ``now()`` answers the engine's clock."""

    @classmethod
    def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
        moment = _now.get()
        if moment is None:
            return datetime.now(tz)
        return moment.astimezone(tz) if tz is not None else moment


_spiff_timer.datetime = _ClockedDatetime  # type: ignore[misc]


@contextmanager
def spiff_time(moment: datetime) -> Iterator[None]:
    """Run Spiff with ``moment`` as its "now" (contextvar: threads do not see each other's)."""
    token = _now.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _now.reset(token)


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """Spiff's script hooks, routed through the sandbox with govflow's helper functions."""

    def __init__(self, functions: Mapping[str, Callable[..., Any]], timeout_s: float) -> None:
        super().__init__()
        self.functions = dict(functions)
        self.timeout_s = timeout_s

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        names = {**self.functions, **(external_context or {}), **context}
        return sandbox.evaluate(expression, names, timeout=self.timeout_s)

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        functions = {**self.functions, **(external_context or {})}
        sandbox.execute(script, context, functions=functions, timeout=self.timeout_s)
        return True


def make_script_engine(
    functions: Mapping[str, Callable[..., Any]], timeout_s: float
) -> PythonScriptEngine:
    return PythonScriptEngine(environment=SandboxEnvironment(functions, timeout_s))


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

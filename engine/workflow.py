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
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.config import DEFAULT_CONFIG
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer

from engine import sandbox
from engine.errors import ScriptError
from engine.jsondata import Unstorable, json_ready

__all__ = [
    "SERIALIZER",
    "SandboxEnvironment",
    "dump_spec",
    "dump_state",
    "load_spec",
    "load_state",
    "make_script_engine",
    "spiff_time",
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


SERIALIZER = BpmnWorkflowSerializer(
    BpmnWorkflowSerializer.configure({**DEFAULT_CONFIG, BpmnWorkflow: _StateConverter})
)

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
        """The value of ``expression`` as task data holds it (a datetime as ISO text).

        Spiff keeps some results in the task's state (a timer's moment, a loop's
        cardinality), so a result JSON cannot hold fails the step, where a supervisor
        sees it, instead of every later save of the instance.
        """
        names = {**self.functions, **(external_context or {}), **context}
        value = sandbox.evaluate(expression, names, timeout=self.timeout_s)
        try:
            return json_ready(value, "result")
        except Unstorable as exc:
            shown = " ".join(expression.split())[:80]
            raise ScriptError(f"the expression {shown!r} gives {exc.kind}") from None

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

"""What Spiff does not do the way a testable, sandboxed engine needs: scripts, clock.

* Its script engine ``exec``s Python: :class:`SandboxEnvironment` sends every script
  and expression through :mod:`engine.sandbox`, and is set again after every restore
  (Spiff does not serialize it).
* Its timers read ``datetime.now()`` directly: :func:`spiff_time` sets, for the
  current thread of work, the "now" that Spiff's timer module sees.

How its specs and state are stored is :mod:`engine.definitions.serializer`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, tzinfo
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer

from engine import sandbox
from engine.errors import ScriptError
from engine.jsondata import Unstorable, json_ready
from engine.runtime.bpmn_throw import throw_from_task
from engine.scripting import ThrownBpmnEvent

__all__ = ["SandboxEnvironment", "make_script_engine", "spiff_time"]

_now: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("spiff_now", default=None)


class _ClockedDatetime(datetime):
    """What Spiff's timer module calls ``datetime``: ``now()`` answers the engine's clock."""

    @classmethod
    # A plain datetime, not this subclass: Spiff only does arithmetic with it.
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        moment = _now.get()
        if moment is None:
            return datetime.now(tz)
        return moment.astimezone(tz) if tz is not None else moment


_spiff_timer.datetime = _ClockedDatetime


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


class SandboxScriptEngine(PythonScriptEngine):
    """Spiff's script engine, where a script may throw a BPMN error or escalation."""

    def execute(self, task: Any, script: str, external_context: dict | None = None) -> Any:
        try:
            return super().execute(task, script, external_context)
        except ThrownBpmnEvent as thrown:
            return throw_from_task(task, thrown)


def make_script_engine(
    functions: Mapping[str, Callable[..., Any]], timeout_s: float
) -> PythonScriptEngine:
    return SandboxScriptEngine(environment=SandboxEnvironment(functions, timeout_s))

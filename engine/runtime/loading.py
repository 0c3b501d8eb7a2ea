"""Turning stored rows back into live SpiffWorkflow objects, and back again.

Specs are immutable per definition version, so they are restored once per process
and cached; an instance row holds only its own state (see ``engine.definitions.serializer``).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from sqlalchemy.orm import Session

from engine.definitions.serializer import BroadcastingWorkflow, dump_state, load_spec, load_state
from engine.errors import InvalidInput
from engine.jsondata import Unstorable, json_ready_variables
from engine.models import ProcessDefinition

__all__ = [
    "CompiledDefinition",
    "SpecCache",
    "current_variables",
    "new_workflow",
    "restore",
    "store_state",
]


@dataclass(frozen=True)
class CompiledDefinition:
    definition_id: int
    process_key: str
    version: int
    spec: Any
    subprocess_specs: dict[str, Any]
    meta: dict[str, Any]

    def task_meta(self, element_id: str) -> dict[str, Any]:
        return self.meta.get("tasks", {}).get(element_id, {})


class SpecCache:
    """Restored specs by definition id; bounded, shared by the threads of one process."""

    def __init__(self, capacity: int = 256) -> None:
        self._items: OrderedDict[int, CompiledDefinition] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def get(self, session: Session, definition_id: int) -> CompiledDefinition:
        with self._lock:
            cached = self._items.get(definition_id)
            if cached is not None:
                self._items.move_to_end(definition_id)
                return cached
        definition = session.get(ProcessDefinition, definition_id)
        if definition is None:
            raise LookupError(f"no process definition {definition_id}")
        compiled = _compile(definition)
        with self._lock:
            self._items[definition_id] = compiled
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)
        return compiled


def _compile(definition: ProcessDefinition) -> CompiledDefinition:
    spec, subprocess_specs = load_spec(definition.spec)
    return CompiledDefinition(
        definition_id=definition.id,
        process_key=definition.process_key,
        version=definition.version,
        spec=spec,
        subprocess_specs=subprocess_specs,
        meta=definition.meta,
    )


def new_workflow(compiled: CompiledDefinition, script_engine: PythonScriptEngine) -> BpmnWorkflow:
    return BroadcastingWorkflow(
        compiled.spec, compiled.subprocess_specs, script_engine=script_engine
    )


def restore(
    instance: Any, compiled: CompiledDefinition, script_engine: PythonScriptEngine
) -> BpmnWorkflow:
    state = json.loads(instance.state)
    return load_state(state, compiled.spec, compiled.subprocess_specs, script_engine)


def store_state(instance: Any, workflow: BpmnWorkflow) -> None:
    """Write the workflow's state into ``instance``, refusing what JSON cannot hold.

    Task data is converted where it comes in (scripts in the sandbox, callers' data in
    ``clean_submission``); this is the last guard, so that a value that came in some
    other way fails the command, naming the variable, instead of storing text that
    cannot be read back (``NaN``) or failing inside the database driver.
    """
    try:
        instance.state = json.dumps(dump_state(workflow), separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        raise _unstorable(workflow, exc) from exc


def _unstorable(workflow: BpmnWorkflow, exc: Exception) -> InvalidInput:
    """The error that names the first variable, and its task, that JSON cannot hold."""
    for task in workflow.get_tasks():
        try:
            json_ready_variables(task.data)
        except Unstorable as found:
            element_id = task.task_spec.bpmn_id
            return InvalidInput(
                f"{element_id}: {found}", field=found.variable, rule="json", element_id=element_id
            )
    return InvalidInput(f"the instance's state cannot be stored: {exc}", field="data", rule="json")


def current_variables(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The variables as of the latest step: the workflow's once done, else the last task's
    (also when it ended through an interrupting event subprocess, which bypasses the
    end join that fills the workflow's data)."""
    source = workflow.data if workflow.is_completed() else None
    if not source:
        source = workflow.last_task.data if workflow.last_task is not None else {}
    return json.loads(json.dumps(source, default=str))

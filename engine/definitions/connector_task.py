"""The service task that calls a connector through the outbox, and its converter.

SpiffWorkflow's service task runs nothing and its serializer has no converter for
it: a :class:`ConnectorTask` waits for the outbox to call its connector (see
``engine.outbox``), and is stored with its connector and mappings.
"""

from __future__ import annotations

import json
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask
from SpiffWorkflow.util.task import TaskState

__all__ = ["ConnectorTask", "ConnectorTaskConverter"]


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


class ConnectorTaskConverter(BpmnTaskSpecConverter):
    def to_dict(self, spec: ConnectorTask) -> dict[str, Any]:
        return {
            **self.get_default_attributes(spec),
            "connector": spec.connector,
            "input_parameters": spec.input_parameters,
            "output_parameters": spec.output_parameters,
        }

"""Multi-instance activities as BPMN 2.0 §10.3.6 and §13.3.7 say, where SpiffWorkflow differs.

* The ``completionCondition`` is evaluated after each instance completes, over that
  instance's data and the activity's instance attributes (§10.3.6, Table 10.30:
  ``numberOfInstances``, ``numberOfActiveInstances``, ``numberOfCompletedInstances``,
  ``numberOfTerminatedInstances``, ``loopCounter``; also under the Camunda names
  ``nrOfInstances``, ``nrOfActiveInstances``, ``nrOfCompletedInstances``). Spiff gives
  it none of them, so a condition naming one fails. When it holds, the instances still
  running are cancelled and the activity completes.
* Each instance's ``outputDataItem`` goes to its own position of the output collection:
  the position of its input item, or its loop counter. Spiff appends in the order the
  instances complete, so parallel answers came back shuffled. An instance that never
  completed (cancelled by the condition, or not started by a sequential activity)
  leaves ``None`` at its position, so the output lines up with the input.
* Each instance sees its ``loopCounter`` (0, 1, …). It and the ``inputDataItem``
  belong to the instance: they do not leak into the process's data when the instances'
  data is merged back (in Spiff the item leaked, and the next run of the activity then
  failed, the item "already exists").
* The output collection is made anew each time the activity starts (unless it is the
  input collection, updated in place): Spiff refuses to start it again, in a loop,
  once the collection holds items (or fails on a misspelt name with a cardinality).
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import deepcopy
from typing import Any

from SpiffWorkflow.bpmn.specs.defaults import (
    ParallelMultiInstanceTask,
    SequentialMultiInstanceTask,
)
from SpiffWorkflow.util.deep_merge import DeepMerge
from SpiffWorkflow.util.task import TaskState

from engine.definitions.mi_behaviour import (
    behaviour_rules,
    behaviour_signal,
    throw_behaviour_event,
)

__all__ = ["ParallelInstances", "SequentialInstances", "with_standard_loops"]

_LOOP_COUNTER = "loopCounter"


class _StandardInstances:
    """What the parallel and the sequential activity share; mixed in before Spiff's class."""

    data_input: Any
    data_output: Any
    input_item: Any
    output_item: Any
    condition: str | None
    task_spec: str
    merge_child: Any
    raise_data_exception: Any
    behaviour: str = "All"
    behaviour_signal: str | None = None
    behaviour_rules: Sequence[Sequence[str]] = ()

    def create_child(self, my_task: Any, item: Any, key_or_index: Any = None) -> None:
        """Spiff's instance, which also sees its ``loopCounter`` (0, 1, …) in its data."""
        task_spec = my_task.workflow.spec.task_specs[self.task_spec]
        if not task_spec.completed_event.is_connected(self.merge_child):
            task_spec.completed_event.connect(self.merge_child)
        for reference in (self.input_item, self.output_item):
            if reference is not None and reference.exists(my_task):
                self.raise_data_exception(
                    f"the instances' item '{reference.bpmn_id}' is a variable of the process "
                    "too; rename one",
                    my_task,
                )
        child = my_task._add_child(task_spec, TaskState.WAITING)
        child.triggered = True
        if self.input_item is not None:
            self.input_item.set(child, deepcopy(item))
        if key_or_index is not None:
            child.internal_data["key_or_index"] = key_or_index
        else:
            child.internal_data["item"] = item
        child.data[_LOOP_COUNTER] = len(self._instance_tasks(my_task)) - 1
        child.task_spec._update(child)

    def init_data_output_with_cardinality(self, my_task: Any) -> None:
        self.data_output.set(my_task, [])

    def init_data_output_with_input_data(self, my_task: Any, input_data: Any) -> None:
        """A new output collection at each activation, unless the input is updated in place."""
        if self.data_output.exists(my_task) and self.data_output.get(my_task) is input_data:
            return
        self.data_output.set(my_task, {} if isinstance(input_data, dict) else [])

    def _instance_tasks(self, my_task: Any) -> list[Any]:
        return [c for c in my_task.children if c.task_spec.name == self.task_spec]

    def _instance_names(self) -> set[str]:
        """Variables of an instance that are not merged back: its item and loop counter."""
        names = {_LOOP_COUNTER}
        if self.input_item is not None:
            names.add(self.input_item.bpmn_id)
        return names

    def _position(self, child: Any) -> Any:
        """The place of ``child``'s item: its input's key or index, else its loop counter."""
        key_or_index = child.internal_data.get("key_or_index")
        if key_or_index is None and self.data_input is None:
            return child.internal_data.get("item")
        return key_or_index

    def _store_output(self, my_task: Any, child: Any) -> None:
        if self.data_output is None or self.output_item is None:
            data = {k: v for k, v in child.data.items() if k not in self._instance_names()}
            DeepMerge.merge(my_task.data, data)
            return
        if not self.output_item.exists(child):
            self.raise_data_exception("Expected an output item", child)
        item = self.output_item.get(child)
        output = self.data_output.get(my_task)
        position = self._position(child)
        if isinstance(output, list) and isinstance(position, int):
            output.extend([None] * (position + 1 - len(output)))
            output[position] = item
        elif isinstance(output, dict) and position is not None:
            output[position] = item
        else:
            output.append(item)

    def _instances_done(self, my_task: Any, child: Any) -> bool:
        """Store ``child``'s output; True when the completion condition holds after it."""
        self._store_output(my_task, child)
        my_task.internal_data["merged"].append(str(child.id))
        attributes = self._instance_attributes(my_task, child)
        throw_behaviour_event(self, my_task, child, attributes)
        if self.condition is None:
            return False
        engine = my_task.workflow.script_engine
        return bool(engine.evaluate(child, self.condition, external_context=attributes))

    def _instance_attributes(self, my_task: Any, child: Any) -> dict[str, Any]:
        instances = self._instance_tasks(my_task)
        total = self._instance_count(my_task)
        completed = sum(1 for c in instances if c.state == TaskState.COMPLETED)
        terminated = sum(1 for c in instances if c.state == TaskState.CANCELLED)
        active = sum(1 for c in instances if not c.has_state(TaskState.FINISHED_MASK))
        counter = self._position(child)
        return {
            "numberOfInstances": total,
            "numberOfActiveInstances": active,
            "numberOfCompletedInstances": completed,
            "numberOfTerminatedInstances": terminated,
            "loopCounter": counter,
            "nrOfInstances": total,
            "nrOfActiveInstances": active,
            "nrOfCompletedInstances": completed,
        }

    def _instance_count(self, my_task: Any) -> int:
        if self.data_input is not None:
            return len(self.data_input.get(my_task))
        cardinality = my_task.internal_data.get("cardinality")
        if cardinality is None:
            cardinality = len(self._instance_tasks(my_task))
        return int(cardinality)

    def _finish(self, my_task: Any) -> None:
        """Complete the activity; the output has a place for every instance."""
        if self.data_output is not None and self.output_item is not None:
            output = self.data_output.get(my_task)
            data_input = self.data_input.get(my_task) if self.data_input is not None else None
            if isinstance(output, list) and output is not data_input:
                output.extend([None] * (self._instance_count(my_task) - len(output)))
        my_task._set_state(TaskState.READY)


class ParallelInstances(_StandardInstances, ParallelMultiInstanceTask):
    """A parallel multi-instance activity (``isSequential="false"``)."""

    def merge_child(self, workflow: Any, child: Any) -> None:
        my_task = child.parent
        if self._instances_done(my_task, child):
            for other in self._instance_tasks(my_task):
                if not other.has_state(TaskState.FINISHED_MASK):
                    other.cancel()
            self._finish(my_task)
        elif self.children_complete(my_task):
            self._finish(my_task)


class SequentialInstances(_StandardInstances, SequentialMultiInstanceTask):
    """A sequential multi-instance activity (``isSequential="true"``)."""

    def merge_child(self, workflow: Any, child: Any) -> None:
        my_task = child.parent
        if self._instances_done(my_task, child) or self.children_complete(my_task):
            self._finish(my_task)
        else:
            self.add_next_child(my_task)


class _BehaviourParser:
    """Reads the activity's ``behavior`` and its signal (:mod:`.mi_behaviour`)."""

    task: Any

    def _add_multiinstance_task(self, loop_characteristics: Any) -> None:
        super()._add_multiinstance_task(loop_characteristics)  # type: ignore[misc]
        self.task.behaviour = loop_characteristics.get("behavior", "All")
        self.task.behaviour_signal = behaviour_signal(loop_characteristics)
        self.task.behaviour_rules = behaviour_rules(loop_characteristics)


def with_standard_loops(
    parser_classes: dict[str, tuple[type, type]],
) -> dict[str, tuple[type, type]]:
    """The same parsers, building these multi-instance classes (Spiff's class attributes)."""
    return {
        tag: (
            type(
                parser.__name__,
                (_BehaviourParser, parser),
                {
                    "PARALLEL_MI_CLASS": ParallelInstances,
                    "SEQUENTIAL_MI_CLASS": SequentialInstances,
                },
            ),
            spec,
        )
        for tag, (parser, spec) in parser_classes.items()
    }

"""Data associations through a task's ioSpecification, BPMN 2.0 §10.4.1 (Data
Associations) and §10.4.4 (Data Input / Data Output).

A data input association copies a data object into one of the task's data inputs, a
data output association copies one of its data outputs into a data object: the task
sees ``Data_Input_End``, not the data object's id. SpiffWorkflow copies by the data
object's id only, so a task whose ioSpecification names its data inputs and outputs
misses them. Each such association gets its own data object spec that also knows the
task's side, and copies between the two names.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from SpiffWorkflow.bpmn.parser.node_parser import NodeParser
from SpiffWorkflow.bpmn.serializer.helpers.spec import BpmnDataSpecificationConverter
from SpiffWorkflow.bpmn.specs.data_spec import DataObject

__all__ = ["MappedDataObject", "MappedDataObjectConverter", "with_mapped_data"]


class MappedDataObject(DataObject):
    """A data object read into, or written from, the task's data input/output ``task_side``."""

    def __init__(self, bpmn_id: str, bpmn_name: str | None = None, task_side: str = "") -> None:
        super().__init__(bpmn_id, bpmn_name)
        self.task_side = task_side

    def get(self, my_task: Any) -> None:
        super().get(my_task)
        my_task.data[self.task_side] = deepcopy(my_task.data[self.bpmn_id])

    def set(self, my_task: Any) -> None:
        if self.task_side in my_task.data:
            my_task.data[self.bpmn_id] = my_task.data[self.task_side]
        super().set(my_task)


class MappedDataObjectConverter(BpmnDataSpecificationConverter):
    def to_dict(self, data_spec: MappedDataObject) -> dict[str, Any]:
        return {**super().to_dict(data_spec), "task_side": data_spec.task_side}

    def from_dict(self, dct: dict[str, Any]) -> MappedDataObject:
        return MappedDataObject(**dct)


class _MappedDataParser(NodeParser):
    """Data associations of a task with an ioSpecification, mapped to its own names."""

    def parse_incoming_data_references(self) -> list[Any]:
        return self._mapped(
            "dataInputAssociation", "targetRef", super().parse_incoming_data_references()
        )

    def parse_outgoing_data_references(self) -> list[Any]:
        return self._mapped(
            "dataOutputAssociation", "sourceRef", super().parse_outgoing_data_references()
        )

    def _mapped(self, tag: str, side: str, specs: list[Any]) -> list[Any]:
        if not self.xpath("./bpmn:ioSpecification"):
            return specs
        sides = [
            (association.findtext(f"bpmn:{side}", namespaces=self.nsmap) or "").strip()
            for association in self.xpath(f"./bpmn:{tag}")
        ]
        return [
            MappedDataObject(spec.bpmn_id, spec.bpmn_name, task_side)
            if isinstance(spec, DataObject) and task_side
            else spec
            for spec, task_side in zip(specs, sides, strict=False)
        ]


def with_mapped_data(parser_classes: dict[str, tuple[type, type]]) -> dict[str, tuple[type, type]]:
    """The same parsers, mapping data associations through the task's ioSpecification."""
    return {
        tag: (type(parser.__name__, (_MappedDataParser, parser), {}), spec)
        for tag, (parser, spec) in parser_classes.items()
    }

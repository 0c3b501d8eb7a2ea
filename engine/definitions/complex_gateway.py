"""Complex gateways, which SpiffWorkflow does not parse, as BPMN 2.0 §10.6.5 and §13.3.5 run them.

* Diverging (several outgoing flows): each outgoing flow whose condition holds gets a
  token, the default flow when none holds: what an inclusive gateway does, so before
  Spiff's parser sees the file the gateway becomes one (unconditional flows always
  taken, as :mod:`.implicit_splits` writes them).
* Converging (several incoming flows): the gateway waits until its
  ``activationCondition`` holds over ``activationCount``, the number of tokens that
  have arrived, and then lets one token through. Tokens arriving later, up to one per
  incoming flow in all, are consumed without passing (§13.3.5: the gateway is reset
  once every incoming flow had its token), as the structured discriminator
  (``${activationCount >= 1}``: the first branch to finish goes on) needs.

A complex gateway that both joins and splits is refused by validation.
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.task_parsers import GatewayParser
from SpiffWorkflow.bpmn.serializer.default.task_spec import ParallelGatewayConverter
from SpiffWorkflow.bpmn.specs.mixins.bpmn_spec_mixin import BpmnSpecMixin
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.util.task import TaskState

from engine.definitions.dialect import BPMN_NS, NSMAP, expression_of

__all__ = [
    "ComplexJoin",
    "ComplexJoinConverter",
    "ComplexJoinParser",
    "joins_and_splits",
    "prepare_complex_gateways",
]

_ROUND = "complex_round"
"""Internal data of the task that let a token through: tokens the gateway has taken
in this round (it closes at one per incoming flow)."""


def prepare_complex_gateways(root: etree._Element) -> None:
    """Make each diverging complex gateway the inclusive gateway it acts as (in place),
    and put a joining one's activation condition in Python."""
    for gateway in list(root.iter(f"{{{BPMN_NS}}}complexGateway")):
        outgoing = _flows(gateway, "sourceRef")
        if len(outgoing) > 1:
            _as_inclusive(gateway, outgoing)
            continue
        condition = gateway.find("bpmn:activationCondition", NSMAP)
        if condition is not None:
            condition.text = expression_of(condition.text) or (condition.text or "").strip()


def joins_and_splits(gateway: etree._Element) -> bool:
    """Whether a complex gateway has several incoming and several outgoing flows."""
    return len(_flows(gateway, "sourceRef")) > 1 and len(_flows(gateway, "targetRef")) > 1


def _flows(gateway: etree._Element, end: str) -> list[etree._Element]:
    parent = gateway.getparent()
    if parent is None:
        return []
    return [
        flow
        for flow in parent.iterfind("bpmn:sequenceFlow", NSMAP)
        if flow.get(end) == gateway.get("id")
    ]


def _as_inclusive(gateway: etree._Element, outgoing: list[etree._Element]) -> None:
    gateway.tag = f"{{{BPMN_NS}}}inclusiveGateway"
    default = gateway.get("default")
    for flow in outgoing:
        if flow.get("id") != default and flow.find("bpmn:conditionExpression", NSMAP) is None:
            etree.SubElement(flow, f"{{{BPMN_NS}}}conditionExpression").text = "True"


class ComplexJoin(UnstructuredJoin, BpmnSpecMixin):
    """A converging complex gateway: one token through once its activation condition holds."""

    def __init__(
        self, wf_spec: Any, bpmn_id: str, activation_condition: str | None = None, **kw: Any
    ) -> None:
        super().__init__(wf_spec, bpmn_id, **kw)
        self.activation_condition = activation_condition

    def _update_hook(self, my_task: Any) -> bool:
        open_round = self._open_round(my_task)
        if open_round is not None:
            self._consume(open_round, my_task)
            return False
        waiting = [
            t
            for t in my_task.workflow.tasks.values()
            if t.task_spec == self and t is not my_task and t.state == TaskState.WAITING
        ]
        arrived = 1 + sum(t.internal_data.get("arrived", 1) for t in waiting)
        for task in waiting:  # only the latest arrival waits, as in Spiff's joins
            task.cancel()
        my_task.internal_data["arrived"] = arrived
        if not self._activated(my_task, arrived):
            my_task._set_state(TaskState.WAITING)
            return False
        if arrived < len(self.inputs):
            my_task.internal_data[_ROUND] = arrived
        my_task._inherit_data()
        return True

    def _activated(self, my_task: Any, arrived: int) -> bool:
        if not self.activation_condition:
            return arrived >= len(self.inputs)
        engine = my_task.workflow.script_engine
        context = {"activationCount": arrived}
        return bool(engine.evaluate(my_task, self.activation_condition, external_context=context))

    def _open_round(self, my_task: Any) -> Any:
        """The task of this gateway that let a token through and still expects others."""
        for task in my_task.workflow.tasks.values():
            if task.task_spec == self and task is not my_task and _ROUND in task.internal_data:
                return task
        return None

    def _consume(self, open_round: Any, my_task: Any) -> None:
        taken = open_round.internal_data[_ROUND] + 1
        if taken >= len(self.inputs):
            del open_round.internal_data[_ROUND]
        else:
            open_round.internal_data[_ROUND] = taken
        my_task.cancel()


class ComplexJoinParser(GatewayParser):
    def create_task(self) -> ComplexJoin:
        condition = self.node.find("bpmn:activationCondition", NSMAP)
        text = condition.text.strip() if condition is not None and condition.text else None
        return self.spec_class(
            self.spec, self.bpmn_id, activation_condition=text, **self.bpmn_attributes
        )


class ComplexJoinConverter(ParallelGatewayConverter):
    def to_dict(self, spec: ComplexJoin) -> dict[str, Any]:
        return {**super().to_dict(spec), "activation_condition": spec.activation_condition}

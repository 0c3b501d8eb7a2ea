"""The events a multi-instance activity throws as its instances complete (its ``behavior``).

BPMN 2.0 §10.3.6 (Table 10.29): with ``behavior="None"`` the event definition that
``noneBehaviorEventRef`` names is thrown each time an instance completes; with
``"One"`` the one ``oneBehaviorEventRef`` names, when the first instance completes;
with ``"Complex"`` the event of each ``complexBehaviorDefinition`` whose condition
holds as an instance completes (over the instance attributes the completion condition
sees); with ``"All"`` (the default) none. They are thrown by the activity about itself, for
its own boundary events: those events report progress and do not end the activity,
whose token still leaves once its instances are done, so a boundary event catching a
behaviour event takes its flow without cancelling the activity, once per throw.
SpiffWorkflow reads none of this; only signals are supported as behaviour events.
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.serializer.default.task_spec import MultiInstanceTaskConverter
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.util.task import TaskState

from engine.definitions.dialect import BPMN_NS, NSMAP

__all__ = [
    "BehaviourConverter",
    "behaviour_rules",
    "behaviour_signal",
    "non_interrupting_behaviour_catchers",
    "throw_behaviour_event",
]

_WAITING = TaskState.WAITING
_REFS = {"None": "noneBehaviorEventRef", "One": "oneBehaviorEventRef"}


def behaviour_signal(loop: etree._Element) -> str | None:
    """The name of the signal a multi-instance activity throws per its behaviour, if any."""
    attribute = _REFS.get(loop.get("behavior", "All"))
    reference = loop.get(attribute) if attribute else None
    if not reference:
        return None
    root = loop.getroottree().getroot()
    found = root.xpath("//bpmn:signalEventDefinition[@id=$id]", namespaces=NSMAP, id=reference)
    return _signal_name(loop, found[0].get("signalRef") if found else None)


def behaviour_rules(loop: etree._Element) -> list[list[str]]:
    """``behavior="Complex"``: (condition, signal name) of each complexBehaviorDefinition
    whose event throws a signal."""
    if loop.get("behavior") != "Complex":
        return []
    rules = []
    for definition in loop.iterfind("bpmn:complexBehaviorDefinition", NSMAP):
        condition = (definition.findtext("bpmn:condition", "", NSMAP) or "").strip()
        signal = definition.find("bpmn:event/bpmn:signalEventDefinition", NSMAP)
        name = _signal_name(loop, signal.get("signalRef")) if signal is not None else None
        if condition and name:
            rules.append([condition, name])
    return rules


def _signal_name(loop: etree._Element, signal_id: str | None) -> str | None:
    root = loop.getroottree().getroot()
    signals = root.xpath("//bpmn:signal[@id=$id]", namespaces=NSMAP, id=signal_id or "")
    return (signals[0].get("name") or signal_id) if signals else signal_id


def non_interrupting_behaviour_catchers(root: etree._Element) -> None:
    """Make each boundary event catching its activity's behaviour signal non-interrupting."""
    for loop in list(root.iter(f"{{{BPMN_NS}}}multiInstanceLoopCharacteristics")):
        activity = loop.getparent()
        throws = behaviour_signal(loop) is not None or behaviour_rules(loop)
        if not throws or activity is None or activity.getparent() is None:
            continue
        scope = activity.getparent()
        attached = scope.xpath(
            "bpmn:boundaryEvent[@attachedToRef=$id]", namespaces=NSMAP, id=activity.get("id")
        )
        for boundary in attached:
            if boundary.find("bpmn:signalEventDefinition", NSMAP) is not None:
                boundary.set("cancelActivity", "false")


def throw_behaviour_event(spec: Any, my_task: Any, child: Any, attributes: dict[str, Any]) -> None:
    """After the instance ``child`` completed: fire the boundary events that catch the
    behaviour signals the behaviour throws now (``attributes``: the instance attributes)."""
    for signal in _thrown_now(spec, my_task, child, attributes):
        _fire_catchers(my_task, signal)


def _thrown_now(spec: Any, my_task: Any, child: Any, attributes: dict[str, Any]) -> list[str]:
    behaviour = getattr(spec, "behaviour", "All")
    if behaviour == "Complex":
        engine = my_task.workflow.script_engine
        return [
            signal
            for condition, signal in getattr(spec, "behaviour_rules", [])
            if engine.evaluate(child, condition, external_context=attributes)
        ]
    signal = getattr(spec, "behaviour_signal", None)
    if signal is None or (behaviour == "One" and attributes["numberOfCompletedInstances"] != 1):
        return []
    return [signal]


def _fire_catchers(my_task: Any, signal: str) -> None:
    split = my_task.parent
    specs = dict.fromkeys(c.task_spec for c in split.children if _catches(c.task_spec, signal))
    for catcher_spec in specs:
        waiting = [c for c in split.children if c.task_spec is catcher_spec and c.state == _WAITING]
        catcher = waiting[0] if waiting else _rearm(split, catcher_spec)
        catcher.task_spec.catch(catcher, BpmnEvent(catcher_spec.event_definition))
        catcher.task_spec._update(catcher)


def _catches(task_spec: Any, signal: str) -> bool:
    return (
        isinstance(task_spec, BoundaryEvent)
        and isinstance(task_spec.event_definition, SignalEventDefinition)
        and task_spec.event_definition.name == signal
    )


def _rearm(split: Any, catcher_spec: Any) -> Any:
    """A new waiting boundary event beside the one that already fired."""
    catcher = split._add_child(catcher_spec, TaskState.WAITING)
    catcher._sync_children(catcher_spec.outputs, TaskState.FUTURE)
    for child in catcher.children:
        child.task_spec._predict(child, mask=TaskState.FUTURE | TaskState.PREDICTED_MASK)
    return catcher


class BehaviourConverter(MultiInstanceTaskConverter):
    """Spiff's multi-instance converter, keeping the behaviour and its signal."""

    def to_dict(self, spec: Any) -> dict[str, Any]:
        return {
            **super().to_dict(spec),
            "behaviour": getattr(spec, "behaviour", "All"),
            "behaviour_signal": getattr(spec, "behaviour_signal", None),
            "behaviour_rules": getattr(spec, "behaviour_rules", []),
        }

    def from_dict(self, dct: dict[str, Any]) -> Any:
        behaviour, signal = dct.pop("behaviour", "All"), dct.pop("behaviour_signal", None)
        rules = dct.pop("behaviour_rules", [])
        spec = super().from_dict(dct)
        spec.behaviour, spec.behaviour_signal, spec.behaviour_rules = behaviour, signal, rules
        return spec

"""Global tasks a call activity calls, as BPMN 2.0 §10.2.2 (Global Task) and §10.3.4
(Call Activity) have them.

A global task is a task defined once at the top of the definitions, reusable by call
activities. SpiffWorkflow calls only processes, so as a file is read, before it is
checked, each global task becomes the one-task process it means: start event, the
task (a ``globalScriptTask`` becomes a ``scriptTask`` with the same script, and so on),
end event. The process keeps the global task's id, name, line and interface.
"""

from __future__ import annotations

from lxml import etree

from engine.definitions.dialect import BPMN_NS

__all__ = ["global_tasks_as_processes"]

_INTERFACE = {"supportedInterfaceRef", "ioSpecification", "ioBinding"}
"""What a global task has as a callable element (§10.2.2): it stays on the process, which
a call activity's own ioSpecification must match."""

_TASK_OF = {
    "globalTask": "task",
    "globalScriptTask": "scriptTask",
    "globalUserTask": "userTask",
    "globalManualTask": "manualTask",
    "globalBusinessRuleTask": "businessRuleTask",
}


def global_tasks_as_processes(root: etree._Element) -> None:
    """Replace each global task of ``root`` by an executable one-task process."""
    for global_kind, task_kind in _TASK_OF.items():
        for global_task in list(root.iterfind(f"{{{BPMN_NS}}}{global_kind}")):
            _as_process(global_task, task_kind)


def _as_process(global_task: etree._Element, task_kind: str) -> None:
    process_id = global_task.get("id") or ""
    task = etree.Element(f"{{{BPMN_NS}}}{task_kind}", dict(global_task.attrib))
    task.set("id", f"{process_id}_task")
    interface = [
        child
        for child in global_task.iterchildren(etree.Element)
        if etree.QName(child).localname in _INTERFACE
    ]
    task.extend([child for child in global_task if child not in interface])
    global_task.attrib.clear()
    global_task.tag = f"{{{BPMN_NS}}}process"
    global_task.attrib.update(
        {"id": process_id, "isExecutable": "true", "name": task.get("name") or process_id}
    )
    start = _bpmn(global_task, "startEvent", id=f"{process_id}_start")
    global_task.append(task)
    end = _bpmn(global_task, "endEvent", id=f"{process_id}_end")
    for source, target in ((start, task), (task, end)):
        _bpmn(
            global_task,
            "sequenceFlow",
            id=f"{source.get('id')}_to_{target.get('id')}",
            sourceRef=source.get("id"),
            targetRef=target.get("id"),
        )
    for element in global_task.iter(etree.Element):
        element.sourceline = element.sourceline or global_task.sourceline


def _bpmn(parent: etree._Element, kind: str, **attributes: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{BPMN_NS}}}{kind}", attributes)

"""Data associations through a task's ioSpecification, BPMN 2.0 §10.4.1 (Data
Associations) and §10.4.4: a data output association copies the task's data output into
the data object; a data input association copies the data object into the task's data
input, which is the name the task reads."""

from __future__ import annotations

from bpmn_text import process

from engine.api import Engine

WRITE_THEN_READ = process(
    "data_mapping",
    """    <bpmn:dataObject id="register"/>
    <bpmn:dataObjectReference id="register_ref" dataObjectRef="register"/>
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="write"/>
    <bpmn:scriptTask id="write" scriptFormat="python">
      <bpmn:ioSpecification>
        <bpmn:dataOutput id="written"/>
        <bpmn:inputSet/>
        <bpmn:outputSet><bpmn:dataOutputRefs>written</bpmn:dataOutputRefs></bpmn:outputSet>
      </bpmn:ioSpecification>
      <bpmn:dataOutputAssociation id="out">
        <bpmn:sourceRef>written</bpmn:sourceRef><bpmn:targetRef>register_ref</bpmn:targetRef>
      </bpmn:dataOutputAssociation>
      <bpmn:script>written = "land register"</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f1" sourceRef="write" targetRef="read"/>
    <bpmn:scriptTask id="read" scriptFormat="python">
      <bpmn:ioSpecification>
        <bpmn:dataInput id="to_read"/>
        <bpmn:inputSet><bpmn:dataInputRefs>to_read</bpmn:dataInputRefs></bpmn:inputSet>
        <bpmn:outputSet/>
      </bpmn:ioSpecification>
      <bpmn:dataInputAssociation id="in">
        <bpmn:sourceRef>register_ref</bpmn:sourceRef><bpmn:targetRef>to_read</bpmn:targetRef>
      </bpmn:dataInputAssociation>
      <bpmn:script>seen = to_read</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="read" targetRef="review"/>
    <bpmn:userTask id="review"/>
    <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end"/>
    <bpmn:endEvent id="end"/>""",
)


def test_a_data_object_goes_from_a_data_output_to_a_data_input(engine: Engine) -> None:
    engine.deploy({"data_mapping.bpmn": WRITE_THEN_READ}, actor="tester")

    started = engine.start("data_mapping", {}, actor="tester")

    assert started.status == "running", started.incidents
    assert started.data["seen"] == "land register"
    assert [t.element_id for t in started.open_tasks] == ["review"]

"""Ad-hoc subprocesses as BPMN 2.0 §10.3.5 (Ad-Hoc Sub-Process) describes them,
through the Engine's public API."""

from __future__ import annotations

from bpmn_text import process

from engine.api import Engine


def test_a_sequential_ad_hoc_subprocess_runs_its_activities_one_at_a_time_then_ends(
    engine: Engine, deploy
):
    """§10.3.5: ordering="Sequential" runs one activity at a time; without a
    completionCondition the subprocess ends once its activities are done."""
    deploy("ad_hoc.bpmn")

    started = engine.start("ad_hoc_sequential", {"done": []}, actor="tester")

    assert [t.element_id for t in started.open_tasks] == ["s_after"]
    assert started.data["done"] == ["first", "second"]


def test_the_activities_of_an_ad_hoc_subprocess_share_its_data_objects(engine: Engine):
    """§10.3.5 and §10.4.1 (Data Objects): a data object of an ad-hoc subprocess is
    visible to its activities through their data associations; what one writes, the
    next reads."""
    engine.deploy(
        {
            "ad_hoc_data.bpmn": process(
                "ad_hoc_data",
                """    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="work"/>
    <bpmn:adHocSubProcess id="work" ordering="Sequential">
      <bpmn:dataObject id="counter"/>
      <bpmn:dataObjectReference id="counter_ref" dataObjectRef="counter"/>
      <bpmn:scriptTask id="count">
        <bpmn:dataOutputAssociation id="o1"><bpmn:targetRef>counter_ref</bpmn:targetRef>
        </bpmn:dataOutputAssociation>
        <bpmn:script>counter = 1</bpmn:script>
      </bpmn:scriptTask>
      <bpmn:scriptTask id="read">
        <bpmn:property id="read_in" name="__targetRef_placeholder"/>
        <bpmn:dataInputAssociation id="i1"><bpmn:sourceRef>counter_ref</bpmn:sourceRef>
          <bpmn:targetRef>read_in</bpmn:targetRef></bpmn:dataInputAssociation>
        <bpmn:script>seen = counter + 1</bpmn:script>
      </bpmn:scriptTask>
    </bpmn:adHocSubProcess>
    <bpmn:sequenceFlow id="f1" sourceRef="work" targetRef="after"/>
    <bpmn:userTask id="after"/>
    <bpmn:sequenceFlow id="f2" sourceRef="after" targetRef="end"/>
    <bpmn:endEvent id="end"/>""",
            )
        },
        actor="tester",
    )

    started = engine.start("ad_hoc_data", {}, actor="tester")

    assert started.incidents == []
    assert [t.element_id for t in started.open_tasks] == ["after"]
    assert started.data["seen"] == 2

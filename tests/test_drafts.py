"""Designers' drafts, deployments with a change note, and what counts as unchanged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.api import Engine
from engine.errors import InvalidInput

PROCESSES = Path(__file__).parent.parent / "processes"
FEEDBACK = PROCESSES / "public_feedback.bpmn"


def reserialised(xml: str) -> str:
    """``xml`` as a modeler writes it back: other quotes and spacing, another exporter,
    attributes in another order, a shape moved."""
    xml = xml.replace("<?xml version='1.0' encoding='UTF-8'?>", '<?xml version="1.0"?>')
    xml = re.sub(r"(<[^<>]*?)\s*/>", r"\1 />", xml)
    xml = re.sub(r'exporterVersion="[^"]*"', 'exporterVersion="18.31.1"', xml)
    xml = re.sub(
        r'<dc:Bounds x="(\d+)"', lambda m: f'<dc:Bounds x="{int(m[1]) + 40}"', xml, count=1
    )
    return re.sub(r'<bpmn:userTask (id="\w+") (name="[^"]*")', r"<bpmn:userTask \2 \1", xml)


def test_a_draft_is_kept_per_designer_and_saved_over(plan_engine: Engine) -> None:
    xml = FEEDBACK.read_text()
    plan_engine.save_draft(xml, "itc.designer")
    plan_engine.save_draft(xml.replace("II.8 ", "II.8 (draft) "), "itc.designer")
    plan_engine.save_draft(xml, "admin")
    mine = plan_engine.draft("public_feedback", "itc.designer")
    assert mine is not None and "(draft)" in mine.xml
    theirs = plan_engine.draft("public_feedback", "admin")
    assert theirs is not None and "(draft)" not in theirs.xml
    assert plan_engine.draft("public_feedback", "itc.staff") is None
    assert plan_engine.definitions() == []  # a draft is never a version


@pytest.mark.parametrize("xml", ["not xml", "<a/>", "<?xml version='1.0'?><!DOCTYPE x><x/>"])
def test_a_draft_must_be_bpmn_with_a_process(plan_engine: Engine, xml: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        plan_engine.save_draft(xml, "itc.designer")
    assert refused.value.details["field"] == "xml"


def test_a_definition_written_another_way_deploys_as_unchanged(plan_engine: Engine) -> None:
    xml = FEEDBACK.read_text()
    plan_engine.deploy({"public_feedback.bpmn": xml.encode()}, actor="itc.designer")
    again = reserialised(xml)
    assert again != xml
    result = plan_engine.deploy({"modeler.bpmn": again.encode()}, actor="itc.designer")
    assert result.created == []
    assert ("public_feedback", 1) in result.unchanged


def test_a_changed_name_is_a_new_version_with_its_note_and_author(plan_engine: Engine) -> None:
    xml = FEEDBACK.read_text()
    plan_engine.deploy({"public_feedback.bpmn": xml.encode()}, actor="itc.designer")
    changed = reserialised(xml).replace("Tiếp nhận ý kiến", "Nhận ý kiến", 1)
    result = plan_engine.deploy(
        {"public_feedback.bpmn": changed.encode()}, actor="admin", note="shorter name"
    )
    assert ("public_feedback", 2) in result.created
    versions = {(d.process_key, d.version): d for d in plan_engine.definition_page().items}
    assert versions["public_feedback", 2].note == "shorter name"
    assert versions["public_feedback", 2].deployed_by == "admin"
    assert versions["public_feedback", 1].note is None


def test_event_names_are_those_other_processes_use(plan_engine: Engine) -> None:
    plan_engine.deploy(
        {p.name: p.read_bytes() for p in PROCESSES.glob("*.bpmn")}, actor="itc.designer"
    )
    names = plan_engine.event_names(besides="sharing_service_publication")
    assert "database_live" in names["message"]  # database_in_operation sends it
    assert "portal_acknowledgement" in names["message"]
    assert names["message"] == sorted(names["message"])

"""The comparison of two versions' XML (engine/definitions/version_diff.py): which
elements were added, removed or changed, and which of their properties."""

from __future__ import annotations

from pathlib import Path

import pytest
from version_models import V1, V2

from engine.definitions.version_diff import PropertyChange, diff_versions
from engine.errors import InvalidDefinition

PROCESSES = sorted((Path(__file__).parent.parent / "processes").glob("*.bpmn"))


@pytest.mark.parametrize("path", PROCESSES, ids=lambda path: path.stem)
def test_a_shipped_process_against_itself_has_no_change(path: Path) -> None:
    xml = path.read_text(encoding="utf-8")
    assert diff_versions(xml, xml).changes == ()


def test_elements_added_removed_and_changed() -> None:
    diff = diff_versions(V1.decode(), V2.decode())
    assert (diff.ids("removed"), diff.ids("changed"), diff.ids("added")) == (
        ["sign", "f2"],
        ["f1"],
        ["check", "f3"],
    )
    (flow,) = [change for change in diff.changes if change.kind == "changed"]
    assert flow.properties == (PropertyChange("targetRef", "sign", "check"),)
    check = {p.name: p.new for p in diff.changes[-2].properties}
    assert check == {
        "name": "Check the draft",
        "camunda:candidateGroups": "NASATI",
        "camunda:dueDate": "${add_working_days(now(), 5)}",
        "formField[remarks].label": "Remarks",
        "formField[remarks].type": "string",
    }


def test_timers_scripts_and_form_constraints_are_properties() -> None:
    path = next(p for p in PROCESSES if p.stem == "default_sharing_catalogue")
    old = path.read_text(encoding="utf-8")
    new = (
        old.replace("R10/2021-01-01T00:00:00+07:00/P6M", "R10/2021-01-01T00:00:00+07:00/P3M")
        .replace('units = units_of("DBO")', 'units = units_of("DBO:NOIP")')
        .replace('name="maxlength" config="4000"', 'name="maxlength" config="2000"', 1)
    )
    changed = {
        change.element_id: change.properties
        for change in diff_versions(old, new).changes
        if change.kind == "changed"
    }
    assert changed["cycle_start"] == (
        PropertyChange(
            "timerEventDefinition.timeCycle",
            "R10/2021-01-01T00:00:00+07:00/P6M",
            "R10/2021-01-01T00:00:00+07:00/P3M",
        ),
    )
    assert changed["ask_units"] == (
        PropertyChange("script", 'units = units_of("DBO")', 'units = units_of("DBO:NOIP")'),
    )
    assert changed["propose"] == (
        PropertyChange("formField[changes].constraint[maxlength].config", "4000", "2000"),
    )


def test_a_bare_constraint_counts_as_a_property() -> None:
    required = '<camunda:constraint name="required"/>'
    with_required = V2.decode().replace(
        'type="string"/>',
        f'type="string"><camunda:validation>{required}</camunda:validation></camunda:formField>',
    )
    (change,) = diff_versions(V2.decode(), with_required).changes
    assert change.properties == (
        PropertyChange("formField[remarks].constraint[required]", None, ""),
    )


def test_a_version_that_is_not_xml_is_an_invalid_definition() -> None:
    with pytest.raises(InvalidDefinition):
        diff_versions(V1.decode(), "<bpmn:definitions")

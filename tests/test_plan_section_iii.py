"""Section III of the decision: I.2's yearly update (III.1.b), III.2's cooperating
units (tests/test_plan_yearly.py) and the Planning and Finance Department's funding
of the plan (III.3), each a yearly process that calls the shared decision process."""

from __future__ import annotations

import pytest
import yaml
from plan_driving import (
    PROCESSES,
    before,
    complete_each,
    complete_one,
    deploy_processes,
    local,
    open_tasks,
    organisation_set,
    plan_tasks,
    product_of,
)

from engine.api import Engine

YEAR = 2022
CASES = [
    # process, lead, cooperating, decision due (by the end of the working day before)
    ("yearly_database_catalogue", "ITC", organisation_set("DBO"), before(YEAR + 1, 1, 1)),
    ("yearly_plan_funding", "PFD", ["ITC", *organisation_set("DBO")], before(YEAR, 3, 31)),
]


@pytest.mark.parametrize(("process", "lead", "cooperating", "due"), CASES)
def test_the_yearly_decision_runs_with_its_lead_cooperating_units_and_leadership(
    engine: Engine, process: str, lead: str, cooperating: list[str], due: object
) -> None:
    deploy_processes(engine, "one_off_decision", process)
    instance_id = engine.start(process, {"year": YEAR}, actor="scheduler").id
    complete_one(engine, instance_id, "draft", {"draft_summary": "v1"}, lead)
    contributions = complete_each(
        engine, instance_id, "contribute", lambda unit: {"contribution_text": unit}
    )
    assert sorted(t.unit for t in contributions) == sorted(cooperating)
    complete_one(engine, instance_id, "finalise", {"final_summary": "v2"}, lead)
    complete_one(engine, instance_id, "approve", {"decision": "approved"}, "LEAD")
    (issue,) = open_tasks(engine, instance_id, "issue")
    assert issue.unit == lead and local(issue.due_at) == due
    document = {"document_number": "9/QĐ", "signed_on": f"{YEAR}-03-01"}
    complete_one(engine, instance_id, "issue", document, lead)

    product = product_of(engine.instance(instance_id))
    assert (product["approved_by"], product["number"], product["missing"]) == ("LEAD", "9/QĐ", [])


def test_the_plan_names_the_yearly_update_and_the_funding() -> None:
    assert plan_tasks()["I.2"]["updated_by"] == "yearly_database_catalogue"
    duties = yaml.safe_load((PROCESSES / "plan_tasks.yaml").read_text(encoding="utf-8"))["duties"]
    assert duties["III.3"]["process"] == "yearly_plan_funding"
    assert duties["III.3"]["lead"] == "PFD"

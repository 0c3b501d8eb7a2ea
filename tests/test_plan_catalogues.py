"""I.3 (open data) and I.7 (shared by default): the 6-monthly catalogue review cycles."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from plan_driving import (
    HANOI,
    PROCESSES,
    before,
    complete_each,
    complete_one,
    deploy_processes,
    feed_catalogue,
    open_tasks,
)

from engine.api import Engine
from engine.clock import ManualClock

DBO = ["NASATI", "DBO:STAMEQ", "DBO:NOIP", "DBO:VARANS", "DBO:NATEC", "DBO:NAFOSTED"]
FIRST_HALF_2021 = {
    "year": 2021,
    "period_start": "2021-01-01T00:00:00+07:00",
    "period_end": "2021-07-01T00:00:00+07:00",
}
CATALOGUES = {"open_data_catalogue": "I.3", "default_sharing_catalogue": "I.7"}


def _proposal(unit: str) -> dict[str, object]:
    return {
        "proposal_document": f"12/{unit}",
        "has_changes": "true",
        "datasets_added": 2,
        "datasets_removed": 0,
        "datasets_amended": 1,
        "changes": f"{unit}: add two datasets",
    }


FEEDBACK = {"number": "7/BC-CNTT", "catalogue_changes": "Thêm dữ liệu sáng chế theo năm"}
DRAFT = {"draft_document": "TTr-45/CNTT", "datasets_total": 42}
PUBLISHED = {
    "decision_number": "1234/QĐ-BKHCN",
    "signed_on": "2021-02-10",
    "published_url": "https://most.gov.vn/danh-muc",
}


def _start_and_propose(engine: Engine, process: str) -> int:
    deploy_processes(engine, process)
    instance = engine.start(process, FIRST_HALF_2021, actor="periodic")
    if process == "open_data_catalogue":  # I.3 first takes II.8's consolidated feedback
        feed_catalogue(engine, instance.id, FEEDBACK)
    proposals = open_tasks(engine, instance.id, "propose")
    assert sorted(t.unit for t in proposals) == sorted(DBO)
    # by the end of the 15th working day after 1/1/2021 (itself a holiday): 22/1 17:00
    assert {t.due_at for t in proposals} == {datetime(2021, 1, 22, 17, tzinfo=HANOI)}
    complete_each(engine, instance.id, "propose", _proposal)
    return instance.id


@pytest.mark.parametrize("process", sorted(CATALOGUES))
def test_units_propose_itc_consolidates_lead_approves_itc_publishes(
    plan_engine: Engine, clock: ManualClock, process: str
) -> None:
    instance_id = _start_and_propose(plan_engine, process)
    (consolidate,) = open_tasks(plan_engine, instance_id, "consolidate")
    assert consolidate.unit == "ITC"
    assert consolidate.due_at == datetime(2021, 1, 18, 8, tzinfo=HANOI)  # 10 working days on
    data = plan_engine.instance(instance_id).data
    assert sorted(p["unit"] for p in data["proposals"]) == sorted(DBO)
    assert all(p["datasets_added"] == 2 and p["has_changes"] is True for p in data["proposals"])

    complete_one(plan_engine, instance_id, "consolidate", DRAFT, "ITC")
    (approve,) = open_tasks(plan_engine, instance_id, "approve")
    # by the end of the period: the end of its last working day, Wednesday 30/6 17:00
    assert (approve.unit, approve.due_at) == ("LEAD", before(2021, 7, 1))
    complete_one(plan_engine, instance_id, "approve", {"decision": "approved"}, "LEAD")
    clock.set(datetime(2021, 2, 11, 3, 0, tzinfo=UTC))
    complete_one(plan_engine, instance_id, "publish", PUBLISHED, "ITC")

    instance = plan_engine.instance(instance_id)
    assert instance.status == "completed"
    product = instance.data["product"]
    assert product["task"] == CATALOGUES[process]
    assert product["kind"] == "Minister's decision"
    assert product["number"] == instance.data["decision_number"] == "1234/QĐ-BKHCN"
    assert instance.data["published_on"] == product["published_on"] == "2021-02-11"
    assert len(product["proposals"]) == len(DBO)


@pytest.mark.parametrize("process", sorted(CATALOGUES))
def test_rejected_draft_goes_back_to_itc_with_the_comments(
    plan_engine: Engine, process: str
) -> None:
    instance_id = _start_and_propose(plan_engine, process)
    complete_one(plan_engine, instance_id, "consolidate", DRAFT, "ITC")
    rejection = {"decision": "rejected", "comments": "Thiếu dữ liệu đo lường"}
    complete_one(plan_engine, instance_id, "approve", rejection, "LEAD")

    assert open_tasks(plan_engine, instance_id, "publish") == []
    (again,) = open_tasks(plan_engine, instance_id, "consolidate")
    assert again.unit == "ITC"
    assert plan_engine.instance(instance_id).data["comments"] == "Thiếu dữ liệu đo lường"

    complete_one(plan_engine, instance_id, "consolidate", {**DRAFT, "datasets_total": 45}, "ITC")
    complete_one(plan_engine, instance_id, "approve", {"decision": "approved"}, "LEAD")
    complete_one(plan_engine, instance_id, "publish", PUBLISHED, "ITC")
    product = plan_engine.instance(instance_id).data["product"]
    assert product["datasets_total"] == 45


@pytest.mark.parametrize("process", sorted(CATALOGUES))
def test_the_cycle_is_every_six_months_from_2021_to_2025(process: str) -> None:
    text = (PROCESSES / f"{process}.bpmn").read_text(encoding="utf-8")
    cycles = re.findall(r"<bpmn:timeCycle[^>]*>([^<]*)<", text)
    assert cycles == ["R10/2021-01-01T00:00:00+07:00/P6M"]

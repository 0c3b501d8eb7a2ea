"""processes/plan_tasks.yaml maps every appendix task to a shipped process of its cadence."""

from __future__ import annotations

from pathlib import Path

from plan_driving import plan_tasks

from engine.api import read_files
from engine.definitions import load_models

PROCESSES = Path(__file__).resolve().parent.parent / "processes"
APPENDIX = [
    *(f"I.{n}" for n in range(1, 10)),
    *(f"II.{n}" for n in range(1, 9)),
    "III.1",
    "III.2",
    "IV.1",
    "IV.2",
]
CYCLE_OF = {"yearly": "/P1Y", "six_monthly": "/P6M"}


def _start_timers() -> dict[str, dict | None]:
    models = load_models(read_files([PROCESSES]))
    return {model.key: model.meta.get("start_timer") for model in models}


def test_all_21_appendix_tasks_are_mapped() -> None:
    assert sorted(plan_tasks()) == sorted(APPENDIX)


def test_each_task_runs_a_shipped_process_of_its_cadence() -> None:
    timers = _start_timers()
    for code, task in plan_tasks().items():
        assert task["process"] in timers, f"{code}: no process {task['process']}"
        start_timer = timers[task["process"]]
        if task["start"] in CYCLE_OF:
            assert start_timer is not None, code
            assert start_timer["kind"] == "timeCycle", code
            assert CYCLE_OF[task["start"]] in start_timer["expression"], code
        else:
            assert start_timer is None, f"{code} is started by hand or by an event"


def test_every_human_task_of_the_plan_has_a_due_date() -> None:
    """A wait on people without a deadline is never reminded, escalated or cut off."""
    undated = [
        f"{model.key}.{element_id}"
        for model in load_models(read_files([PROCESSES]))
        for element_id, task in model.meta["tasks"].items()
        if not task.get("due_date")
    ]
    assert undated == []


def _readme_rows() -> dict[str, list[str]]:
    """The rows of the table "The 21 tasks" in processes/README.md, by task code."""
    text = (PROCESSES / "README.md").read_text(encoding="utf-8")
    table = text.split("## The 21 tasks", 1)[1].split("\n\n| task |", 1)[1]
    rows = [line for line in table.splitlines()[2:] if line.startswith("| ")]
    return {
        cells[0]: cells for cells in ([c.strip() for c in r.strip("|").split("|")] for r in rows)
    }


def test_the_readme_table_names_each_task_its_process_and_its_lead() -> None:
    """processes/README.md's table of the 21 tasks (lead, cooperating, cadence, deadline,
    product, process, feeds) has one row per appendix task, naming the process that
    plan_tasks.yaml runs and, for the shared one-off process, the lead it is given."""
    rows = _readme_rows()
    assert sorted(rows) == sorted(APPENDIX)
    for code, task in plan_tasks().items():
        cells = rows[code]
        assert len(cells) == 8, code
        assert f"`{task['process']}`" in cells[6], code
        lead = task.get("variables", {}).get("lead_unit")
        if lead:
            assert cells[1] == lead, code

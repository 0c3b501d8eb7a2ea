"""A database with content on every page, as the demo has it: the shipped processes
deployed, this year's cycles running, a task claimed and one done with a document,
an incident, an overdue task escalated (so notifications), a suspended instance."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from bpmn_text import script_between_tasks
from live_site import PASSWORD

from engine.api import Engine, read_files
from engine.clock import ManualClock
from engine.demo import seed_demo_cycles
from engine.settings import Settings

PROCESSES = Path(__file__).parent.parent / "processes"
BPMN_DIR = Path(__file__).parent / "bpmn"
ROLES = {
    "staff": "itc.staff",
    "supervisor": "itc.head",
    "designer": "itc.designer",
    "admin": "admin",
}
"""One user of processes/units.yaml per role the pages tell apart."""


def plan_settings() -> Settings:
    """The settings with the shipped organisation and calendar, whatever the working
    directory."""
    return replace(
        Settings.from_env(),
        units_file=PROCESSES / "units.yaml",
        calendar_file=PROCESSES / "calendar.yaml",
    )


@dataclass(frozen=True)
class DemoWorld:
    incident_id: int
    suspended_id: int


def build_demo_world(engine: Engine, clock: ManualClock) -> DemoWorld:
    for username in ROLES.values():
        engine.set_password(username, PASSWORD)
    engine.deploy(read_files(sorted(PROCESSES.glob("*.bpmn"))), actor="itc.designer")
    engine.deploy(read_files([BPMN_DIR / "five_tasks.bpmn", BPMN_DIR / "report_upload.bpmn"]))
    engine.deploy({"split.bpmn": script_between_tasks("split", "share = 100 / parts")})
    seed_demo_cycles(engine)
    _work_a_report(engine)
    suspended = engine.start("five_tasks", actor="itc.head")
    engine.suspend(suspended.id, actor="itc.head")
    incident_id = _an_incident(engine)
    clock.set(clock.now() + timedelta(days=20))
    engine.tick()  # reminders and escalations of what is now late
    return DemoWorld(incident_id=incident_id, suspended_id=suspended.id)


def _work_a_report(engine: Engine) -> None:
    """One report done with its document, and a task claimed by itc.staff."""
    (task,) = engine.start("report_upload", actor="itc.head").open_tasks
    document = engine.attach(task.id, "báo cáo.pdf", b"%PDF-1.7 report", actor="itc.staff")
    data = {"report_number": "12/BC-TTCNTT", "report_file": document.id}
    engine.complete(task.id, data, actor="itc.staff")
    (step,) = engine.start("five_tasks", actor="itc.head").open_tasks
    engine.claim(step.id, actor="itc.staff")


def _an_incident(engine: Engine) -> int:
    (first,) = engine.start("split", {"parts": 0}, actor="itc.head").open_tasks
    instance = engine.complete(first.id, {}, actor="itc.staff")
    assert instance.status == "incident"
    return instance.id

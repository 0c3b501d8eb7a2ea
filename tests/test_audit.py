"""The audit log and users kept in the database, on SQLite and PostgreSQL.

Every administrative command writes one entry in its own transaction (none when it
fails); users come from units.yaml until an admin first changes one, and from the
database after, for every engine on that database.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from bpmn_text import script_between_tasks
from clients import PASSWORD

from engine.api import Engine, read_files
from engine.audit import AuditEntryView
from engine.errors import InvalidInput, NotFound
from engine.paging import PageRequest

TWO_UNITS = Path(__file__).parent / "bpmn" / "two_units_report.bpmn"


def _entries(engine: Engine) -> list[AuditEntryView]:
    """The whole log, oldest first."""
    return list(reversed(engine.audit_log(PageRequest(limit=200)).items))


def _said(engine: Engine) -> list[tuple[str, str, str]]:
    return [(e.actor, e.action, e.target) for e in _entries(engine)]


def test_account_commands_are_recorded_without_their_secrets(plan_engine: Engine) -> None:
    plan_engine.set_password("itc.staff", PASSWORD, actor="admin")
    plan_engine.change_password("itc.staff", PASSWORD, "another passphrase")
    plan_engine.end_sessions("itc.staff", actor="admin")
    token_id, token = plan_engine.create_token("itc.staff", "portal", actor="admin")
    plan_engine.revoke_token(token_id, actor="admin")

    assert _said(plan_engine) == [
        ("admin", "password_reset", "itc.staff"),
        ("itc.staff", "password_changed", "itc.staff"),
        ("admin", "sessions_ended", "itc.staff"),
        ("admin", "token_created", "itc.staff"),
        ("admin", "token_revoked", "itc.staff"),
    ]
    every_detail = repr([e.detail for e in _entries(plan_engine)])
    assert token not in every_detail and PASSWORD not in every_detail
    assert _entries(plan_engine)[3].detail == {"token_id": token_id, "name": "portal"}


def test_a_refused_command_leaves_no_entry(plan_engine: Engine) -> None:
    with pytest.raises(InvalidInput) as refused:
        plan_engine.set_password("itc.staff", "short", actor="admin")
    assert refused.value.details["field"] == "password"
    with pytest.raises(NotFound):
        plan_engine.revoke_token(12345, actor="admin")
    assert _entries(plan_engine) == []


def test_instance_commands_are_recorded(plan_engine: Engine) -> None:
    plan_engine.deploy(read_files([TWO_UNITS]), actor="itc.designer")
    plan_engine.deploy(read_files([TWO_UNITS]), actor="itc.designer")  # unchanged: no entry
    instance = plan_engine.start("two_units_report", actor="itc.head")
    tasks = {task.unit: task.id for task in instance.open_tasks}
    plan_engine.assign(tasks["NASATI"], "nasati.staff", actor="nasati.head")
    plan_engine.unclaim(tasks["NASATI"], actor="itc.head", claimant="nasati.staff")
    plan_engine.claim(tasks["PFD"], actor="pfd.staff")
    plan_engine.unclaim(tasks["PFD"], actor="pfd.staff")  # one's own claim: no entry
    plan_engine.suspend(instance.id, actor="itc.head")
    plan_engine.resume(instance.id, actor="itc.head")
    plan_engine.cancel(instance.id, actor="itc.head")

    assert _said(plan_engine) == [
        ("itc.designer", "deployed", "two_units_report v1"),
        ("nasati.head", "task_assigned", f"task {tasks['NASATI']}"),
        ("itc.head", "claim_released", f"task {tasks['NASATI']}"),
        ("itc.head", "instance_suspended", f"instance #{instance.id}"),
        ("itc.head", "instance_resumed", f"instance #{instance.id}"),
        ("itc.head", "instance_cancelled", f"instance #{instance.id}"),
    ]
    assert _entries(plan_engine)[1].detail == {"assignee": "nasati.staff"}
    assert _entries(plan_engine)[2].detail == {"claimant": "nasati.staff"}


def test_retries_and_migrations_are_recorded(plan_engine: Engine) -> None:
    plan_engine.deploy({"split.bpmn": script_between_tasks("split", "share = 100 / parts")})
    (first,) = plan_engine.start("split", {"parts": 0}, actor="an").open_tasks
    instance = plan_engine.complete(first.id, {}, actor="an")
    assert instance.status == "incident"
    plan_engine.retry(instance.id, {"parts": 4}, actor="itc.head")
    plan_engine.deploy({"split.bpmn": script_between_tasks("split", "share = 50 / parts")})
    plan_engine.migrate("split", 1, dry_run=True, actor="itc.designer")  # changes nothing
    plan_engine.migrate("split", 1, actor="itc.designer")

    retried, _, migrated = _entries(plan_engine)[1:]
    assert (retried.action, retried.target) == ("incident_retried", f"instance #{instance.id}")
    assert retried.detail == {"succeeded": True, "changed": ["parts"]}
    assert (migrated.action, migrated.target) == ("instances_migrated", "split v1 → v2")
    assert migrated.detail["moved"] == [instance.id]


def test_the_log_pages_newest_first_without_gaps_or_repeats(plan_engine: Engine) -> None:
    for _ in range(5):
        plan_engine.end_sessions("itc.staff", actor="admin")
    first = plan_engine.audit_log(PageRequest(limit=2))
    second = plan_engine.audit_log(PageRequest.parse(first.next_cursor, 2))
    third = plan_engine.audit_log(PageRequest.parse(second.next_cursor, 2))
    ids = [e.id for page in (first, second, third) for e in page.items]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 5
    assert third.next_cursor is None
    back = plan_engine.audit_log(PageRequest.parse(second.previous_cursor, 2))
    assert [e.id for e in back.items] == [e.id for e in first.items]


def test_users_come_from_the_database_once_an_admin_changes_one(
    plan_engine: Engine, db_url: str
) -> None:
    staff = plan_engine.user("itc.staff")
    assert staff is not None and "ITC" in staff.units
    other_process = Engine(db_url, clock=plan_engine.clock, settings=plan_engine.settings)
    try:
        plan_engine.update_user(
            replace(staff, units=("LEGAL",), roles=("staff", "supervisor")), actor="admin"
        )

        for engine in (plan_engine, other_process):  # another process sees it too
            changed = engine.user("itc.staff")
            assert changed is not None and changed.units == ("LEGAL",)
            members = [u.username for u in engine.organisation.members_of("ITC")]
            assert "itc.staff" not in members
            assert "itc.head" in members  # the others were copied from units.yaml
        (entry,) = _entries(plan_engine)
        assert (entry.action, entry.target) == ("user_updated", "itc.staff")
        assert entry.detail == {
            "units": [["ITC"], ["LEGAL"]],
            "roles": [["staff"], ["staff", "supervisor"]],
        }
    finally:
        other_process.close()


def test_a_deactivated_user_cannot_log_in_and_gets_no_work(plan_engine: Engine) -> None:
    plan_engine.set_password("itc.staff", PASSWORD)
    staff = plan_engine.user("itc.staff")
    assert staff is not None
    plan_engine.update_user(replace(staff, is_active=False), actor="admin")

    assert plan_engine.user("itc.staff") is None
    assert plan_engine.authenticate("itc.staff", PASSWORD) is None
    assert "itc.staff" not in [u.username for u in plan_engine.organisation.members_of("ITC")]
    assert [u.username for u in plan_engine.all_users()].count("itc.staff") == 1


def test_a_new_user_is_checked_field_by_field(plan_engine: Engine) -> None:
    staff = plan_engine.user("itc.staff")
    assert staff is not None
    bad = replace(
        staff, username="Bad Name", full_name=" ", email="nope", units=("NOWHERE",), roles=()
    )
    with pytest.raises(InvalidInput) as refused:
        plan_engine.create_user(bad, actor="admin")
    fields = [problem["field"] for problem in refused.value.details["problems"]]
    assert fields == ["username", "full_name", "email", "units", "roles"]

    with pytest.raises(InvalidInput) as taken:
        plan_engine.create_user(staff, actor="admin")
    assert (taken.value.details["field"], taken.value.details["rule"]) == ("username", "user:taken")

    plan_engine.create_user(replace(staff, username="itc.new", full_name="Lê Mới"), actor="admin")
    assert plan_engine.user("itc.new") is not None
    assert _said(plan_engine) == [("admin", "user_created", "itc.new")]


def test_the_scheduler_sends_to_the_users_as_they_are_after_a_change(
    plan_engine: Engine, db_url: str
) -> None:
    scheduler = Engine(db_url, clock=plan_engine.clock, settings=plan_engine.settings)
    try:
        staff = plan_engine.user("itc.staff")
        assert staff is not None
        plan_engine.update_user(replace(staff, units=("LEGAL",)), actor="admin")

        def itc_members() -> list[str]:
            return [u.username for u in scheduler.directory.cached().members_of("ITC")]

        assert "itc.staff" in itc_members()  # nothing asked the database yet
        scheduler.tick()
        assert "itc.staff" not in itc_members()
    finally:
        scheduler.close()

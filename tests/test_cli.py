"""The ``govflow`` command line, end to end against a real database."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.api import Engine
from web import create_app, engine_of
from web.cli import cli

BPMN_DIR = Path(__file__).parent / "bpmn"


@pytest.fixture
def run(db_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    runner = CliRunner()

    def invoke(*args: str, code: int = 0, input: str | None = None) -> str:
        result = runner.invoke(cli, list(args), input=input, catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output

    invoke("db", "upgrade")
    return invoke


def test_deploy_start_complete_from_the_command_line(run) -> None:
    out = run("deploy", str(BPMN_DIR / "five_tasks.bpmn"))
    assert "deployed five_tasks version 1" in out
    assert "unchanged five_tasks (version 1)" in run("deploy", str(BPMN_DIR / "five_tasks.bpmn"))

    out = run("start", "five_tasks", "--var", "year=2021", "--var", "label=H1")
    assert "started instance 1 of five_tasks v1" in out
    listing = run("tasks", "--unit", "ITC")
    task_id = listing.split()[0]
    assert "Step 1" in listing and "unit=ITC" in listing

    assert run("tasks", "--unit", "LEGAL").strip() == ""
    assert "instance 1 is running" in run("complete", task_id, "--var", "score=5", "--actor", "an")
    assert "five_tasks v1  running" in run("instances")


def test_validate_reports_file_line_and_element(run, tmp_path: Path) -> None:
    broken = tmp_path / "broken.bpmn"
    broken.write_text("<bpmn:definitions xmlns:bpmn='x'>\n  <oops>\n</bpmn:definitions>\n")
    out = run("validate", str(broken), code=1)
    assert out.startswith(f"{broken}:3: -: not well-formed XML")
    assert "ok: no problems found" in run("validate", str(BPMN_DIR / "five_tasks.bpmn"))


def test_bad_var_is_a_usage_error(run) -> None:
    run("deploy", str(BPMN_DIR / "five_tasks.bpmn"))
    out = run("start", "five_tasks", "--var", "novalue", code=2)
    assert "is not NAME=VALUE" in out


def test_health_endpoint_reports_the_database(db_url: str) -> None:
    app = create_app({"DATABASE_URL": db_url, "TESTING": True, "SECRET_KEY": "test"})
    response = app.test_client().get("/healthz")
    engine_of(app).close()
    assert response.status_code == 200
    assert response.get_json()["database"] in {"sqlite", "postgresql"}


def test_messages_from_the_command_line(run) -> None:
    run("deploy", str(BPMN_DIR / "messages.bpmn"))
    out = run("message", "feedback_received", "--business-key", "FB-9", "--var", "text=hi")
    assert "instance 1 of feedback_by_message is running" in out
    assert "Answer the feedback unit=ITC" in out
    task_id = run("tasks", "--unit", "ITC").split()[0]
    run("complete", task_id, "--actor", "itc")
    out = run("message", "citizen_reply", "--business-key", "FB-9", "--var", "reply=ok")
    assert "instance 1 of feedback_by_message is completed" in out


def test_a_signal_from_the_command_line(run, db_url: str) -> None:
    """§10.5.4: a signal reaches every catcher; here a supervisor broadcasts it by hand."""
    run("deploy", str(BPMN_DIR / "strategy_signals.bpmn"))
    run("start", "wait_for_strategy")
    out = run("signal", "strategy_issued", "--var", "decision=QD-1", "--actor", "lead")
    assert "signal 'strategy_issued' queued (outbox entry 1)" in out
    engine = Engine(db_url)
    try:
        engine.tick()
        waited = engine.instance(1)
        assert (waited.status, waited.data["decision"]) == ("completed", "QD-1")
    finally:
        engine.close()


def test_passwords_from_the_command_line(run, db_url: str) -> None:
    password = "a long enough secret"
    out = run("users", "set-password", "itc.staff", input=f"{password}\n{password}\n")
    assert "password of itc.staff is set; 0 session(s) ended" in out
    refused = run("users", "set-password", "itc.head", input="short\nshort\n", code=1)
    assert "at least 8 characters" in refused
    seeded = run("users", "seed-demo")
    assert int(seeded.split("given to ")[1].split()[0]) > 1
    assert "demo password given to 0 user(s)" in run("users", "seed-demo")

    engine = Engine(db_url)
    try:
        assert engine.authenticate("itc.staff", password) is not None
        assert engine.authenticate("itc.staff", "govflow-demo") is None  # kept its own
        assert engine.authenticate("itc.head", "govflow-demo").username == "itc.head"
    finally:
        engine.close()


def test_api_tokens_from_the_command_line(run, db_url: str) -> None:
    out = run("tokens", "create", "itc.head", "national-data-portal")
    token_id, token = out.split()[1], out.splitlines()[-1]
    engine = Engine(db_url)
    try:
        assert engine.user_of_token(token).username == "itc.head"
        assert f"token {token_id} is revoked" in run("tokens", "revoke", token_id)
        assert engine.user_of_token(token) is None
        assert "no live token" in run("tokens", "revoke", token_id, code=1)
    finally:
        engine.close()


def test_an_admin_ends_a_users_sessions_from_the_command_line(run, db_url: str) -> None:
    engine = Engine(db_url)
    try:
        sessions = [engine.logins.open("itc.staff") for _ in range(2)]
        other = engine.logins.open("itc.head")
        assert run("users", "end-sessions", "itc.staff") == "ended 2 session(s) of itc.staff\n"
        assert [engine.logins.username_of(s) for s in sessions] == [None, None]
        assert engine.logins.username_of(other) == "itc.head"
        assert "no user 'nobody'" in run("users", "end-sessions", "nobody", code=1)
    finally:
        engine.close()


def test_demo_seed_starts_this_years_cycles_once(run) -> None:
    run("deploy", str(Path(__file__).resolve().parent.parent / "processes"))
    first = run("demo", "seed")
    assert int(first.split()[1]) >= 9  # the plan's yearly and 6-monthly processes
    assert "yearly_inspection_plan" in first and "(demo " in first
    assert run("demo", "seed").startswith("started 0 demo cycle(s)")
    listing = run("instances")
    assert "incident" not in listing and "running" in listing


def test_simulate_runs_the_plan_on_the_database_it_is_given(run, db_url: str) -> None:
    processes = Path(__file__).parent.parent / "processes"
    out = run(
        "simulate", "--from", "2021-01-01", "--to", "2021-02-28",
        "--database", db_url, "--processes", str(processes),
    )  # fmt: skip
    assert out.startswith("simulated 2021-01-01 .. 2021-02-28 in ")
    assert "task=I.3; kind=Minister's decision" in out
    assert "escalations reached: nobody" in out
    engine = Engine(db_url)
    (catalogue,) = engine.instances(process_key="open_data_catalogue")
    engine.close()
    assert catalogue.status == "completed"

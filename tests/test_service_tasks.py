"""Service tasks call other systems through the outbox: a real local HTTP server and
SMTP server receive the calls; retries, incidents and crashes are driven by the clock."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from email import message_from_bytes
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from conftest import BPMN_DIR
from sqlalchemy import select
from test_notify import Sink, free_port
from test_scheduler import _wait_for

from engine.api import Engine, read_files
from engine.clock import ManualClock
from engine.connectors.http import IDEMPOTENCY_HEADER
from engine.metrics import render_metrics
from engine.models import OutboxEntry
from engine.outbox import LEASE
from engine.scheduler import BackgroundTicker
from engine.settings import Settings

REPORT = {"report": "Q1 open data", "datasets": ["budget", "procurement"]}
BACKOFF = timedelta(seconds=30)


class Receiver:
    """The National Data Portal, as far as the test is concerned: a real HTTP server on
    a free port that keeps each request and answers with the statuses it is told."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        self.always: int | None = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                receiver.requests.append(
                    {"path": self.path, "key": self.headers[IDEMPOTENCY_HEADER], "body": body}
                )
                status = receiver.always or (receiver.statuses.pop(0) if receiver.statuses else 200)
                answer = json.dumps({"receipt": f"R-{len(receiver.requests)}"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def portal() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver


def settings_for(portal_url: str, **changes: Any) -> Settings:
    return replace(
        Settings.from_env(),
        http_endpoints={"portal": portal_url},
        outbox_attempts=3,
        outbox_backoff_s=BACKOFF.total_seconds(),
        **changes,
    )


@pytest.fixture
def service_engine(db_url: str, clock: ManualClock, portal: Receiver) -> Iterator[Engine]:
    engine = Engine(db_url, clock=clock, settings=settings_for(portal.url))
    engine.upgrade_schema()
    engine.deploy(read_files([BPMN_DIR / "service_call.bpmn"]), actor="tester")
    yield engine
    engine.close()


def entries(engine: Engine) -> list[tuple[str, int]]:
    with engine.db.reading() as session:
        rows = session.scalars(select(OutboxEntry).order_by(OutboxEntry.id))
        return [(row.status, row.attempts) for row in rows]


def entry_ids(engine: Engine) -> list[int]:
    with engine.db.reading() as session:
        return list(session.scalars(select(OutboxEntry.id).order_by(OutboxEntry.id)))


def test_the_call_is_sent_after_commit_and_its_result_moves_the_instance_on(
    service_engine: Engine, portal: Receiver
) -> None:
    instance = service_engine.start("portal_report", REPORT, actor="itc.staff")
    assert instance.status == "running" and instance.open_tasks == []
    assert entries(service_engine) == [("pending", 0)] and portal.requests == []

    report = service_engine.tick()
    assert (report.calls_settled, report.calls_failed) == (1, 0)
    (request,) = portal.requests
    assert request == {
        "path": "/reports",
        "key": str(entry_ids(service_engine)[0]),
        "body": {"report": "Q1 open data", "datasets": 2},
    }
    moved_on = service_engine.instance(instance.id)
    assert moved_on.data["portal_receipt"] == "R-1"
    assert [task.name for task in moved_on.open_tasks] == ["Check the portal's receipt"]
    assert entries(service_engine) == [("sent", 1)]
    assert service_engine.tick().calls_settled == 0
    kinds = [event.kind for event in service_engine.history(instance.id)]
    assert kinds.index("call_queued") < kinds.index("call_answered") < kinds.index("task_opened")


def test_a_server_error_is_retried_with_backoff_under_the_same_key(
    service_engine: Engine, portal: Receiver, clock: ManualClock
) -> None:
    portal.statuses = [500]
    instance = service_engine.start("portal_report", REPORT, actor="itc.staff")

    assert service_engine.tick().calls_failed == 1
    assert service_engine.instance(instance.id).status == "running"
    assert service_engine.next_due_at() == clock.now() + BACKOFF
    clock.advance(BACKOFF - timedelta(seconds=1))
    assert service_engine.tick().calls_settled == 0  # still backing off
    clock.advance(timedelta(seconds=1))
    assert service_engine.tick().calls_settled == 1

    first, second = portal.requests
    assert first["key"] == second["key"] == str(entry_ids(service_engine)[0])
    assert service_engine.instance(instance.id).data["portal_receipt"] == "R-2"
    assert entries(service_engine) == [("sent", 2)]


def test_exhausted_retries_become_an_incident_that_a_retry_sends_again(
    service_engine: Engine, portal: Receiver, clock: ManualClock
) -> None:
    portal.always = 503
    instance = service_engine.start("portal_report", REPORT, actor="itc.staff")
    service_engine.tick()
    clock.advance(BACKOFF)
    service_engine.tick()
    clock.advance(2 * BACKOFF)  # the back-off doubles
    assert service_engine.tick().calls_settled == 1  # the third and last attempt

    failed = service_engine.instance(instance.id)
    assert failed.status == "incident"
    (incident,) = failed.incidents
    assert incident.element_id == "send_report"
    assert "connector 'http' failed after 3 attempt(s)" in incident.message
    assert "answered 503" in incident.message
    assert entries(service_engine) == [("failed", 3)]
    assert 'govflow_calls{status="failed"} 1\n' in render_metrics(service_engine)
    clock.advance(timedelta(days=1))
    assert service_engine.tick().calls_settled == 0  # nothing goes out by itself

    portal.always = None  # the portal is fixed
    retried = service_engine.retry(instance.id, actor="itc.head")
    assert retried.status == "running" and retried.incidents == []
    assert service_engine.tick().calls_settled == 1
    assert len({request["key"] for request in portal.requests}) == 1  # one call, 4 attempts
    assert service_engine.instance(instance.id).data["portal_receipt"] == "R-4"


def test_the_back_off_doubles_up_to_its_cap_and_stays_there(
    db_url: str, clock: ManualClock, portal: Receiver
) -> None:
    """engine/outbox.py: each failure doubles the wait up to an hour; past 41 doublings
    an uncapped 2 ** n would overflow a timedelta, so the doubling stops too."""
    attempts = 45
    settings = replace(settings_for(portal.url), outbox_attempts=attempts + 1)
    engine = Engine(db_url, clock=clock, settings=settings)
    engine.upgrade_schema()
    engine.deploy(read_files([BPMN_DIR / "service_call.bpmn"]), actor="tester")
    portal.always = 503
    engine.start("portal_report", REPORT, actor="itc.staff")
    waits = []
    for _ in range(attempts):
        assert engine.tick().calls_failed == 1
        due = engine.next_due_at()
        assert due is not None
        waits.append(due - clock.now())
        clock.set(due)
    engine.close()

    cap = timedelta(hours=1)
    doubled = [BACKOFF * 2**n for n in range(7)]  # 30 s * 2**7 would be past the hour
    assert waits == doubled + [cap] * (attempts - len(doubled))
    assert len(portal.requests) == attempts  # one request per attempt, none skipped


def test_a_permanent_error_is_an_incident_at_once(service_engine: Engine, portal: Receiver) -> None:
    portal.statuses = [422]
    instance = service_engine.start("portal_report", REPORT, actor="itc.staff")
    assert service_engine.tick().calls_settled == 1
    (incident,) = service_engine.instance(instance.id).incidents
    assert "after 1 attempt(s)" in incident.message and "answered 422" in incident.message


def test_a_call_committed_before_a_crash_is_sent_once_by_another_engine(
    service_engine: Engine, portal: Receiver, db_url: str, clock: ManualClock
) -> None:
    instance = service_engine.start("portal_report", REPORT, actor="itc.staff")
    service_engine.close()  # gone before sending: the entry is committed, nothing sent

    survivor = Engine(db_url, clock=clock, settings=settings_for(portal.url))
    try:
        assert survivor.tick().calls_settled == 1
        assert survivor.tick().calls_settled == 0
        assert len(portal.requests) == 1
        assert survivor.instance(instance.id).data["portal_receipt"] == "R-1"
    finally:
        survivor.close()


def test_a_claim_lost_in_a_crash_is_sent_again_after_its_lease(
    service_engine: Engine, portal: Receiver, db_url: str, clock: ManualClock
) -> None:
    instance = service_engine.start("portal_report", REPORT, actor="itc.staff")
    (claimed,) = service_engine.ticker.outbox._claim(clock.now())  # then the node dies
    service_engine.close()

    survivor = Engine(db_url, clock=clock, settings=settings_for(portal.url))
    try:
        assert survivor.tick().calls_settled == 0  # the dead node's lease still holds
        clock.advance(LEASE)
        assert survivor.tick().calls_settled == 1
        (request,) = portal.requests
        assert request["key"] == str(claimed.id)
        assert survivor.instance(instance.id).data["portal_receipt"] == "R-1"
        assert entries(survivor) == [("sent", 2)]
    finally:
        survivor.close()


def test_a_cancelled_instance_sends_nothing(service_engine: Engine, portal: Receiver) -> None:
    instance = service_engine.start("portal_report", REPORT, actor="itc.staff")
    service_engine.cancel(instance.id, actor="itc.head")
    assert service_engine.tick().calls_settled == 0
    assert portal.requests == []
    assert entries(service_engine) == [("cancelled", 0)]


def test_a_boundary_timer_that_interrupts_the_task_cancels_its_call(
    service_engine: Engine, portal: Receiver, clock: ManualClock
) -> None:
    service_engine.deploy(read_files([BPMN_DIR / "service_deadline.bpmn"]), actor="tester")
    portal.always = 500
    instance = service_engine.start("portal_deadline", actor="itc.staff")
    assert service_engine.tick().calls_failed == 1
    clock.advance(timedelta(hours=1))
    report = service_engine.tick()
    assert (report.timers_fired, report.calls_settled, report.calls_failed) == (1, 0, 0)
    assert entries(service_engine) == [("cancelled", 1)]
    assert len(portal.requests) == 1
    moved_on = service_engine.instance(instance.id)
    assert [task.name for task in moved_on.open_tasks] == ["Phone the portal's office"]


def test_an_input_that_fails_is_an_incident_of_the_task(
    service_engine: Engine, portal: Receiver
) -> None:
    instance = service_engine.start("portal_report", {"report": "Q1"}, actor="itc.staff")
    assert instance.status == "incident"
    (incident,) = instance.incidents
    assert incident.element_id == "send_report" and "datasets" in incident.message
    assert entries(service_engine) == []
    fixed = service_engine.retry(instance.id, {"datasets": ["budget"]}, actor="itc.head")
    assert fixed.status == "running"
    assert service_engine.tick().calls_settled == 1
    assert portal.requests[0]["body"]["datasets"] == 1


def test_in_process_the_call_goes_out_right_after_the_commit(db_url: str, portal: Receiver) -> None:
    """Real time, as the web process runs: the re-check interval is 60 s, yet the call
    is answered at once, because the command that queued it wakes the scheduler."""
    engine = Engine(db_url, settings=settings_for(portal.url, scheduler_recheck_s=60.0))
    engine.upgrade_schema()
    engine.deploy(read_files([BPMN_DIR / "service_call.bpmn"]), actor="tester")
    ticker = BackgroundTicker(engine)
    try:
        instance = engine.start("portal_report", REPORT, actor="itc.staff")
        _wait_for(lambda: "portal_receipt" in engine.instance(instance.id).data, 10.0)
    finally:
        ticker.stop()
        engine.close()
    assert len(portal.requests) == 1
    assert engine.runtime.on_calls_queued == []


def test_an_output_that_fails_is_retried_without_calling_again(
    service_engine: Engine, portal: Receiver
) -> None:
    text = (BPMN_DIR / "service_call.bpmn").read_text()
    text = text.replace("portal_report", "portal_suffix").replace(
        "${result['receipt']}", "${result['receipt'] + suffix}"
    )
    service_engine.deploy({"suffix.bpmn": text.encode()}, actor="tester")
    instance = service_engine.start("portal_suffix", REPORT, actor="itc.staff")
    assert service_engine.tick().calls_settled == 1
    failed = service_engine.instance(instance.id)
    assert failed.status == "incident" and "suffix" in failed.incidents[0].message

    fixed = service_engine.retry(instance.id, {"suffix": "/2021"}, actor="itc.head")
    assert fixed.status == "running"
    assert fixed.data["portal_receipt"] == "R-1/2021"
    assert service_engine.tick().calls_settled == 0
    assert len(portal.requests) == 1
    assert entries(service_engine) == [("sent", 1)]


def test_the_email_connector_sends_through_the_smtp_server(db_url: str, clock: ManualClock) -> None:
    port = free_port()
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings = replace(
        Settings.from_env(), smtp_host="127.0.0.1", smtp_port=port, smtp_sender="govflow@most"
    )
    engine = Engine(db_url, clock=clock, settings=settings)
    try:
        engine.upgrade_schema()
        engine.deploy(read_files([BPMN_DIR / "service_mail.bpmn"]), actor="tester")
        variables = {"applicant_email": "lan@example.vn", "request_no": "YC-7"}
        instance = engine.start("mail_applicant", variables, actor="itc.staff")
        assert engine.tick().calls_settled == 1
        done = engine.instance(instance.id)
    finally:
        engine.close()
        controller.stop()
    (envelope,) = sink.envelopes
    assert envelope.rcpt_tos == ["lan@example.vn"]
    mail = message_from_bytes(envelope.content, policy=default)
    assert mail["Subject"] == "Your request was received"
    assert mail.get_content().strip() == "Request YC-7 is being handled."
    assert done.status == "completed"
    assert done.data["send_mail_result"] == {
        "to": ["lan@example.vn"],
        "message_id": mail["Message-ID"],
    }

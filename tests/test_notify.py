"""Notifications: in the application and by e-mail, against a real local SMTP server."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from engine.api import Engine
from engine.clock import ManualClock
from engine.models import Notification, OutboxEmail
from engine.notify import OrganisationDirectory, Recipient
from engine.settings import Settings
from engine.units import parse_organisation


class Sink:
    """An SMTP handler that keeps what it receives."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 OK"


class Directory:
    def recipients_for(self, target: str) -> list[Recipient]:
        people = {"ITC": [Recipient("itc.staff", "itc.staff@example.gov.vn")]}
        return people.get(target, [])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def smtp_server(port: int) -> Iterator[Sink]:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink
    controller.stop()


@pytest.fixture
def mail_engine(db_url: str, clock: ManualClock, port: int, deploy_files) -> Iterator[Engine]:
    settings = replace(
        Settings.from_env(), smtp_host="127.0.0.1", smtp_port=port, smtp_sender="govflow@most"
    )
    engine = Engine(db_url, clock=clock, settings=settings)
    engine.upgrade_schema()
    engine.ticker.notifier.directory = Directory()
    deploy_files(engine, "escalation_review.bpmn")
    engine.start("escalation_review", actor="an")
    yield engine
    engine.close()


@pytest.fixture
def deploy_files():
    from pathlib import Path

    from engine.api import read_files

    folder = Path(__file__).parent / "bpmn"
    return lambda engine, name: engine.deploy(read_files([folder / name]), actor="tester")


def outbox(engine: Engine) -> list[tuple[str, int, bool]]:
    with engine.db.reading() as session:
        rows = session.scalars(select(OutboxEmail).order_by(OutboxEmail.id))
        return [(r.to_address, r.attempts, r.sent_at is not None) for r in rows]


def test_reminder_is_mailed_once(
    mail_engine: Engine, smtp_server: Sink, clock: ManualClock
) -> None:
    clock.advance(timedelta(days=32))  # past the reminder (4 Feb), before the due date
    report = mail_engine.tick()
    assert (report.deadlines_fired, report.emails_sent, report.emails_failed) == (1, 1, 0)
    assert mail_engine.tick().emails_sent == 0
    (envelope,) = smtp_server.envelopes
    assert envelope.rcpt_tos == ["itc.staff@example.gov.vn"]
    assert envelope.mail_from == "govflow@most"
    mail = message_from_bytes(envelope.content, policy=default)
    assert mail["Subject"] == "Nhắc việc: Send the inspection report đến hạn lúc 09/02/2021 17:00"
    text = mail.get_content()
    assert "đến hạn lúc 09/02/2021 17:00 (giờ Hà Nội)" in text  # Vietnamese first,
    assert "is due on 09/02/2021 17:00 (Hà Nội time)" in text  # then English
    assert outbox(mail_engine) == [("itc.staff@example.gov.vn", 1, True)]


def test_smtp_outage_delays_mail_without_losing_or_repeating_it(
    mail_engine: Engine, port: int, clock: ManualClock
) -> None:
    clock.advance(timedelta(days=32))
    report = mail_engine.tick()  # no server listening yet
    assert (report.deadlines_fired, report.emails_sent, report.emails_failed) == (1, 0, 1)
    assert outbox(mail_engine) == [("itc.staff@example.gov.vn", 1, False)]
    assert mail_engine.next_due_at() == clock.now() + timedelta(seconds=30)

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert mail_engine.tick().emails_sent == 0  # backing off
        clock.advance(timedelta(seconds=30))
        assert mail_engine.tick().emails_sent == 1
        assert mail_engine.tick().emails_sent == 0
    finally:
        controller.stop()
    assert len(sink.envelopes) == 1
    assert outbox(mail_engine) == [("itc.staff@example.gov.vn", 2, True)]


def test_without_smtp_host_notifications_stay_in_the_application(
    engine: Engine, deploy, clock: ManualClock
) -> None:
    engine.ticker.notifier.directory = Directory()
    deploy("escalation_review.bpmn")
    engine.start("escalation_review", actor="an")
    clock.advance(timedelta(days=32))
    report = engine.tick()
    assert (report.deadlines_fired, report.emails_sent) == (1, 0)
    with engine.db.reading() as session:
        (note,) = session.scalars(select(Notification))
        assert (note.recipient, note.kind, note.read_at) == (
            "itc.staff",
            "task_reminder_sent",
            None,
        )
        assert "09/02/2021 17:00" in note.message
    assert engine.next_due_at() is not None  # the overdue mark, not the unsendable mail


def test_organisation_directory_finds_members_and_heads() -> None:
    organisation = parse_organisation(
        {
            "units": {"ITC": {"name_vi": "TT CNTT", "name_en": "IT Centre", "head": "an"}},
            "users": {
                "an": {
                    "full_name": "An",
                    "email": "an@example.gov.vn",
                    "units": ["ITC"],
                    "roles": ["staff"],
                },
                "binh": {
                    "full_name": "Bình",
                    "email": "binh@example.gov.vn",
                    "units": ["ITC"],
                    "roles": ["staff"],
                },
            },
        }
    )
    directory = OrganisationDirectory(lambda: organisation)
    assert [r.username for r in directory.recipients_for("ITC")] == ["an", "binh"]
    assert directory.recipients_for("head:ITC") == [Recipient("an", "an@example.gov.vn")]
    assert directory.recipients_for("NOPE") == []

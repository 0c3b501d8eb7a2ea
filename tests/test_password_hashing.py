"""Passwords are hashed with scrypt unless GOVFLOW_PASSWORD_HASHING says otherwise; a
hash keeps checking after the method changes. SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

import pytest
from clients import PASSWORD
from demo_world import plan_settings
from sqlalchemy import select

from engine.account_models import Account
from engine.api import Engine
from engine.settings import Settings


def _stored_hash(engine: Engine, username: str) -> str:
    with engine.db.reading() as session:
        return session.scalar(select(Account.password_hash).where(Account.username == username))


def _engine(db_url: str, hashing: str) -> Engine:
    engine = Engine(db_url, settings=replace(plan_settings(), password_hashing=hashing))
    engine.upgrade_schema()
    return engine


def test_without_the_setting_a_password_is_hashed_with_scrypt_at_its_default_cost(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOVFLOW_PASSWORD_HASHING")
    engine = _engine(db_url, Settings.from_env().password_hashing)
    try:
        engine.set_password("itc.staff", PASSWORD)
        assert _stored_hash(engine, "itc.staff").startswith("scrypt:32768:8:1$")
        assert engine.authenticate("itc.staff", PASSWORD) is not None
        assert engine.authenticate("itc.staff", "not the password") is None
    finally:
        engine.close()


def test_the_setting_hashes_new_passwords_and_older_hashes_still_check(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVFLOW_PASSWORD_HASHING", "pbkdf2:sha256:2000")
    before = _engine(db_url, Settings.from_env().password_hashing)
    try:
        before.set_password("itc.staff", PASSWORD)
        assert _stored_hash(before, "itc.staff").startswith("pbkdf2:sha256:2000$")
    finally:
        before.close()

    after = _engine(db_url, "scrypt:16384:8:1")
    try:
        assert after.authenticate("itc.staff", PASSWORD) is not None  # the older method
        after.set_password("itc.head", PASSWORD)
        assert _stored_hash(after, "itc.head").startswith("scrypt:16384:8:1$")
        assert after.authenticate("itc.head", PASSWORD) is not None
        assert after.authenticate("nobody.at.all", PASSWORD) is None
    finally:
        after.close()


@pytest.mark.parametrize("hashing", ["scrypt:16384:8:1", "pbkdf2", "pbkdf2:sha512:600000"])
def test_werkzeugs_methods_are_accepted_at_start(hashing: str) -> None:
    Engine("sqlite://", settings=replace(plan_settings(), password_hashing=hashing)).close()


@pytest.mark.parametrize("hashing", ["", "md5", "scrypt:1", "pbkdf2:no_such_hash", "bcrypt"])
def test_an_unknown_method_stops_the_start_with_the_setting_named(hashing: str) -> None:
    with pytest.raises(ValueError, match=r"GOVFLOW_PASSWORD_HASHING=.*expected scrypt"):
        Engine("sqlite://", settings=replace(plan_settings(), password_hashing=hashing))

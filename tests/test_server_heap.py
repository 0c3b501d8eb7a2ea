"""The server keeps what it loaded at startup out of the garbage collector's full passes."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from web.cli import cli
from web.server_heap import freeze_startup_heap


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """The test process's heap as it was, whatever the test froze."""
    yield
    gc.unfreeze()


def walked(thing: object) -> bool:
    """Whether a collection would walk ``thing``."""
    return any(tracked is thing for tracked in gc.get_objects())


def test_what_lives_at_the_freeze_is_not_walked_and_what_comes_after_is(unfrozen: None) -> None:
    loaded = {"spec": ["a parsed process"]}
    assert walked(loaded)
    freeze_startup_heap()
    request_data = {"form": ["a request's data"]}
    assert not walked(loaded)
    assert walked(request_data)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_serve_freezes_its_startup_heap_before_it_serves(
    db_url: str, monkeypatch: pytest.MonkeyPatch, unfrozen: None
) -> None:
    import waitress

    frozen_when_served: list[int] = []
    monkeypatch.setattr(
        waitress, "serve", lambda app, **_: frozen_when_served.append(gc.get_freeze_count())
    )
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("GOVFLOW_SECRET_KEY", "test")
    assert gc.get_freeze_count() == 0
    result = CliRunner().invoke(cli, ["serve", "--no-scheduler"])
    assert result.exit_code == 0, result.output
    (count,) = frozen_when_served
    assert count > 1000  # the modules, the app and the engine at least

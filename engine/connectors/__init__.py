"""Connectors: how a service task calls another system.

A connector is registered in Python under the entry point group ``govflow.connectors``
(see ``pyproject.toml``), so a package adds one without editing govflow::

    [project.entry-points."govflow.connectors"]
    sms = "my_package.sms:SmsConnector"

The entry point names a factory that takes the :class:`~engine.settings.Settings` and
returns an object with ``call(request) -> result``. The result must be JSON (it goes
into the instance's data). A call may be repeated (the outbox sends at least once), so
a connector passes ``request.key`` on, for the receiver to drop duplicates. To fail,
it raises :class:`ConnectorError`: ``permanent=True`` for what trying again cannot fix
(an incident at once), otherwise the outbox retries with back-off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any, Protocol

from engine.errors import GovflowError
from engine.settings import Settings

__all__ = [
    "ENTRY_POINT_GROUP",
    "Connector",
    "ConnectorError",
    "ConnectorRequest",
    "connector_names",
    "load_connector",
]

ENTRY_POINT_GROUP = "govflow.connectors"


@dataclass(frozen=True)
class ConnectorRequest:
    key: str
    """The idempotency key: the outbox row's id, the same on every attempt."""
    payload: dict[str, Any]
    """The service task's inputs (or its data, when it maps none)."""
    instance_id: int
    element_id: str


class Connector(Protocol):
    def call(self, request: ConnectorRequest) -> Any:
        """Do the call; its JSON result goes into the task's data."""
        ...


class ConnectorError(GovflowError):
    """A call failed; ``permanent`` when another attempt cannot succeed."""

    code = "connector_error"

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message, permanent=permanent)
        self.permanent = permanent


def connector_names() -> frozenset[str]:
    """The names of the installed connectors (what service tasks may name)."""
    return frozenset(entry.name for entry in entry_points(group=ENTRY_POINT_GROUP))


def load_connector(name: str, settings: Settings) -> Connector:
    """Build the connector registered as ``name``."""
    found = entry_points(group=ENTRY_POINT_GROUP, name=name)
    if not found:
        known = ", ".join(sorted(connector_names()))
        raise ConnectorError(f"no connector '{name}' is installed (known: {known})", permanent=True)
    factory: Callable[[Settings], Connector] = next(iter(found)).load()
    return factory(settings)

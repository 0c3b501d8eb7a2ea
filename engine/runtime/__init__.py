"""The runtime: every change to a process instance goes through :class:`Runtime`."""

from engine.runtime.commands import Runtime

__all__ = ["Runtime"]

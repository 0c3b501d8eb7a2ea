"""The statuses of a process instance, as the ``process_instance.status`` column holds them."""

from __future__ import annotations

__all__ = ["ACTIVE_STATUSES"]

ACTIVE_STATUSES = ("running", "incident")
"""An instance that still takes commands, timers and events (``suspended`` waits for a
resume; ``completed``, ``cancelled`` and ``failed`` are over)."""

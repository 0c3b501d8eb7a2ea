"""govflow's engine: everything that runs workflows. ``web`` uses only what is here.

Submodules are imported lazily so that light imports (``engine.calendar``,
``engine.errors``) do not pull in SpiffWorkflow and SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.api import Engine, read_files
    from engine.clock import Clock, ManualClock, SystemClock

__all__ = ["Clock", "Engine", "ManualClock", "SystemClock", "read_files"]

_HOMES = {
    "Engine": "engine.api",
    "read_files": "engine.api",
    "Clock": "engine.clock",
    "ManualClock": "engine.clock",
    "SystemClock": "engine.clock",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(_HOMES[name]), name)

"""A demo database's work: this year's cycles, so that the demo's inboxes are not empty."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.calendar import to_local
from engine.views import InstanceView

if TYPE_CHECKING:
    from engine.api import Engine

__all__ = ["seed_demo_cycles"]


def seed_demo_cycles(engine: Engine) -> list[InstanceView]:
    """Start, as of now, the current cycle of every periodic process that has no
    instance yet, marked ``demo`` (a demo database only: the plan's own cycles end in
    2025, so at today's date the scheduler starts none)."""
    started = []
    for process_key, period in engine.ticker.periods.current_periods(engine.clock.now()):
        if engine.instances(process_key=process_key):
            continue
        business_key = f"demo {to_local(period.start).date().isoformat()}"
        started.append(
            engine.start(process_key, period.variables(), actor="demo", business_key=business_key)
        )
    return started

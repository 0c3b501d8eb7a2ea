"""A separate process that throws a signal and dies before it is delivered.

Usage: python event_worker.py DATABASE_URL STAGE MARKER_FILE NOW

It starts ``issue_strategy``, whose intermediate throw event throws the signal
``strategy_issued``. STAGE ``thrown``: once that command committed, it writes
MARKER_FILE and stalls (no delivery yet). STAGE ``delivering``: it then ticks, and
stalls just before the COMMIT of the delivery, the signal already handed to its
receivers in that transaction. The crash test SIGKILLs it while it stalls.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from engine.api import Engine
from engine.clock import ManualClock
from engine.models import OutboxEntry


def main() -> None:
    url, stage, marker, now = sys.argv[1:5]

    def stall() -> None:
        Path(marker).write_text(stage)
        time.sleep(60)

    @event.listens_for(Session, "before_commit")
    def stall_before_delivery_commits(session: Session) -> None:
        settled = [
            row for row in session.dirty if isinstance(row, OutboxEntry) and row.status == "sent"
        ]
        session.flush()
        if settled:
            stall()

    engine = Engine(url, clock=ManualClock(datetime.fromisoformat(now)))
    engine.start("issue_strategy", actor="lead")
    if stage == "thrown":
        stall()
    engine.tick()


if __name__ == "__main__":
    main()

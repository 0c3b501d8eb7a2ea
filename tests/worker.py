"""A separate process that completes one task, for the crash and race tests.

Usage: python worker.py DATABASE_URL TASK_ID SCORE MARKER_FILE STALL_SECONDS [GO_AT]

It writes MARKER_FILE.started (the time) as its command begins; then flushes every
row of the command, writes MARKER_FILE, and stalls STALL_SECONDS just before COMMIT:
the crash test SIGKILLs it there; the race tests let two of them overlap there. It
prints ``ok`` or ``conflict: …`` as its last line.
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
from engine.errors import Conflict


def main() -> None:
    url, task_id, score, marker, stall = sys.argv[1:6]
    go_at = float(sys.argv[6]) if len(sys.argv) > 6 else None

    @event.listens_for(Session, "before_commit")
    def stall_before_commit(session: Session) -> None:
        session.flush()
        Path(marker).write_text("flushed, not committed")
        time.sleep(float(stall))

    engine = Engine(url, clock=ManualClock(datetime.fromisoformat("2021-01-05T08:00:00+07:00")))
    if go_at is not None:
        time.sleep(max(0.0, go_at - time.time()))
    Path(f"{marker}.started").write_text(str(time.time()))
    try:
        engine.complete(task_id, {"score": int(score)}, actor=f"worker-{score}")
    except Conflict as exc:
        print(f"conflict: {exc.message}", flush=True)
    else:
        print("ok", flush=True)
    finally:
        engine.close()


if __name__ == "__main__":
    main()

"""A separate process that completes one task, for the crash and race tests.

Usage: python worker.py DATABASE_URL TASK_ID SCORE MARKER_FILE STALL_SECONDS [PEERS]

It writes MARKER_FILE.started (the time) as its command begins; then flushes every
row of the command, writes MARKER_FILE, and stalls STALL_SECONDS just before COMMIT:
the crash test SIGKILLs it there; the race tests let two of them overlap there. With
PEERS, it first writes MARKER_FILE.ready once it has imported and connected, and waits
until PEERS workers beside it (in MARKER_FILE's folder) have, so that the race starts
when all are ready, however long a loaded machine takes to start them. It prints ``ok``
or ``conflict: …`` as its last line.
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
    peers = int(sys.argv[6]) if len(sys.argv) > 6 else None

    @event.listens_for(Session, "before_commit")
    def stall_before_commit(session: Session) -> None:
        session.flush()
        Path(marker).write_text("flushed, not committed")
        time.sleep(float(stall))

    engine = Engine(url, clock=ManualClock(datetime.fromisoformat("2021-01-05T08:00:00+07:00")))
    if peers is not None:
        _wait_for_peers(Path(marker), peers)
    Path(f"{marker}.started").write_text(str(time.time()))
    try:
        engine.complete(task_id, {"score": int(score)}, actor=f"worker-{score}")
    except Conflict as exc:
        print(f"conflict: {exc.message}", flush=True)
    else:
        print("ok", flush=True)
    finally:
        engine.close()


def _wait_for_peers(marker: Path, peers: int, timeout_s: float = 60.0) -> None:
    Path(f"{marker}.ready").touch()
    deadline = time.monotonic() + timeout_s
    while len(list(marker.parent.glob("*.ready"))) < peers:
        if time.monotonic() > deadline:
            raise SystemExit("the other workers never got ready")
        time.sleep(0.005)


if __name__ == "__main__":
    main()

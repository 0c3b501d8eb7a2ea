"""Timer firing on PostgreSQL: lateness and throughput of several scheduler processes.

    .venv/bin/python bench/timers.py                          # 100,000 timers over 4 minutes
    .venv/bin/python bench/timers.py --timers 10000 --spread 0 --kill-one   # a burst, one killed

Each timer belongs to its own instance of a one-timer process (``escalation_wait``
from tests/bpmn): one instance is started through the engine, then cloned in bulk by
SQL, and the timers' due times are spread evenly over ``--spread`` seconds starting
a little after the set-up. ``--schedulers`` real ``govflow scheduler`` processes then
fire them. Lateness is ``settled_at - due_at`` of each timer (the moment its firing
transaction began, against its due time); every timer must be fired exactly once
(one ``timer_fired`` event per instance) and every instance must have completed.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from engine.api import Engine, read_files
from engine.models import ProcessInstance

ROOT = Path(__file__).resolve().parent.parent
PROCESS = ROOT / "tests" / "bpmn" / "escalation_wait.bpmn"
DEFAULT_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def clone_waiting_instances(engine: Engine, count: int, first_due: datetime) -> int:
    """``count`` instances each waiting on one timer due at ``first_due``; the template id."""
    engine.deploy(read_files([PROCESS]), actor="bench")
    template = engine.start("escalation_wait", {"wake_at": first_due.isoformat()}, actor="bench")
    columns = ", ".join(c.name for c in ProcessInstance.__table__.columns if c.name != "id")
    with engine.db.writing() as session:
        session.execute(
            text(
                f"INSERT INTO process_instance ({columns}) SELECT {columns} "
                "FROM process_instance, generate_series(1, :n) WHERE id = :id"
            ),
            {"n": count - 1, "id": template.id},
        )
        session.execute(
            text(
                "INSERT INTO timer (instance_id, task_id, element_id, due_at, status, created_at) "
                "SELECT p.id, t.task_id, t.element_id, t.due_at, 'pending', t.created_at "
                "FROM process_instance p JOIN timer t ON t.instance_id = :id WHERE p.id <> :id"
            ),
            {"id": template.id},
        )
        # A bulk load leaves the planner's statistics stale until autovacuum runs; with
        # them, the claim query sorts every due row instead of walking the due index.
        session.execute(text("ANALYZE timer"))
        session.execute(text("ANALYZE process_instance"))
    return template.id


def spread_due_times(engine: Engine, first_due: datetime, seconds: float) -> None:
    """Due times evenly over ``[first_due, first_due + seconds]``, never before Spiff's own."""
    with engine.db.writing() as session:
        session.execute(
            text(
                "UPDATE timer SET due_at = :first + make_interval(secs => :spread * "
                "(id - (SELECT min(id) FROM timer)) / greatest(1, (SELECT count(*) FROM timer)))"
            ),
            {"first": first_due, "spread": seconds},
        )


def start_schedulers(url: str, count: int, recheck_s: float = 1.0) -> list[subprocess.Popen]:
    env = {**os.environ, "DATABASE_URL": url, "GOVFLOW_SCHEDULER_RECHECK": str(recheck_s)}
    env.setdefault("GOVFLOW_SECRET_KEY", secrets.token_urlsafe(32))  # `scheduler` needs one
    command = [sys.executable, "-c", "from web.cli import main; main()", "scheduler"]
    logs = Path(tempfile.mkdtemp(prefix="govflow-schedulers-"))
    print(f"scheduler logs in {logs}", file=sys.stderr)
    processes = []
    for n in range(count):
        with (logs / f"{n}.log").open("wb") as log:  # the child keeps its own descriptor
            processes.append(
                subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
            )
    return processes


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def fired_count(engine: Engine) -> int:
    with engine.db.reading() as session:
        return session.scalar(text("SELECT count(*) FROM timer WHERE status = 'fired'"))


def wait_until_fired(
    engine: Engine,
    total: int,
    timeout_s: float,
    processes: list[subprocess.Popen],
    kill_at: int | None = None,
) -> bool:
    """Poll until every timer fired; SIGKILL the first process once ``kill_at`` have."""
    deadline = time.monotonic() + timeout_s
    killed = False
    while time.monotonic() < deadline:
        fired = fired_count(engine)
        if kill_at is not None and not killed and fired >= kill_at:
            os.kill(processes[0].pid, signal.SIGKILL)
            killed = True
        if fired >= total:
            return killed
        time.sleep(0.5)
    raise TimeoutError(f"only {fired_count(engine)} of {total} timers fired in {timeout_s}s")


def firing_figures(engine: Engine) -> dict[str, float]:
    """Exactly-once checks, lateness percentiles and throughput, from the database."""
    with engine.db.reading() as session:
        row = session.execute(
            text(
                "SELECT count(*), "
                "percentile_cont(0.5) WITHIN GROUP (ORDER BY late), "
                "percentile_cont(0.99) WITHIN GROUP (ORDER BY late), "
                "max(late), extract(epoch FROM max(settled_at) - min(due_at)) "
                "FROM (SELECT due_at, settled_at, extract(epoch FROM settled_at - due_at) AS late "
                "FROM timer WHERE status = 'fired') AS fired"
            )
        ).one()
        duplicates = session.scalar(
            text(
                "SELECT count(*) FROM (SELECT instance_id FROM event WHERE kind = 'timer_fired' "
                "GROUP BY instance_id HAVING count(*) > 1) AS twice"
            )
        )
        events = session.scalar(text("SELECT count(*) FROM event WHERE kind = 'timer_fired'"))
        unfinished = session.scalar(
            text("SELECT count(*) FROM process_instance WHERE status <> 'completed'")
        )
    fired, p50, p99, worst, window = row
    return {
        "fired": fired,
        "timer_fired_events": events,
        "instances_fired_twice": duplicates,
        "instances_not_completed": unfinished,
        "lateness_p50_s": float(p50),
        "lateness_p99_s": float(p99),
        "lateness_max_s": float(worst),
        "window_s": float(window),
        "throughput_per_s": fired / max(float(window), 1e-9),
    }


def fresh_schema(base_url: str) -> tuple[str, str]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    return schema, f"{base_url}?options=-csearch_path%3D{schema}"


def drop_schema(base_url: str, schema: str) -> None:
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timers", type=int, default=100_000)
    parser.add_argument("--spread", type=float, default=240.0, help="seconds of due times")
    parser.add_argument("--schedulers", type=int, default=3)
    parser.add_argument("--kill-one", action="store_true", help="SIGKILL one at 30%%")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()

    schema, url = fresh_schema(args.database_url)
    engine = Engine(url)
    try:
        engine.upgrade_schema()
        started = time.monotonic()
        first_due = datetime.now(UTC) + timedelta(seconds=15 + args.timers / 4000)
        clone_waiting_instances(engine, args.timers, first_due)
        spread_due_times(engine, first_due, args.spread)
        print(f"set-up: {args.timers} waiting instances in {time.monotonic() - started:.1f}s")
        processes = start_schedulers(url, args.schedulers)
        kill_at = int(args.timers * 0.3) if args.kill_one else None
        try:
            killed = wait_until_fired(
                engine, args.timers, args.spread + 600, processes, kill_at=kill_at
            )
        finally:
            stop(processes)
        figures = firing_figures(engine)
        print(
            f"{args.schedulers} schedulers{' (one SIGKILLed at 30%)' if killed else ''}, "
            f"{args.timers} timers due over {args.spread:.0f}s"
        )
        for name, value in figures.items():
            print(
                f"  {name:24} {value:,.3f}" if isinstance(value, float) else f"  {name:24} {value}"
            )
    finally:
        engine.close()
        drop_schema(args.database_url, schema)


if __name__ == "__main__":
    main()

"""Lists at scale: server time of the task and instance lists, API and pages, with
50,000 open tasks over 20 units, 20,000 instances and 500,000 history events.

The rows are bulk-inserted (no workflow runs), over the plan's deployed processes,
then ANALYZEd as PostgreSQL's autovacuum (and SQLite's ``PRAGMA optimize``) would.
Each request runs 20 times through Flask's test client in this process; the figures
are the median and 95th percentile of the time the app takes to answer. Targets:
every API page under 50 ms and every HTML page under 200 ms. Then the supervisor
pages through every open task (API, 200 a page) while the process's resident memory
is printed: it must stay flat.

    python bench/scale.py [--scale 0.1] [--postgres URL | --postgres '']
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask.testing import FlaskClient
from sqlalchemy import insert, select, text
from throughput import DEFAULT_POSTGRES, postgres_schema

from engine.api import Engine, read_files
from engine.clock import ManualClock
from engine.models import Event, HumanTask, ProcessDefinition, ProcessInstance
from web import create_app
from web.server_heap import freeze_startup_heap

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2025, 6, 2, 2, 0, tzinfo=UTC)
PASSWORD = "bench password"
SUPERVISOR, STAFF = "itc.head", "itc.staff"
TASK_NAMES = [
    "Báo cáo kết quả kiểm tra dữ liệu",
    "Rà soát danh mục dữ liệu mở",
    "Đề xuất nhu cầu kinh phí",
    "Đăng ký cán bộ tham dự tập huấn",
    "Cập nhật danh mục cơ sở dữ liệu",
    "Phê duyệt kế hoạch kiểm tra",
    "Góp ý dự thảo quy chế khai thác",
    "Công bố dịch vụ chia sẻ dữ liệu",
]
REPEAT = 20


def build(engine: Engine, scale: float) -> None:
    """Deploy the plan's processes, then bulk-insert instances, open tasks and history."""
    engine.deploy(read_files(sorted((ROOT / "processes").glob("*.bpmn"))), actor="bench")
    rng = random.Random(12)
    units = list(engine.organisation.units)[:20]
    staff = {unit: _member(engine, unit) for unit in units}
    with engine.db.writing() as session:
        definitions = session.execute(
            select(ProcessDefinition.id, ProcessDefinition.process_key, ProcessDefinition.name)
        ).all()
        instances = _instances(definitions, int(20_000 * scale), rng)
        tasks = _tasks(instances, units, staff, int(50_000 * scale), rng)
        connection = session.connection()
        for table, rows in ((ProcessInstance, instances), (HumanTask, tasks)):
            for chunk in _chunks(rows, 5_000):
                connection.execute(insert(table), chunk)
        for chunk in _chunks(_events(len(instances), int(500_000 * scale), rng), 10_000):
            connection.execute(insert(Event), chunk)
        if not engine.db.is_sqlite:
            for table in ("process_instance", "event"):
                sequence = f"pg_get_serial_sequence('{table}', 'id')"
                connection.execute(text(f"SELECT setval({sequence}, max(id)) FROM {table}"))
    with engine.db.engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()


def _member(engine: Engine, unit: str) -> str:
    return next(u.username for u in engine.organisation.users.values() if unit in u.units)


def _instances(definitions: list[Any], count: int, rng: random.Random) -> list[dict[str, Any]]:
    span = timedelta(days=5 * 365) / max(count, 1)
    statuses = ["running"] * 85 + ["completed"] * 10 + ["incident"] * 3 + ["cancelled"] * 2
    rows = []
    for number in range(1, count + 1):
        definition = definitions[number % len(definitions)]
        started = NOW - timedelta(days=5 * 365) + span * number
        rows.append(
            {
                "id": number,
                "definition_id": definition.id,
                "process_key": definition.process_key,
                "version": 1,
                "status": rng.choice(statuses),
                "business_key": f"HS-{started.year}-{number}",
                "state": "{" + " " * 1000 + "}",
                "variables": {"year": started.year},
                "lock_version": 1,
                "started_at": started,
                "started_by": "bench",
                "updated_at": started,
                "ended_at": None,
                "title": definition.name,
                "plan_task": f",I.{number % 9 + 1},",
                "period_start": started,
            }
        )
    return rows


def _tasks(
    instances: list[dict[str, Any]],
    units: list[str],
    staff: dict[str, str],
    count: int,
    rng: random.Random,
) -> list[dict[str, Any]]:
    running = [i for i in instances if i["status"] == "running"]
    rows = []
    for number in range(count):
        instance = rng.choice(running)
        unit = units[number % len(units)]
        assignee = staff[unit] if rng.random() < 0.1 else None
        due = NOW + timedelta(hours=rng.randint(-24 * 365, 24 * 365))
        rows.append(
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128))),
                "instance_id": instance["id"],
                "process_key": instance["process_key"],
                "element_id": f"task_{number % 7}",
                "name": f"{rng.choice(TASK_NAMES)} ({unit})",
                "unit": unit,
                "assignee": assignee,
                "status": "open",
                "form": {"fields": []},
                "created_at": instance["started_at"],
                "due_at": None if rng.random() < 0.05 else due,
                "follow_up_at": None,
                "claimed_at": None,
                "completed_at": None,
                "completed_by": None,
            }
        )
    return rows


def _events(instances: int, count: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    kinds = ["task_opened", "task_completed", "task_claimed", "variables_set"]
    for number in range(count):
        yield {
            "instance_id": number % instances + 1,
            "at": NOW - timedelta(minutes=count - number),
            "actor": "bench",
            "kind": rng.choice(kinds),
            "element_id": f"task_{number % 7}",
            "task_id": None,
            "data": {},
        }


def _chunks(rows: Any, size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def logged_in(engine: Engine, username: str) -> FlaskClient:
    app = create_app({"TESTING": True, "SECRET_KEY": "bench"}, engine=engine)
    client = app.test_client()
    answer = client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.json
    return client


def timed(client: FlaskClient, url: str) -> tuple[list[float], Any]:
    """The milliseconds of each of REPEAT requests, and the last answer."""
    times, answer = [], None
    for _ in range(REPEAT):
        started = time.perf_counter()
        answer = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, (url, answer.status_code, answer.get_data()[:300])
    return times, answer


def next_url(answer: Any) -> str | None:
    """The URL of the Link header's next page, as a path and query."""
    for part in answer.headers.get("Link", "").split(","):
        if 'rel="next"' in part:
            parts = urlsplit(part.split(";")[0].strip().strip("<>"))
            return f"{parts.path}?{parts.query}"
    return None


def deep(client: FlaskClient, url: str, pages: int) -> str:
    """The URL ``pages`` pages into the list ``url`` (following the Link headers)."""
    for _ in range(pages):
        found = next_url(client.get(url))
        if found is None:
            break
        url = found
    return url


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(database: str, engine: Engine) -> list[tuple[str, str, float, float, bool]]:
    supervisor, staff = logged_in(engine, SUPERVISOR), logged_in(engine, STAFF)
    depth = 200  # pages of 50: 10,000 rows in
    cases: list[tuple[str, FlaskClient, str, bool]] = [
        ("supervisor tasks", supervisor, "/api/v1/tasks", True),
        ("supervisor tasks, deep", supervisor, deep(supervisor, "/api/v1/tasks", depth), True),
        ("one unit's tasks", supervisor, "/api/v1/tasks?unit=NASATI", True),
        ("one unit's, deep", supervisor, deep(supervisor, "/api/v1/tasks?unit=NASATI", 40), True),
        ("my tasks", staff, "/api/v1/tasks?scope=mine", True),
        ("instances", supervisor, "/api/v1/instances", True),
        ("instances, deep", supervisor, deep(supervisor, "/api/v1/instances", depth), True),
        ("search tasks", supervisor, "/api/v1/tasks?q=bao+cao+kiem", True),
        ("search, found nowhere", supervisor, "/api/v1/tasks?q=khong+thay", True),
        ("search instances", supervisor, "/api/v1/instances?q=danh+muc", True),
        ("task counts", supervisor, "/api/v1/tasks/counts", True),
        ("instance counts", supervisor, "/api/v1/instances/counts", True),
        ("inbox, all units", supervisor, "/tasks?scope=all", False),
        (
            "inbox, deep",
            supervisor,
            deep(supervisor, "/api/v1/tasks", depth).replace("/api/v1/tasks?", "/tasks?scope=all&"),
            False,
        ),
        ("inbox, my units", staff, "/tasks", False),
        ("inbox, my tasks", staff, "/tasks?scope=mine", False),
        ("inbox, search", supervisor, "/tasks?scope=all&q=bao+cao+kiem", False),
        ("instances page", supervisor, "/instances", False),
        ("instances, a process", supervisor, "/instances?process_key=yearly_training", False),
    ]
    results = []
    for name, client, url, api in cases:
        times, _ = timed(client, url)
        median, p95 = statistics.median(times), statistics.quantiles(times, n=20)[-1]
        results.append((name, "API" if api else "HTML", median, p95, api))
    return results


def page_through(engine: Engine) -> list[tuple[int, float]]:
    """RSS (MB) while the supervisor pages through every open task, 200 a page."""
    client, url, pages, samples = logged_in(engine, SUPERVISOR), "/api/v1/tasks?limit=200", 0, []
    samples.append((0, rss_mb()))
    while url:
        answer = client.get(url)
        pages += 1
        if pages % 50 == 0:
            samples.append((pages, rss_mb()))
        url = next_url(answer)
    samples.append((pages, rss_mb()))
    return samples


def run(database: str, url: str, scale: float, report: Callable[[str], None]) -> bool:
    engine = Engine(url, clock=ManualClock(NOW))
    engine.upgrade_schema()
    started = time.perf_counter()
    build(engine, scale)
    for username in (SUPERVISOR, STAFF):
        engine.set_password(username, PASSWORD)
    report(f"\n{database}: built in {time.perf_counter() - started:.0f} s")
    freeze_startup_heap()  # as `govflow serve` does before it serves
    report(f"{'request':26} {'kind':5} {'median ms':>10} {'p95 ms':>8}  target")
    met = True
    for name, kind, median, p95, api in measure(database, engine):
        target = 50 if api else 200
        ok = p95 < target
        met &= ok
        report(
            f"{name:26} {kind:5} {median:10.1f} {p95:8.1f}  <{target} {'ok' if ok else 'MISSED'}"
        )
    samples = page_through(engine)
    report(
        "RSS while paging through every open task: "
        + ", ".join(f"{pages} pages {mb:.0f} MB" for pages, mb in samples)
    )
    engine.close()
    gc.unfreeze()
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="0.1 for a quick check")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="'' to skip PostgreSQL")
    args = parser.parse_args()
    met = True
    with ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory())
        urls = {"sqlite": f"sqlite:///{folder}/scale.db"}
        if args.postgres:
            urls["postgresql"] = stack.enter_context(postgres_schema(args.postgres))
        for database, url in urls.items():
            met &= run(database, url, args.scale, print)
    print("\nevery target met" if met else "\nsome target MISSED")


if __name__ == "__main__":
    main()

"""Instances per second through govflow vs. plain SpiffWorkflow, SQLite and PostgreSQL,
warm and cold.

Each process has five user tasks. Plain Spiff is given the persistence shape govflow
has (a serialize + deserialize around every step, with Spiff's own serializer, in
memory, no database): the ceiling a database-backed engine works against. govflow
drives the same process through its public API: one transaction per command, with
the row lock, the derived rows, the history and (for tasks with a due date) the
reminder and escalation deadlines.

* warm: the engine keeps the workflow a command committed, so the next command on
  the instance skips restoring it (``GOVFLOW_LIVE_WORKFLOWS``).
* cold: a second Engine on the same database that keeps none, so every command
  restores its instance from the row, as after a restart or on another node (the
  specs stay cached per definition version, as they do in any running process).

* clients: how many threads drive instances at once through the one Engine, as the
  web server's threads do (waitress runs 4). Plain Spiff is measured on one thread:
  it is CPU-bound, and threads would not make it faster under the GIL.

Targets: five_user_tasks at least 0.5 of plain Spiff on both databases, warm and cold
(PostgreSQL with ``synchronous_commit`` on: every command waits for its commit).
Under the table, each database's floor (bench/database_floor.py: a lock, a write of a
state of the real size and a commit, nothing else) beside the time a command may take
at the target, and the CPU a warm command costs this process (SpiffWorkflow, govflow,
SQLAlchemy and the driver, with SQLite's own work): where the floor and that CPU add
up to more than the budget, one client cannot reach it; where the CPU alone does,
more clients cannot either, as they share one interpreter lock.

The machine's speed wanders, so each govflow run is paired with a run of plain Spiff
just before it; a round's ratio is the pair's, and the medians of the rounds are shown.

    python bench/throughput.py [--instances N] [--rounds R] [--clients 1 4] [--postgres URL]
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path

from database_floor import command_floor_ms
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import create_engine, text

from engine.api import Engine, read_files
from engine.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CASES = {
    "five_user_tasks": ROOT / "bench" / "five_user_tasks.bpmn",
    "five_tasks": ROOT / "tests" / "bpmn" / "five_tasks.bpmn",  # each with a due date
}
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SPIFF_SERIALIZER = BpmnWorkflowSerializer()  # Spiff as it comes, spec included
TARGET = 0.5
COMMANDS = 6
"""Commands an instance of either process takes: its start and five completions."""


def plain_spiff(process_key: str, instances: int) -> float:
    parser = BpmnParser()
    parser.add_bpmn_file(str(CASES[process_key]))
    spec = parser.get_spec(process_key)
    started = time.perf_counter()
    for _ in range(instances):
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        state = SPIFF_SERIALIZER.serialize_json(workflow)
        while True:
            workflow = SPIFF_SERIALIZER.deserialize_json(state)
            ready = workflow.get_tasks(state=TaskState.READY, manual=True)
            if not ready:
                break
            ready[0].set_data(score=5)
            ready[0].run()
            workflow.do_engine_steps()
            state = SPIFF_SERIALIZER.serialize_json(workflow)
        assert workflow.is_completed()
    return instances / (time.perf_counter() - started)


def through_govflow(engine: Engine, process_key: str, instances: int, clients: int = 1) -> float:
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        share = [instances // clients + (i < instances % clients) for i in range(clients)]
        list(pool.map(partial(_drive, engine, process_key), share))
    return instances / (time.perf_counter() - started)


def _drive(engine: Engine, process_key: str, instances: int) -> None:
    for _ in range(instances):
        view = engine.start(process_key, actor="bench")
        while view.open_tasks:
            view = engine.complete(view.open_tasks[0].id, {"score": 5}, actor="bench")
        assert view.status == "completed"


def engines(url: str, process_key: str) -> dict[str, Engine]:
    """A warm and a cold Engine on one database, the process deployed."""
    settings = Settings.from_env()
    warm = Engine(url, settings=dataclasses.replace(settings, live_workflows=256))
    warm.upgrade_schema()
    warm.deploy(read_files([CASES[process_key]]))
    cold = Engine(url, settings=dataclasses.replace(settings, live_workflows=0))
    return {"warm": warm, "cold": cold}


@dataclasses.dataclass
class Pairs:
    """(plain Spiff, govflow) instances per second, one pair a round."""

    spiff: list[float] = dataclasses.field(default_factory=list)
    govflow: list[float] = dataclasses.field(default_factory=list)
    cpu_ms: list[float] = dataclasses.field(default_factory=list)
    """This process's CPU (user and system, every thread) a govflow command took."""

    def ratio(self) -> float:
        return statistics.median(g / s for s, g in zip(self.spiff, self.govflow, strict=True))

    def row(self) -> str:
        spiff, govflow = statistics.median(self.spiff), statistics.median(self.govflow)
        return f"{spiff:12.1f} {govflow:9.1f} {self.ratio():6.2f}"


def measure(
    urls: dict[str, str], process_key: str, instances: int, rounds: int, clients: list[int]
) -> dict[tuple[str, str, int], Pairs]:
    """Pairs by (database, mode, clients), the rounds alternating over every configuration."""
    with ExitStack() as stack:
        runs = {}
        for database, url in urls.items():
            for mode, engine in engines(url, process_key).items():
                stack.callback(engine.close)
                through_govflow(engine, process_key, 10, max(clients))  # warm the caches
                runs.update({(database, mode, count): engine for count in clients})
        pairs = {key: Pairs() for key in runs}
        for _ in range(rounds):
            for key, engine in runs.items():
                pairs[key].spiff.append(plain_spiff(process_key, instances))
                cpu_before = _cpu_s()
                pairs[key].govflow.append(through_govflow(engine, process_key, instances, key[2]))
                pairs[key].cpu_ms.append((_cpu_s() - cpu_before) * 1000 / (instances * COMMANDS))
        return pairs


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _a_state(url: str) -> str:
    """The saved state of one of the instances the runs left, as the floor's payload."""
    database = create_engine(url)
    try:
        with database.connect() as connection:
            return connection.execute(text("SELECT state FROM process_instance")).scalars().first()
    finally:
        database.dispose()


@contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """A URL whose connections work in a fresh schema, dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{url}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=100, help="per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="'' to skip PostgreSQL")
    parser.add_argument("--process", choices=list(CASES), action="append", dest="processes")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4], help="threads")
    args = parser.parse_args()

    plain_spiff("five_user_tasks", 20)  # warm up imports and caches
    print(f"{args.instances} instances a round, medians of {args.rounds} rounds; instances/s")
    print(
        f"{'process':16} {'database':10} {'mode':5} {'clients':>7} "
        f"{'plain Spiff':>12} {'govflow':>9} ratio"
    )
    missed = []
    for process_key in args.processes or list(CASES):
        with ExitStack() as stack:
            folder = stack.enter_context(tempfile.TemporaryDirectory())
            urls = {"sqlite": f"sqlite:///{folder}/bench.db"}
            if args.postgres:
                urls["postgresql"] = stack.enter_context(postgres_schema(args.postgres))
            pairs = measure(urls, process_key, args.instances, args.rounds, args.clients)
            floors = {
                database: command_floor_ms(url, _a_state(url)) for database, url in urls.items()
            }
        for (database, mode, clients), pair in pairs.items():
            print(f"{process_key:16} {database:10} {mode:5} {clients:7} {pair.row()}")
            if process_key == "five_user_tasks" and pair.ratio() < TARGET:
                missed.append(f"{database} {mode} {clients} clients {pair.ratio():.2f}")
        for database, floor in floors.items():
            warm = pairs[database, "warm", args.clients[0]]
            budget = 1000 / (statistics.median(warm.spiff) * TARGET * COMMANDS)
            took = 1000 / (statistics.median(warm.govflow) * COMMANDS)
            cpu = statistics.median(warm.cpu_ms)
            print(
                f"{process_key:16} {database:10} ms a command: {budget:.2f} at {TARGET} of "
                f"plain Spiff, {took:.2f} warm ({cpu:.2f} of it govflow's CPU); "
                f"lock, state write and commit alone {floor:.2f}"
            )
    verdict = "met" if not missed else "NOT met: " + ", ".join(missed)
    print(f"target: five_user_tasks >= {TARGET} of plain Spiff, warm and cold -> {verdict}")


if __name__ == "__main__":
    main()

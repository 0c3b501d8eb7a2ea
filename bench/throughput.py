"""Instances per second through govflow vs. plain SpiffWorkflow, in one run.

Each process has five user tasks. Plain Spiff is given the persistence shape govflow
has (a serialize + deserialize around every step, with Spiff's own serializer, in
memory, no database): the ceiling a database-backed engine works against. govflow
drives the same process through its public API: one transaction per command, with
the row lock, the derived rows, the history and (for tasks with a due date) the
reminder and escalation deadlines. Target: govflow >= 0.6 of plain Spiff on SQLite
for the plain five user tasks.

The machine's speed wanders, so the two are measured in alternating rounds and the
best round of each is compared, as ``timeit`` does.

    python bench/throughput.py [--instances N] [--rounds R] [--postgres URL]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import create_engine, text

from engine.api import Engine, read_files

ROOT = Path(__file__).resolve().parent.parent
CASES = {
    "five_user_tasks": ROOT / "bench" / "five_user_tasks.bpmn",
    "five_tasks": ROOT / "tests" / "bpmn" / "five_tasks.bpmn",  # each with a due date
}
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SPIFF_SERIALIZER = BpmnWorkflowSerializer()  # Spiff as it comes, spec included


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


def through_govflow(engine: Engine, process_key: str, instances: int) -> float:
    started = time.perf_counter()
    for _ in range(instances):
        view = engine.start(process_key, actor="bench")
        while view.open_tasks:
            view = engine.complete(view.open_tasks[0].id, {"score": 5}, actor="bench")
        assert view.status == "completed"
    return instances / (time.perf_counter() - started)


def compare(process_key: str, url: str, instances: int, rounds: int) -> tuple[float, float]:
    """(plain Spiff, govflow) instances per second, best of alternating rounds."""
    engine = Engine(url)
    engine.upgrade_schema()
    engine.deploy(read_files([CASES[process_key]]))
    through_govflow(engine, process_key, 10)  # warm the caches
    spiff_best = govflow_best = 0.0
    for _ in range(rounds):
        spiff_best = max(spiff_best, plain_spiff(process_key, instances))
        govflow_best = max(govflow_best, through_govflow(engine, process_key, instances))
    engine.close()
    return spiff_best, govflow_best


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
    parser.add_argument("--instances", type=int, default=200, help="per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="'' to skip PostgreSQL")
    args = parser.parse_args()

    plain_spiff("five_user_tasks", 20)  # warm up imports and caches
    print(f"{args.instances} instances a round, best of {args.rounds} rounds; instances/s")
    print(f"{'process':18} {'database':10} {'plain Spiff':>12} {'govflow':>9} {'ratio':>6}")
    ratios = {}
    for process_key in CASES:
        with ExitStack() as stack:
            folder = stack.enter_context(tempfile.TemporaryDirectory())
            urls = {"sqlite": f"sqlite:///{folder}/bench.db"}
            if args.postgres:
                urls["postgresql"] = stack.enter_context(postgres_schema(args.postgres))
            for database, url in urls.items():
                spiff, govflow = compare(process_key, url, args.instances, args.rounds)
                ratios[process_key, database] = govflow / spiff
                print(
                    f"{process_key:18} {database:10} {spiff:12.1f} {govflow:9.1f} "
                    f"{govflow / spiff:6.2f}"
                )
    ratio = ratios["five_user_tasks", "sqlite"]
    verdict = "met" if ratio >= 0.6 else "NOT met"
    print(f"target: five_user_tasks on SQLite >= 0.6 of plain Spiff -> {ratio:.2f}, {verdict}")


if __name__ == "__main__":
    main()

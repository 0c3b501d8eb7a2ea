"""Instances per second through govflow vs. plain SpiffWorkflow, in one run.

The process has five user tasks. Plain Spiff is given the same persistence shape
govflow has (a serialize + deserialize around every step, in memory, no database),
which is the ceiling a database-backed engine works against. govflow drives the
same process through its public API: one transaction per command, with the row
lock, derived rows and history. Target: govflow >= 0.6 of plain Spiff on SQLite.

    python bench/throughput.py [--instances N] [--postgres URL]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.api import Engine, read_files
from engine.workflow import SERIALIZER

BPMN = Path(__file__).resolve().parent.parent / "tests" / "bpmn" / "five_tasks.bpmn"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def plain_spiff(instances: int) -> float:
    parser = BpmnParser()
    parser.add_bpmn_file(str(BPMN))
    spec = parser.get_spec("five_tasks")
    started = time.perf_counter()
    for _ in range(instances):
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        state = SERIALIZER.serialize_json(workflow)
        while True:
            workflow = SERIALIZER.deserialize_json(state)
            ready = workflow.get_tasks(state=TaskState.READY, manual=True)
            if not ready:
                break
            ready[0].set_data(score=5)
            ready[0].run()
            workflow.do_engine_steps()
            state = SERIALIZER.serialize_json(workflow)
        assert workflow.is_completed()
    return instances / (time.perf_counter() - started)


def through_govflow(url: str, instances: int) -> float:
    engine = Engine(url)
    engine.upgrade_schema()
    engine.deploy(read_files([BPMN]))
    started = time.perf_counter()
    for _ in range(instances):
        view = engine.start("five_tasks", actor="bench")
        while view.open_tasks:
            view = engine.complete(view.open_tasks[0].id, {"score": 5}, actor="bench")
        assert view.status == "completed"
    rate = instances / (time.perf_counter() - started)
    engine.close()
    return rate


def _fresh_postgres_schema(url: str) -> str:
    from sqlalchemy import create_engine, text

    schema = f"bench_{int(time.time())}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    return f"{url}?options=-csearch_path%3D{schema}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=300)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="'' to skip PostgreSQL")
    args = parser.parse_args()

    plain_spiff(20)  # warm up imports and caches
    spiff_rate = plain_spiff(args.instances)
    with tempfile.TemporaryDirectory() as folder:
        sqlite_rate = through_govflow(f"sqlite:///{folder}/bench.db", args.instances)
    results = {
        "instances": args.instances,
        "plain_spiff_per_s": round(spiff_rate, 1),
        "govflow_sqlite_per_s": round(sqlite_rate, 1),
        "ratio_sqlite": round(sqlite_rate / spiff_rate, 2),
    }
    if args.postgres:
        pg_rate = through_govflow(_fresh_postgres_schema(args.postgres), args.instances)
        results["govflow_postgresql_per_s"] = round(pg_rate, 1)
        results["ratio_postgresql"] = round(pg_rate / spiff_rate, 2)
    print(json.dumps(results, indent=2))
    print(
        f"target: ratio_sqlite >= 0.6 -> {'met' if results['ratio_sqlite'] >= 0.6 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()

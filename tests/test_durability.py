"""A command killed before COMMIT leaves nothing behind; two racing commands, one wins."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from engine.api import Engine
from engine.clock import ManualClock
from engine.outbox import LEASE

WORKER = Path(__file__).parent / "worker.py"


def _start_worker(url: str, task_id: str, score: int, marker: Path, stall: float, peers=None):
    args = [sys.executable, str(WORKER), url, task_id, str(score), str(marker), str(stall)]
    if peers is not None:
        args.append(str(peers))
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(path: Path, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(f"worker exited early: {process.communicate()}")
        assert time.monotonic() < deadline, "worker never reached the commit"
        time.sleep(0.02)


def test_sigkill_before_commit_keeps_the_previous_state(
    db_url: str, engine: Engine, deploy, tmp_path: Path
) -> None:
    deploy("five_tasks.bpmn")
    instance = engine.start("five_tasks", actor="an")
    (task,) = instance.open_tasks
    history_before = engine.history(instance.id)

    marker = tmp_path / "marker"
    worker = _start_worker(db_url, task.id, 9, marker, stall=60)
    _wait_for(marker, worker)
    os.kill(worker.pid, signal.SIGKILL)
    worker.communicate(timeout=10)
    assert worker.returncode == -signal.SIGKILL

    after = engine.instance(instance.id)
    assert after.status == "running"
    assert [t.id for t in after.open_tasks] == [task.id]
    assert "score" not in after.data
    assert engine.history(instance.id) == history_before

    resumed = engine.complete(task.id, {"score": 4}, actor="an")  # resumable
    assert resumed.data["score"] == 4
    assert [t.element_id for t in resumed.open_tasks] == ["task_2"]


def test_two_processes_complete_the_same_task_one_wins(
    db_url: str, engine: Engine, deploy, tmp_path: Path
) -> None:
    deploy("five_tasks.bpmn")
    instance = engine.start("five_tasks", actor="an")
    (task,) = instance.open_tasks

    workers = [
        _start_worker(db_url, task.id, score, tmp_path / f"m{score}", 0.5, peers=2)
        for score in (1, 2)
    ]
    outputs = [w.communicate(timeout=60)[0].strip().splitlines()[-1] for w in workers]

    assert sorted(o.split(":")[0] for o in outputs) == ["conflict", "ok"], outputs
    winner = 1 if outputs[0] == "ok" else 2
    assert "already completed by worker-" in next(o for o in outputs if o != "ok")
    completions = [e for e in engine.history(instance.id) if e.kind == "task_completed"]
    assert [(e.actor, e.data["score"]) for e in completions] == [(f"worker-{winner}", winner)]
    assert engine.instance(instance.id).data["score"] == winner
    assert [t.element_id for t in engine.tasks(instance_id=instance.id)] == ["task_2"]


def test_two_processes_complete_two_tasks_of_one_instance_one_after_the_other(
    db_url: str, engine: Engine, deploy, tmp_path: Path
) -> None:
    """Each command locks its instance before it writes the task it completes, so the
    second waits for the first and sees what it did: no deadlock, no lost completion."""
    deploy("two_parallel_tasks.bpmn")
    instance = engine.start("two_parallel_tasks", actor="an")
    tasks = {task.element_id: task.id for task in instance.open_tasks}
    stall = 1.5
    markers = {score: tmp_path / f"m{score}" for score in (1, 2)}
    workers = [
        _start_worker(db_url, tasks[element], score, markers[score], stall, peers=2)
        for score, element in ((1, "left"), (2, "right"))
    ]
    outputs = [w.communicate(timeout=60)[0].strip().splitlines()[-1] for w in workers]

    assert outputs == ["ok", "ok"], outputs
    started = {score: float(Path(f"{m}.started").read_text()) for score, m in markers.items()}
    committed = {score: m.stat().st_mtime + stall for score, m in markers.items()}
    assert started[1] < committed[2] and started[2] < committed[1], "the commands did not overlap"
    after = engine.instance(instance.id)
    assert after.status == "completed"
    completions = [e for e in engine.history(instance.id) if e.kind == "task_completed"]
    assert sorted(e.actor for e in completions) == ["worker-1", "worker-2"]


EVENT_WORKER = Path(__file__).parent / "event_worker.py"


@pytest.mark.parametrize("stage", ["thrown", "delivering"])
def test_sigkill_between_commit_and_delivery_then_delivered_exactly_once(
    db_url: str, engine: Engine, deploy, clock: ManualClock, tmp_path: Path, stage: str
) -> None:
    """A signal thrown and committed (§10.5.4) survives its node's death before or
    during delivery; another node delivers it once, after the lease when it was claimed."""
    deploy("strategy_signals.bpmn")
    waiting = engine.start("wait_for_strategy")
    marker = tmp_path / "marker"
    args = [sys.executable, str(EVENT_WORKER), db_url, stage, str(marker), clock.now().isoformat()]
    worker = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for(marker, worker)
    os.kill(worker.pid, signal.SIGKILL)
    worker.communicate(timeout=10)

    assert engine.instance(waiting.id).status == "running"
    assert [i.process_key for i in engine.instances()].count("apply_strategy") == 0
    if stage == "delivering":
        assert engine.tick().calls_settled == 0  # leased by the dead node
        clock.advance(LEASE + timedelta(seconds=1))

    engine.tick()
    clock.advance(LEASE * 2)
    engine.tick()

    assert engine.instance(waiting.id).status == "completed"
    received = [e for e in engine.history(waiting.id) if e.kind == "signal_received"]
    assert len(received) == 1
    assert [i.process_key for i in engine.instances()].count("apply_strategy") == 1


def test_a_signal_claimed_twice_after_its_lease_is_delivered_once(
    engine: Engine, deploy, clock: ManualClock
) -> None:
    deploy("strategy_signals.bpmn")
    waiting = engine.start("wait_for_strategy")
    engine.signal("strategy_issued", {}, actor="lead")
    (slow,) = engine.ticker.outbox._claim(clock.now())  # a node that stalls after claiming
    clock.advance(LEASE + timedelta(seconds=1))
    engine.tick()  # another node claims it again and delivers

    assert engine.ticker.outbox._deliver(slow) is True  # the slow node: settled already

    received = [e for e in engine.history(waiting.id) if e.kind == "signal_received"]
    assert len(received) == 1
    assert [i.process_key for i in engine.instances()].count("apply_strategy") == 1

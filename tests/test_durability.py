"""A command killed before COMMIT leaves nothing behind; two racing commands, one wins."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from engine.api import Engine

WORKER = Path(__file__).parent / "worker.py"


def _start_worker(url: str, task_id: str, score: int, marker: Path, stall: float, go_at=None):
    args = [sys.executable, str(WORKER), url, task_id, str(score), str(marker), str(stall)]
    if go_at is not None:
        args.append(str(go_at))
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

    go_at = time.time() + 3.0  # both workers import and connect first, then go together
    workers = [
        _start_worker(db_url, task.id, score, tmp_path / f"m{score}", 0.5, go_at)
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

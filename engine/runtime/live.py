"""Workflows kept alive between commands, so the next command skips restoring them.

Restoring a workflow from its JSON costs as much as running a step. A process that
just committed a command on an instance still holds the live workflow that state was
made from; keeping it lets the next command on the instance start from it.

Correctness rests on the instance row's ``lock_version``, which every write of the
instance increments: an entry is used only by a command that found the row at the
very version the entry was committed at, so a write by another process or thread
(or one that rolled back) just makes the entry miss. A command takes the entry out,
so no two commands ever share a live object, and puts it back only once its
transaction has committed (see :meth:`engine.store.Database.after_commit`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from SpiffWorkflow.bpmn import BpmnWorkflow

__all__ = ["LiveWorkflow", "LiveWorkflows"]


@dataclass(frozen=True)
class LiveWorkflow:
    """A workflow as one command committed it, with the rows that state implies."""

    definition_id: int
    lock_version: int
    workflow: BpmnWorkflow
    open_task_ids: frozenset[str]
    pending_timers: frozenset[tuple[str, datetime]]
    pending_calls: frozenset[str]


class LiveWorkflows:
    """Live workflows by instance id; bounded (least recently used out), thread-safe."""

    def __init__(self, capacity: int = 256) -> None:
        self._items: OrderedDict[int, LiveWorkflow] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def take(self, instance_id: int, definition_id: int, lock_version: int) -> LiveWorkflow | None:
        """The entry committed at exactly this version of the row, removed; else None."""
        with self._lock:
            entry = self._items.pop(instance_id, None)
        if entry is None or (entry.definition_id, entry.lock_version) != (
            definition_id,
            lock_version,
        ):
            return None
        return entry

    def put(self, instance_id: int, entry: LiveWorkflow) -> None:
        if self._capacity <= 0:
            return
        with self._lock:
            current = self._items.get(instance_id)
            if current is not None and current.lock_version > entry.lock_version:
                return  # a later command on the instance already committed
            self._items[instance_id] = entry
            self._items.move_to_end(instance_id)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)

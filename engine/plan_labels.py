"""What people call an instance: the plan's task code and its cycle, "II.3 · 2026".

``processes/plan_tasks.yaml`` says which process runs which task of the plan; a
process that runs several (``one_off_decision`` runs I.1, I.2, …) is told its code by
the ``task_code`` variable or the business key. The cycle is the instance's ``year``
(half-years as ``2026-H1``), else the year of its deadline ``due_at``, else the year it
started, on the Hà Nội clock.

A mixin of :class:`engine.api.Engine`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from engine.calendar import to_local
from engine.instance_labels import stored_plan_tasks
from engine.models import ProcessInstance
from engine.settings import Settings
from engine.store import Database

__all__ = ["PlanLabels", "plan_label"]


class PlanLabels:
    db: Database
    settings: Settings

    def plan_labels(self, instance_ids: Iterable[int]) -> dict[int, str]:
        """The label of each instance (see the module), by id; one query."""
        wanted = sorted(set(instance_ids))
        if not wanted:
            return {}
        plan = _plan(self.settings.processes_dir / "plan_tasks.yaml")
        columns = (
            ProcessInstance.id,
            ProcessInstance.process_key,
            ProcessInstance.business_key,
            ProcessInstance.started_at,
            ProcessInstance.variables,
            ProcessInstance.plan_task,
        )
        with self.db.reading() as session:
            rows = session.execute(select(*columns).where(ProcessInstance.id.in_(wanted)))
            return {row.id: plan_label(plan, *row[1:]) for row in rows}


def plan_label(
    plan: Mapping[str, Any],
    process_key: str,
    business_key: str | None,
    started_at: datetime,
    variables: Mapping[str, Any] | None,
    stored_codes: str | None,
) -> str:
    """``stored_codes``: the instance's ``plan_task`` column (``,II.8,``), for a process
    the plan file does not name but whose ``plan_task`` property does."""
    variables = variables or {}
    tasks = plan.get(process_key, [])
    codes = [code for code, _start in tasks] or stored_plan_tasks(stored_codes)
    code = variables.get("task_code") or (business_key if business_key in codes else None)
    code = code or ", ".join(codes) or process_key
    return f"{code} · {_cycle(variables, started_at, tasks)}"


def _cycle(variables: Mapping[str, Any], started_at: datetime, tasks: list) -> str:
    year = variables.get("year")
    if year and any(start == "six_monthly" for _task, start in tasks):
        started = variables.get("period_start")
        month = to_local(datetime.fromisoformat(started)).month if started else 1
        return f"{year}-H{1 if month <= 6 else 2}"
    if year:
        return str(year)
    due = str(variables.get("due_at") or "")
    return due[:4] if due[:4].isdigit() else str(to_local(started_at).year)


@functools.cache
def _plan(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Each process's (task code, start) in the plan file; none when there is no file."""
    if not path.exists():
        return {}
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    plan: dict[str, list[tuple[str, str]]] = {}
    for section in ("tasks", "duties"):
        for code, task in (document.get(section) or {}).items():
            plan.setdefault(task["process"], []).append((str(code), task.get("start", "")))
    return plan

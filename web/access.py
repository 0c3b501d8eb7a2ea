"""What each role may see and do; every check raises Forbidden with the reason.

* staff: the tasks of their units, and the instances those tasks belong to;
* supervisor: every task and instance; start, suspend, resume, cancel, retry,
  assign, deliver messages;
* designer: validate, deploy and migrate process definitions;
* admin: everything.
"""

from __future__ import annotations

from engine.api import Engine
from engine.errors import Forbidden
from engine.views import InstanceView, TaskView
from web.auth import Caller

__all__ = [
    "accessible_task",
    "require_instance_access",
    "require_role",
    "require_task_access",
    "sees_every_unit",
    "visible_instance",
    "visible_tasks",
]


def sees_every_unit(who: Caller) -> bool:
    return who.has_role("supervisor")


def require_role(who: Caller, *roles: str) -> None:
    if not who.has_role(*roles):
        raise Forbidden(f"this needs the role {' or '.join(roles)}", username=who.username)


def require_task_access(who: Caller, task: TaskView) -> None:
    """The task is for one of the caller's units, assigned to them, or they supervise."""
    if sees_every_unit(who) or who.works_for(task.unit) or task.assignee == who.username:
        return
    raise Forbidden(f"task {task.id} is for unit {task.unit or '-'}", task_id=task.id)


def require_instance_access(engine: Engine, who: Caller, instance_id: int) -> None:
    if sees_every_unit(who) or who.has_role("designer"):
        return
    tasks = engine.tasks(instance_id=instance_id, status=None)
    if any(who.works_for(t.unit) or t.assignee == who.username for t in tasks):
        return
    raise Forbidden(f"instance {instance_id} has no task of your units", instance_id=instance_id)


def accessible_task(engine: Engine, who: Caller, task_id: str) -> TaskView:
    task = engine.task(task_id)  # NotFound before Forbidden
    require_task_access(who, task)
    return task


def visible_instance(engine: Engine, who: Caller, instance_id: int) -> InstanceView:
    instance = engine.instance(instance_id)  # NotFound before Forbidden
    require_instance_access(engine, who, instance_id)
    return instance


def visible_tasks(
    engine: Engine,
    who: Caller,
    *,
    unit: str | None = None,
    assignee: str | None = None,
    status: str | None = "open",
) -> list[TaskView]:
    """The tasks of ``unit``, else of every unit the caller works for (every unit for a
    supervisor), soonest due first."""
    if unit is not None and not (sees_every_unit(who) or who.works_for(unit)):
        raise Forbidden(f"you do not work for unit {unit}", unit=unit)
    units = [unit] if unit is not None or sees_every_unit(who) else list(who.user.units)
    found = {
        task.id: task
        for code in units
        for task in engine.tasks(unit=code, assignee=assignee, status=status)
    }
    return sorted(found.values(), key=lambda t: (t.due_at is None, t.due_at or t.created_at))

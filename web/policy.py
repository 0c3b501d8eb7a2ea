"""Who may do what to a task, and so to its instance and its documents: the predicates.

They are pure functions of the caller, the organisation (``processes/units.yaml``)
and the task; :mod:`web.access` applies them to every route. Relative to a task of
unit U:

* **staff of U** (the users that list U) and **the task's assignee** see it, claim
  it, upload documents to it, complete it and release their own claim;
* **the head of U** (U's ``head:``) does what staff do, and also assigns the task to
  a member of U and releases a colleague's claim;
* **supervisors** (the role ``supervisor``: the IT Centre's head and the leadership)
  see every task, instance, history and document, assign and release anywhere, but
  work (claim, upload, complete) only the tasks of their own units or assigned to
  them: watching the ministry is not doing another unit's work;
* **designers** see every instance and its history, for migrations and for fixing
  definitions, but not the documents of units they do not work for;
* **admin** has every role.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.units import Organisation
from engine.views import TaskView
from web.auth import Caller

__all__ = [
    "heads",
    "manages",
    "may_release",
    "sees_every_task",
    "sees_instance",
    "sees_task",
    "works_on",
]


def sees_every_task(who: Caller) -> bool:
    return who.has_role("supervisor")


def works_on(who: Caller, task: TaskView) -> bool:
    """Staff of the task's unit, or the one it is assigned to."""
    return who.works_for(task.unit) or task.assignee == who.username


def sees_task(who: Caller, task: TaskView) -> bool:
    """A task, and the documents uploaded to it."""
    return sees_every_task(who) or works_on(who, task)


def heads(organisation: Organisation, who: Caller, unit: str | None) -> bool:
    if unit is None or unit not in organisation.units:
        return False
    head = organisation.head_of(unit)
    return head is not None and head.username == who.username


def manages(organisation: Organisation, who: Caller, task: TaskView) -> bool:
    """Assigns the task and releases anyone's claim on it."""
    return sees_every_task(who) or heads(organisation, who, task.unit)


def may_release(organisation: Organisation, who: Caller, task: TaskView) -> bool:
    """One's own claim (or a task nobody claimed) by who works on it; anyone's by a manager."""
    own = task.assignee in (None, who.username)
    return (own and works_on(who, task)) or manages(organisation, who, task)


def sees_instance(who: Caller, tasks: Iterable[TaskView]) -> bool:
    """Supervisors and designers see every instance; others those with a task they see."""
    return who.has_role("supervisor", "designer") or any(sees_task(who, t) for t in tasks)

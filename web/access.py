"""The one access rule: every route's rule in :data:`TABLE`, enforced before any view runs.

Each Flask endpoint names a :class:`Rule`: who may call it (anyone, any logged-in
user, or some roles; admin has every role), whether an API token may act, and which
resource check applies (:mod:`web.policy` says who may see or work a task, an
instance, a document). A route with no rule is refused, so a new route is closed
until someone writes its line here. Adding a rule is one line:
``"api.new_endpoint": SUPERVISOR,``.

The answers, per resource and role (README, "Who may do what"):

* a caller who is not logged in: 401 on the API, the log-in page on the pages;
* a role the route does not admit: 403, before any resource is looked at;
* a task, instance or document the caller may not see: 404, word for word the
  answer for an id that does not exist, so outsiders cannot probe for ids;
* a task the caller sees but may not do this to (a supervisor completing another
  unit's task, staff assigning it): 403 with the reason.

What the resource check loaded is handed to the view (:func:`checked_task`, ...),
so a view never looks a resource up unchecked. API tokens act with their user's
rules, except on account administration (:data:`ACCOUNT_ADMIN`), which needs the
person logged in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, current_app, g, request
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, current_user

from engine.api import Engine
from engine.errors import Forbidden, missing_attachment, missing_instance, missing_task
from engine.paging import Page, PageRequest
from engine.units import Organisation
from engine.views import AttachmentView, InstanceView, TaskView
from web import engine_of, policy
from web.auth import Caller, caller

__all__ = [
    "TABLE",
    "Document",
    "Rule",
    "TaskChoices",
    "checked_document",
    "checked_instance",
    "checked_task",
    "init_access",
    "task_choices",
    "visible_documents",
]

Check = Callable[[Engine, Caller, Mapping[str, Any]], object]
"""Loads the resource a route names, refuses if the caller may not, returns it."""


@dataclass(frozen=True)
class Rule:
    """Who may call an endpoint. ``roles``: None admits anyone, even not logged in;
    empty admits any logged-in user; else any of them."""

    name: str
    roles: tuple[str, ...] | None = ()
    check: Check | None = None
    tokens: bool = True


@dataclass(frozen=True)
class Document:
    view: AttachmentView
    content: bytes


# -- the resource checks ------------------------------------------------------------


def _visible_task(engine: Engine, who: Caller, task_id: str) -> TaskView:
    task = engine.task(task_id)
    if not policy.sees_task(who, task):
        raise missing_task(task_id)  # as for an id that does not exist
    return task


def _see_task(engine: Engine, who: Caller, args: Mapping[str, Any]) -> TaskView:
    return _visible_task(engine, who, args["task_id"])


def _task_rule(
    name: str, may: Callable[[Organisation, Caller, TaskView], bool], refusal: str
) -> Rule:
    """A rule on a task the caller sees; Forbidden, with the rule's ``name`` as its
    ``reason`` and ``refusal`` formatted with the task, when they may not do this to it."""

    def check(engine: Engine, who: Caller, args: Mapping[str, Any]) -> TaskView:
        task = _visible_task(engine, who, args["task_id"])
        if not may(engine.organisation, who, task):
            raise Forbidden(
                refusal.format(task=task),
                reason=name,
                task_id=task.id,
                unit=task.unit,
                assignee=task.assignee,
            )
        return task

    return Rule(name, check=check)


def _see_instance(engine: Engine, who: Caller, args: Mapping[str, Any]) -> InstanceView:
    instance_id = args["instance_id"]
    instance = engine.instance(instance_id)
    if not policy.sees_instance(who, engine.tasks(instance_id=instance_id, status=None)):
        raise missing_instance(instance_id)
    return instance


def _see_document(engine: Engine, who: Caller, args: Mapping[str, Any]) -> Document:
    attachment_id = args["attachment_id"]
    view, content = engine.attachment(attachment_id)
    if not policy.sees_task(who, engine.task(view.task_id)):
        raise missing_attachment(attachment_id)
    return Document(view, content)


# -- the rules ----------------------------------------------------------------------

PUBLIC = Rule("public", roles=None)
LOGGED_IN = Rule("logged_in")
SUPERVISOR = Rule("supervisor", ("supervisor",))
DESIGNER = Rule("designer", ("designer",))
SUPERVISOR_OR_DESIGNER = Rule("supervisor_or_designer", ("supervisor", "designer"))
ACCOUNT_ADMIN = Rule("account_admin", ("admin",), tokens=False)
OWN_ACCOUNT = Rule("own_account", tokens=False)
AUDIT_READER = Rule("audit_reader", ("supervisor",), tokens=False)
"""The audit log: admins, and supervisors, who answer for the instances it records."""
SEE_TASK = Rule("see_task", check=_see_task)
WORK_TASK = _task_rule(
    "work_task",
    lambda _organisation, who, task: policy.works_on(who, task),
    "task {task.id} is for unit {task.unit}: only its staff or assignee work it",
)
RELEASE_CLAIM = _task_rule(
    "release_claim",
    policy.may_release,
    "task {task.id} is claimed by {task.assignee}: only they, the head of "
    "{task.unit} or a supervisor release it",
)
ASSIGN_TASK = _task_rule(
    "assign_task",
    policy.manages,
    "only the head of {task.unit} or a supervisor assigns task {task.id}",
)
SEE_INSTANCE = Rule("see_instance", check=_see_instance)
SEE_DOCUMENT = Rule("see_document", check=_see_document)

TABLE: dict[str, Rule] = {
    # health; /metrics guards itself (see web/health.py)
    "health.healthz": PUBLIC,
    "health.metrics": PUBLIC,
    # the REST API
    "api.openapi": PUBLIC,
    "api.login": PUBLIC,
    "api.whoami": LOGGED_IN,
    "api.logout": LOGGED_IN,
    "api.change_password": OWN_ACCOUNT,
    "api.end_sessions": ACCOUNT_ADMIN,
    "api.list_tasks": LOGGED_IN,  # the caller's units' tasks; every unit's for supervisors
    "api.count_tasks": LOGGED_IN,  # over the same tasks as api.list_tasks
    "api.get_task": SEE_TASK,
    "api.claim": WORK_TASK,
    "api.complete": WORK_TASK,
    "api.upload": WORK_TASK,
    "api.unclaim": RELEASE_CLAIM,
    "api.assign": ASSIGN_TASK,
    "api.download": SEE_DOCUMENT,
    "api.list_instances": SUPERVISOR_OR_DESIGNER,
    "api.count_instances": SUPERVISOR_OR_DESIGNER,
    "api.get_instance": SEE_INSTANCE,
    "api.history": SEE_INSTANCE,
    "api.attachments": SEE_INSTANCE,  # only the documents the caller may see
    "api.start": SUPERVISOR,
    "api.change_status": SUPERVISOR,
    "api.retry": SUPERVISOR,
    "api.deliver_message": SUPERVISOR,
    "api.broadcast_signal": SUPERVISOR,
    "api.list_definitions": LOGGED_IN,
    "api.list_notifications": LOGGED_IN,  # the caller's own, and their units'
    "api.mark_all_read": LOGGED_IN,
    "api.mark_read": LOGGED_IN,
    "api.validate": DESIGNER,
    "api.deploy": DESIGNER,
    # staff's pages
    "pages.home": PUBLIC,
    "pages.login": PUBLIC,
    "pages.logout": PUBLIC,
    "pages.choose_language": PUBLIC,
    "pages.inbox": LOGGED_IN,
    "pages.notifications": LOGGED_IN,  # the caller's own, and their units'
    "pages.mark_read": LOGGED_IN,
    "pages.mark_all_read": LOGGED_IN,
    "pages.task_page": SEE_TASK,
    "pages.claim": WORK_TASK,
    "pages.complete": WORK_TASK,
    "pages.unclaim": RELEASE_CLAIM,
    "pages.assign": ASSIGN_TASK,
    # supervisors' pages
    "supervision.instances": SUPERVISOR_OR_DESIGNER,
    "supervision.instance_page": SEE_INSTANCE,
    "supervision.diagram": SEE_INSTANCE,
    "supervision.instance_action": SUPERVISOR,
    "supervision.start": SUPERVISOR,
    "supervision.overdue": SUPERVISOR,
    "supervision.compliance": SUPERVISOR,
    "supervision.compliance_export": SUPERVISOR,
    "supervision.bpmn_viewer": PUBLIC,
    "overview.units_behind": SUPERVISOR,
    "overview.units_behind_xlsx": SUPERVISOR,
    "repair.incident_page": SUPERVISOR,
    "repair.fix_and_retry": SUPERVISOR,
    # designers' pages
    "design.processes": SUPERVISOR_OR_DESIGNER,
    "design.process_version": SUPERVISOR_OR_DESIGNER,
    "design.process_source": SUPERVISOR_OR_DESIGNER,
    "design.deploy": DESIGNER,
    "versions.compare": DESIGNER,
    "migration.migration_page": DESIGNER,
    "migration.migrate": DESIGNER,
    # admins' pages
    "admin.users": ACCOUNT_ADMIN,
    "admin.new_user": ACCOUNT_ADMIN,
    "admin.user_page": ACCOUNT_ADMIN,
    "admin.reset_password": ACCOUNT_ADMIN,
    "admin.end_sessions": ACCOUNT_ADMIN,
    "admin.create_token": ACCOUNT_ADMIN,
    "admin.revoke_token": ACCOUNT_ADMIN,
    "audit.audit_log": AUDIT_READER,
    "account.change_password": OWN_ACCOUNT,
    "modeler.new_process": DESIGNER,
    "modeler.edit_process": DESIGNER,
    "modeler.new_source": DESIGNER,
    "modeler.edit_source": DESIGNER,
    "modeler.validate": DESIGNER,
    "modeler.save_draft": DESIGNER,
    "modeler.discard_draft": DESIGNER,
    "modeler.deploy": DESIGNER,
    "modeler.timer_preview": DESIGNER,
    "static": PUBLIC,
}


# -- enforcement --------------------------------------------------------------------


def init_access(app: Flask) -> None:
    app.before_request(_enforce)


def _enforce() -> ResponseReturnValue | None:
    endpoint = request.endpoint
    if endpoint is None:
        return None  # no route matched: Flask answers 404 or 405
    rule = TABLE.get(endpoint)
    if rule is None:
        raise Forbidden(f"no access rule for {endpoint}: refused", endpoint=endpoint)
    if rule.roles is None:
        return None
    if not current_user.is_authenticated:
        manager: LoginManager = current_app.login_manager  # type: ignore[attr-defined]
        return manager.unauthorized()
    who = caller()
    if who.via_token and not rule.tokens:
        raise Forbidden(
            "an API token may not do this; log in in person", reason="in_person", endpoint=endpoint
        )
    if rule.roles and not who.has_role(*rule.roles):
        raise Forbidden(
            f"this needs the role {' or '.join(rule.roles)}",
            username=who.username,
            roles=list(rule.roles),
        )
    if rule.check is not None:
        g.checked_resource = rule.check(engine_of(current_app), who, request.view_args or {})
    return None


_Resource = TypeVar("_Resource")


def _checked(kind: type[_Resource]) -> _Resource:
    resource = g.get("checked_resource")
    if not isinstance(resource, kind):
        raise Forbidden(f"no access rule checked the {kind.__name__} of {request.endpoint}")
    return resource


def checked_task() -> TaskView:
    """The route's task, as its rule checked it."""
    return _checked(TaskView)


def checked_instance() -> InstanceView:
    return _checked(InstanceView)


def checked_document() -> Document:
    return _checked(Document)


# -- what lists and pages show ------------------------------------------------------


@dataclass(frozen=True)
class TaskChoices:
    """What the task's page offers the caller."""

    claim: bool
    release: bool
    work: bool
    assign_to: tuple[tuple[str, str], ...] = ()
    """(username, full name) of those the caller may give the task to; empty when
    the caller may not assign it (only the unit's head and supervisors may)."""


def task_choices(engine: Engine, who: Caller, task: TaskView) -> TaskChoices:
    if task.status != "open":
        return TaskChoices(claim=False, release=False, work=False)
    works, organisation = policy.works_on(who, task), engine.organisation
    return TaskChoices(
        claim=works and task.assignee is None,
        release=task.assignee is not None and policy.may_release(organisation, who, task),
        work=works and task.assignee in (None, who.username),
        assign_to=_assignees(organisation, task) if policy.manages(organisation, who, task) else (),
    )


def _assignees(organisation: Organisation, task: TaskView) -> tuple[tuple[str, str], ...]:
    """Who works for the task's unit, but its present assignee."""
    if task.unit is None or not organisation.is_known(task.unit):
        return ()
    members = organisation.members_of(task.unit)
    return tuple((u.username, u.full_name) for u in members if u.username != task.assignee)


def visible_documents(
    engine: Engine, who: Caller, instance_id: int, page: PageRequest
) -> Page[AttachmentView]:
    """A page of the instance's documents of the tasks the caller sees."""
    if policy.sees_every_task(who):
        return engine.attachment_page(instance_id, page)
    return engine.attachment_page(instance_id, page, units=tuple(who.user.units), user=who.username)

"""The supervisors' pages: every instance, what is overdue by unit, one instance's story.

An instance's page shows its diagram (bpmn-js's NavigatedViewer, from npm, served
from ``node_modules``) with each element's state marked (web.diagram_states), and a
panel per element with its tasks and history; its open tasks, incidents, documents
and its history in words (web.history_words), times on the Hà Nội clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.api import Engine
from engine.compliance import Cell, ComplianceTable
from engine.errors import GovflowError, InvalidInput
from engine.paging import MAX_LIMIT, Page, PageRequest
from engine.task_lists import TaskFilter
from engine.views import InstanceView
from web import engine_of
from web.access import checked_instance, visible_documents
from web.auth import caller
from web.content_names import process_title, process_titles, task_name
from web.diagram_states import element_states, states_json, tasks_by_element
from web.error_words import error_text
from web.history_words import HistoryLine, in_words, is_document, value_text
from web.i18n import input_problems, local_time
from web.list_filters import instance_filter
from web.paging import PageLinks, page_links, page_request, url_with
from web.policy import sees_task
from web.spreadsheet import XLSX, compliance_csv, compliance_rows, compliance_xlsx

__all__ = ["blueprint"]

blueprint = Blueprint("supervision", __name__)
blueprint.add_app_template_test(is_document, "document")
blueprint.add_app_template_filter(value_text, "value_text")

BPMN_VIEWER = (
    Path(__file__).resolve().parent.parent
    / "node_modules/bpmn-js/dist/bpmn-navigated-viewer.production.min.js"
)
"""Installed by ``npm ci`` (package.json pins the version)."""


@blueprint.get("/instances")
def instances() -> ResponseReturnValue:
    """Instances newest first, a page at a time, with the filters of web.list_filters
    and how many instances each status has."""
    engine = engine_of(current_app)
    which = instance_filter()
    page = engine.instance_page(which, page_request())
    now = engine.clock.now()
    overdue = {i.id: sum(t.is_overdue(now) for t in i.open_tasks) for i in page.items}
    return render_template(
        "instances.html",
        instances=page.items,
        links=page_links(page),
        counts=engine.instance_counts(which),
        overdue=overdue,
        labels=engine.plan_labels(instance.id for instance in page.items),
        process_titles=process_titles(),
        args=request.args,
        url_with=url_with,
    )


@blueprint.route("/start", methods=["GET", "POST"])
def start() -> ResponseReturnValue:
    """Start a process by hand: choose it, fill its start form."""
    engine = engine_of(current_app)
    startable = sorted(engine.startable(), key=lambda d: d.process_key)
    process_key = request.values.get("process_key") or None
    fields = engine.start_form(process_key) if process_key else []
    page = partial(
        render_template, "start.html", startable=startable, chosen=process_key, fields=fields
    )
    if request.method == "GET" or process_key is None:
        return page(values={}, errors={})
    variables = {f["id"]: request.form[f["id"]] for f in fields if request.form.get(f["id"])}
    try:
        instance = engine.start(
            process_key,
            variables,
            actor=caller().username,
            business_key=request.form.get("business_key") or None,
        )
    except InvalidInput as exc:
        return page(values=request.form, errors=input_problems(exc)), 422
    flash(_("Started %(key)s #%(id)s.", key=process_title(process_key), id=instance.id), "success")
    return redirect(url_for("supervision.instance_page", instance_id=instance.id))


@blueprint.get("/overdue")
def overdue() -> ResponseReturnValue:
    """Which unit is behind: how many of its tasks are overdue, the most first, with the
    most overdue of them (the rest on the inbox, filtered)."""
    engine = engine_of(current_app)
    counts = engine.overdue_counts()
    units = [
        (unit, count, engine.task_page(TaskFilter(unit=unit, overdue=True), _FIRST_FEW))
        for unit, count in sorted(counts.items(), key=lambda item: (-item[1], item[0] or ""))
        if unit is not None  # a task of no unit is nobody's to be behind on
    ]
    labels = engine.plan_labels(t.instance_id for _, _, page in units for t in page.items)
    return render_template("overdue.html", units=units, now=engine.clock.now(), labels=labels)


_FIRST_FEW = PageRequest(10)


@blueprint.get("/compliance")
def compliance() -> ResponseReturnValue:
    """Each unit's punctuality in each cycle of one process (?process_key=), a page of
    cycles at a time."""
    engine = engine_of(current_app)
    chosen = request.args.get("process_key") or None
    table = engine.compliance(chosen, page_request(default_limit=CYCLES_A_PAGE)) if chosen else None
    links = PageLinks(None, None)
    if table is not None:
        links = page_links(Page([], table.next_cursor, table.previous_cursor))
    return render_template(
        "compliance.html",
        table=table,
        links=links,
        process_titles=process_titles(),
        chosen=chosen,
        describe=describe_cell,
    )


CYCLES_A_PAGE = 12
"""Columns of the compliance table: a year of half-years, or twelve years."""


@blueprint.get("/compliance.<any(csv, xlsx):file_format>")
def compliance_export(file_format: str) -> ResponseReturnValue:
    """The table as a spreadsheet (web.spreadsheet), every cycle oldest first; several
    ``process_key``: a sheet each."""
    engine = engine_of(current_app)
    keys = list(dict.fromkeys(request.args.getlist("process_key"))) or [""]
    sheets = [
        (key, compliance_rows(_whole_table(engine, key), describe_cell, cycle_label))
        for key in keys
    ]
    if file_format == "csv":
        response = Response(compliance_csv(sheets), mimetype="text/csv")
    else:
        response = Response(compliance_xlsx(sheets), mimetype=XLSX)
    filename = f"compliance-{keys[0] if len(keys) == 1 else 'processes'}.{file_format}"
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response


def _whole_table(engine: Engine, process_key: str) -> ComplianceTable:
    """Every page of the compliance table of ``process_key`` as one, oldest cycle first."""
    tables = list(_every_page(engine, process_key))
    return ComplianceTable(
        process_key,
        cycles=[cycle for table in reversed(tables) for cycle in table.cycles],
        units=sorted({unit for table in tables for unit in table.units}),
        cells={key: cell for table in tables for key, cell in table.cells.items()},
    )


def _every_page(engine: Engine, process_key: str) -> Iterator[ComplianceTable]:
    """The compliance table of ``process_key`` page by page, the newest cycles first."""
    request_page = PageRequest(MAX_LIMIT)
    while True:
        table = engine.compliance(process_key, request_page)
        yield table
        if table.next_cursor is None:
            return
        request_page = PageRequest.parse(table.next_cursor, MAX_LIMIT)


def describe_cell(cell: Cell) -> str:
    if cell.state == "on_time":
        return _("on time")
    if cell.state == "pending":
        return _("in progress")
    if cell.state == "late":
        return _("%(days)s working day(s) late", days=cell.days_late)
    if cell.state == "missing":
        return _("missing (cut off)")
    return _("overdue %(days)s working day(s)", days=cell.days_late)


def cycle_label(cycle: InstanceView) -> str:
    return f"#{cycle.id} {cycle.business_key or local_time(cycle.started_at)[:10]}"


@blueprint.get("/instances/<int:instance_id>")
def instance_page(instance_id: int) -> ResponseReturnValue:
    """The instance, its documents and its history, each list a page at a time; its
    tasks link to their pages only for a reader who may open them."""
    engine, instance = engine_of(current_app), checked_instance()
    history = engine.history(instance_id)
    shown = engine.history_page(instance_id, page_request("history_"))
    documents = visible_documents(engine, caller(), instance_id, page_request("documents_"))
    tasks = engine.tasks(instance_id=instance_id, status=None)
    by_element: dict[str, list[HistoryLine]] = defaultdict(list)
    for line in in_words(engine.organisation, history):
        by_element[line.element_id or ""].append(line)
    return render_template(
        "instance.html",
        instance=instance,
        label=engine.plan_labels([instance_id]).get(instance_id, instance.process_key),
        history=in_words(engine.organisation, shown.items),
        history_links=page_links(shown, "history_"),
        history_of=by_element,
        tasks_of=tasks_by_element(tasks),
        step_names={task.element_id: task_name(task) for task in tasks},
        openable={task.id for task in tasks if sees_task(caller(), task)},
        documents=documents.items,
        documents_links=page_links(documents, "documents_"),
        linkable={document.id for document in documents.items},
        states=states_json(element_states(instance, history, engine.clock.now())),
        now=engine.clock.now(),
        has_viewer=BPMN_VIEWER.exists(),
    )


_DONE = {
    "suspend": _l("The instance is suspended."),
    "resume": _l("The instance runs again."),
    "cancel": _l("The instance is cancelled."),
}


@blueprint.post("/instances/<int:instance_id>/<any(suspend, resume, cancel):action>")
def instance_action(instance_id: int, action: str) -> ResponseReturnValue:
    """Suspend, resume or cancel (the page asks to confirm a cancel first); a failed
    step is repaired on the incident page (web.repair)."""
    engine, actor = engine_of(current_app), caller().username
    commands = {"suspend": engine.suspend, "resume": engine.resume, "cancel": engine.cancel}
    try:
        commands[action](instance_id, actor=actor)
    except GovflowError as exc:
        flash(error_text(exc), "error")
    else:
        flash(str(_DONE[action]), "success")
    return redirect(url_for("supervision.instance_page", instance_id=instance_id))


@blueprint.get("/instances/<int:instance_id>/diagram.bpmn")
def diagram(instance_id: int) -> ResponseReturnValue:
    instance = checked_instance()
    xml = engine_of(current_app).definition_source(instance.process_key, instance.version)
    return Response(xml, mimetype="application/xml")


@blueprint.get("/vendor/bpmn-viewer.js")
def bpmn_viewer() -> ResponseReturnValue:
    if not BPMN_VIEWER.exists():
        abort(404, "bpmn-js is not installed here (npm ci)")
    return send_file(BPMN_VIEWER, mimetype="text/javascript", max_age=86400)

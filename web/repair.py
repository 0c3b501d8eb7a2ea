"""The incident page: a supervisor reads why a step failed, corrects the instance's
variables and runs the step again, in one command (``Engine.retry`` with the data).

The variables are a form like any other: each value is JSON, bounded by the same
size limit as the API's bodies, checked by the engine as task data; every problem is
shown at its field. A retry that fails again shows the new error on the same page
with what was typed, never a 500.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.errors import Conflict, InvalidInput, ScriptError
from engine.views import InstanceView
from web import engine_of
from web.auth import caller
from web.diagram_states import element_states, states_json
from web.error_words import error_text
from web.i18n import input_problem
from web.incident_words import VariablesForm, explain, read_variables, variable_text
from web.supervision import BPMN_VIEWER

__all__ = ["blueprint"]

blueprint = Blueprint("repair", __name__)


@blueprint.get("/instances/<int:instance_id>/incident")
def incident_page(instance_id: int) -> ResponseReturnValue:
    instance = engine_of(current_app).instance(instance_id)
    if not instance.incidents:
        flash(_("This instance has no incident to repair."), "success")
        return redirect(url_for("supervision.instance_page", instance_id=instance_id))
    return _page(instance, VariablesForm())


@blueprint.post("/instances/<int:instance_id>/incident")
def fix_and_retry(instance_id: int) -> ResponseReturnValue:
    engine = engine_of(current_app)
    instance = engine.instance(instance_id)
    read = read_variables(request.form, instance.data, current_app.config["MAX_JSON_BYTES"])
    if read.errors:
        return _page(instance, read), 422
    try:
        engine.retry(instance_id, read.changes, actor=caller().username)
    except InvalidInput as exc:
        read.errors[str(exc.details.get("field", ""))] = input_problem(exc)
        return _page(instance, read), 422
    except ScriptError:  # the incident now says the new error: show it, keep the typing
        flash(_("The step failed again; the error below is the new one."), "error")
        return _page(engine.instance(instance_id), read), 422
    except Conflict as exc:
        flash(error_text(exc), "error")
        return redirect(url_for("supervision.instance_page", instance_id=instance_id))
    names = ", ".join(sorted(read.changes)) or _("none")
    flash(_("The step ran again (variables changed: %(names)s).", names=names), "success")
    return redirect(url_for("supervision.instance_page", instance_id=instance_id))


def _page(instance: InstanceView, read: VariablesForm) -> str:
    engine = engine_of(current_app)
    states = element_states(instance, engine.history(instance.id), engine.clock.now())
    texts = {name: variable_text(value) for name, value in sorted(instance.data.items())}
    texts.update(read.texts)
    return render_template(
        "incident.html",
        instance=instance,
        explanations={i.id: explain(i.message) for i in instance.incidents},
        texts=texts,
        errors=read.errors,
        states=states_json(states),
        focus=instance.incidents[0].element_id if instance.incidents else "",
        has_viewer=BPMN_VIEWER.exists(),
    )

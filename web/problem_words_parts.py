"""The words of the validation problems of govflow's own properties: expressions,
scripts, timers, forms, units, escalation, connectors and ids (engine/definitions:
expressions, extensions, services, identifiers). As in web/problem_words_graph.py,
each text is the engine's English with its variable parts as ``%(name)s``."""

from __future__ import annotations

from web.i18n import N_

__all__ = ["PART_WORDS"]

PART_WORDS = (
    N_("%(what)s does not compile: %(detail)s"),
    N_(
        "expressions are Python run in the sandbox: write ${a and b}, ${x == 'y'}, not "
        "JUEL's && or eq"
    ),
    N_("the condition is empty"),
    N_("write a condition such as ${approved}"),
    N_("script format '%(format)s' is not supported; scripts are Python"),
    N_("set Format to 'python' and write the script in Python"),
    N_("script task has no script"),
    N_("write the script, or use a plain task"),
    N_("script does not compile: %(detail)s"),
    N_("scripts are Python run in the sandbox: no import, no names starting with '_'"),
    N_("timer has no time: set a date, a duration or a cycle"),
    N_("e.g. duration PT2H, date 2021-06-30T17:00:00+07:00, cycle R/2021-01-01T00:00:00+07:00/P6M"),
    N_("%(kind)s %(text)s is not an ISO 8601 %(what)s"),
    N_("write e.g. %(example)s, or an expression as ${...}"),
    N_("camunda:%(name)s %(text)s is neither an ISO 8601 date-time nor a duration"),
    N_("write e.g. P2D, 2021-06-30T17:00:00+07:00, or an expression as ${...}"),
    N_("%(tag)s '%(name)s' refers to no element of the file"),
    N_(
        'declare the list in the process: <bpmn:dataObject id="%(name)s" '
        'name="%(name2)s" isCollection="true" />'
    ),
    N_("multi-instance has no collection and no cardinality"),
    N_("set Collection (e.g. ${units}) and Element variable, or a loop cardinality"),
    N_("form field id %(field)s is not a variable name"),
    N_("use letters, digits and _ starting with a letter, e.g. changes_count"),
    N_("form field '%(field)s' appears twice"),
    N_("rename one"),
    N_("form rule field %(field)s is not a field of this form"),
    N_("set field= to the field whose value breaks it: %(fields)s"),
    N_("form rule has no message"),
    N_("write what the person must correct"),
    N_("form rule does not compile: %(detail)s"),
    N_("write a Python condition over the form's fields, e.g. ${open_datasets <= datasets}"),
    N_("form rule reads no field of this form"),
    N_("form field '%(field)s' has unknown type '%(type)s'"),
    N_("use one of %(choices)s"),
    N_("enum form field '%(field)s' has no values"),
    N_("add the choices as values (id and name)"),
    N_("time_of_day %(value)s of field '%(field)s' is not a time"),
    N_("a datetime field's time_of_day is a time such as 08:00"),
    N_("form field '%(field)s' has unknown constraint '%(name)s'"),
    N_("constraint '%(name)s' does not apply to the %(type)s field '%(field)s'"),
    N_("'%(name)s' applies to %(types)s fields only"),
    N_("constraint '%(name)s' of field '%(field)s' has config %(config)s, not a limit"),
    N_("write a number (or a date YYYY-MM-DD for date fields)"),
    N_("candidate group '%(code)s' is not a known unit"),
    N_("use a unit code or set name from processes/units.yaml, e.g. DBO"),
    N_(
        "lane %(name)s names no unit, and its task(s) %(tasks)s have no candidate group: "
        "nobody would receive them"
    ),
    N_("name the lane 'CODE' or 'Unit name (CODE)', or set the tasks' candidate groups"),
    N_("lane unit '%(code)s' is not a known unit"),
    N_("%(name)s %(value)s is not an offset"),
    N_("write a number of working days such as 3WD, an ISO duration such as P2D%(extra)s"),
    N_("escalation step %(step)s is neither 'head' nor a known unit"),
    N_("list the chain as head,ITC,LEAD (unit codes from processes/units.yaml), or none"),
    N_("a complex gateway that both joins and splits is not supported"),
    N_("join with one complex gateway and split with another"),
    N_("camunda:%(name)s on a %(kind)s is not supported"),
    N_("describe the form with camunda:formData (Form type: Generated task form)"),
    N_("govflow runs no Java or external workers; use a service task with a connector"),
    N_("external %(kind)ss are not supported"),
    N_("only a service task calls another system, through a connector"),
    N_("camunda:%(name)s: %(what)s by govflow"),
    N_("set variables in a script task instead, or remove the extension"),
    N_("the %(attribute)s is %(length)s characters long; at most %(limit)s fit"),
    N_("shorten the %(attribute)s; put longer text in the documentation"),
    N_("this service task names no connector"),
    N_('set camunda:type="external" camunda:topic="<connector>" (%(known)s)'),
    N_('camunda:topic without camunda:type="external"'),
    N_('add camunda:type="external"'),
    N_("unknown connector '%(connector)s'"),
    N_("known connectors: %(connectors)s"),
    N_("%(kind)s %(name)s is not a variable name"),
    N_("name it with letters, digits and _ starting with a letter"),
    N_("%(kind)s '%(name)s': camunda:%(nested)s values are not supported"),
    N_("write the value as an expression ${…} over %(scope)s"),
    N_("%(kind)s '%(name)s' does not compile: %(detail)s"),
    N_("expressions are Python run in the sandbox, over %(scope)s"),
)

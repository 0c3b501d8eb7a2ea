"""The modeler's words: bpmn-js's palette, context pad and properties panel, and
govflow's own properties, in the page's language.

bpmn-js asks its ``translate`` service for each English text it shows; the page hands
it this catalogue (English → the page's language, from web/translations), so the
Vietnamese lives in the one catalogue of the pages. A text not listed here shows in
English.
"""

from __future__ import annotations

from flask_babel import gettext

from web.i18n import N_

__all__ = ["WORDS", "catalogue"]


WORDS = (
    # the palette and the context pad (bpmn-js)
    N_("Activate hand tool"),
    N_("Activate lasso tool"),
    N_("Activate create/remove space tool"),
    N_("Activate global connect tool"),
    N_("Create start event"),
    N_("Create intermediate/boundary event"),
    N_("Create end event"),
    N_("Create gateway"),
    N_("Create task"),
    N_("Create data object reference"),
    N_("Create data store reference"),
    N_("Create expanded sub-process"),
    N_("Create pool/participant"),
    N_("Create group"),
    N_("Append end event"),
    N_("Append gateway"),
    N_("Append task"),
    N_("Append intermediate/boundary event"),
    N_("Append text annotation"),
    N_("Change element"),
    N_("Delete"),
    N_("Connect to other element"),
    N_("Connect using sequence/message flow or association"),
    N_("Add text annotation"),
    # the properties panel (bpmn-js-properties-panel)
    N_("General"),
    N_("Name"),
    N_("ID"),
    N_("Documentation"),
    N_("Element documentation"),
    N_("Process documentation"),
    N_("Executable"),
    N_("Version tag"),
    N_("User assignment"),
    N_("Assignee"),
    N_("Due date"),
    N_("Follow up date"),
    N_("Form fields"),
    N_("Type"),
    N_("Label"),
    N_("Default value"),
    N_("Constraints"),
    N_("Values"),
    N_("Timer"),
    N_("Value"),
    N_("Date"),
    N_("Duration"),
    N_("Cycle"),
    N_("Message"),
    N_("Signal"),
    N_("Global message reference"),
    N_("Global signal reference"),
    N_("Script"),
    N_("Format"),
    N_("Inline script"),
    N_("Result variable"),
    N_("Condition"),
    N_("Condition expression"),
    N_("Multi-instance"),
    N_("Collection"),
    N_("Element variable"),
    N_("Extension properties"),
    N_("Inputs"),
    N_("Outputs"),
    N_("Implementation"),
    N_("Topic"),
    N_("<none>"),
    # govflow's own properties and the page
    N_("Unit"),
    N_("expression"),
    N_("Deadline (working days)"),
    N_("Due in working days"),
    N_("Counted from when the task opens, in Vietnam working days"),
    N_("Enter a whole number of days."),
    N_("Reminder before the due date"),
    N_("Escalation chain"),
    N_("Escalation interval"),
    N_("3WD, P2D or none"),
    N_("head,ITC,LEAD or none"),
    N_("2WD"),
    N_("Next firings (Hà Nội time)"),
    N_("No firing to show."),
    N_("working day"),
    N_("not a working day"),
    N_("Used by other processes"),
    N_("Message name"),
    N_("Signal name"),
    N_("Draft saved"),
    N_("Errors"),
    N_("Warnings"),
    N_("No problems found."),
)


def catalogue() -> dict[str, str]:
    """Each of :data:`WORDS` in the page's language."""
    return {word: gettext(word) for word in WORDS}

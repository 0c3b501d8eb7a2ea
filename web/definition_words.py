"""Validation problems in the page's language, for the modeler.

The engine writes each problem in English (``govflow validate`` prints them so). The
modeler shows the most frequent ones in Vietnamese when the page is in Vietnamese:
:data:`MESSAGES` are engine texts translated as they are, :data:`PATTERNS` engine
texts with a name or number in them; any other problem is shown as the engine wrote it.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext

from engine.errors import DefinitionProblem
from web.modeler_words import N_

__all__ = ["MESSAGES", "PATTERNS", "problem_json", "translated"]

MESSAGES = frozenset(
    {
        N_("no outgoing sequence flow, and not an end event"),
        N_("connect it to the next step or to an end event"),
        N_("not reachable from a start event"),
        N_("connect it, or delete it"),
        N_("no start event"),
        N_("add a start event"),
        N_("the file has no executable process"),
        N_("give every element its own id"),
        N_("a start event cannot have incoming sequence flows"),
        N_("an end event cannot have outgoing sequence flows"),
        N_("remove them"),
        N_("cannot reach an end event (a loop with no way out)"),
        N_("add a gateway with a flow that leaves the loop"),
        N_("call activity names no process to call"),
        N_("rename one"),
        N_("add the choices as values (id and name)"),
    }
)

PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), text)
    for pattern, text in (
        (
            r"^candidate group '(?P<code>[^']*)' is not a known unit$",
            N_("candidate group '%(code)s' is not a known unit"),
        ),
        (
            r"^use a unit code or set name from processes/units.yaml, e.g. DBO$",
            N_("choose a unit or a set of units from the list"),
        ),
        (r"^not valid BPMN 2.0: (?P<detail>.*)$", N_("not valid BPMN 2.0: %(detail)s")),
        (
            r"^id '(?P<id>[^']*)' is already used on line (?P<line>\d+)$",
            N_("id '%(id)s' is already used on line %(line)s"),
        ),
        (
            r"^call activity calls '(?P<called>[^']*)', which is not a process of this deployment$",
            N_("call activity calls '%(called)s', which is not a deployed process"),
        ),
        (
            r"^form field '(?P<field>[^']*)' appears twice$",
            N_("form field '%(field)s' appears twice"),
        ),
        (
            r"^enum form field '(?P<field>[^']*)' has no values$",
            N_("enum form field '%(field)s' has no values"),
        ),
    )
)


def translated(text: str) -> str:
    """``text`` in the page's language when it is one of the known engine messages."""
    if text in MESSAGES:
        return gettext(text)
    for pattern, template in PATTERNS:
        match = pattern.match(text)
        if match:
            return gettext(template, **match.groupdict())
    return text


def problem_json(problem: DefinitionProblem) -> dict[str, Any]:
    """A problem as the modeler's list and overlays show it."""
    return {
        "line": problem.line,
        "element_id": problem.element_id,
        "element_name": problem.element_name,
        "message": translated(problem.message),
        "hint": translated(problem.hint),
        "is_error": problem.is_error,
    }

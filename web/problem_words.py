"""A BPMN file's validation problems in the reader's language, on the designers' pages
and in the modeler.

The engine words each problem in English, as ``govflow validate`` prints it; this
table says the common ones again through the catalogue. Each entry is the engine's
wording with its variable parts in braces; the parts are carried over as they are (ids,
codes, the XML parser's own detail). A problem the table does not know is shown as the
engine wrote it, and file, line and element are always kept.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from flask_babel import gettext

from engine.errors import DefinitionProblem
from web.i18n import N_

__all__ = ["PROBLEM_WORDS", "problem_json", "problem_words"]

PROBLEM_WORDS: tuple[tuple[str, str], ...] = (
    ("not well-formed XML: {detail}", N_("not well-formed XML: %(detail)s")),
    ("fix the XML syntax", N_("fix the XML syntax")),
    ("not valid BPMN 2.0: {detail}", N_("not valid BPMN 2.0: %(detail)s")),
    ("the file has no executable process", N_("the file has no executable process")),
    (
        "id '{id}' is already used on line {line}",
        N_("id '%(id)s' is already used on line %(line)s"),
    ),
    ("give every element its own id", N_("give every element its own id")),
    ("no start event", N_("no start event")),
    ("add a start event", N_("add a start event")),
    (
        "no outgoing sequence flow, and not an end event",
        N_("no outgoing sequence flow, and not an end event"),
    ),
    (
        "connect it to the next step or to an end event",
        N_("connect it to the next step or to an end event"),
    ),
    ("not reachable from a start event", N_("not reachable from a start event")),
    ("connect it, or delete it", N_("connect it, or delete it")),
    (
        "a start event cannot have incoming sequence flows",
        N_("a start event cannot have incoming sequence flows"),
    ),
    (
        "an end event cannot have outgoing sequence flows",
        N_("an end event cannot have outgoing sequence flows"),
    ),
    ("remove them", N_("remove them")),
    (
        "cannot reach an end event (a loop with no way out)",
        N_("cannot reach an end event (a loop with no way out)"),
    ),
    (
        "add a gateway with a flow that leaves the loop",
        N_("add a gateway with a flow that leaves the loop"),
    ),
    ("call activity names no process to call", N_("call activity names no process to call")),
    (
        "call activity calls '{called}', which is not a process of this deployment",
        N_("call activity calls '%(called)s', which is not a deployed process"),
    ),
    (
        "candidate group '{code}' is not a known unit",
        N_("candidate group '%(code)s' is not a known unit"),
    ),
    ("lane unit '{code}' is not a known unit", N_("lane unit '%(code)s' is not a known unit")),
    (
        "use a unit code or set name from processes/units.yaml, e.g. DBO",
        N_("use a unit code or a set name from units.yaml, e.g. DBO"),
    ),
    ("script task has no script", N_("the script task has no script")),
    ("write the script, or use a plain task", N_("write the script, or use a plain task")),
    ("script does not compile: {detail}", N_("the script does not compile: %(detail)s")),
    ("form field '{field}' appears twice", N_("form field '%(field)s' appears twice")),
    ("rename one", N_("rename one of them")),
    ("enum form field '{field}' has no values", N_("enum form field '%(field)s' has no values")),
    ("add the choices as values (id and name)", N_("add the choices as values (id and name)")),
    (
        "timer has no time: set a date, a duration or a cycle",
        N_("the timer has no time: set a date, a duration or a cycle"),
    ),
    ("the condition is empty", N_("the condition is empty")),
    (
        "{reference} '{target}' names {found}, where BPMN 2.0 {section} asks for {wanted}",
        N_(
            "%(reference)s '%(target)s' names %(found)s, "
            "where BPMN 2.0 %(section)s asks for %(wanted)s"
        ),
    ),
    (
        "point {reference} at {wanted} of this file",
        N_("point %(reference)s at %(wanted)s of this file"),
    ),
    (
        "eventDefinitionRef '{target}' names the event definition inside '{owner}', where "
        "BPMN 2.0 §10.5.1 asks for one defined at the top of the file",
        N_(
            "eventDefinitionRef '%(target)s' names the event definition inside '%(owner)s', "
            "where BPMN 2.0 §10.5.1 asks for one defined at the top of the file"
        ),
    ),
    (
        "move the event definition to the top of the file, or define it inline here",
        N_("move the event definition to the top of the file, or define it inline here"),
    ),
    (
        "the condition is the constant {value}, not a true/false expression "
        "(BPMN 2.0 §8.3.6: a condition evaluates to a boolean)",
        N_(
            "the condition is the constant %(value)s, not a true/false expression "
            "(BPMN 2.0 §8.3.6: a condition evaluates to a boolean)"
        ),
    ),
    (
        "write a comparison such as ${count > 23}, or True / False",
        N_("write a comparison such as ${count > 23}, or True / False"),
    ),
    (
        "loopCardinality is the constant {value}, not a whole number "
        "(BPMN 2.0 §10.3.6: it counts the instances)",
        N_(
            "loopCardinality is the constant %(value)s, not a whole number "
            "(BPMN 2.0 §10.3.6: it counts the instances)"
        ),
    ),
    (
        "give the number of instances, 0 or more, or an expression",
        N_("give the number of instances, 0 or more, or an expression"),
    ),
    (
        "textFormat '{format}' is not a MIME type (BPMN 2.0 §8.2.3)",
        N_("textFormat '%(format)s' is not a MIME type (BPMN 2.0 §8.2.3)"),
    ),
    (
        "write a MIME type such as text/plain or text/html",
        N_("write a MIME type such as text/plain or text/html"),
    ),
    (
        "{data} '{name}' is in no {group} (BPMN 2.0 §10.4.1)",
        N_("%(data)s '%(name)s' is in no %(group)s (BPMN 2.0 §10.4.1)"),
    ),
    (
        "list it in the {members} of an {group}, or remove it",
        N_("list it in the %(members)s of an %(group)s, or remove it"),
    ),
    (
        "{subset} names '{name}', which is not among the {members} of this set (BPMN 2.0 §10.4.1)",
        N_(
            "%(subset)s names '%(name)s', which is not among the %(members)s of this set "
            "(BPMN 2.0 §10.4.1)"
        ),
    ),
    (
        "add '{name}' to the {members} of this set, or remove it here",
        N_("add '%(name)s' to the %(members)s of this set, or remove it here"),
    ),
    (
        "{forward} names '{other}', whose {backward} do not name '{name}' back (BPMN 2.0 §10.4.1)",
        N_(
            "%(forward)s names '%(other)s', whose %(backward)s do not name '%(name)s' back "
            "(BPMN 2.0 §10.4.1)"
        ),
    ),
    (
        "add '{name}' to the {backward} of '{other}'",
        N_("add '%(name)s' to the %(backward)s of '%(other)s'"),
    ),
    (
        "{end} '{name}' is a dataInput of the process itself, which the process only reads "
        "(BPMN 2.0 §10.4.1)",
        N_(
            "%(end)s '%(name)s' is a dataInput of the process itself, which the process only "
            "reads (BPMN 2.0 §10.4.1)"
        ),
    ),
    (
        "{end} '{name}' is a dataOutput of the process itself, which the process only writes "
        "(BPMN 2.0 §10.4.1)",
        N_(
            "%(end)s '%(name)s' is a dataOutput of the process itself, which the process only "
            "writes (BPMN 2.0 §10.4.1)"
        ),
    ),
    (
        "use a data object for what the process computes",
        N_("use a data object for what the process computes"),
    ),
    (
        "'{data}' has item definition '{mine}', not '{payload}' of {what} "
        "(BPMN 2.0 §10.3.3, §10.5.1)",
        N_(
            "'%(data)s' has item definition '%(mine)s', not '%(payload)s' of %(what)s "
            "(BPMN 2.0 §10.3.3, §10.5.1)"
        ),
    ),
    ('set itemSubjectRef="{payload}"', N_('set itemSubjectRef="%(payload)s"')),
    (
        "a {association} with {count} sources needs a transformation (BPMN 2.0 §10.4.1)",
        N_("a %(association)s with %(count)s sources needs a transformation (BPMN 2.0 §10.4.1)"),
    ),
    (
        "keep one sourceRef, or add the transformation that combines them",
        N_("keep one sourceRef, or add the transformation that combines them"),
    ),
    (
        "'{source}' is of item definition '{source_item}' and '{target}' of '{target_item}': "
        "without a transformation both ends have the same structure (BPMN 2.0 §10.4.1)",
        N_(
            "'%(source)s' is of item definition '%(source_item)s' and '%(target)s' of "
            "'%(target_item)s': without a transformation both ends have the same structure "
            "(BPMN 2.0 §10.4.1)"
        ),
    ),
    (
        "give both ends the same item definition, or add a transformation",
        N_("give both ends the same item definition, or add a transformation"),
    ),
    (
        "the operation's {message} '{name}' needs a {data} of this service task (BPMN 2.0 §10.3.3)",
        N_(
            "the operation's %(message)s '%(name)s' needs a %(data)s of this service task "
            "(BPMN 2.0 §10.3.3)"
        ),
    ),
    (
        "add one {data} of the message's item definition to the ioSpecification",
        N_("add one %(data)s of the message's item definition to the ioSpecification"),
    ),
    (
        "'{called}' has no none start event, so a call activity cannot start it (BPMN 2.0 §10.5.2)",
        N_(
            "'%(called)s' has no none start event, so a call activity cannot start it "
            "(BPMN 2.0 §10.5.2)"
        ),
    ),
    (
        "add a start event without trigger to the called process",
        N_("add a start event without trigger to the called process"),
    ),
    (
        "a process cannot hold a {kind}: it belongs to a choreography (BPMN 2.0 §11.4)",
        N_("a process cannot hold a %(kind)s: it belongs to a choreography (BPMN 2.0 §11.4)"),
    ),
    (
        "model the exchange with send and receive tasks, or move it to a choreography",
        N_("model the exchange with send and receive tasks, or move it to a choreography"),
    ),
)
"""The engine's wording (variable parts in braces) and the catalogue's."""


def problem_words(text: str) -> str:
    """A message or hint of a validation problem in the reader's language.

    The ``<bpmn:condition>: `` an element without id is named by is kept as it is."""
    part = _PART.match(text)
    prefix = part.group(0) if part else ""
    words = text[len(prefix) :]
    for pattern, catalogued in _patterns():
        found = pattern.fullmatch(words)
        if found:
            return prefix + gettext(catalogued, **found.groupdict())
    return text


def problem_json(problem: DefinitionProblem) -> dict[str, Any]:
    """A problem as the modeler's list and overlays show it."""
    return {
        "line": problem.line,
        "element_id": problem.element_id,
        "element_name": problem.element_name,
        "message": problem_words(problem.message),
        "hint": problem_words(problem.hint),
        "is_error": problem.is_error,
    }


_PART = re.compile(r"<bpmn:\w+>: ")


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((_pattern(english), words) for english, words in PROBLEM_WORDS)


def _pattern(english: str) -> re.Pattern[str]:
    """``"unit '{code}' is…"`` → a pattern that matches it with any code."""
    parts = re.split(r"\{(\w+)\}", english)
    return re.compile(
        "".join(
            re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+)"
            for index, part in enumerate(parts)
        ),
        re.S,
    )

"""A BPMN file's validation problems in the reader's language, on the designers' pages
and in the modeler.

The engine words each problem in English, as ``govflow validate`` prints it. Every
text its checks can write is a msgid of the catalogue (web/problem_words_graph.py,
_events.py, _parts.py, _rules.py): the engine's words with their variable parts as ``%(name)s``.
A problem is matched against those texts, the most specific first, and said again
through the catalogue with its parts carried over as they are (ids, codes, the XML
parser's own detail). tests/test_problem_words.py reads every message and hint in
engine/definitions and fails on one without its words, so a new rule cannot be shown
in English on a Vietnamese page. Only SpiffWorkflow's own messages, which govflow does
not write, are shown as they came; file, line and element are always kept.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from flask_babel import gettext

from engine.errors import DefinitionProblem
from web.problem_words_events import EVENT_WORDS
from web.problem_words_graph import GRAPH_WORDS
from web.problem_words_parts import PART_WORDS
from web.problem_words_rules import RULE_WORDS

__all__ = ["PROBLEM_WORDS", "api_problem", "problem_json", "problem_words"]

PROBLEM_WORDS: tuple[str, ...] = GRAPH_WORDS + EVENT_WORDS + PART_WORDS + RULE_WORDS
"""Every text of the engine's validation, as a msgid with ``%(name)s`` parts."""

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_PART_OF_ELEMENT = re.compile(r"<bpmn:\w+>: ")
"""The engine names the part of an element it reports on (engine/definitions/findings)."""


def problem_words(text: str) -> str:
    """A message or hint of a validation problem in the reader's language."""
    prefix = _PART_OF_ELEMENT.match(text)
    part = prefix.group(0) if prefix else ""
    for pattern, words in _patterns():
        matched = pattern.fullmatch(text, len(part))
        if matched:
            return part + gettext(words, **matched.groupdict())
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


def api_problem(problem: DefinitionProblem) -> dict[str, Any]:
    """A problem as the API answers it: the engine's English for programs, and the
    same in the caller's language for people (as a problem document's ``detail``)."""
    return {
        **problem.__dict__,
        "detail": problem_words(problem.message),
        "hint_detail": problem_words(problem.hint),
    }


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each text's pattern, those with more fixed words first: ``script does not
    compile: %(detail)s`` must win over ``%(what)s does not compile: %(detail)s``."""
    by_specificity = sorted(PROBLEM_WORDS, key=lambda w: -len(_PLACEHOLDER.sub("", w)))
    return tuple((_pattern(words), words) for words in by_specificity)


def _pattern(words: str) -> re.Pattern[str]:
    """``"unit '%(code)s' is…"`` → a pattern that matches it with any code."""
    parts = _PLACEHOLDER.split(words)
    return re.compile(
        "".join(
            re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+)"
            for index, part in enumerate(parts)
        ),
        re.S,
    )

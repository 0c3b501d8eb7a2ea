"""A BPMN file's validation problems in the reader's language, on the designers' pages.

The engine words each problem in English, as ``govflow validate`` prints it; this
table says the common ones again through the catalogue. Each entry is the engine's
wording with its variable parts in braces; the parts are carried over as they are (ids,
codes, the XML parser's own detail). A problem the table does not know is shown as the
engine wrote it, and file, line and element are always kept.
"""

from __future__ import annotations

import re
from functools import cache

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

__all__ = ["problem_words"]

_WORDS = (
    ("not well-formed XML: {detail}", _l("not well-formed XML: %(detail)s")),
    ("fix the XML syntax", _l("fix the XML syntax")),
    (
        "candidate group '{code}' is not a known unit",
        _l("candidate group '%(code)s' is not a known unit"),
    ),
    ("lane unit '{code}' is not a known unit", _l("lane unit '%(code)s' is not a known unit")),
    (
        "use a unit code or set name from processes/units.yaml, e.g. DBO",
        _l("use a unit code or a set name from units.yaml, e.g. DBO"),
    ),
    ("script task has no script", _l("the script task has no script")),
    ("write the script, or use a plain task", _l("write the script, or use a plain task")),
    ("script does not compile: {detail}", _l("the script does not compile: %(detail)s")),
    ("form field '{field}' appears twice", _l("form field '%(field)s' appears twice")),
    ("rename one", _l("rename one of them")),
    ("enum form field '{field}' has no values", _l("enum form field '%(field)s' has no values")),
    ("add the choices as values (id and name)", _l("add the choices as values (id and name)")),
    (
        "timer has no time: set a date, a duration or a cycle",
        _l("the timer has no time: set a date, a duration or a cycle"),
    ),
    ("the condition is empty", _l("the condition is empty")),
)


def problem_words(text: str) -> str:
    """A message or hint of a validation problem in the reader's language."""
    for pattern, words in _patterns():
        found = pattern.fullmatch(text)
        if found:
            return str(words) % found.groupdict() if found.groupdict() else str(words)
    return text


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], LazyString], ...]:
    return tuple((_pattern(english), words) for english, words in _WORDS)


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

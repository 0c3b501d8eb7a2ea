"""Language and time on the pages: Vietnamese by default, English on request; Hà Nội time.

Texts are written in English in the code and templates and translated in
``web/translations/vi`` (gettext, compiled by ``pybabel compile`` in the install
scripts). The chosen language is kept in the session; ``/lang/en`` or ``/lang/vi``
switches it. Times are stored in UTC and shown on the Asia/Ho_Chi_Minh clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import Flask, Response, request, session
from flask_babel import Babel, lazy_gettext

from engine.calendar import to_local
from engine.errors import InvalidInput

__all__ = [
    "LANGUAGES",
    "N_",
    "file_size",
    "in_readers_language",
    "init_i18n",
    "input_problem",
    "input_problems",
    "local_time",
]

LANGUAGES = ("vi", "en")


def N_(text: str) -> str:
    """Marks ``text`` for the catalogue (pybabel extracts ``N_``); translated when shown."""
    return text


DEFAULT_LANGUAGE = "vi"


def chosen_language() -> str:
    """The language chosen on the pages; under /api/ without one, the caller's
    ``Accept-Language``; else Vietnamese. The pages ignore ``Accept-Language``: a browser
    set to English would otherwise hide the Vietnamese default from a Vietnamese user."""
    language = session.get("lang")
    if language in LANGUAGES:
        return str(language)
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def in_readers_language(response: Response) -> Response:
    """``response``, marked as worded in the reader's language (``Content-Language``)."""
    response.content_language.add(chosen_language())
    return response


def local_time(moment: datetime | None) -> str:
    """``25/12/2021 00:00`` on the Hà Nội clock; ``-`` for no time."""
    return to_local(moment).strftime("%d/%m/%Y %H:%M") if moment is not None else "-"


def file_size(size: int) -> str:
    """``20 MB``, ``1.5 KB``, ``900 B``: a size as people read it."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{round(size / scale, 1):g} {unit}"
    return f"{size} B"


INSTANCE_STATUSES = ("running", "incident", "suspended", "completed", "failed", "cancelled")
_STATUS_LABELS = {
    "open": lazy_gettext("open"),
    "running": lazy_gettext("running"),
    "incident": lazy_gettext("incident"),
    "suspended": lazy_gettext("suspended"),
    "completed": lazy_gettext("completed"),
    "cancelled": lazy_gettext("cancelled"),
    "failed": lazy_gettext("failed (BPMN error)"),
}


def status_label(status: str) -> str:
    """An instance's or a task's status, in the page's language."""
    return _label(_STATUS_LABELS, status)


_ROLE_LABELS = {
    "staff": lazy_gettext("staff"),
    "supervisor": lazy_gettext("supervisor"),
    "designer": lazy_gettext("designer"),
    "admin": lazy_gettext("administrator"),
}


def role_label(role: str) -> str:
    """A user's role, in the page's language."""
    return _label(_ROLE_LABELS, role)


def _label(labels: Mapping[str, Any], key: str) -> str:
    """``key``'s label in the page's language; the key itself when it has none."""
    label = labels.get(key)
    return str(label) if label is not None else key


def init_i18n(app: Flask) -> None:
    Babel(app, locale_selector=chosen_language, default_timezone="Asia/Ho_Chi_Minh")
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["status_label"] = status_label
    app.jinja_env.filters["role_label"] = role_label
    app.jinja_env.filters["file_size"] = file_size
    app.jinja_env.globals["current_language"] = chosen_language
    app.jinja_env.globals["instance_statuses"] = INSTANCE_STATUSES


_INPUT_RULES = {
    "required": lazy_gettext("%(label)s is required."),
    "type:long": lazy_gettext("%(label)s: enter a whole number."),
    "type:double": lazy_gettext("%(label)s: enter a number."),
    "type:date": lazy_gettext("%(label)s: enter a date as DD/MM/YYYY."),
    "type:datetime": lazy_gettext("%(label)s: enter a date and time as DD/MM/YYYY HH:MM."),
    "type:unit": lazy_gettext("%(label)s: choose one of the options."),
    "type:database": lazy_gettext("%(label)s: choose one of the options."),
    "type:boolean": lazy_gettext("%(label)s: yes or no is expected."),
    "type:string": lazy_gettext("%(label)s: text is expected."),
    "unknown": lazy_gettext("%(label)s is not a field of this request."),
    "type:file": lazy_gettext("%(label)s: upload the document again."),
    "type:units": lazy_gettext("%(label)s: enter unit codes such as LEGAL, DBO."),
    "file": lazy_gettext("%(label)s: upload the document again."),
    "choice": lazy_gettext("%(label)s: choose one of the options."),
    "min": lazy_gettext("%(label)s must be at least %(limit)s."),
    "max": lazy_gettext("%(label)s must be at most %(limit)s."),
    "minlength": lazy_gettext("%(label)s needs at least %(limit)s characters."),
    "maxlength": lazy_gettext("%(label)s allows at most %(limit)s characters."),
    "too_large": lazy_gettext("%(label)s: the file is larger than the limit of %(limit)s."),
    "empty": lazy_gettext("%(label)s: the file is empty."),
}


def input_problem(error: InvalidInput) -> str:
    """What was wrong with a form's input, in the page's language (the engine's own
    English message when the rule has no translation)."""
    return _problem_text({**error.details, "message": error.message})


def input_problems(error: InvalidInput) -> dict[str, str]:
    """Each field's problems, in the page's language, by field ("" for none), so that a
    page shows every problem of a submission at once, each beside its field."""
    problems = error.details.get("problems")
    if not isinstance(problems, list):
        problems = [{**error.details, "message": error.message}]
    by_field: dict[str, list[str]] = {}
    for problem in problems:
        by_field.setdefault(str(problem.get("field", "")), []).append(_problem_text(problem))
    return {field: " ".join(texts) for field, texts in by_field.items()}


def _problem_text(problem: Mapping[str, Any]) -> str:
    """A designer's rule speaks the process's own words; a field rule is translated."""
    template = _INPUT_RULES.get(str(problem.get("rule", "")))
    if template is None:
        return str(problem.get("message", ""))
    limit = problem.get("limit")
    if isinstance(limit, float) and limit.is_integer():
        limit = int(limit)
    if problem.get("rule") == "too_large" and isinstance(limit, int):
        limit = file_size(limit)
    return str(template) % {"label": problem.get("label", ""), "limit": limit}

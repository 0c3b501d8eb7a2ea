"""What went wrong, in the reader's language: each error page's title and explanation
by HTTP status, and the engine's errors said in words where their code and details tell
what happened (else the engine's own English message, kept for the maintainers)."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext, lazy_gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engine.errors import GovflowError, InvalidDefinition, InvalidInput
from web.content_names import person, process_title, request_organisation, unit_label
from web.i18n import file_size, input_problems, status_label

__all__ = ["error_page_words", "error_text", "http_error_text"]

_TITLES = {
    400: lazy_gettext("The request could not be read"),
    401: lazy_gettext("Log in first"),
    403: lazy_gettext("Access refused"),
    404: lazy_gettext("Page not found"),
    405: lazy_gettext("This cannot be done here"),
    409: lazy_gettext("This cannot be done now"),
    413: lazy_gettext("Too large"),
    422: lazy_gettext("The input was refused"),
    429: lazy_gettext("Too many attempts"),
    500: lazy_gettext("Something went wrong"),
}
_EXPLANATIONS = {
    400: lazy_gettext("The request could not be read. Go back, reload the page and try again."),
    401: lazy_gettext("Log in to open this page."),
    403: lazy_gettext("You may not open this page or do this."),
    404: lazy_gettext("The page does not exist, or you may not see it."),
    405: lazy_gettext("This address does not answer this kind of request."),
    409: lazy_gettext("Someone or something changed this meanwhile. Reload and try again."),
    413: lazy_gettext("What was sent is larger than the limit."),
    422: lazy_gettext("What was sent was refused."),
    429: lazy_gettext("Too many attempts: wait a moment, then try again."),
    500: lazy_gettext(
        "The server met an error; it has been logged. Try again later, or tell the IT Centre."
    ),
}
_CSRF_EXPIRED = lazy_gettext("The form had expired. Reload the page and send it again.")
_ROLE_NAMES = {
    "staff": lazy_gettext("unit staff"),
    "supervisor": lazy_gettext("supervisor"),
    "designer": lazy_gettext("process designer"),
    "admin": lazy_gettext("administrator"),
}
_MISSING = {
    "task_id": lazy_gettext("There is no task %(id)s, or you may not see it."),
    "instance_id": lazy_gettext("There is no process instance %(id)s, or you may not see it."),
    "attachment_id": lazy_gettext("There is no document %(id)s, or you may not see it."),
    "notification_id": lazy_gettext("There is no notification %(id)s for you."),
    "token_id": lazy_gettext("There is no live API token %(id)s."),
}
"""Things not found, by the detail that names them; a process is worded apart."""

_CONFLICTS = {"no_incident": lazy_gettext("The process instance has no incident to retry.")}
"""Conflicts by their ``reason`` detail."""

_REFUSALS = {
    "all_units": lazy_gettext("Only supervisors list the tasks of every unit."),
    "not_your_unit": lazy_gettext("You do not work for %(unit)s."),
    "work_task": lazy_gettext("This task is for %(unit)s: only its staff or assignee work it."),
    "release_claim": lazy_gettext(
        "%(assignee)s has claimed this task: only they, the head of %(unit)s or a supervisor "
        "release the claim."
    ),
    "assign_task": lazy_gettext("Only the head of %(unit)s or a supervisor assigns this task."),
    "in_person": lazy_gettext("An API token may not do this: log in in person."),
}
"""Refusals by their ``reason`` detail."""

_LOG_IN_PROBLEMS = {
    "wrong_password": lazy_gettext("Wrong username or password."),
    "unknown_token": lazy_gettext("The API token is unknown or revoked."),
}

_YEARS = lazy_gettext("The years are whole years from 2000 to 2100, at most %(limit)s at a time.")
_PAGE_LINK = lazy_gettext("This link to a page of the list is not valid: open the list again.")
_BAD_PARAMETERS = {
    "limit": lazy_gettext("The page size (limit) is a whole number from 1 to %(limit)s."),
    "cursor": _PAGE_LINK,
    "before": _PAGE_LINK,
    "plan_task": lazy_gettext("The plan task is a code of the plan such as I.3 or II.4."),
    "cycle": lazy_gettext("The cycle is a year (2023) or a half-year (2023-H1)."),
    "cadence": lazy_gettext("The cadence is half-yearly (half) or yearly (year)."),
    "first_year": _YEARS,
    "last_year": _YEARS,
}
"""The lists' own parameters (in the address), by field, when one is refused."""

_REQUEST_RULES = {
    "json_body": lazy_gettext("Send the body as a JSON object (Content-Type: application/json)."),
    "json": lazy_gettext("%(field)s holds a value that cannot be stored, such as NaN or infinity."),
    "depth": lazy_gettext("The body is nested deeper than %(limit)s levels."),
    "nul": lazy_gettext("%(field)s holds a NUL character, which cannot be stored."),
    "maxlength": lazy_gettext("%(field)s allows at most %(limit)s characters."),
    "one_of": lazy_gettext("%(field)s is one of: %(options)s."),
    "iso_date": lazy_gettext(
        "%(field)s is a date (YYYY-MM-DD) or a date and time in ISO 8601 (YYYY-MM-DDTHH:MM+07:00)."
    ),
    "date_range": lazy_gettext("%(field)s is outside the dates a list can hold."),
    "multipart": lazy_gettext("Send %(field)s as a part of a multipart/form-data body."),
    "max_files": lazy_gettext("Send at most %(limit)s files at once."),
}
"""How a request itself was malformed (its body, its address, its parts), by rule."""


def error_page_words(status: int) -> tuple[str, str]:
    """The title and the explanation of an error page for ``status``."""
    family = status if status in _TITLES else (500 if status >= 500 else 400)
    return str(_TITLES[family]), str(_EXPLANATIONS[family])


def error_text(error: GovflowError) -> str:
    """The engine's error in the reader's language where govflow knows its kind, else
    its own English message, kept for the maintainers."""
    wording = _WORDINGS.get(error.code)
    return (wording(error) if wording else None) or error.message


def _refusal_text(error: GovflowError) -> str | None:
    details = error.details
    roles = details.get("roles")
    if isinstance(roles, list | tuple):
        names = ", ".join(str(_ROLE_NAMES.get(role, role)) for role in roles)
        return gettext("This is for the role: %(roles)s.", roles=names)
    refusal = _REFUSALS.get(str(details.get("reason")))
    if refusal is None:
        return None
    organisation = request_organisation()
    return str(refusal) % {
        "unit": unit_label(organisation, _text_or_none(details.get("unit"))),
        "assignee": person(organisation, _text_or_none(details.get("assignee"))),
    }


def _missing_text(error: GovflowError) -> str | None:
    details = error.details
    for detail, text in _MISSING.items():
        if detail in details:
            return str(text) % {"id": details[detail]}
    if "process_key" not in details:
        return None
    process = process_title(str(details["process_key"]))
    if details.get("version") is not None:
        return gettext(
            "Process %(process)s has no version %(version)s.",
            process=process,
            version=details["version"],
        )
    return gettext("There is no deployed process %(process)s.", process=process)


def _conflict_text(error: GovflowError) -> str:
    """A command that no longer applies: a task claimed or done, an instance not running."""
    details = error.details
    if details.get("reason") in _CONFLICTS:
        return str(_CONFLICTS[str(details["reason"])])
    if details.get("claimed_by"):
        who = person(request_organisation(), str(details["claimed_by"]))
        return gettext("The task is claimed by %(who)s.", who=who)
    if "state" in details:
        state = status_label(str(details["state"]))
        return gettext("The task is no longer open: %(state)s.", state=state)
    if "instance_status" in details:
        status = status_label(str(details["instance_status"]))
        return gettext("The process instance is %(status)s: it takes no command.", status=status)
    return error_page_words(409)[1]


def _invalid_input_text(error: GovflowError) -> str | None:
    """A form's problems, each by its rule; else a list's refused parameter."""
    if not isinstance(error, InvalidInput):
        return None
    if isinstance(error.details.get("problems"), list) or error.details.get("label"):
        return " ".join(input_problems(error).values())
    details = error.details
    wording = _BAD_PARAMETERS.get(str(details.get("field"))) or _REQUEST_RULES.get(
        str(details.get("rule"))
    )
    if wording is None:
        return None
    names = ("field", "limit", "options")
    return str(wording) % {name: details.get(name) for name in names}


def _log_in_text(error: GovflowError) -> str:
    wording = _LOG_IN_PROBLEMS.get(str(error.details.get("reason")))
    return str(wording) if wording else error_page_words(401)[1]


def _definition_text(error: GovflowError) -> str | None:
    if not isinstance(error, InvalidDefinition):
        return None
    return gettext(
        "The process files have %(count)s problem(s), each listed with its file, line and element.",
        count=len(error.problems),
    )


def _too_large_text(error: GovflowError) -> str:
    limit = error.details.get("limit")
    if not isinstance(limit, int):
        return error_page_words(413)[1]
    return gettext("The body is larger than the limit of %(limit)s.", limit=file_size(limit))


def _too_many_attempts_text(error: GovflowError) -> str:
    return gettext(
        "Too many failed log-ins: try again in %(seconds)s seconds.",
        seconds=error.details.get("retry_after"),
    )


def _text_or_none(value: object) -> str | None:
    return None if value is None else str(value)


_WORDINGS: dict[str, Callable[[GovflowError], str | None]] = {
    "forbidden": _refusal_text,
    "not_found": _missing_text,
    "conflict": _conflict_text,
    "invalid_input": _invalid_input_text,
    "unauthenticated": _log_in_text,
    "too_many_attempts": _too_many_attempts_text,
    "too_large": _too_large_text,
    "invalid_definition": _definition_text,
}
"""How each kind of the engine's errors is worded; a kind not here keeps its message."""


def http_error_text(error: HTTPException) -> str:
    """Flask's own errors (a 404 of an unknown address, an expired form) in words."""
    if isinstance(error, CSRFError):
        return str(_CSRF_EXPIRED)
    return error_page_words(error.code or 500)[1]

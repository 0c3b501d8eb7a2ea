"""What went wrong, in the reader's language: each error page's title and explanation
by HTTP status, and the engine's errors said in words where their code and details tell
what happened (else the engine's own English message, kept for the maintainers)."""

from __future__ import annotations

from flask_babel import gettext, lazy_gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engine.errors import GovflowError
from web.i18n import status_label

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
}

_CONFLICTS = {"no_incident": lazy_gettext("The process instance has no incident to retry.")}
"""Conflicts by their ``reason`` detail."""


def error_page_words(status: int) -> tuple[str, str]:
    """The title and the explanation of an error page for ``status``."""
    family = status if status in _TITLES else (500 if status >= 500 else 400)
    return str(_TITLES[family]), str(_EXPLANATIONS[family])


def error_text(error: GovflowError) -> str:
    """The engine's error in the reader's language where govflow knows its kind."""
    roles = error.details.get("roles")
    if error.code == "forbidden" and isinstance(roles, list | tuple):
        names = ", ".join(str(_ROLE_NAMES.get(role, role)) for role in roles)
        return gettext("This is for the role: %(roles)s.", roles=names)
    if error.code == "conflict":
        return _conflict_text(error)
    if error.code == "not_found":
        for detail, text in _MISSING.items():
            if detail in error.details:
                return str(text) % {"id": error.details[detail]}
    return error.message


def _conflict_text(error: GovflowError) -> str:
    """A command that no longer applies: a task claimed or done, an instance not running."""
    details = error.details
    if details.get("reason") in _CONFLICTS:
        return str(_CONFLICTS[str(details["reason"])])
    if details.get("claimed_by"):
        return gettext("The task is claimed by %(who)s.", who=details["claimed_by"])
    if "state" in details:
        state = status_label(str(details["state"]))
        return gettext("The task is no longer open: %(state)s.", state=state)
    if "instance_status" in details:
        status = status_label(str(details["instance_status"]))
        return gettext("The process instance is %(status)s: it takes no command.", status=status)
    return error_page_words(409)[1]


def http_error_text(error: HTTPException) -> str:
    """Flask's own errors (a 404 of an unknown address, an expired form) in words."""
    if isinstance(error, CSRFError):
        return str(_CSRF_EXPIRED)
    return error_page_words(error.code or 500)[1]

"""The problems of the account forms (a user, a password, a token), each beside its
field in the page's language. The engine names the field and the rule it broke; the
words are chosen here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext

from engine.errors import GovflowError

__all__ = ["field_errors"]

_BY_RULE = {
    "user:username": lazy_gettext("A username is lowercase letters, digits, dots, _ and -."),
    "user:taken": lazy_gettext("This username is taken."),
    "user:full_name": lazy_gettext("The full name is required (at most 200 characters)."),
    "user:email": lazy_gettext("Enter an e-mail address such as an@most.gov.vn."),
    "user:units": lazy_gettext("Choose units of the organisation."),
    "user:roles": lazy_gettext("Choose at least one role."),
    "user:own_admin": lazy_gettext(
        "You cannot take away your own role administrator or deactivate yourself."
    ),
    "minlength": lazy_gettext("It needs at least %(limit)s characters."),
    "maxlength": lazy_gettext("It allows at most %(limit)s characters."),
    "required": lazy_gettext("This is required."),
    "nul": lazy_gettext("It contains a character that is not allowed."),
}
_BY_FIELD = {
    "current_password": lazy_gettext("The current password is wrong."),
    "confirm_password": lazy_gettext("The two new passwords differ."),
}


def field_errors(error: GovflowError) -> dict[str, str]:
    """Each field's problem in the page's language, by field name."""
    problems = error.details.get("problems")
    if not isinstance(problems, list):
        problems = [{**error.details, "message": error.message}]
    return {str(p.get("field", "")): _words(p) for p in problems}


def _words(problem: Mapping[str, Any]) -> str:
    template = _BY_RULE.get(str(problem.get("rule", ""))) or _BY_FIELD.get(
        str(problem.get("field", ""))
    )
    if template is None:
        return str(problem.get("message", ""))
    return str(template) % {"limit": problem.get("limit", "")}

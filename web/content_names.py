"""The processes' and the organisation's own words in the page's language.

A process or a task shows the name its BPMN gives in that language (the property
``name_en`` of the process or the user task, see processes/README.md), else the
BPMN's ``name``, Vietnamese in the shipped processes. Read once per request, and
only for a language other than Vietnamese. A form field or a choice of it shows its
``label_en`` (a property of the field) in English, else its ``label``. A unit shows
its ``name_vi`` or ``name_en`` from units.yaml beside its code, a user their full name
and units."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app, g
from flask_babel import gettext

from engine.units import Organisation
from engine.views import DefinitionView, TaskView
from web import engine_of
from web.i18n import DEFAULT_LANGUAGE, chosen_language

__all__ = [
    "content_label",
    "init_content_names",
    "person",
    "process_name",
    "process_title",
    "process_titles",
    "request_organisation",
    "task_name",
    "unit_label",
    "unit_name",
]


def task_name(task: TaskView) -> str:
    return _names().get(task.process_key, {}).get(task.element_id, task.name)


def process_name(definition: DefinitionView) -> str:
    return _names().get(definition.process_key, {}).get("", definition.name)


def process_titles() -> dict[str, str]:
    """Every deployed process's name in the page's language, by key, in the order of
    the names (what the lists' process filters offer); read once per request."""
    if "process_titles" not in g:
        g.process_titles = engine_of(current_app).process_titles(chosen_language())
    titles: dict[str, str] = g.process_titles
    return titles


def process_title(process_key: str) -> str:
    """A process named by its key: its name in the page's language, or the key."""
    return process_titles().get(process_key, process_key)


def unit_label(organisation: Organisation, code: str | None) -> str:
    """``Lãnh đạo Bộ (LEAD)``: a unit or a set of units by its name in the page's
    language and its code; an unknown code as it is; no unit as ``-``."""
    if code is None:
        return "-"
    name = unit_name(organisation, code)
    return f"{name} ({code})" if name else code


def unit_name(organisation: Organisation, code: str) -> str:
    """A unit's or a set of units' name in the page's language; "" for an unknown code."""
    named = organisation.units.get(code) or organisation.sets.get(code)
    if named is None:
        return ""
    return named.name_vi if chosen_language() == DEFAULT_LANGUAGE else named.name_en


_SYSTEM = {"engine", "system", "scheduler"}


def person(organisation: Organisation, username: str | None) -> str:
    """``Nguyễn Văn An (ITC)`` for a user of the organisation; the system as such."""
    if username is None:
        return "-"
    if username in _SYSTEM:
        return gettext("the system")
    user = organisation.users.get(username)
    if user is None:
        return username
    return f"{user.full_name} ({', '.join(user.units)})" if user.units else user.full_name


def request_organisation() -> Organisation:
    """The app's organisation, read once per request."""
    if "organisation" not in g:
        g.organisation = engine_of(current_app).organisation
    organisation: Organisation = g.organisation
    return organisation


def content_label(item: Mapping[str, Any]) -> str:
    """A form field's or a choice's label in the page's language."""
    language = chosen_language()
    label: str = item["label"]
    if language == DEFAULT_LANGUAGE:
        return label
    return item.get(f"label_{language}") or label


def _names() -> dict[str, dict[str, str]]:
    language = chosen_language()
    if language == DEFAULT_LANGUAGE:
        return {}
    if "content_names" not in g:
        g.content_names = engine_of(current_app).names_in(language)
    names: dict[str, dict[str, str]] = g.content_names
    return names


def init_content_names(app: Flask) -> None:
    app.jinja_env.filters["task_name"] = task_name
    app.jinja_env.filters["process_name"] = process_name
    app.jinja_env.filters["process_title"] = process_title
    app.jinja_env.filters["content_label"] = content_label
    app.jinja_env.filters["unit_label"] = lambda code: unit_label(request_organisation(), code)
    app.jinja_env.filters["person"] = lambda username: person(request_organisation(), username)

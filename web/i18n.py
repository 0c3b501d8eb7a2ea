"""Language and time on the pages: Vietnamese by default, English on request; Hà Nội time.

Texts are written in English in the code and templates and translated in
``web/translations/vi`` (gettext, compiled by ``pybabel compile`` in the install
scripts). The chosen language is kept in the session; ``/lang/en`` or ``/lang/vi``
switches it. Times are stored in UTC and shown on the Asia/Ho_Chi_Minh clock.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask, session
from flask_babel import Babel

from engine.calendar import to_local

__all__ = ["LANGUAGES", "init_i18n", "local_time"]

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"


def chosen_language() -> str:
    language = session.get("lang")
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def local_time(moment: datetime | None) -> str:
    """``25/12/2021 00:00`` on the Hà Nội clock; ``-`` for no time."""
    return to_local(moment).strftime("%d/%m/%Y %H:%M") if moment is not None else "-"


def init_i18n(app: Flask) -> None:
    Babel(app, locale_selector=chosen_language, default_timezone="Asia/Ho_Chi_Minh")
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.globals["current_language"] = chosen_language

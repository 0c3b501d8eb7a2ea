"""The audit log page: who did what to which target, when (Hà Nội time), newest first,
a page at a time (keyset paging, as every list)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from engine.audit import AuditEntryView
from engine.units import Organisation
from web import engine_of
from web.content_names import person
from web.i18n import role_label
from web.paging import page_links, page_request

__all__ = ["AuditLine", "blueprint", "in_words"]

blueprint = Blueprint("audit", __name__)

_PHRASES = {
    "user_created": lazy_gettext("created the user"),
    "user_updated": lazy_gettext("changed the user"),
    "password_reset": lazy_gettext("reset the password"),
    "password_changed": lazy_gettext("changed their own password"),
    "sessions_ended": lazy_gettext("ended the log-in sessions"),
    "token_created": lazy_gettext("created an API token"),
    "token_revoked": lazy_gettext("revoked an API token"),
    "draft_saved": lazy_gettext("saved a draft of the process"),
    "draft_discarded": lazy_gettext("discarded their draft of the process"),
    "deployed": lazy_gettext("deployed processes"),
    "instances_migrated": lazy_gettext("moved instances to another version"),
    "instance_suspended": lazy_gettext("suspended the process"),
    "instance_resumed": lazy_gettext("resumed the process"),
    "instance_cancelled": lazy_gettext("cancelled the process"),
    "incident_retried": lazy_gettext("ran the failed step again"),
    "task_assigned": lazy_gettext("gave the task to someone"),
    "claim_released": lazy_gettext("released another's claim"),
}


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    who: str
    what: str
    target: str
    details: str


@blueprint.get("/admin/audit")
def audit_log() -> ResponseReturnValue:
    engine = engine_of(current_app)
    page = engine.audit_log(page_request())
    lines = in_words(engine.organisation, page.items)
    return render_template("audit.html", lines=lines, links=page_links(page))


def in_words(organisation: Organisation, entries: list[AuditEntryView]) -> list[AuditLine]:
    return [
        AuditLine(
            entry.recorded_at,
            person(organisation, entry.actor),
            str(_PHRASES.get(entry.action, entry.action)),
            entry.target,
            _details(entry.detail),
        )
        for entry in entries
    ]


_DETAIL_LABELS = {
    "full_name": lazy_gettext("Full name"),
    "email": lazy_gettext("E-mail"),
    "units": lazy_gettext("Units"),
    "roles": lazy_gettext("Roles"),
    "is_active": lazy_gettext("Active"),
    "name": lazy_gettext("Name"),
    "token_id": lazy_gettext("Token number"),
    "ended": lazy_gettext("Sessions ended"),
    "assignee": lazy_gettext("Given to"),
    "claimant": lazy_gettext("Whose claim"),
    "succeeded": lazy_gettext("Succeeded"),
    "changed": lazy_gettext("Variables changed"),
    "moved": lazy_gettext("Instances moved"),
    "refused": lazy_gettext("Instances kept"),
    "created": lazy_gettext("New versions"),
    "unchanged": lazy_gettext("Unchanged"),
}
_PROFILE_FIELDS = ("full_name", "email", "units", "roles", "is_active")
"""Recorded as [old, new] when an admin changes a user."""


def _details(detail: Mapping[str, object]) -> str:
    """``Vai trò: cán bộ → cán bộ, quản trị; …``: a user's change as old → new, the
    rest as it is, each under its label in the page's language."""
    parts = []
    for name, value in detail.items():
        label = str(_DETAIL_LABELS.get(name, name))
        if name in _PROFILE_FIELDS and isinstance(value, list):
            old, new = (_text(v, roles=name == "roles") for v in value)
            parts.append(f"{label}: {old} → {new}")
        else:
            parts.append(f"{label}: {_text(value)}")
    return "; ".join(parts)


def _text(value: object, *, roles: bool = False) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_text(item, roles=roles) for item in value) or "-"
    return role_label(str(value)) if roles else str(value)

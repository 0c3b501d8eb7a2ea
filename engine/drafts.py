"""Designers' drafts: BPMN saved from the modeler, one per process and designer.

A draft is text kept for its designer only. It is never compiled nor deployed, so it
may be invalid (half drawn); it is read back when its designer opens the process in
the modeler again, and it stays after a deployment until saved over or discarded.
Saving and discarding are designers' changes, so each goes to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit import AuditTrail
from engine.bounds import check_fits
from engine.clock import Clock
from engine.definitions.dialect import NSMAP
from engine.definitions.xmlsafe import XmlRefused, parse_xml
from engine.errors import InvalidInput
from engine.models import ProcessDraft
from engine.store import Database

__all__ = ["DraftView", "Drafts", "process_key_of"]


@dataclass(frozen=True)
class DraftView:
    process_key: str
    designer: str
    xml: str
    saved_at: datetime


class Drafts(AuditTrail):
    """The drafts side of :class:`engine.api.Engine`."""

    db: Database
    clock: Clock

    def save_draft(self, xml: str, designer: str) -> DraftView:
        """Keep ``xml`` as ``designer``'s draft of the process it defines (over any
        earlier draft of theirs); InvalidInput (field ``xml``) if it is not BPMN."""
        key = process_key_of(xml)
        check_fits(designer, ProcessDraft.designer, "designer")
        with self.db.writing() as session:
            draft = _draft_row(session, key, designer)
            if draft is None:
                draft = ProcessDraft(process_key=key, designer=designer)
                session.add(draft)
            draft.xml, draft.saved_at = xml, self.clock.now()
            self._audit(session, designer, "draft_saved", key)
            session.flush()
            return _view(draft)

    def discard_draft(self, process_key: str, designer: str) -> bool:
        """Forget ``designer``'s draft of the process; False if they had none."""
        with self.db.writing() as session:
            draft = _draft_row(session, process_key, designer)
            if draft is None:
                return False
            session.delete(draft)
            self._audit(session, designer, "draft_discarded", process_key)
            return True

    def draft(self, process_key: str, designer: str) -> DraftView | None:
        with self.db.reading() as session:
            draft = _draft_row(session, process_key, designer)
            return None if draft is None else _view(draft)


def process_key_of(xml: str) -> str:
    """The id of the first process ``xml`` defines: the key its versions deploy under."""
    try:
        root = parse_xml("draft.bpmn", xml.encode("utf-8")).getroot()
    except XmlRefused as exc:
        raise InvalidInput(f"xml: {exc.problem.message}", field="xml") from exc
    process = root.find("bpmn:process", NSMAP)
    key = process.get("id") if process is not None else None
    if not key:
        raise InvalidInput("xml: it defines no process with an id", field="xml")
    check_fits(key, ProcessDraft.process_key, "xml")
    return key


def _draft_row(session: Session, process_key: str, designer: str) -> ProcessDraft | None:
    query = select(ProcessDraft).where(
        ProcessDraft.process_key == process_key, ProcessDraft.designer == designer
    )
    return session.scalars(query).first()


def _view(draft: ProcessDraft) -> DraftView:
    return DraftView(draft.process_key, draft.designer, draft.xml, draft.saved_at)

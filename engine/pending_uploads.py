"""Files chosen with a task's form that was refused, kept for the form's next submit.

A document is stored as the task's (an :class:`engine.models.Attachment`, in its
history and on its pages) only with a form that is valid. When a submission is
refused, the files it carried are held here instead: a browser cannot refill a file
input, so the page lists them as "already attached, pending", with their ids in the
form, and the next submit takes them (or, unticked, drops them). What a person holds
is theirs alone, and it goes when the task is completed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.models import Base

__all__ = ["HeldFile", "PendingUpload", "Upload", "drop_held", "held_files", "hold"]


@dataclass(frozen=True)
class Upload:
    """A file as it came with a form."""

    filename: str
    content: bytes
    content_type: str | None = None


@dataclass(frozen=True)
class HeldFile:
    """What a page shows of a held file: its id goes back with the form."""

    id: str
    field: str
    filename: str
    size: int


class PendingUpload(Base):
    __tablename__ = "pending_upload"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("human_task.id"), index=True)
    field: Mapped[str] = mapped_column(String(255))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(120))
    uploaded_at: Mapped[datetime]

    def upload(self) -> Upload:
        return Upload(self.filename, self.content, self.content_type)

    def held(self) -> HeldFile:
        return HeldFile(self.id, self.field, self.filename, len(self.content))


def hold(
    session: Session, task_id: str, field: str, upload: Upload, actor: str, now: datetime
) -> HeldFile:
    row = PendingUpload(
        id=str(uuid.uuid4()),
        task_id=task_id,
        field=field,
        filename=upload.filename[:255],
        content_type=(upload.content_type or "")[:255] or None,
        content=upload.content,
        uploaded_by=actor,
        uploaded_at=now,
    )
    session.add(row)
    return row.held()


def held_files(
    session: Session, task_id: str, actor: str, ids: Iterable[str]
) -> dict[str, PendingUpload]:
    """The ``actor``'s held files of the task among ``ids``, by field."""
    wanted = [i for i in ids if i]
    if not wanted:
        return {}
    query = select(PendingUpload).where(
        PendingUpload.task_id == task_id,
        PendingUpload.uploaded_by == actor,
        PendingUpload.id.in_(wanted),
    )
    return {row.field: row for row in session.scalars(query)}


def drop_held(session: Session, task_id: str, actor: str | None = None) -> None:
    """Forget the held files of the task (only ``actor``'s, when given)."""
    statement = delete(PendingUpload).where(PendingUpload.task_id == task_id)
    if actor is not None:
        statement = statement.where(PendingUpload.uploaded_by == actor)
    session.execute(statement)

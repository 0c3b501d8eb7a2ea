"""Documents uploaded to human tasks, and the ``file`` form fields that refer to them.

Uploading is a command of its own, before the task is completed: the bytes never
travel through the workflow state. A ``file`` field then holds the id of a document
uploaded to that same task; completing the task checks each id and puts a small
description (id, file name, type, size, SHA-256) into the task's data, so the next
tasks and the history say which document was submitted.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import PureWindowsPath
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.bounds import column_length
from engine.errors import InvalidInput, missing_attachment
from engine.models import Attachment
from engine.views import AttachmentView

__all__ = ["describe_submitted", "instance_attachments", "load", "store"]

_CONTENT_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def store(
    session: Session,
    task: Any,
    filename: str,
    content: bytes,
    content_type: str | None,
    actor: str,
    now: datetime,
    max_bytes: int,
) -> AttachmentView:
    """Keep ``content`` as a document of the open task ``task`` (a task row)."""
    name = _clean_filename(filename)
    if not content:
        raise InvalidInput(f"{name} is empty", field="file")
    if len(content) > max_bytes:
        raise InvalidInput(
            f"{name} is {len(content):,} bytes; the limit is {max_bytes:,}", field="file"
        )
    attachment = Attachment(
        id=str(uuid.uuid4()),
        instance_id=task.instance_id,
        task_id=task.id,
        filename=name,
        content_type=_clean_content_type(content_type, name),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by=actor,
        uploaded_at=now,
    )
    session.add(attachment)
    return AttachmentView.of(attachment)


def load(session: Session, attachment_id: str) -> Attachment:
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise missing_attachment(attachment_id)
    return attachment


def instance_attachments(session: Session, instance_id: int) -> list[AttachmentView]:
    query = (
        select(Attachment)
        .where(Attachment.instance_id == instance_id)
        .order_by(Attachment.uploaded_at, Attachment.filename)
    )
    return [AttachmentView.of(a) for a in session.scalars(query)]


def describe_submitted(
    session: Session,
    task_id: str,
    fields: Sequence[Mapping[str, Any]],
    submitted: dict[str, Any],
) -> dict[str, Any]:
    """``submitted`` with each ``file`` field's id replaced by its document's description."""
    described = dict(submitted)
    for field in fields:
        name = field["id"]
        if field["type"] != "file" or name not in submitted:
            continue
        attachment = session.get(Attachment, submitted[name])
        if attachment is None or attachment.task_id != task_id:
            raise InvalidInput(
                f"{field['label']}: no such file was uploaded to this task",
                field=name,
                rule="file",
                label=field["label"],
            )
        described[name] = AttachmentView.of(attachment).description()
    return described


def _clean_filename(filename: str) -> str:
    name = _CONTROL.sub("", PureWindowsPath(filename or "").name).strip()  # also splits on /
    if not name or name in {".", ".."}:
        raise InvalidInput("the file has no name", field="file")
    if len(name) > 255:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[: 250 - len(suffix)] + dot + suffix) if dot else name[:255]
    return name


def _clean_content_type(content_type: str | None, filename: str) -> str:
    given = (content_type or "").split(";")[0].strip().lower()
    usable = _CONTENT_TYPE.match(given) and len(given) <= column_length(Attachment.content_type)
    if given and given != "application/octet-stream" and usable:
        return given
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"

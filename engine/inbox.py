"""The people's inbox side of the Engine API: notifications, paged, and the badges.

A mixin of :class:`engine.api.Engine`; it uses only the engine's database, clock and
organisation. A user's inbox holds what is addressed to them and to their units.

A notification is *live* while the task it is about is open: once the task is
completed or cancelled (its instance cancelled, a cut-off), the reminder or
escalation has nothing left to ask for, and it is left out of the list and the
unread count. Hiding it when read costs nothing on the commands' path, which close
tasks by the thousand.

The list pages on the key (``created_at``, ``id``), newest first: a page is one
indexed range read of at most ``limit`` rows, whatever the depth, and a
notification written while someone pages appears on the first page, never as a
duplicate or a gap further down. The cursor is opaque to callers.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from sqlalchemy import ColumnElement, CursorResult, and_, func, or_, select, update

from engine.clock import Clock, ensure_utc
from engine.directory import UserDirectory
from engine.errors import InvalidInput, NotFound
from engine.models import HumanTask, Notification
from engine.store import Database
from engine.views import InboxCounts, NotificationPage, NotificationView

__all__ = ["DEFAULT_PAGE", "MAX_PAGE", "Inbox"]

DEFAULT_PAGE = 50
MAX_PAGE = 200


class Inbox:
    """Notifications of a user and of their units, and the counts of the header."""

    db: Database
    clock: Clock
    directory: UserDirectory

    def notifications(
        self, username: str, *, before: str | None = None, limit: int = DEFAULT_PAGE
    ) -> NotificationPage:
        """The live notifications older than the cursor ``before`` (all, without one),
        newest first, at most ``limit`` (1 to MAX_PAGE); InvalidInput for a bad cursor."""
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(
                f"limit must be between 1 and {MAX_PAGE}", field="limit", limit=MAX_PAGE
            )
        query = (
            select(Notification, HumanTask)
            .outerjoin(HumanTask, HumanTask.id == Notification.task_id)
            .where(self._addressed_to(username), _live())
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit + 1)
        )
        if before is not None:
            at, last_id = _decode(before)
            query = query.where(
                or_(
                    Notification.created_at < at,
                    and_(Notification.created_at == at, Notification.id < last_id),
                )
            )
        with self.db.reading() as session:
            rows = session.execute(query).all()
        items = [NotificationView.of(note, task) for note, task in rows[:limit]]
        more = len(rows) > limit
        return NotificationPage(items, _encode(items[-1]) if more else None)

    def inbox_counts(self, username: str) -> InboxCounts:
        """Unread live notifications, and the open tasks that wait for the user: their
        units' unclaimed ones and those claimed by or assigned to them. Two COUNTs."""
        user = self.directory.current().users.get(username)
        units = user.units if user is not None else ()
        waiting = or_(
            and_(HumanTask.unit.in_(units), HumanTask.assignee.is_(None)),
            HumanTask.assignee == username,
        )
        unread = (
            select(func.count())
            .select_from(Notification)
            .outerjoin(HumanTask, HumanTask.id == Notification.task_id)
            .where(self._addressed_to(username), Notification.read_at.is_(None), _live())
        )
        open_tasks = (
            select(func.count()).select_from(HumanTask).where(HumanTask.status == "open", waiting)
        )
        with self.db.reading() as session:
            return InboxCounts(
                unread=session.scalar(unread) or 0, open_tasks=session.scalar(open_tasks) or 0
            )

    def mark_read(self, notification_id: int, username: str) -> None:
        """Mark one of the user's (or their units') notifications read."""
        inbox = self._inbox_of(username)  # read before the write transaction begins
        with self.db.writing() as session:
            notification = session.get(Notification, notification_id)
            if notification is None or notification.recipient not in inbox:
                raise NotFound(
                    f"no notification {notification_id} for {username}",
                    notification_id=notification_id,
                )
            notification.read_at = notification.read_at or self.clock.now()

    def mark_all_read(self, username: str) -> int:
        """Mark every unread notification of the user and their units read; how many."""
        statement = (
            update(Notification)
            .where(self._addressed_to(username), Notification.read_at.is_(None))
            .values(read_at=self.clock.now())
        )
        with self.db.writing() as session:
            result: CursorResult[tuple[()]] = session.connection().execute(statement)
            return result.rowcount

    def _inbox_of(self, username: str) -> set[str]:
        """Whom a user's notifications are addressed to: the user and their units."""
        user = self.directory.current().users.get(username)
        return {username, *(user.units if user is not None else ())}

    def _addressed_to(self, username: str) -> ColumnElement[bool]:
        return Notification.recipient.in_(sorted(self._inbox_of(username)))


def _live() -> ColumnElement[bool]:
    """About no task, or about a task still open (the query outer-joins the task)."""
    return or_(Notification.task_id.is_(None), HumanTask.status == "open")


def _encode(last: NotificationView) -> str:
    key = f"{last.created_at.isoformat()}|{last.id}"
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, int]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, last_id = text.split("|")
        return ensure_utc(datetime.fromisoformat(at)), int(last_id)  # naive: ValueError
    except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError) as exc:
        raise InvalidInput("before is not a cursor this list gave", field="before") from exc

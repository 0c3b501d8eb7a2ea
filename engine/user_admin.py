"""What an admin does to users (create, change, deactivate) and reads in the audit log.

A mixin of :class:`engine.api.Engine`, so that callers keep one object. Saving a user
first copies the organisation file's users into the database if nobody did yet
(:mod:`engine.directory`), in the same transaction as the change and its audit entry.
"""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy.exc import IntegrityError

from engine.audit import AuditEntryView, AuditTrail, audit_page
from engine.clock import Clock
from engine.directory import UserDirectory, check_user, save_profile, seed_profiles
from engine.errors import Conflict, InvalidInput
from engine.paging import Page, PageRequest
from engine.store import Database
from engine.units import User

__all__ = ["UserAdministration"]


class UserAdministration(AuditTrail):
    """Users as an admin manages them, and the log of every administrative change."""

    db: Database
    clock: Clock
    directory: UserDirectory

    def all_users(self) -> list[User]:
        """Every user, deactivated ones too, by username."""
        return sorted(self.directory.current().users.values(), key=lambda u: u.username)

    def create_user(self, user: User, *, actor: str) -> None:
        """A new user (InvalidInput naming each bad field; on ``username`` if taken)."""
        self._save_user(user, actor, is_new=True)

    def update_user(self, user: User, *, actor: str) -> None:
        """Replace a user's name, e-mail, units, roles and whether they are active.
        Deactivating does not end their sessions: the next request finds no user."""
        self._save_user(user, actor, is_new=False)

    def _save_user(self, user: User, actor: str, *, is_new: bool) -> None:
        organisation = self.directory.current()
        check_user(user, organisation)
        if user.username == actor and not ("admin" in user.roles and user.is_active):
            message = "an admin may not take away their own role admin or deactivate themselves"
            raise InvalidInput(message, field="roles", rule="user:own_admin")
        before = organisation.users.get(user.username)
        now = self.clock.now()
        try:
            with self.db.writing() as session:
                seed_profiles(session, self.directory.seed, now)
                save_profile(session, user, is_new=is_new, now=now)
                action = "user_created" if is_new else "user_updated"
                self._audit(session, actor, action, user.username, _changes(before, user))
        except IntegrityError as exc:  # two admins seeding, or creating one user, at once
            raise Conflict("another admin changed the users at the same time; try again") from exc

    def audit_log(self, page: PageRequest | None = None) -> Page[AuditEntryView]:
        """A page of the audit log, newest first."""
        with self.db.reading() as session:
            return audit_page(session, page or PageRequest())


def _changes(before: User | None, after: User) -> dict[str, list[object]]:
    """Each field that changed: [old, new] (old is None for a new user)."""
    old = asdict(before) if before is not None else {}
    changes = {}
    for name, value in asdict(after).items():
        if name != "username" and old.get(name) != value:
            changes[name] = [_plain(old.get(name)), _plain(value)]
    return changes


def _plain(value: object) -> object:
    """Tuples as lists, so that the detail is JSON."""
    return list(value) if isinstance(value, tuple) else value

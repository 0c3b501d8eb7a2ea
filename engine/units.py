"""The organisation that receives human tasks: units, named sets of units, users.

A task's candidate group is a unit code (``ITC``, ``DBO:STAMEQ``); a plan also speaks
of *sets* of units ("the database-owner units", "all affiliated units") that a
multi-instance task fans out over, one task per unit. Both come from
``processes/units.yaml``, next to the BPMN files that name them, so that adopting the
engine for another ministry means editing data, not code.

Users are declared once with the units they belong to; a unit's members are derived
from them, so membership cannot disagree between two places. Loading checks every
cross-reference (a head who is not a member, a set naming an unknown unit, a database
owned twice) and names the offending field, because a typo here silently sends tasks
to nobody.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import yaml

from engine.errors import InvalidInput

__all__ = [
    "ROLES",
    "Database",
    "Organisation",
    "Unit",
    "UnitSet",
    "User",
    "load_organisation",
    "parse_organisation",
]

ROLES = ("staff", "supervisor", "designer", "admin")
"""staff work their unit's tasks; supervisors watch progress; designers deploy; admins all."""

_CODE = re.compile(r"^[A-Z][A-Z0-9_]*(:[A-Z0-9_]+)?$")
_USERNAME = re.compile(r"^[a-z][a-z0-9._-]*$")
_DATABASE = re.compile(r"^[a-z][a-z0-9_]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SECTIONS = ("demo_password", "units", "sets", "users")


@dataclass(frozen=True)
class User:
    username: str
    full_name: str
    email: str
    units: tuple[str, ...]
    roles: tuple[str, ...]
    is_active: bool = True
    """An inactive user cannot log in, is no unit's member and gets no task or e-mail;
    their name still shows in the history."""


@dataclass(frozen=True)
class Unit:
    code: str
    name_vi: str
    name_en: str
    kind: Literal["internal", "external"]
    head: str | None
    members: tuple[str, ...]
    databases: tuple[str, ...]


@dataclass(frozen=True)
class UnitSet:
    """A named group of units, e.g. ``DBO``; ``units`` is already expanded."""

    code: str
    name_vi: str
    name_en: str
    units: tuple[str, ...]


@dataclass(frozen=True)
class Database:
    code: str
    name_vi: str
    name_en: str
    owner: str


def _frozen(mapping: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Organisation:
    units: Mapping[str, Unit] = field(default_factory=_frozen)
    users: Mapping[str, User] = field(default_factory=_frozen)
    sets: Mapping[str, UnitSet] = field(default_factory=_frozen)
    databases: Mapping[str, Database] = field(default_factory=_frozen)
    demo_password: str | None = field(default=None, repr=False)

    def with_users(self, users: Iterable[User]) -> Organisation:
        """This organisation with ``users`` instead of its own (those an admin keeps in
        the database): each unit's members are its active users again, and a head who
        is no longer one of them leaves the unit headless."""
        people = {user.username: user for user in users}
        units = {}
        for code, unit in self.units.items():
            members = tuple(n for n, u in people.items() if u.is_active and code in u.units)
            head = unit.head if unit.head in members else None
            units[code] = replace(unit, members=members, head=head)
        return replace(self, units=_frozen(units), users=_frozen(people))

    def is_known(self, code: str) -> bool:
        """A unit code or a set name."""
        return code in self.units or code in self.sets

    def expand(self, code: str) -> tuple[str, ...]:
        """The unit codes ``code`` stands for: a set's units, or the unit itself."""
        if code in self.sets:
            return self.sets[code].units
        if code in self.units:
            return (code,)
        raise InvalidInput(f"no unit or set of units '{code}'", field="unit")

    def members_of(self, code: str) -> tuple[User, ...]:
        """Everyone who works the tasks of ``code`` (a unit or a set), without repeats."""
        usernames = dict.fromkeys(m for unit in self.expand(code) for m in self.units[unit].members)
        return tuple(self.users[name] for name in usernames)

    def head_of(self, code: str) -> User | None:
        """The unit's head; None for a unit without one and for a set."""
        if code not in self.units:
            self.expand(code)  # InvalidInput for an unknown code
            return None
        head = self.units[code].head
        return self.users[head] if head else None

    def overseers_of(self, code: str) -> tuple[User, ...]:
        """Who is warned when work escalates to ``code``: each of its units' head and
        its supervisors, not all its staff (supervisors open any task, a head their
        own unit's)."""
        people = {
            user.username: user
            for unit in self.expand(code)
            for user in self.members_of(unit)
            if user.username == self.units[unit].head or "supervisor" in user.roles
        }
        return tuple(people.values())

    def member_with_email(self, unit: str, email: str) -> User | None:
        """The active member of ``unit`` whose e-mail is ``email`` (case ignored)."""
        if unit not in self.units:
            return None
        wanted = email.casefold()
        return next((u for u in self.members_of(unit) if u.email.casefold() == wanted), None)

    def check_assignee(self, username: str, unit: str | None) -> None:
        """A task of ``unit`` may be given only to a user of the organisation who works
        for that unit (any user for a task without a unit, or of a unit not declared
        here). InvalidInput naming the field ``assignee`` otherwise."""
        user = self.users.get(username)
        if user is None or not user.is_active:
            raise InvalidInput(f"no user '{username}' in the organisation", field="assignee")
        if unit in self.units and unit not in user.units:
            message = f"{username} does not work for {unit}, the unit of this task"
            raise InvalidInput(message, field="assignee")

    def database_owners(self) -> tuple[str, ...]:
        """Units that own at least one database, in the file's order."""
        return tuple(code for code, unit in self.units.items() if unit.databases)

    def picker_options(self) -> dict[str, list[dict[str, str]]]:
        """The choices of the ``unit`` and ``database`` form fields (engine/forms.py)."""
        return {
            "unit": [
                {"id": u.code, "label": f"{u.code} - {u.name_vi}"} for u in self.units.values()
            ],
            "database": [
                {"id": d.code, "label": f"{d.code} - {d.name_vi}"} for d in self.databases.values()
            ],
        }

    def owner_of(self, database: str) -> str:
        if database not in self.databases:
            raise InvalidInput(f"no database '{database}' in the organisation", field="database")
        return self.databases[database].owner


def load_organisation(path: Path) -> Organisation:
    """The organisation in ``path``; a missing file is an empty organisation.

    Missing is allowed so that an engine used for tests or another plan starts without
    one; tasks then keep the unit codes the BPMN names, unchecked.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Organisation()
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path} is not valid YAML: {exc}", field="units") from exc
    return parse_organisation(document or {})


def parse_organisation(document: object) -> Organisation:
    """Build and cross-check an organisation from the parsed YAML document."""
    top = _mapping(document, "units file")
    _no_unknown_keys(top, _SECTIONS, "")
    users = {name: _user(name, spec) for name, spec in _mapping(top.get("users"), "users").items()}
    units, databases = _units(_mapping(top.get("units"), "units"), users)
    sets: dict[str, UnitSet] = {}
    for code, spec in _mapping(top.get("sets"), "sets").items():
        sets[code] = _unit_set(code, spec, units, sets)
    password = top.get("demo_password")
    return Organisation(
        units=_frozen(units),
        users=_frozen(users),
        sets=_frozen(sets),
        databases=_frozen(databases),
        demo_password=str(password) if password is not None else None,
    )


# -- one section at a time ----------------------------------------------------------


def _user(username: object, spec: object) -> User:
    where = f"users.{username}"
    if not isinstance(username, str) or not _USERNAME.match(username):
        raise InvalidInput(f"{where}: a username is lowercase letters, digits, . _ -", field=where)
    body = _mapping(spec, where)
    _no_unknown_keys(body, ("full_name", "email", "units", "roles"), where)
    email = _text(body, "email", where)
    if not _EMAIL.match(email):
        raise InvalidInput(f"{where}.email: '{email}' is not an e-mail address", field=where)
    roles = _codes(body.get("roles", ["staff"]), f"{where}.roles")
    for role in roles:
        if role not in ROLES:
            message = f"{where}.roles: unknown role '{role}'; expected {', '.join(ROLES)}"
            raise InvalidInput(message, field=f"{where}.roles")
    return User(
        username=username,
        full_name=_text(body, "full_name", where),
        email=email,
        units=_codes(body.get("units", []), f"{where}.units"),
        roles=roles,
    )


def _units(
    section: Mapping[str, Any], users: Mapping[str, User]
) -> tuple[dict[str, Unit], dict[str, Database]]:
    units: dict[str, Unit] = {}
    databases: dict[str, Database] = {}
    for code, spec in section.items():
        where = f"units.{code}"
        _check_code(code, where)
        body = _mapping(spec, where)
        _no_unknown_keys(body, ("name_vi", "name_en", "kind", "head", "databases"), where)
        owned = _databases(code, body.get("databases"), where, databases)
        members = tuple(name for name, user in users.items() if code in user.units)
        units[code] = Unit(
            code=code,
            name_vi=_text(body, "name_vi", where),
            name_en=_text(body, "name_en", where),
            kind=_kind(body.get("kind", "internal"), where),
            head=_head(body.get("head"), members, where),
            members=members,
            databases=owned,
        )
    for user in users.values():
        for unit in user.units:
            if unit not in units:
                where = f"users.{user.username}.units"
                raise InvalidInput(f"{where}: no unit '{unit}'", field=where)
    return units, databases


def _databases(owner: str, spec: object, where: str, known: dict[str, Database]) -> tuple[str, ...]:
    for code, names in _mapping(spec, f"{where}.databases").items():
        place = f"{where}.databases.{code}"
        if not isinstance(code, str) or not _DATABASE.match(code):
            message = f"{place}: a database code is lowercase letters, digits and _"
            raise InvalidInput(message, field=place)
        if code in known:
            message = f"{place}: already owned by {known[code].owner}; one owner per database"
            raise InvalidInput(message, field=place)
        body = _mapping(names, place)
        _no_unknown_keys(body, ("name_vi", "name_en"), place)
        known[code] = Database(
            code, _text(body, "name_vi", place), _text(body, "name_en", place), owner
        )
    return tuple(code for code, database in known.items() if database.owner == owner)


def _unit_set(
    code: str, spec: object, units: Mapping[str, Unit], sets: Mapping[str, UnitSet]
) -> UnitSet:
    """A set may name units and sets declared above it (so no cycle can form)."""
    where = f"sets.{code}"
    _check_code(code, where)
    if code in units:
        raise InvalidInput(f"{where}: '{code}' is already a unit", field=where)
    body = _mapping(spec, where)
    _no_unknown_keys(body, ("name_vi", "name_en", "units"), where)
    expanded: dict[str, None] = {}
    for member in _codes(body.get("units"), f"{where}.units"):
        if member in sets:
            expanded.update(dict.fromkeys(sets[member].units))
        elif member in units:
            expanded[member] = None
        else:
            message = f"{where}.units: no unit or earlier set '{member}'"
            raise InvalidInput(message, field=f"{where}.units")
    if not expanded:
        raise InvalidInput(f"{where}.units: a set needs at least one unit", field=where)
    return UnitSet(
        code, _text(body, "name_vi", where), _text(body, "name_en", where), tuple(expanded)
    )


# -- small readers that name the field they complain about --------------------------


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidInput(f"{where} must be a mapping", field=where)
    return value


def _no_unknown_keys(body: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
    allowed = tuple(allowed)
    unknown = sorted(str(key) for key in body if key not in allowed)
    if unknown:
        place = f"{where}.{unknown[0]}" if where else unknown[0]
        message = f"{place}: unknown key; expected one of {', '.join(allowed)}"
        raise InvalidInput(message, field=place)


def _text(body: Mapping[str, Any], key: str, where: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{where}.{key} is required (text)", field=f"{where}.{key}")
    return value.strip()


def _codes(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidInput(f"{where} must be a list of names", field=where)
    return tuple(value)


def _check_code(code: object, where: str) -> None:
    if not isinstance(code, str) or not _CODE.match(code):
        message = f"{where}: a code is upper case, optionally with one prefix (DBO:STAMEQ)"
        raise InvalidInput(message, field=where)


def _kind(value: object, where: str) -> Literal["internal", "external"]:
    if value == "internal":
        return "internal"
    if value == "external":
        return "external"
    raise InvalidInput(f"{where}.kind must be internal or external", field=f"{where}.kind")


def _head(value: object, members: tuple[str, ...], where: str) -> str | None:
    if value is None:
        return None
    if value not in members:
        message = f"{where}.head: '{value}' is not a user of this unit"
        raise InvalidInput(message, field=f"{where}.head")
    return str(value)

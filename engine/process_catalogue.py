"""The designers' side of the Engine API: validate, deploy and read process definitions.

A mixin of :class:`engine.api.Engine` (migration, which runs instances, stays there);
it uses only the engine's database, clock and the organisation's units.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.exc import IntegrityError

from engine import queries
from engine.audit import AuditTrail
from engine.calendar import WorkCalendar
from engine.clock import Clock
from engine.definitions import validate_files
from engine.definitions.references import called_processes, event_names
from engine.definitions.version_diff import VersionDiff, diff_versions
from engine.deployment import DeploymentResult, deploy_files
from engine.directory import UserDirectory
from engine.errors import Conflict, DefinitionProblem, InvalidInput
from engine.forms import with_choices
from engine.store import Database
from engine.timer_preview import Firing, next_firings
from engine.views import DefinitionView

__all__ = ["ProcessCatalogue"]


class ProcessCatalogue(AuditTrail):
    """The deployed processes and their versions."""

    db: Database
    clock: Clock
    directory: UserDirectory
    calendar: WorkCalendar

    def validate(self, files: Mapping[str, bytes]) -> list[DefinitionProblem]:
        return validate_files(files, self._known_units())

    def deploy(
        self, files: Mapping[str, bytes], actor: str = "system", note: str | None = None
    ) -> DeploymentResult:
        known_units, now = self._known_units(), self.clock.now()
        try:
            with self.db.writing() as session:
                result = deploy_files(
                    session, files, actor, now, known_units=known_units, note=note
                )
                if result.created:  # a deployment that changed nothing is no change
                    target = ", ".join(f"{key} v{version}" for key, version in result.created)
                    detail = {"created": result.created, "unchanged": result.unchanged}
                    self._audit(session, actor, "deployed", target, detail)
                return result
        except IntegrityError as exc:
            raise Conflict("another deployment of the same process ran at the same time") from exc

    def _known_units(self) -> frozenset[str] | None:
        """Codes that candidate groups and lanes may name; None (unchecked) without units.yaml."""
        codes = frozenset(self.directory.seed.units) | frozenset(self.directory.seed.sets)
        return codes or None

    def definition_source(self, process_key: str, version: int) -> str:
        """The BPMN XML of one version, as deployed (the diagram of its instances)."""
        with self.db.reading() as session:
            return queries.definition_source(session, process_key, version)

    def compare(self, process_key: str, old_version: int, new_version: int) -> VersionDiff:
        """What changed from one version to another (NotFound for a version not deployed)."""
        if old_version == new_version:
            raise InvalidInput(
                f"choose two different versions, not {old_version} twice",
                field="new",
                rule="same_version",
            )
        with self.db.reading() as session:
            old = queries.definition_source(session, process_key, old_version)
            new = queries.definition_source(session, process_key, new_version)
        return diff_versions(old, new)

    def definition(self, process_key: str, version: int) -> DefinitionView:
        """One version, with who deployed it and their change note."""
        with self.db.reading() as session:
            return DefinitionView.of(queries.definition_version(session, process_key, version))

    def latest_source(self, process_key: str) -> str:
        """The BPMN XML of the latest version; NotFound for a process never deployed."""
        with self.db.reading() as session:
            return queries.deployed_definition(session, process_key).file.content

    def start_form(self, process_key: str) -> list[dict[str, Any]]:
        """The fields the latest version's start event asks for (may be none), unit and
        database pickers with the organisation's codes as their options."""
        with self.db.reading() as session:
            definition = queries.deployed_definition(session, process_key)
            form = (definition.meta or {}).get("start_form", [])
        return with_choices(form, self.directory.seed.picker_options())

    def startable(self) -> list[DefinitionView]:
        """The latest version of each process a person starts: with a none start event
        (one without a timer, message or signal)."""
        with self.db.reading() as session:
            return [
                DefinitionView.of(d)
                for d in queries.latest_definitions(session)
                if _started_by_hand(d.meta or {})
            ]

    def event_names(self, besides: str | None = None) -> dict[str, list[str]]:
        """The message and signal names the latest versions use, but for process
        ``besides`` (the one being drawn), sorted: ``{"message": [...], "signal": [...]}``."""
        found: dict[str, set[str]] = {"message": set(), "signal": set()}
        with self.db.reading() as session:
            for definition in queries.latest_definitions(session):
                if definition.process_key == besides:
                    continue
                file = definition.file
                for kind, names in event_names(file.name, file.content.encode()).items():
                    found[kind] |= names
        return {kind: sorted(names) for kind, names in found.items()}

    def with_called_files(self, file_name: str, content: bytes) -> dict[str, bytes]:
        """``content`` with the deployed files of the processes it calls, and theirs
        in turn: what validating or deploying one file from the modeler needs."""
        files = {file_name: content}
        wanted = called_processes(file_name, content)
        looked_up: set[str] = set()
        with self.db.reading() as session:
            while wanted - looked_up:
                key = min(wanted - looked_up)
                looked_up.add(key)
                definition = queries.latest_definition(session, key)
                if definition is None or definition.file.name in files:
                    continue  # a process never deployed: validation says so
                callee = definition.file.content.encode("utf-8")
                files[definition.file.name] = callee
                wanted |= called_processes(definition.file.name, callee)
        return files

    def timer_firings(self, kind: str, text: str) -> list[Firing]:
        """The next five firings of a timer as drawn (the modeler's preview)."""
        return next_firings(kind, text, self.clock.now(), self.calendar)

    def names_in(self, language: str) -> dict[str, dict[str, str]]:
        """The names the latest version of each process gives in ``language``: the
        property ``name_<language>`` of the process and of each user task (see
        processes/README.md). Process key -> {"": the process's, task id: the task's}."""
        with self.db.reading() as session:
            return {
                definition.process_key: _names(definition.meta or {}, f"name_{language}")
                for definition in queries.latest_definitions(session)
            }

    def process_titles(self, language: str) -> dict[str, str]:
        """What each deployed process is called in ``language``, by key, in that order:
        its latest version's property ``name_<language>``, else its name, else its key
        (for the lists' filters and the pages that name a process)."""
        with self.db.reading() as session:
            titles = {
                definition.process_key: _names(definition.meta or {}, f"name_{language}").get("")
                or definition.name
                or definition.process_key
                for definition in queries.latest_definitions(session)
            }
        return dict(sorted(titles.items(), key=lambda item: item[1].casefold()))

    def definitions(self) -> list[DefinitionView]:
        with self.db.reading() as session:
            return [DefinitionView.of(d) for d in queries.list_definitions(session)]


def _started_by_hand(meta: dict[str, Any]) -> bool:
    """Versions deployed before ``start_by_hand`` was read: none of the other starts."""
    if "start_by_hand" in meta:
        return bool(meta["start_by_hand"])
    return not meta.get("start_timer") and not meta.get("start_messages")


def _names(meta: dict[str, Any], property_name: str) -> dict[str, str]:
    named = {"": meta.get("properties", {}).get(property_name)}
    for task_id, task in meta.get("tasks", {}).items():
        named[task_id] = task.get("properties", {}).get(property_name)
    return {element_id: name for element_id, name in named.items() if name}

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
from engine.clock import Clock
from engine.definitions import validate_files
from engine.definitions.version_diff import VersionDiff, diff_versions
from engine.deployment import DeploymentResult, deploy_files
from engine.errors import Conflict, DefinitionProblem, InvalidInput
from engine.directory import UserDirectory

from engine.forms import with_choices
from engine.store import Database
from engine.views import DefinitionView

__all__ = ["ProcessCatalogue"]


class ProcessCatalogue(AuditTrail):
    """The deployed processes and their versions."""

    db: Database
    clock: Clock
    directory: UserDirectory

    def validate(self, files: Mapping[str, bytes]) -> list[DefinitionProblem]:
        return validate_files(files, self._known_units())

    def deploy(self, files: Mapping[str, bytes], actor: str = "system") -> DeploymentResult:
        known_units, now = self._known_units(), self.clock.now()
        try:
            with self.db.writing() as session:
                result = deploy_files(session, files, actor, now, known_units=known_units)
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

    def definitions(self) -> list[DefinitionView]:
        with self.db.reading() as session:
            return [DefinitionView.of(d) for d in queries.list_definitions(session)]


def _started_by_hand(meta: dict[str, Any]) -> bool:
    """Versions deployed before ``start_by_hand`` was read: none of the other starts."""
    if "start_by_hand" in meta:
        return bool(meta["start_by_hand"])
    return not meta.get("start_timer") and not meta.get("start_messages")

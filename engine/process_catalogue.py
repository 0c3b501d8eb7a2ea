"""The designers' side of the Engine API: validate, deploy and read process definitions.

A mixin of :class:`engine.api.Engine` (migration, which runs instances, stays there);
it uses only the engine's database, clock and organisation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.exc import IntegrityError

from engine import queries
from engine.clock import Clock
from engine.definitions import validate_files
from engine.deployment import DeploymentResult, deploy_files
from engine.errors import Conflict, DefinitionProblem
from engine.forms import with_choices
from engine.store import Database
from engine.units import Organisation
from engine.views import DefinitionView

__all__ = ["ProcessCatalogue"]


class ProcessCatalogue:
    """The deployed processes and their versions."""

    db: Database
    clock: Clock
    organisation: Organisation

    def validate(self, files: Mapping[str, bytes]) -> list[DefinitionProblem]:
        return validate_files(files, self._known_units())

    def deploy(self, files: Mapping[str, bytes], actor: str = "system") -> DeploymentResult:
        try:
            with self.db.writing() as session:
                return deploy_files(
                    session, files, actor, self.clock.now(), known_units=self._known_units()
                )
        except IntegrityError as exc:
            raise Conflict("another deployment of the same process ran at the same time") from exc

    def _known_units(self) -> frozenset[str] | None:
        """Codes that candidate groups and lanes may name; None (unchecked) without units.yaml."""
        codes = frozenset(self.organisation.units) | frozenset(self.organisation.sets)
        return codes or None

    def definition_source(self, process_key: str, version: int) -> str:
        """The BPMN XML of one version, as deployed (the diagram of its instances)."""
        with self.db.reading() as session:
            return queries.definition_source(session, process_key, version)

    def start_form(self, process_key: str) -> list[dict[str, Any]]:
        """The fields the latest version's start event asks for (may be none), unit and
        database pickers with the organisation's codes as their options."""
        with self.db.reading() as session:
            definition = queries.deployed_definition(session, process_key)
            form = (definition.meta or {}).get("start_form", [])
        return with_choices(form, self.organisation.picker_options())

    def startable(self) -> list[DefinitionView]:
        """The latest version of each process a person starts: with a none start event
        (one without a timer, message or signal)."""
        with self.db.reading() as session:
            return [
                DefinitionView.of(d)
                for d in queries.latest_definitions(session)
                if _started_by_hand(d.meta or {})
            ]

    def names_in(self, language: str) -> dict[str, dict[str, str]]:
        """The names the latest version of each process gives in ``language``: the
        property ``name_<language>`` of the process and of each user task (see
        processes/README.md). Process key -> {"": the process's, task id: the task's}."""
        with self.db.reading() as session:
            return {
                definition.process_key: _names(definition.meta or {}, f"name_{language}")
                for definition in queries.latest_definitions(session)
            }

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

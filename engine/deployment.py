"""Storing process definitions: all files of a deployment together, or none of them.

A process gets a new version only when its file changed: neither the same bytes
(content hash) nor the same definition written another way (the modeler re-serialises,
see engine.definitions.equivalence); running instances keep the version they started
with, new ones take the latest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from engine.bounds import check_fits
from engine.definitions import ProcessModel, load_models
from engine.definitions.equivalence import semantic_digest
from engine.models import Deployment, DeploymentFile, ProcessDefinition
from engine.queries import latest_definition

__all__ = ["DeploymentResult", "deploy_files", "read_files"]


def read_files(paths: Iterable[Path | str]) -> dict[str, bytes]:
    """BPMN files by name; a directory stands for the ``*.bpmn`` files in it."""
    files: dict[str, bytes] = {}
    for path in map(Path, paths):
        members = sorted(path.glob("*.bpmn")) if path.is_dir() else [path]
        for member in members:
            files[str(member)] = member.read_bytes()
    return files


@dataclass(frozen=True)
class DeploymentResult:
    deployment_id: int | None
    created: list[tuple[str, int]] = field(default_factory=list)
    """(process key, version) of each new version."""
    unchanged: list[tuple[str, int]] = field(default_factory=list)
    """(process key, current version) of each process whose file did not change."""


def deploy_files(
    session: Session,
    files: Mapping[str, bytes],
    actor: str,
    now: datetime,
    *,
    known_units: frozenset[str] | None = None,
    note: str | None = None,
) -> DeploymentResult:
    """Validate every file, then store what changed; InvalidDefinition lists every problem.
    ``note``: the designer's word on what changed, kept with the deployment."""
    check_fits(actor, Deployment.deployed_by, "actor")
    for name in files:
        check_fits(name, DeploymentFile.name, "files")
    models = load_models(files, known_units)
    latest = {model.key: latest_definition(session, model.key) for model in models}
    changed = [m for m in models if _is_new(m, files[m.file_name], latest[m.key])]
    unchanged = [
        (m.key, old.version) for m in models if m not in changed and (old := latest[m.key])
    ]
    if not changed:
        return DeploymentResult(None, [], unchanged)
    deployment = Deployment(deployed_at=now, deployed_by=actor, note=note)
    session.add(deployment)
    stored_files = _store_files(session, deployment, files, {m.file_name for m in changed})
    created = []
    for model in changed:
        previous = latest[model.key]
        version = previous.version + 1 if previous else 1
        session.add(
            ProcessDefinition(
                process_key=model.key,
                version=version,
                name=model.name,
                content_hash=model.content_hash,
                deployment_id=deployment.id,
                file_id=stored_files[model.file_name].id,
                spec=model.spec,
                meta=model.meta,
                deployed_at=now,
            )
        )
        created.append((model.key, version))
    session.flush()
    return DeploymentResult(deployment.id, created, unchanged)


def _is_new(model: ProcessModel, content: bytes, latest: ProcessDefinition | None) -> bool:
    if latest is None:
        return True
    if latest.content_hash == model.content_hash:
        return False
    deployed = latest.file.content.encode("utf-8")
    return semantic_digest(latest.file.name, deployed) != semantic_digest(model.file_name, content)


def _store_files(
    session: Session, deployment: Deployment, files: Mapping[str, bytes], names: set[str]
) -> dict[str, DeploymentFile]:
    stored = {}
    for name in sorted(names):
        content = files[name]
        stored[name] = DeploymentFile(
            deployment=deployment,
            name=name,
            content_hash=hashlib.sha256(content).hexdigest(),
            content=content.decode("utf-8"),
        )
        session.add(stored[name])
    session.flush()
    return stored

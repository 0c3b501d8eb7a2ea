"""Every setting of govflow, with its default, in one place.

Values come from the environment (``DATABASE_URL`` and ``GOVFLOW_*``) so that the
same build runs on a laptop with SQLite and on several machines sharing PostgreSQL.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Settings"]

DEFAULT_DATABASE_URL = "sqlite:///govflow.db"


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    processes_dir: Path = Path("processes")
    units_file: Path = Path("processes/units.yaml")
    calendar_file: Path = Path("processes/calendar.yaml")
    script_timeout_s: float = 1.0
    lock_timeout_s: float = 10.0
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_sender: str = "govflow@localhost"
    secret_key: str = field(default="dev-only-change-me", repr=False)

    @classmethod
    def from_env(cls) -> Settings:
        processes = Path(_env("GOVFLOW_PROCESSES", "processes"))
        return cls(
            database_url=_env("DATABASE_URL", DEFAULT_DATABASE_URL),
            processes_dir=processes,
            units_file=Path(_env("GOVFLOW_UNITS", str(processes / "units.yaml"))),
            calendar_file=Path(_env("GOVFLOW_CALENDAR", str(processes / "calendar.yaml"))),
            script_timeout_s=float(_env("GOVFLOW_SCRIPT_TIMEOUT", "1.0")),
            lock_timeout_s=float(_env("GOVFLOW_LOCK_TIMEOUT", "10")),
            smtp_host=_env("GOVFLOW_SMTP_HOST", ""),
            smtp_port=int(_env("GOVFLOW_SMTP_PORT", "25")),
            smtp_sender=_env("GOVFLOW_SMTP_SENDER", "govflow@localhost"),
            secret_key=_env("GOVFLOW_SECRET_KEY", "dev-only-change-me"),
        )

"""Every setting of govflow, with its default, in one place.

Values come from the environment (``DATABASE_URL`` and ``GOVFLOW_*``) so that the
same build runs on a laptop with SQLite and on several machines sharing PostgreSQL.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["SECRET_KEY_MISSING", "Settings", "is_true", "parse_endpoints"]

SECRET_KEY_MISSING = (
    "GOVFLOW_SECRET_KEY is not set: give it a long random value, e.g. the output of "
    "`python3 -c 'import secrets; print(secrets.token_urlsafe(32))'`"
)

DEFAULT_DATABASE_URL = "sqlite:///govflow.db"


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def is_true(value: object) -> bool:
    """A yes/no setting: ``true``, ``yes``, ``1`` (any case) or True."""
    return str(value).strip().lower() in {"1", "true", "yes"}


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    processes_dir: Path = Path("processes")
    units_file: Path = Path("processes/units.yaml")
    calendar_file: Path = Path("processes/calendar.yaml")
    script_timeout_s: float = 1.0
    lock_timeout_s: float = 10.0
    live_workflows: int = 256
    max_upload_bytes: int = 20 * 1024 * 1024
    """The largest document a unit may upload to a task."""
    """Workflows kept in memory between commands (0: restore every command from the row)."""
    max_json_bytes: int = 1024 * 1024
    """The largest JSON body the API reads (documents go as multipart, up to max_upload_bytes)."""
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_sender: str = "govflow@localhost"
    secret_key: str = field(default="", repr=False)
    """Signs the session cookie; no default: ``serve`` refuses to start without one."""
    https: bool = False
    """The site is served over HTTPS: the cookie is ``Secure`` and HSTS is sent."""
    proxies: int = 0
    """Reverse proxies in front of the app whose ``X-Forwarded-For/Proto`` are trusted."""
    metrics_token: str = field(default="", repr=False)
    """``/metrics`` wants ``Authorization: Bearer`` this; without it, localhost only."""
    session_idle_s: float = 60 * 60.0
    """A log-in session ends after this long without a request."""
    session_lifetime_s: float = 12 * 60 * 60.0
    """A log-in session ends this long after log-in, however busy."""
    login_window_s: float = 15 * 60.0
    login_failures_per_user: int = 5
    login_failures_per_address: int = 20
    """Failed log-ins within ``login_window_s`` after which log-in answers 429."""
    password_hashing: str = "scrypt"
    """werkzeug's method for new password hashes: ``scrypt`` (its default cost),
    ``scrypt:n:r:p`` or ``pbkdf2:sha256:iterations``. A slow hash is the point in
    production; the tests set a cheap one, as test runners commonly do."""
    catch_up: str = "each"
    """Missed periods after downtime: ``each`` (all, marked late), ``latest`` or ``none``."""
    catch_up_grace_s: float = 300.0
    """A period started later than this after its start counts as missed (and late)."""
    scheduler_recheck_s: float = 5.0
    scheduler_batch: int = 20
    """Timers or deadlines a scheduler claims and settles per transaction."""
    """The longest the scheduler sleeps: other nodes may add timers it has not seen."""
    reminder: str = "3WD"
    escalation: str = "head,ITC,LEAD"
    escalation_interval: str = "2WD"
    escalation_top: str = "LEAD"
    """The unit every escalation chain ends at (engine/escalation.py)."""
    http_endpoints: dict[str, str] = field(default_factory=dict)
    """Base URLs the HTTP connector posts to, by the endpoint name a service task gives."""
    http_timeout_s: float = 10.0
    outbox_attempts: int = 5
    """Attempts of a service task's call before it becomes an incident."""
    outbox_backoff_s: float = 30.0
    """The wait after the first failed attempt; it doubles after each (at most an hour)."""
    message_lifetime_s: float = 7 * 24 * 3600.0
    """How long a thrown message with no receiver waits for one before it expires."""

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
            live_workflows=int(_env("GOVFLOW_LIVE_WORKFLOWS", "256")),
            max_upload_bytes=int(_env("GOVFLOW_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024))),
            max_json_bytes=int(_env("GOVFLOW_MAX_JSON_BYTES", str(1024 * 1024))),
            smtp_host=_env("GOVFLOW_SMTP_HOST", ""),
            smtp_port=int(_env("GOVFLOW_SMTP_PORT", "25")),
            smtp_sender=_env("GOVFLOW_SMTP_SENDER", "govflow@localhost"),
            secret_key=_env("GOVFLOW_SECRET_KEY", ""),
            https=is_true(_env("GOVFLOW_HTTPS", "false")),
            proxies=int(_env("GOVFLOW_PROXIES", "0")),
            metrics_token=_env("GOVFLOW_METRICS_TOKEN", ""),
            session_idle_s=float(_env("GOVFLOW_SESSION_IDLE", "3600")),
            session_lifetime_s=float(_env("GOVFLOW_SESSION_LIFETIME", "43200")),
            login_window_s=float(_env("GOVFLOW_LOGIN_WINDOW", "900")),
            login_failures_per_user=int(_env("GOVFLOW_LOGIN_USER_LIMIT", "5")),
            login_failures_per_address=int(_env("GOVFLOW_LOGIN_ADDRESS_LIMIT", "20")),
            password_hashing=_env("GOVFLOW_PASSWORD_HASHING", "scrypt"),
            catch_up=_env("GOVFLOW_CATCH_UP", "each"),
            catch_up_grace_s=float(_env("GOVFLOW_CATCH_UP_GRACE", "300")),
            scheduler_recheck_s=float(_env("GOVFLOW_SCHEDULER_RECHECK", "5")),
            scheduler_batch=int(_env("GOVFLOW_SCHEDULER_BATCH", "20")),
            reminder=_env("GOVFLOW_REMINDER", "3WD"),
            escalation=_env("GOVFLOW_ESCALATION", "head,ITC,LEAD"),
            escalation_interval=_env("GOVFLOW_ESCALATION_INTERVAL", "2WD"),
            escalation_top=_env("GOVFLOW_ESCALATION_TOP", "LEAD"),
            http_endpoints=parse_endpoints(_env("GOVFLOW_HTTP_ENDPOINTS", "")),
            http_timeout_s=float(_env("GOVFLOW_HTTP_TIMEOUT", "10")),
            outbox_attempts=int(_env("GOVFLOW_OUTBOX_ATTEMPTS", "5")),
            outbox_backoff_s=float(_env("GOVFLOW_OUTBOX_BACKOFF", "30")),
            message_lifetime_s=float(_env("GOVFLOW_MESSAGE_LIFETIME", str(7 * 24 * 3600))),
        )


def parse_endpoints(raw: str) -> dict[str, str]:
    """``portal=http://127.0.0.1:9000/,mic=https://…`` as {name: base URL}."""
    endpoints = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        name, separator, url = item.partition("=")
        if not separator or not name.strip() or not url.strip().startswith(("http://", "https://")):
            raise ValueError(f"GOVFLOW_HTTP_ENDPOINTS: {item!r} is not name=http(s)://base-url")
        endpoints[name.strip()] = url.strip()
    return endpoints

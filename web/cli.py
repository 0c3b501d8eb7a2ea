"""The ``govflow`` command line, through Flask's click integration."""

from __future__ import annotations

import json
import logging
import secrets
import sys
import time
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup
from sqlalchemy.exc import DBAPIError

from engine.api import Engine, read_files
from engine.demo import seed_demo_cycles
from engine.errors import GovflowError, InvalidDefinition, Misconfigured
from engine.settings import SECRET_KEY_MISSING, Settings
from web import create_app, engine_of
from web.server_heap import freeze_startup_heap

__all__ = ["cli", "main"]


def _engine() -> Engine:
    """The app's engine, closed (its connections released) when the command ends."""
    engine = engine_of(current_app)
    click.get_current_context().call_on_close(engine.close)
    return engine


def _parse_vars(pairs: tuple[str, ...]) -> dict[str, Any]:
    """``k=v`` pairs; a value that reads as JSON (42, true, "x", [..]) is taken as such."""
    variables: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"'{pair}' is not NAME=VALUE", param_hint="--var")
        try:
            variables[name] = json.loads(raw)
        except json.JSONDecodeError:
            variables[name] = raw
    return variables


class _Commands(FlaskGroup):
    """Engine and database errors end a command with a message and exit status 1, not a
    traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GovflowError as exc:
            raise click.ClickException(exc.message) from exc
        except DBAPIError as exc:  # most often: a database never upgraded, or unreachable
            reason = str(exc.orig).strip().splitlines()[0]
            raise click.ClickException(
                f"database error: {reason} (is DATABASE_URL right, and did `govflow db "
                "upgrade` run?)"
            ) from exc


def _command_app() -> Flask:
    """The app the commands run in. Only ``serve`` answers requests, and it (like
    ``scheduler``) refuses to start without GOVFLOW_SECRET_KEY; the other commands
    sign nothing, so without the setting they get a random key nobody ever sees."""
    if Settings.from_env().secret_key:
        return create_app()
    return create_app({"SECRET_KEY": secrets.token_urlsafe(32)})


def _require_secret_key() -> None:
    if not Settings.from_env().secret_key:
        raise Misconfigured(SECRET_KEY_MISSING)


@click.group(cls=_Commands, create_app=_command_app, add_default_commands=False)
def cli() -> None:
    """govflow: runs the ministry's data-management plan as BPMN processes."""


@cli.group()
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema to the latest version."""
    _engine().upgrade_schema()
    click.echo("database schema is up to date")


@cli.group()
def users() -> None:
    """Passwords and log-in sessions of the organisation's users (see also /admin/users)."""


@users.command("set-password")
@click.argument("username")
@click.password_option()
def users_set_password(username: str, password: str) -> None:
    """Set USERNAME's password (asked twice, not echoed); their sessions end."""
    ended = _engine().set_password(username, password)
    click.echo(f"password of {username} is set; {ended} session(s) ended")


@users.command("end-sessions")
@click.argument("username")
def users_end_sessions(username: str) -> None:
    """Log USERNAME out everywhere: end all their log-in sessions (API tokens stay)."""
    ended = _engine().end_sessions(username)
    click.echo(f"ended {ended} session(s) of {username}")


@cli.group()
def demo() -> None:
    """Demo data (a demo database only)."""


@demo.command("seed")
def demo_seed() -> None:
    """Start the current cycle of every periodic process, so the demo has work to show."""
    started = seed_demo_cycles(_engine())
    click.echo(f"started {len(started)} demo cycle(s)")
    for instance in started:
        click.echo(f"  {instance.process_key} #{instance.id} ({instance.business_key})")


@users.command("seed-demo")
def users_seed_demo() -> None:
    """Give every user without a password the demo password (a demo database only)."""
    seeded = _engine().seed_demo_passwords()
    click.echo(f"demo password given to {len(seeded)} user(s)")


@cli.group()
def tokens() -> None:
    """API tokens: other systems calling the API on behalf of a user."""


@tokens.command("create")
@click.argument("username")
@click.argument("name")
def tokens_create(username: str, name: str) -> None:
    """Create a token acting for USERNAME, named NAME (e.g. national-data-portal)."""
    token_id, token = _engine().create_token(username, name)
    click.echo(f"token {token_id} for {username} ({name}); keep it, it is not shown again:")
    click.echo(token)


@tokens.command("revoke")
@click.argument("token_id", type=int)
def tokens_revoke(token_id: int) -> None:
    """Revoke the token TOKEN_ID at once."""
    _engine().revoke_token(token_id)
    click.echo(f"token {token_id} is revoked")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
def validate(paths: tuple[str, ...]) -> None:
    """Check BPMN files; print FILE:LINE: ELEMENT_ID: message for each problem."""
    problems = _engine().validate(read_files(paths))
    for problem in problems:
        click.echo(_problem_line(problem))
    if any(problem.is_error for problem in problems):
        sys.exit(1)
    click.echo(
        f"ok: no errors, {len(problems)} warning(s)" if problems else "ok: no problems found"
    )


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--actor", default="designer", show_default=True)
def deploy(paths: tuple[str, ...], actor: str) -> None:
    """Validate and deploy BPMN files (all or nothing)."""
    try:
        result = _engine().deploy(read_files(paths), actor=actor)
    except InvalidDefinition as exc:
        for problem in exc.problems:
            click.echo(_problem_line(problem), err=True)
        sys.exit(1)
    for key, version in result.created:
        click.echo(f"deployed {key} version {version}")
    for key, version in result.unchanged:
        click.echo(f"unchanged {key} (version {version})")


@cli.command()
@click.argument("process_key")
@click.option("--from", "from_version", type=int, required=True, help="version to move from")
@click.option("--to", "to_version", type=int, default=None, help="version to move to [latest]")
@click.option("--dry-run", is_flag=True, help="report what would move; change nothing")
@click.option("--actor", default="designer", show_default=True)
def migrate(
    process_key: str, from_version: int, to_version: int | None, dry_run: bool, actor: str
) -> None:
    """Move running instances of PROCESS_KEY to a newer version where their tasks still exist."""
    report = _engine().migrate(process_key, from_version, to_version, actor=actor, dry_run=dry_run)
    verb = "would move" if dry_run else "moved"
    target = f"{process_key} v{report.from_version} -> v{report.to_version}"
    click.echo(f"{verb} {len(report.moved)} instance(s) of {target}")
    for instance_id in report.moved:
        click.echo(f"  {verb} instance {instance_id}")
    for instance_id, reason in report.refused.items():
        click.echo(f"  kept instance {instance_id}: {reason}")


@cli.command()
@click.argument("process_key")
@click.option("--var", "variables", multiple=True, help="NAME=VALUE, repeatable")
@click.option("--business-key", default=None)
@click.option("--actor", default="cli", show_default=True)
def start(
    process_key: str, variables: tuple[str, ...], business_key: str | None, actor: str
) -> None:
    """Start an instance of the latest version of PROCESS_KEY."""
    instance = _engine().start(
        process_key, _parse_vars(variables), actor=actor, business_key=business_key
    )
    click.echo(f"started instance {instance.id} of {process_key} v{instance.version}")
    for task in instance.open_tasks:
        click.echo(f"  open task {task.id} {task.name} unit={task.unit or '-'}")


@cli.command()
@click.argument("name")
@click.option("--instance", "instance_id", type=int, default=None, help="deliver to this instance")
@click.option("--business-key", default=None, help="deliver to the running instance with it")
@click.option("--var", "variables", multiple=True, help="NAME=VALUE, repeatable: the payload")
@click.option("--actor", default="cli", show_default=True)
def message(
    name: str,
    instance_id: int | None,
    business_key: str | None,
    variables: tuple[str, ...],
    actor: str,
) -> None:
    """Deliver the message NAME to a waiting instance, or start the process it starts."""
    instance = _engine().deliver_message(
        name,
        _parse_vars(variables),
        instance_id=instance_id,
        business_key=business_key,
        actor=actor,
    )
    click.echo(f"instance {instance.id} of {instance.process_key} is {instance.status}")
    for task in instance.open_tasks:
        click.echo(f"  open task {task.id} {task.name} unit={task.unit or '-'}")


@cli.command()
@click.argument("name")
@click.option("--var", "variables", multiple=True, help="NAME=VALUE, repeatable: the payload")
@click.option("--actor", default="cli", show_default=True)
def signal(name: str, variables: tuple[str, ...], actor: str) -> None:
    """Broadcast the signal NAME to every instance waiting for it and every process it
    starts; the scheduler delivers it once this commits."""
    entry_id = _engine().signal(name, _parse_vars(variables), actor=actor)
    click.echo(f"signal '{name}' queued (outbox entry {entry_id}); the scheduler delivers it")


@cli.command()
@click.option("--unit", default=None)
@click.option("--assignee", default=None)
def tasks(unit: str | None, assignee: str | None) -> None:
    """List open human tasks, soonest due first."""
    for task in _engine().tasks(unit=unit, assignee=assignee):
        due = task.due_at.isoformat() if task.due_at else "-"
        click.echo(
            f"{task.id}  {task.process_key}#{task.instance_id}  {task.name}  "
            f"unit={task.unit or '-'}  assignee={task.assignee or '-'}  due={due}"
        )


@cli.command()
@click.argument("task_id")
@click.option("--var", "variables", multiple=True, help="NAME=VALUE, repeatable")
@click.option("--actor", required=True, help="who completes the task")
def complete(task_id: str, variables: tuple[str, ...], actor: str) -> None:
    """Complete a human task with form data."""
    instance = _engine().complete(task_id, _parse_vars(variables), actor=actor)
    click.echo(f"instance {instance.id} is {instance.status}")


@cli.command()
@click.option("--process", "process_key", default=None)
@click.option("--status", default=None)
def instances(process_key: str | None, status: str | None) -> None:
    """List process instances, newest first."""
    for instance in _engine().instances(process_key=process_key, status=status):
        click.echo(
            f"{instance.id}  {instance.process_key} v{instance.version}  {instance.status}  "
            f"started {instance.started_at.isoformat()} by {instance.started_by}  "
            f"open tasks: {len(instance.open_tasks)}"
        )


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True)
@click.option("--scheduler/--no-scheduler", default=True, show_default=True)
def serve(host: str, port: int, scheduler: bool) -> None:
    """Serve the web application (and, by default, the scheduler in-process)."""
    import waitress

    from engine.scheduler import BackgroundTicker

    _require_secret_key()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if scheduler:
        _log_to_stderr()
    background = BackgroundTicker(engine_of(app)) if scheduler else None
    freeze_startup_heap()
    click.echo(f"govflow listening on http://{host}:{port}/ (health: /healthz)")
    try:
        waitress.serve(app, host=host, port=port)
    finally:
        if background is not None:
            background.stop()


@cli.command("scheduler")
def scheduler_command() -> None:
    """Run the timer scheduler in the foreground."""
    from engine.scheduler import run_scheduler

    _require_secret_key()
    _log_to_stderr()
    run_scheduler(_engine())


def _log_to_stderr() -> None:
    """The scheduler logs what it starts, fires and sends (engine.* loggers, INFO)."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("engine").setLevel(logging.INFO)


@cli.command(with_appcontext=False)
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--late", multiple=True, help="a unit that finishes its tasks late, repeatable")
@click.option("--processes", type=click.Path(exists=True, file_okay=False), default="processes")
@click.option("--database", help="an empty database to run on (default: a throwaway SQLite file)")
def simulate(
    start: Any, end: Any, late: tuple[str, ...], processes: str, database: str | None
) -> None:
    """Run the deployed plan on a throwaway database with a simulated clock."""
    from engine.simulation import simulate as run_simulation

    began = time.perf_counter()
    report = run_simulation(
        Path(processes),
        start.date(),
        end.date(),
        late_units=frozenset(late),
        database_url=database,
    )
    click.echo(f"simulated {report.start} .. {report.end} in {time.perf_counter() - began:.1f} s")
    for line in report.lines():
        click.echo(line)


@cli.command(with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=9000, show_default=True, type=int)
def receiver(host: str, port: int) -> None:
    """Stand in for MIC and the National Data Portal: print the letters POSTed to it."""
    from web.receiver import Receiver

    server = Receiver(host, port, echo=True)
    click.echo(f"receiving on {server.url}/portal and {server.url}/mic")
    try:
        server.serve_forever()
    finally:
        server.server_close()


def _problem_line(problem: Any) -> str:
    return str(problem) + (f"  (hint: {problem.hint})" if problem.hint else "")


def main() -> None:
    cli.main(prog_name="govflow")

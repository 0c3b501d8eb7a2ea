"""A simulated run of the deployed plan: months of the ministry's work in seconds.

``simulate`` deploys ``processes/`` on a throwaway database, moves a
:class:`~engine.clock.ManualClock` from event to event (due timers, period starts,
deadlines, and the moments units finish their tasks), lets the scheduler's ``tick``
do what is due, and completes every human task as its unit would, planned the
moment the task opens: on time (half way to the due date, at most three working
days after it opened), or late (five working days after the due date) for the units
named as late; a late unit whose step's cut-off comes first is recorded missing. The
events from outside the ministry that ``plan_tasks.yaml`` dates (``simulated_signal``:
the national data strategy issued) are signalled on their day. It reports what the
plan produced and when, and each unit's lateness.

It drives the engine only through :class:`~engine.api.Engine`, exactly as the
scheduler and the web layer do, so what it shows is what production would do.
"""

from __future__ import annotations

import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from engine.api import Engine, read_files
from engine.calendar import TIMEZONE, WorkCalendar, load_calendar, to_local
from engine.clock import ManualClock
from engine.compliance import was_cut_off
from engine.errors import Conflict
from engine.models import Deadline
from engine.settings import Settings
from engine.views import TaskView

__all__ = ["Product", "SimulationReport", "UnitLateness", "simulate"]

_ON_TIME_WORKING_DAYS = 3
_LATE_WORKING_DAYS = 5
_APPROVING_WORDS = ("approve", "accept", "publish", "yes", "agree", "ok", "done", "complete")


@dataclass(frozen=True)
class Product:
    at: datetime
    process_key: str
    instance_id: int
    summary: Any

    def describe(self, limit: int = 5) -> str:
        """The product's plain fields, shortly: what a supervisor reads first."""
        if not isinstance(self.summary, dict):
            return str(self.summary)[:120]
        plain = [(k, v) for k, v in self.summary.items() if isinstance(v, str | int | float)]
        return "; ".join(f"{key}={value}" for key, value in plain[:limit])


@dataclass
class UnitLateness:
    tasks: int = 0
    late: int = 0
    worst_days_late: float = 0.0
    missing: int = 0
    """Tasks a cut-off closed without the unit's answer (counted apart from ``tasks``)."""

    def add(self, task: TaskView) -> None:
        self.tasks += 1
        if task.due_at is None or task.completed_at is None:
            return
        days = (task.completed_at - task.due_at).total_seconds() / 86400
        if days > 0:
            self.late += 1
            self.worst_days_late = max(self.worst_days_late, days)


@dataclass
class SimulationReport:
    start: date
    end: date
    products: list[Product] = field(default_factory=list)
    lateness: dict[str, UnitLateness] = field(default_factory=dict)
    instances: Counter[str] = field(default_factory=Counter)
    tasks_completed: int = 0
    escalations: int = 0
    escalated_to: Counter[str] = field(default_factory=Counter)
    """Escalation steps fired, by recipient (``head:ITC``, ``LEAD`` …)."""

    def lines(self) -> Iterator[str]:
        """The report as ``govflow simulate`` prints it: products with their Hà Nội
        dates, instances per process, escalations, and each unit's lateness."""
        yield "\nproduced (Asia/Ho_Chi_Minh):"
        for product in self.products:
            when = to_local(product.at).strftime("%d/%m/%Y %H:%M")
            yield f"  {when}  {product.process_key} #{product.instance_id}  {product.describe()}"
        yield "\ninstances per process:"
        for process_key, count in sorted(self.instances.items()):
            yield f"  {process_key}: {count}"
        yield (
            f"\ntasks completed: {self.tasks_completed}; "
            f"reminders and escalations: {self.escalations}"
        )
        reached = ", ".join(f"{who} {count}" for who, count in sorted(self.escalated_to.items()))
        yield f"escalations reached: {reached or 'nobody'}"
        yield "\nlateness per unit (tasks, late, worst days late, missing at a cut-off):"
        for unit, late in self.lateness.items():
            yield (
                f"  {unit:<24} {late.tasks:>4} {late.late:>4} {late.worst_days_late:>7.1f}"
                f" {late.missing:>4}"
            )


def simulate(
    processes_dir: Path,
    start: date,
    end: date,
    *,
    late_units: frozenset[str] = frozenset(),
    database_url: str | None = None,
) -> SimulationReport:
    """Run the plan from ``start`` to ``end`` (inclusive, Asia/Ho_Chi_Minh dates)."""
    with tempfile.TemporaryDirectory(prefix="govflow-sim-") as folder:
        url = database_url or f"sqlite:///{Path(folder) / 'simulation.db'}"
        clock = ManualClock(datetime.combine(start, time(), TIMEZONE))
        settings = replace(
            Settings.from_env(),
            database_url=url,
            processes_dir=processes_dir,
            units_file=processes_dir / "units.yaml",
            calendar_file=processes_dir / "calendar.yaml",
        )
        engine = Engine(url, clock=clock, settings=settings)
        try:
            engine.upgrade_schema()
            engine.deploy(read_files([processes_dir]), actor="simulation")
            run = _Run(engine, clock, late_units, load_calendar(settings.calendar_file))
            plan = _plan_tasks(processes_dir / "plan_tasks.yaml")
            run.start_one_off_tasks(plan, start, end)
            run.expect_signals(plan)
            run.until(datetime.combine(end + timedelta(days=1), time(), TIMEZONE))
            return run.report(start, end)
        finally:
            engine.close()


class _Run:
    def __init__(
        self, engine: Engine, clock: ManualClock, late_units: frozenset[str], calendar: WorkCalendar
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.late_units = late_units
        self.calendar = calendar
        self.completions: dict[str, datetime] = {}
        self.signals: list[tuple[datetime, str, dict[str, Any]]] = []
        self.escalations = 0

    def start_one_off_tasks(self, tasks: dict[str, Any], start: date, end: date) -> None:
        """Start the plan's one-off tasks whose deadline falls in the simulated range."""
        for code, task in tasks.items():
            due = str(task.get("variables", {}).get("due_at", ""))[:10]
            if task.get("start") == "once" and due and start.isoformat() <= due <= end.isoformat():
                self.engine.start(
                    task["process"],
                    task.get("variables", {}),
                    actor="simulation",
                    business_key=code,
                )

    def expect_signals(self, tasks: dict[str, Any]) -> None:
        """Queue the signals the plan dates, each sent at 09:00 Hà Nội on its day."""
        for task in tasks.values():
            planned = task.get("simulated_signal")
            if task.get("start") == "on_signal" and planned:
                day = date.fromisoformat(str(planned["sent_on"]))
                moment = datetime.combine(day, time(9), TIMEZONE)
                self.signals.append((moment, task["signal"], planned.get("variables", {})))
        self.signals.sort(key=lambda signal: signal[0])

    def until(self, stop: datetime) -> None:
        while True:
            self._send_due_signals()
            self.escalations += self.engine.tick().deadlines_fired
            self._act_on_open_tasks()
            signal_moments = [moment for moment, _, _ in self.signals]
            upcoming = [self.engine.next_due_at(), *self.completions.values(), *signal_moments]
            moment = min((m for m in upcoming if m is not None), default=None)
            if moment is None or moment >= stop:
                return
            now = self.clock.now()
            self.clock.set(moment if moment > now else now + timedelta(minutes=1))

    def _send_due_signals(self) -> None:
        while self.signals and self.signals[0][0] <= self.clock.now():
            _, name, variables = self.signals.pop(0)
            self.engine.signal(name, variables, actor="simulation")

    def _act_on_open_tasks(self) -> None:
        """Plan every open task's completion and do those due, until a round opens
        nothing new: a task opened by another's completion (the approval after the
        consolidation) is planned at once, not at the next timer or deadline."""
        self._plan_completions()
        while self._complete_due_tasks():
            self._plan_completions()

    def _plan_completions(self) -> None:
        for task in self.engine.tasks():
            if task.id not in self.completions:
                self.completions[task.id] = self._finish_time(task)

    def _finish_time(self, task: TaskView) -> datetime:
        opened = task.created_at
        if task.unit in self.late_units and task.due_at is not None:
            return self.calendar.add_working_days_at(task.due_at, _LATE_WORKING_DAYS)
        quick = self.calendar.add_working_days_at(opened, _ON_TIME_WORKING_DAYS)
        if task.due_at is None:
            return quick
        return min(quick, opened + (task.due_at - opened) / 2)

    def _complete_due_tasks(self) -> int:
        """Complete the tasks planned for now or earlier; how many were due."""
        now = self.clock.now()
        planned = sorted((moment, task_id) for task_id, moment in self.completions.items())
        due = [task_id for moment, task_id in planned if moment <= now]
        for task_id in due:
            try:
                task = self.engine.task(task_id)
                if task.status == "open":
                    actor = task.assignee or f"{task.unit or 'unit'}.staff"
                    data = {**answers(task), **self._upload_documents(task, actor)}
                    self.engine.complete(task_id, data, actor=actor)
            except Conflict:
                pass  # cancelled by an interrupting event in the meantime
            del self.completions[task_id]
        return len(due)

    def _upload_documents(self, task: TaskView, actor: str) -> dict[str, str]:
        """A unit uploads a (generated) document for each ``file`` field of the form."""
        uploaded = {}
        for form_field in task.form.get("fields", []):
            if form_field.get("type") == "file":
                name = form_field["id"]
                text = f"{form_field.get('label', name)}: {task.name} ({task.unit or '-'})"
                document = self.engine.attach(task.id, f"{name}.txt", text.encode(), actor=actor)
                uploaded[name] = document.id
        return uploaded

    def report(self, start: date, end: date) -> SimulationReport:
        report = SimulationReport(start, end, escalations=self.escalations)
        lateness: dict[str, UnitLateness] = defaultdict(UnitLateness)
        for task in self.engine.tasks(status="completed"):
            lateness[task.unit or "-"].add(task)
            report.tasks_completed += 1
        for task in filter(was_cut_off, self.engine.tasks(status="cancelled")):
            lateness[task.unit or "-"].missing += 1
        report.lateness = dict(sorted(lateness.items()))
        with self.engine.db.reading() as session:
            report.escalated_to.update(
                session.scalars(
                    select(Deadline.recipient).where(
                        Deadline.kind == "escalation", Deadline.status == "fired"
                    )
                )
            )
        for instance in self.engine.instances():
            report.instances[instance.process_key] += 1
            summary = instance.data.get("product")  # the convention of processes/
            if instance.status == "completed" and instance.ended_at is not None and summary:
                report.products.append(
                    Product(instance.ended_at, instance.process_key, instance.id, summary)
                )
        report.products.sort(key=lambda product: product.at)
        return report


def _plan_tasks(plan_file: Path) -> dict[str, Any]:
    if not plan_file.exists():
        return {}
    tasks: dict[str, Any] = yaml.safe_load(plan_file.read_text(encoding="utf-8")).get("tasks", {})
    return tasks


def answers(task: TaskView) -> dict[str, Any]:
    """What a unit enters in a task's form: plausible values that approve and move on."""
    return {
        field["id"]: _answer(field, task)
        for field in task.form.get("fields", [])
        if not field.get("readonly") and field.get("type") != "file"
    }


def _answer(field: dict[str, Any], task: TaskView) -> Any:
    kind = field.get("type", "string")
    constraints = field.get("constraints", {})
    if kind == "boolean":
        return True
    if kind in {"long", "double"}:
        return int(float(constraints.get("min", 1)))
    if kind == "date":
        return (task.due_at or task.created_at).astimezone(TIMEZONE).date().isoformat()
    if kind == "enum":
        options = [option["id"] for option in field.get("options", [])]
        approving = [o for o in options if any(w in o.lower() for w in _APPROVING_WORDS)]
        return (approving or options)[0]
    text = f"{field.get('label', field['id'])} ({task.unit or 'unit'})"
    return text[: int(constraints["maxlength"])] if "maxlength" in constraints else text

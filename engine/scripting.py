"""The functions a process's scripts and expressions may call, bound to the engine's clock.

Deadlines in the plan are Vietnamese wall-clock dates and working days, so designers
write ``${local_deadline(year, 12, 25)}`` or ``${add_working_days(ready_at, 1)}``
instead of doing time-zone arithmetic in BPMN. Who gets a task is the organisation's
business, so ``${units_of("DBO")}`` and ``${owner_of(database)}`` read it from
``processes/units.yaml`` rather than from unit lists copied into each diagram.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from importlib.metadata import entry_points
from typing import Any, Literal, NoReturn

from engine.calendar import WorkCalendar, local_deadline, local_moment, to_local
from engine.clock import Clock
from engine.errors import InvalidInput
from engine.sandbox import ScriptExit
from engine.units import Organisation

__all__ = [
    "ENTRY_POINT_GROUP",
    "FUNCTION_NAMES",
    "ThrownBpmnEvent",
    "installed_functions",
    "raise_bpmn_error",
    "raise_bpmn_escalation",
    "script_functions",
    "with_extensions",
]

ENTRY_POINT_GROUP = "govflow.script_functions"
"""A package adds script functions without editing govflow, one per entry point::

    [project.entry-points."govflow.script_functions"]
    tax_code_valid = "my_package.checks:tax_code_valid"

The entry point's name is the name scripts call the function by."""


class ThrownBpmnEvent(ScriptExit):
    """A script threw a BPMN error or escalation: the script ends, and the runtime
    throws the event from the script's task (BPMN 2.0 §10.5.3 Error, §10.5.4 Escalation)."""

    def __init__(self, kind: Literal["error", "escalation"], code: str, message: str) -> None:
        super().__init__(f"BPMN {kind} {code}: {message}" if message else f"BPMN {kind} {code}")
        self.kind, self.code, self.message = kind, code, message


def raise_bpmn_error(code: str, message: str = "") -> NoReturn:
    """End the script with the BPMN error ``code``: a boundary error event or an error
    event subprocess catching ``code`` (or any code) takes over; uncaught, it fails the
    instance."""
    raise ThrownBpmnEvent("error", _code(code), str(message))


def raise_bpmn_escalation(code: str, message: str = "") -> NoReturn:
    """End the script with the BPMN escalation ``code``: an interrupting catcher takes
    over from the task; a non-interrupting one runs beside it, and the task completes
    (with its data as before the script), as it does when nothing catches it."""
    raise ThrownBpmnEvent("escalation", _code(code), str(message))


def _code(code: Any) -> str:
    if not isinstance(code, str) or not code.strip():
        raise ValueError("a BPMN error or escalation needs a code (text)")
    return code


FUNCTION_NAMES = frozenset(
    {
        "now",
        "add_working_days",
        "local_deadline",
        "end_of_working_day",
        "local_time",
        "moment",
        "units_of",
        "owner_of",
        "raise_bpmn_error",
        "raise_bpmn_escalation",
    }
)
"""The names :func:`script_functions` gives, for the deploy-time checks of scripts."""


def script_functions(
    clock: Clock, work_calendar: WorkCalendar, organisation: Organisation | None = None
) -> dict[str, Callable[..., Any]]:
    organisation = organisation or Organisation()

    def now() -> datetime:
        return clock.now()

    def add_working_days(moment: datetime | date | str, days: int) -> datetime:
        return work_calendar.add_working_days_at(local_moment(moment), days)

    def end_of_working_day(moment: datetime | date | str, days: int = 0) -> datetime:
        return work_calendar.end_of_working_day(to_local(local_moment(moment)).date(), days)

    def deadline(
        year: int, month: int, day: int, hour: int | None = None, minute: int = 0
    ) -> datetime:
        return local_deadline(year, month, day, hour, minute, calendar=work_calendar)

    return {
        "now": now,
        "add_working_days": add_working_days,
        "local_deadline": deadline,
        "end_of_working_day": end_of_working_day,
        "local_time": to_local,
        "moment": local_moment,
        "units_of": lambda code: list(organisation.expand(code)),
        "owner_of": organisation.owner_of,
        "raise_bpmn_error": raise_bpmn_error,
        "raise_bpmn_escalation": raise_bpmn_escalation,
    }


def installed_functions() -> dict[str, Callable[..., Any]]:
    """The script functions installed packages register under :data:`ENTRY_POINT_GROUP`."""
    return {entry.name: entry.load() for entry in entry_points(group=ENTRY_POINT_GROUP)}


def with_extensions(
    builtin: Mapping[str, Callable[..., Any]], *extensions: Mapping[str, Callable[..., Any]]
) -> dict[str, Callable[..., Any]]:
    """govflow's functions with a deployment's own added (later ones win among those).

    A deployment cannot replace govflow's functions: ``now`` or ``raise_bpmn_error``
    meaning something else in one deployment would make its diagrams mean something
    else too, so a name clash is refused.
    """
    added: dict[str, Callable[..., Any]] = {}
    for extension in extensions:
        added.update(extension)
    clashes = sorted(added.keys() & builtin.keys())
    if clashes:
        shown = ", ".join(clashes)
        raise InvalidInput(f"govflow's own script functions: {shown}", field="functions")
    not_callable = sorted(name for name, function in added.items() if not callable(function))
    if not_callable:
        raise InvalidInput(f"not functions: {', '.join(not_callable)}", field="functions")
    return {**builtin, **added}

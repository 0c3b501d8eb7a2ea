"""Which unit is behind across the whole plan: per unit and per cycle, how many of its
tasks (of every process) were late and how many went missing.

A cycle here is a calendar period on the Hà Nội clock, a half-year or a year (the
plan's cadences), and a task belongs to the cycle its due time falls in. Counted,
as in the per-process table (:mod:`engine.compliance`):

* **late**: done after its due time, or still open past it;
* **missing**: cancelled at or after its due time (a cut-off went on without the
  unit); a task withdrawn before its time is not the unit's fault.

Tasks without a unit or a due time, and those of cancelled instances, are left out.
The counting is one aggregate query: the rows never leave the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.directory import UserDirectory
from engine.errors import InvalidInput
from engine.models import HumanTask, ProcessInstance
from engine.store import Database

__all__ = ["MAX_YEARS", "Counts", "Cycle", "Oversight", "UnitOverview", "cycles_of"]

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_YEARS = 10
"""The widest table: 10 years (20 half-years) of columns."""


@dataclass(frozen=True)
class Cycle:
    label: str
    """``2021`` for a year, ``2021-H1`` for a half-year."""
    start: datetime
    end: datetime
    """Exclusive."""


@dataclass(frozen=True)
class Counts:
    due: int = 0
    late: int = 0
    missing: int = 0


@dataclass(frozen=True)
class UnitOverview:
    cycles: list[Cycle]
    units: list[str]
    counts: dict[tuple[str, str], Counts] = field(default_factory=dict)
    """(unit, cycle label) -> its counts; absent when the unit had nothing due then."""

    def cell(self, unit: str, cycle: Cycle) -> Counts:
        return self.counts.get((unit, cycle.label), Counts())

    def total(self, unit: str) -> Counts:
        cells = [self.cell(unit, cycle) for cycle in self.cycles]
        return Counts(
            sum(c.due for c in cells), sum(c.late for c in cells), sum(c.missing for c in cells)
        )


def cycles_of(first_year: int, last_year: int, cadence: str) -> list[Cycle]:
    """The years (``cadence="year"``) or half-years from 1 January of ``first_year`` to
    the end of ``last_year``."""
    starts = [(1, "")] if cadence == "year" else [(1, "-H1"), (7, "-H2")]
    bounds = [
        (f"{year}{suffix}", datetime(year, month, 1, tzinfo=HANOI))
        for year in range(first_year, last_year + 1)
        for month, suffix in starts
    ]
    ends = [start for _, start in bounds[1:]] + [datetime(last_year + 1, 1, 1, tzinfo=HANOI)]
    return [Cycle(label, start, end) for (label, start), end in zip(bounds, ends, strict=True)]


class Oversight:
    """A mixin of :class:`engine.api.Engine`: the supervisors' plan-wide overview."""

    db: Database
    clock: Clock
    directory: UserDirectory

    def unit_overview(
        self,
        cadence: str = "half",
        first_year: int | None = None,
        last_year: int | None = None,
    ) -> UnitOverview:
        """Late and missing tasks per unit and cycle; the years default to those the
        tasks fall due in (the last MAX_YEARS of them). InvalidInput names a bad bound."""
        if cadence not in ("half", "year"):
            raise InvalidInput("cadence must be half or year", field="cadence")
        now = self.clock.now()
        with self.db.reading() as session:
            first_year, last_year = _years(session, first_year, last_year, now)
            cycles = cycles_of(first_year, last_year, cadence)
            rows = session.execute(_counting(cycles, now)).all()
        counts = {
            (unit, cycles[index].label): Counts(due, late or 0, missing or 0)
            for unit, index, due, late, missing in rows
        }
        return UnitOverview(cycles, self._in_file_order({unit for unit, _ in counts}), counts)

    def _in_file_order(self, units: set[str]) -> list[str]:
        known = [code for code in self.directory.seed.units if code in units]
        return known + sorted(units - set(known))


def _years(session: Session, first: int | None, last: int | None, now: datetime) -> tuple[int, int]:
    if first is None or last is None:
        span = select(func.min(HumanTask.due_at), func.max(HumanTask.due_at)).where(
            HumanTask.unit.is_not(None)
        )
        earliest, latest = session.execute(span).one()
        last = last or (latest or now).astimezone(HANOI).year
        first = first or max((earliest or now).astimezone(HANOI).year, last - MAX_YEARS + 1)
    if not 2000 <= first <= last <= 2100:
        raise InvalidInput(
            "the years run from 2000 to 2100, first to last", field="first_year", limit=MAX_YEARS
        )
    if last - first >= MAX_YEARS:
        raise InvalidInput(
            f"at most {MAX_YEARS} years at a time", field="first_year", limit=MAX_YEARS
        )
    return first, last


def _counting(cycles: list[Cycle], now: datetime) -> Select[str, int, int, int, int]:
    """unit, cycle index, due, late, missing; one row per unit and cycle with tasks."""
    task = HumanTask
    cycle = case(
        *[
            (and_(task.due_at >= c.start, task.due_at < c.end), literal(index))
            for index, c in enumerate(cycles)
        ]
    )
    late = or_(
        and_(task.status == "completed", task.completed_at > task.due_at),
        and_(task.status == "open", task.due_at < now),
    )
    missing = and_(task.status == "cancelled", task.completed_at >= task.due_at)
    flagged = (
        select(
            task.unit.label("unit"),
            cycle.label("cycle"),
            case((late, 1), else_=0).label("late"),
            case((missing, 1), else_=0).label("missing"),
        )
        .join(ProcessInstance, ProcessInstance.id == task.instance_id)
        .where(task.unit.is_not(None), ProcessInstance.status != "cancelled")
        .where(task.due_at >= cycles[0].start, task.due_at < cycles[-1].end)
        .where(or_(task.status != "cancelled", missing))  # withdrawn in time: not counted
        .subquery()
    )
    return select(
        flagged.c.unit,
        flagged.c.cycle,
        func.count(),
        func.sum(flagged.c.late),
        func.sum(flagged.c.missing),
    ).group_by(flagged.c.unit, flagged.c.cycle)

"""The supervisors' plan-wide page: per unit and cycle, the late and missing tasks of
every process (:mod:`engine.unit_overview`), on a page and as an XLSX.

The query string (``cadence=half|year``, ``first_year``, ``last_year``) is the same
for both, so the download is the table on the screen.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.errors import InvalidInput
from engine.unit_overview import MAX_YEARS, UnitOverview
from web import engine_of
from web.spreadsheet import unit_cells, unit_headers, xlsx_download

__all__ = ["blueprint"]

blueprint = Blueprint("overview", __name__)


@blueprint.get("/overview")
def units_behind() -> ResponseReturnValue:
    overview = _overview()
    return render_template("overview.html", overview=overview, chosen=request.args)


@blueprint.get("/overview.xlsx")
def units_behind_xlsx() -> ResponseReturnValue:
    overview = _overview()
    header: list[str | int] = [*unit_headers(), _("Late, in all"), _("Missing, in all")]
    for cycle in overview.cycles:
        header += [
            _("%(cycle)s late", cycle=cycle.label),
            _("%(cycle)s missing", cycle=cycle.label),
        ]
    rows = [header]
    for unit in overview.units:
        total = overview.total(unit)
        row: list[str | int] = [*unit_cells(unit), total.late, total.missing]
        for cycle in overview.cycles:
            cell = overview.cell(unit, cycle)
            row += [cell.late, cell.missing]
        rows.append(row)
    first, last = overview.cycles[0].label[:4], overview.cycles[-1].label[:4]
    return xlsx_download(rows, _("Late and missing"), f"late-missing-{first}-{last}.xlsx")


def _overview() -> UnitOverview:
    cadence = request.args.get("cadence", "half")  # the engine refuses one it does not know
    return engine_of(current_app).unit_overview(cadence, _year("first_year"), _year("last_year"))


def _year(name: str) -> int | None:
    text = request.args.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise InvalidInput(f"{name} must be a year such as 2021", field=name, limit=MAX_YEARS)
    return int(text)

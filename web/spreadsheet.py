"""The compliance table as a spreadsheet: XLSX (one sheet per process) or CSV.

Each unit is a row: its code and name, in how many cycles it was behind (late, overdue or
missing), then per cycle its state in words and its days late (working days) as a
number, so that a spreadsheet can sum and sort them. The XLSX header is bold and
frozen with the unit's columns; the CSV is UTF-8 with a BOM, so spreadsheet programs
read the accents. ``xlsx_download`` sends any table (the late/missing overview) the
same way.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from typing import Any

from flask import Response
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from engine.compliance import Cell, ComplianceTable
from engine.views import InstanceView
from web.content_names import request_organisation, unit_name

__all__ = [
    "XLSX",
    "compliance_csv",
    "compliance_rows",
    "compliance_xlsx",
    "sheet_title",
    "unit_cells",
    "unit_headers",
    "xlsx_download",
]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Row = list[Any]


def compliance_rows(
    table: ComplianceTable,
    describe: Callable[[Cell], str],
    cycle_label: Callable[[InstanceView], str],
) -> list[Row]:
    """The header, then a row per unit; days late are ints (None where not late)."""
    header: Row = [*unit_headers(), _("Late cycles")]
    for cycle in table.cycles:
        label = cycle_label(cycle)
        header += [label, _("%(cycle)s: days late", cycle=label)]
    rows = [header]
    for unit in table.units:
        row: Row = [*unit_cells(unit), table.behind(unit)]
        for cycle in table.cycles:
            cell = table.cells.get((unit, cycle.id))
            late = cell is not None and cell.state in {"late", "overdue", "missing"}
            row += [describe(cell) if cell else "", cell.days_late if late and cell else None]
        rows.append(row)
    return rows


def unit_headers() -> Row:
    """A unit's two first columns: its code, to sort and filter by, and its name, to read."""
    return [_("Unit"), _("Unit name")]


def unit_cells(code: str) -> Row:
    """The cells under :func:`unit_headers` for the unit ``code``."""
    return [code, unit_name(request_organisation(), code)]


def compliance_xlsx(sheets: Sequence[tuple[str, list[Row]]]) -> bytes:
    """A workbook with a sheet per (process key, rows)."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for title, rows in sheets:
        sheet = workbook.create_sheet(_unique_title(workbook.sheetnames, sheet_title(title)))
        for row in rows:  # a business key may hold control characters, which XML cannot
            sheet.append([_storable(value) for value in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "C2"  # the header and the unit's code and name
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_download(rows: list[Row], title: str, filename: str) -> Response:
    """``rows`` (the first is the header) as a one-sheet XLSX attachment named ``filename``."""
    response = Response(compliance_xlsx([(title, rows)]), mimetype=XLSX)
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response


def compliance_csv(sheets: Sequence[tuple[str, list[Row]]]) -> str:
    """The rows as CSV; with several processes, each row starts with its process."""
    out = io.StringIO()
    writer = csv.writer(out)
    several = len(sheets) > 1
    for process_key, rows in sheets:
        for row in rows:
            writer.writerow([process_key, *row] if several else row)
    return "\ufeff" + out.getvalue()


def sheet_title(text: str) -> str:
    """``text`` as Excel accepts a sheet's name: none of ``[]:*?/\\``, at most 31 characters."""
    return _NOT_IN_SHEET_TITLES.sub("", ILLEGAL_CHARACTERS_RE.sub("", text))[:31] or "compliance"


_NOT_IN_SHEET_TITLES = re.compile(r"[\[\]:*?/\\]")


def _unique_title(taken: list[str], title: str) -> str:
    """Two keys cut to the same 31 characters still get a sheet each."""
    candidate, n = title, 2
    while candidate in taken:
        suffix = f" ({n})"
        candidate, n = title[: 31 - len(suffix)] + suffix, n + 1
    return candidate


def _storable(value: Any) -> Any:
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

"""Spreadsheets the supervisors download: one sheet, a bold header row that stays in
view while scrolling, numbers kept as numbers (so a spreadsheet program sums them)."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from flask import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

__all__ = ["XLSX", "sheet_title", "xlsx_download"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_NOT_IN_SHEET_TITLES = re.compile(r"[\[\]:*?/\\]")


def xlsx_download(rows: Sequence[Sequence[str | int]], title: str, filename: str) -> Response:
    """``rows`` (the first is the header) as an XLSX attachment named ``filename``."""
    response = Response(_workbook(rows, title), mimetype=XLSX)
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response


def _workbook(rows: Sequence[Sequence[str | int]], title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]  # a new workbook has exactly one
    sheet.title = sheet_title(title)
    for row in rows:  # a business key may hold control characters, which XML cannot
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"  # the header row and the first column stay in view
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def sheet_title(text: str) -> str:
    """``text`` as Excel accepts a sheet's name: none of ``[]:*?/\\``, at most 31 characters."""
    return _NOT_IN_SHEET_TITLES.sub("", ILLEGAL_CHARACTERS_RE.sub("", text))[:31] or "compliance"

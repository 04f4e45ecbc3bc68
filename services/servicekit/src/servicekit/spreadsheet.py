"""Excel workbooks that carry data, never formulas.

openpyxl stores any string starting with ``=`` as a formula, so free text such as a professional
line of ``=HYPERLINK("http://…")`` would leave our system as a live formula beside full ID
numbers (CSV/formula injection, OWASP). Every string here is written as a text cell with Excel's
quote prefix, so Excel shows it as typed and keeps it text when someone edits the cell.
Imports read formulas as their text too (``data_only=False``), so nothing is evaluated either way.
"""

from __future__ import annotations

import io
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font

# The characters that make spreadsheet programs treat a cell as a formula (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_text(cell) -> None:
    if isinstance(cell.value, str):
        cell.data_type = TYPE_STRING
        if cell.value.startswith(FORMULA_START):
            cell.quotePrefix = True


def workbook(title: str, header: list[str], rows: Iterable[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]  # Excel's limit for a sheet name
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            as_text(cell)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

"""Turn an .xlsx into the JSON that xlwings' VBA client posts, for ``xlwings.Book(json=...)``.

The shape follows ``RunServerPython`` in xlwings' add-in (``xlwings/addin/Remote.bas``,
0.37.8) and what ``xlwings/pro/_xlremote.py`` reads:

- ``client`` "VBA", ``version`` = ``xlwings.__version__`` (the engine refuses any other);
- ``book``: ``name`` (``ActiveWorkbook.Name``: the file name, no folder),
  ``active_sheet_index`` (0-based), ``selection`` ("A1");
- ``names``: defined names that refer to a range;
- ``sheets``: every worksheet of ``wb.Worksheets`` in tab order, veryHidden ones
  included (the client's INCLUDE/EXCLUDE settings would drop some; we set
  neither), each with ``name``, ``pictures``, ``tables`` and ``values``: the
  cells from A1 to the end of the used range, ``[[]]`` for an empty sheet.

Cell values as the client's JSON writer (``WebHelpers.ConvertToJson``) writes
them: a date cell as ``"yyyy-mm-ddTHH:MM:SS.000Z"``, numbers in VBA's shortest
form (so 3.0 arrives as the JSON integer 3), booleans, error cells as their text
("#N/A"), the cached result of a formula. Two deliberate differences:

- empty cells are ``""`` by default (as the Office.js client sends them; the
  VBA writer sends ``null``); pass ``empty=None`` for the VBA form, the engine
  treats both alike;
- ``visibility`` ("Visible", "Hidden", "VeryHidden") and ``charts`` are added
  per sheet: the Office.js client sends them, the VBA client does not, and
  ``_xlremote`` needs them to answer ``Sheet.visible`` and ``Sheet.charts``.
  ``vba_exact=True`` leaves them out.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import openpyxl
import xlwings

_VISIBILITY = {"visible": "Visible", "hidden": "Hidden", "veryHidden": "VeryHidden"}
_ISO = "%Y-%m-%dT%H:%M:%S.000Z"


def json_cell(value: Any, *, empty: str | None = "") -> Any:
    """One cell value as the VBA client's JSON writer sends it."""
    if value is None:
        return empty
    if isinstance(value, datetime):
        return value.strftime(_ISO)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day).strftime(_ISO)
    if isinstance(value, time):
        return datetime.combine(date(1899, 12, 30), value).strftime(_ISO)
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def payload(
    path: Path, *, empty: str | None = "", vba_exact: bool = False, active: int = 0
) -> dict[str, Any]:
    """The request body the VBA client would post for the workbook at *path*."""
    wb = openpyxl.load_workbook(path, data_only=True)  # cached formula results, as Excel sends
    sheets = []
    for ws in wb.worksheets:
        if ws.max_row == 1 and ws.max_column == 1 and ws.cell(1, 1).value is None:
            values: list[list[Any]] = [[]]
        else:
            values = [
                [json_cell(c.value, empty=empty) for c in row]
                for row in ws.iter_rows(
                    min_row=1, min_col=1, max_row=ws.max_row, max_col=ws.max_column
                )
            ]
        sheet: dict[str, Any] = {"name": ws.title, "pictures": [], "tables": [], "values": values}
        if not vba_exact:
            sheet["visibility"] = _VISIBILITY[ws.sheet_state]
            sheet["charts"] = []
        sheets.append(sheet)
    return {
        "client": "VBA",
        "version": xlwings.__version__,
        "book": {"name": path.name, "active_sheet_index": active, "selection": "A1"},
        "names": _names(wb),
        "sheets": sheets,
    }


def _names(wb: openpyxl.Workbook) -> list[dict[str, Any]]:
    titles = wb.sheetnames
    names = []
    for name, defined in wb.defined_names.items():
        for title, ref in defined.destinations:
            if title in titles:
                names.append(
                    {
                        "name": name,
                        "sheet_index": titles.index(title),
                        "address": ref.replace("$", ""),
                        "book_scope": True,
                        "scope_sheet_name": None,
                        "scope_sheet_index": None,
                    }
                )
    return names

"""Read an open xlwings Book as a :class:`zhenggai.core.grid.GridSource`.

``load_ledger(XlwingsSource(book), path=book_path(book))`` gives the same
:class:`~zhenggai.core.ledger.Ledger` as reading the saved file with calamine, so the
add-in and the CLI run the same core on the same data. Values are made to look
like what :class:`zhenggai.io.calamine.CalamineBook` yields: every number a float,
``None`` for empty and error cells, dates only where Excel had a date, a time of
day as ``"HH:MM:SS"`` text.

Two kinds of Book reach us:

- **Excel itself** (COM on Windows, AppleScript on macOS): what ``RunPython``
  hands the handlers through ``Book.caller()``. Every worksheet is there,
  veryHidden ``_meta`` included; we read each one from A1 to its last cell
  holding a value in one call (see :func:`_excel_extent`).
- **A JSON book** (``xlwings.Book(json=payload)``, the engine of xlwings Server
  and Lite, used by our tests): the client sent each sheet's values from A1.
  We read those raw values ourselves, because xlwings' own conversion turns
  every text cell that looks like an ISO timestamp without "Z" (such as
  ``_meta``'s ``created`` value) into an error: it cuts the last character
  off, assuming a "Z" is there. A date cell arrives as
  ``"yyyy-mm-ddTHH:MM:SS.000Z"`` from both the VBA and the Office.js client.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import xlwings

from zhenggai.core.errors import WorkbookError
from zhenggai.core.grid import Grid
from zhenggai.core.text import Value

__all__ = ["XlwingsSource", "book_path", "clean_value"]

# What the JSON clients send for a date cell: VBA's Format "yyyy-mm-ddTHH:mm:ss.000Z",
# JavaScript's Date.toISOString().
_JSON_DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z")
# Excel's day 0: a time of day without a date is a date on this day.
_EXCEL_EPOCH = date(1899, 12, 30)
# Integers a float holds exactly; a bigger one was digit text the VBA client's
# JSON writer sent unquoted.
_FLOAT_EXACT = 2**53
_JSON_VISIBILITY = {"Visible": "visible", "Hidden": "hidden", "VeryHidden": "veryhidden"}
# XlSheetVisibility in Excel's object model.
_COM_VISIBILITY = {-1: "visible", 0: "hidden", 2: "veryhidden"}


def clean_value(value: Any, *, json: bool = False) -> Value:
    """One cell value as calamine would give it (see the module docstring).

    Args:
        value: the value xlwings (or, with *json*, the JSON client) gave.
        json: *value* comes raw from a JSON payload, where dates are ISO text.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value) if abs(value) < _FLOAT_EXACT else str(value)
    if isinstance(value, float):
        return value
    if isinstance(value, str):
        if json and _JSON_DATE.fullmatch(value):
            return _clean_datetime(datetime.fromisoformat(value[:-1]))
        return value
    if isinstance(value, datetime):
        return _clean_datetime(value.replace(tzinfo=None))
    if isinstance(value, date):
        return value
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    return str(value)


def _clean_datetime(value: datetime) -> Value:
    if value.date() == _EXCEL_EPOCH:
        return value.strftime("%H:%M:%S")
    if value.time() == time(0):
        return value.date()
    return value


def _clean_grid(raw: Sequence[Sequence[Any]], *, json: bool) -> Grid:
    grid = [[clean_value(v, json=json) for v in row] for row in raw]
    while grid and all(v is None for v in grid[-1]):
        grid.pop()
    return grid


def book_path(book: xlwings.Book) -> Path | None:
    """The book's file, or None when it was never saved.

    A JSON book knows only its name; it resolves against the current folder.

    Raises:
        WorkbookError: the book lives on OneDrive/SharePoint as a web address.
    """
    fullname = book.fullname
    if "://" in fullname:
        raise WorkbookError(
            f"台账“{book.name}”在 OneDrive/SharePoint 网络位置上，本工具需要本机文件夹："
            "请在 OneDrive 设置中让文件“始终保留在此设备上”，或把台账另存到本机文件夹后再用。"
        )
    path = Path(fullname)
    if not path.suffix:  # "工作簿1": never saved
        return None
    return path.resolve()


class XlwingsSource:
    """An open Book seen as a :class:`~zhenggai.core.grid.GridSource`; each sheet read once.

    Example:
        >>> source = XlwingsSource(xlwings.Book.caller())       # doctest: +SKIP
        >>> ledger = load_ledger(source, path=book_path(source.book))  # doctest: +SKIP
    """

    def __init__(self, book: xlwings.Book) -> None:
        self.book = book
        self._grids: dict[str, Grid] = {}

    @property
    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def sheet(self, name: str) -> xlwings.Sheet:
        """Sheet *name* (exact name); KeyError when there is none."""
        for sheet in self.book.sheets:
            if sheet.name == name:
                return sheet
        raise KeyError(name)

    def visibility(self, name: str) -> str:
        sheet = self.sheet(name)
        api = sheet.api
        if isinstance(api, dict):
            # Only the Office.js client sends it; xlwings' VBA client does not, and
            # then every sheet reads as visible.
            return _JSON_VISIBILITY.get(str(api.get("visibility", "Visible")), "visible")
        if sys.platform == "win32":  # pragma: no cover - COM exists on Windows only
            return _COM_VISIBILITY.get(int(api.Visible), "visible")
        # macOS: xlwings only tells visible from not visible.
        return "visible" if sheet.visible else "hidden"  # pragma: no cover

    def grid(self, name: str) -> Grid:
        if name not in self._grids:
            sheet = self.sheet(name)
            api = sheet.api
            if isinstance(api, dict):
                self._grids[name] = _clean_grid(api.get("values") or [], json=True)
            else:  # pragma: no cover - needs Excel
                self._grids[name] = _clean_grid(_excel_values(sheet), json=False)
        return self._grids[name]

    def set_grid(self, name: str, grid: Grid) -> None:
        """Record what sheet *name* now holds, after the adapter wrote it.

        xlwings Server/Lite books do not see their own queued writes, and
        reading Excel again would be slow; the adapter keeps this up to date.
        """
        self._grids[name] = grid


def _excel_values(sheet: xlwings.Sheet) -> list[list[Any]]:  # pragma: no cover - needs Excel
    rows, cols = _excel_extent(sheet)
    if not rows:
        return []
    values = sheet.range((1, 1), (rows, cols)).options(ndim=2).value
    return values if isinstance(values, list) else [[values]]


# Excel's XlFindLookIn, XlLookAt, XlSearchOrder and XlSearchDirection values.
_XL_FORMULAS, _XL_PART, _XL_BY_ROWS, _XL_BY_COLUMNS, _XL_PREVIOUS = -4123, 2, 1, 2, 2


def _excel_extent(sheet: xlwings.Sheet) -> tuple[int, int]:  # pragma: no cover - needs Excel
    """Last row and column holding a value (0, 0 for an empty sheet).

    Excel's UsedRange also counts formatted cells, and a column formatted down
    to row 1,048,576 would make us read a million empty rows. On Windows we ask
    Excel's Find for the last cell holding anything; LookIn=xlFormulas, unlike
    xlValues (what xlwings' Range.find uses), also searches rows hidden by a filter.
    """
    if sys.platform != "win32":
        corner = sheet.used_range.last_cell
        return corner.row, corner.column
    cells = sheet.api.Cells

    def last(order: int) -> Any:
        return cells.Find(
            What="*",
            After=cells(1, 1),
            LookIn=_XL_FORMULAS,
            LookAt=_XL_PART,
            SearchOrder=order,
            SearchDirection=_XL_PREVIOUS,
        )

    by_rows = last(_XL_BY_ROWS)
    if by_rows is None:
        return 0, 0
    return int(by_rows.Row), int(last(_XL_BY_COLUMNS).Column)

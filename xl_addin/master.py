"""Apply a :class:`zhenggai.core.changes.ChangeSet` to the open master: the add-in's workbook adapter.

The CLI's :class:`zhenggai.io.master.OpenpyxlMaster` writes the same ChangeSet
into a file; this one writes into the Book Excel has open, and only what
changes:

- cell edits whose value differs from the cell's current value (same kind and
  same :func:`zhenggai.core.text.canonical` form count as unchanged), in one range
  assignment per column (:func:`xl_addin.spans.spans`: the cells between the
  edited ones are written back as they are, unless Excel says one holds a
  formula or an error), so scattered edits cost O(columns) calls, not O(rows);
- fills of a column whose colours follow its text
  (:class:`~zhenggai.core.changes.ColumnFills`, the 预警 column) as
  conditional-formatting rules written once (:func:`xl_addin.cells.column_fills`)
  where the host applies them (:func:`xl_addin.cells.full_host`: Excel itself);
  other fills, and those for other hosts, per run of rows;
- appended rows below the sheet's last row holding a value, in one assignment;
- output sheets (:class:`~zhenggai.core.changes.SheetTable`) rewritten whole: see
  :mod:`xl_addin.tables`.

Asked to (``keep_undo``), it records every cell's value before the write in an
:class:`~xl_addin.history.UndoRecord`, from which 撤销上次汇总 restores them.

Nothing is saved: the user sees the result in Excel and saves it (or closes
without saving to drop it).

Example:
    >>> XlwingsMaster(book).write(result.changes)              # doctest: +SKIP
    Applied(cells=12, unchanged=4, rows=3, sheets=1, charts=2, charts_skipped=0)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import xlwings

from xl_addin.cells import (
    column_fills,
    column_width,
    date_formats,
    excel_value,
    fills,
    freeze_above,
    full_host,
    pad,
    set_optional,
    style_header,
)
from xl_addin.history import UndoRecord
from xl_addin.source import XlwingsSource, book_path
from xl_addin.spans import date_spans, formulas_of, spans
from xl_addin.tables import table_grid, write_table
from zhenggai.core.changes import ChangeSet, ColumnAdd, Fill
from zhenggai.core.errors import WorkbookError
from zhenggai.core.grid import Grid
from zhenggai.core.sheets import META, SHEETS
from zhenggai.core.text import Value, canonical

__all__ = ["Applied", "XlwingsMaster"]


@dataclass
class Applied:
    """What :meth:`XlwingsMaster.apply` wrote.

    Attributes:
        cells: edited cells whose value was written.
        unchanged: edited cells left alone because they already held the value.
        rows: rows appended.
        sheets: output sheets rewritten.
        charts: native charts drawn.
        charts_skipped: charts not drawn (series in non-adjacent columns, or no data).
    """

    cells: int = 0
    unchanged: int = 0
    rows: int = 0
    sheets: int = 0
    charts: int = 0
    charts_skipped: int = 0

    @property
    def any(self) -> bool:
        """True when anything in the book was written."""
        return bool(self.cells or self.rows or self.sheets)


def _kind(value: Value) -> str:
    if value is None or value == "":
        return "empty"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, date | datetime):
        return "date"
    return "text"


def same_value(current: Value, new: Value) -> bool:
    """True when writing *new* over *current* would change nothing a reader sees."""
    return _kind(current) == _kind(new) and canonical(current) == canonical(new)


def _store(grid: Grid, row: int, col: int, value: Value) -> None:
    while len(grid) < row:
        grid.append([])
    cells = grid[row - 1]
    cells.extend([None] * (col - len(cells)))
    cells[col - 1] = None if value == "" else value


def _trim(grid: Grid) -> None:
    # As the readers do: the grid ends at the last row holding a value.
    while grid and all(v is None for v in grid[-1]):
        grid.pop()


class XlwingsMaster:
    """The master workbook open in Excel, for one button.

    Args:
        book: the open master (``xlwings.Book.caller()`` in a handler).
        source: the :class:`XlwingsSource` the ledger was read from, so the
            current values are not read twice.
    """

    def __init__(
        self, book: xlwings.Book, *, source: XlwingsSource | None = None, keep_undo: bool = False
    ) -> None:
        self.book = book
        self.source = source or XlwingsSource(book)
        self.undo: UndoRecord | None = UndoRecord() if keep_undo else None

    @property
    def path(self) -> Path | None:
        """The book's file (None while it was never saved)."""
        return book_path(self.book)

    def sheet(self, name: str) -> xlwings.Sheet:
        """Sheet *name*, added before ``_meta`` with its standard header when missing."""
        try:
            return self.source.sheet(name)
        except KeyError:
            pass
        names = self.source.sheet_names
        # Always "after": xlwings Server's Sheets.add(before=...) lands one place too early.
        at = names.index(META) if META in names else len(names)
        if at == 0:
            before, after = self.source.sheet(names[0]), None
        else:
            before, after = None, self.source.sheet(names[at - 1])
        sheet = self.book.sheets.add(name, before=before, after=after)
        grid: Grid = []
        for d in SHEETS:
            if d.name == name and d.headers:
                header = sheet.range((1, 1), (1, len(d.headers)))
                header.value = [list(d.headers)]
                style_header(header)
                freeze_above(sheet, 2)
                grid = [list(d.headers)]
        self.source.set_grid(name, grid)
        return sheet

    def write(self, changes: ChangeSet) -> Applied:
        """Write *changes* into the book; returns what was written."""
        applied = Applied()
        for column in changes.columns:  # first: rows appended below may fill them
            self._column(column, applied)
        self._edits(changes, applied)
        for name, rows in changes.appends:
            self._append(name, rows, applied)
        for table in changes.tables:
            sheet = self.sheet(table.name)
            before = self.source.grid(table.name)
            if self.undo is not None:
                self.undo.table(table.name, before, table_grid(table))
            drawn, skipped = write_table(self.book, sheet, table, before)
            self.source.set_grid(table.name, table_grid(table))
            applied.sheets += 1
            applied.charts += drawn
            applied.charts_skipped += skipped
        if full_host(self.book):
            for spec in changes.column_fills:
                column_fills(self.sheet(spec.sheet), spec)
        return applied

    def _put(self, name: str, row: int, col: int, value: Value) -> None:
        """Note that cell (row, col) of sheet *name* now holds *value* (and what it held)."""
        grid = self.source.grid(name)
        if self.undo is not None:
            cells = grid[row - 1] if row <= len(grid) else []
            self.undo.cell(name, row, col, cells[col - 1] if col <= len(cells) else None, value)
        _store(grid, row, col, value)

    def _column(self, column: ColumnAdd, applied: Applied) -> None:
        """A new column's header cell, styled like the others (mirrors ``style.add_column``)."""
        sheet = self.sheet(column.sheet)
        cell = sheet.range((column.row, column.col))
        cell.value = column.header
        style_header(cell)
        if column.width is not None:
            set_optional(cell, "column_width", column_width(self.book, column.width))
        self._put(column.sheet, column.row, column.col, column.header)
        applied.cells += 1

    def _edits(self, changes: ChangeSet, applied: Applied) -> None:
        # One edit per cell: the last value wins, the last fill given wins.
        values: dict[tuple[str, int, int], Value] = {}
        colours: dict[tuple[str, int, int], Fill] = {}
        for e in changes.edits:
            values[(e.sheet, e.row, e.col)] = e.value
            if e.fill is not None:
                colours[(e.sheet, e.row, e.col)] = e.fill
        missing = sorted({sheet for sheet, _, _ in values} - set(self.source.sheet_names))
        if missing:
            raise WorkbookError(f"台账缺少工作表“{'、'.join(missing)}”。")
        to_write: dict[tuple[str, int], list[tuple[int, Value]]] = defaultdict(list)
        for (name, row, col), value in values.items():
            grid = self.source.grid(name)
            cells = grid[row - 1] if row <= len(grid) else []
            current = cells[col - 1] if col <= len(cells) else None
            if same_value(current, value):
                applied.unchanged += 1
            else:
                to_write[(name, col)].append((row, value))
        for (name, col), edited in to_write.items():
            self._column_values(name, col, edited, applied)
        ruled = (
            {(spec.sheet, spec.col) for spec in changes.column_fills}
            if full_host(self.book)
            else set()
        )
        for name in sorted({key[0] for key in colours}):
            fills(
                self.source.sheet(name),
                [
                    (row, col, fill)
                    for (at, row, col), fill in colours.items()
                    if at == name and (name, col) not in ruled
                ],
            )

    def _column_values(
        self, name: str, col: int, edited: list[tuple[int, Value]], applied: Applied
    ) -> None:
        """Write one column's edited cells: one range assignment per span (see :mod:`.spans`)."""
        sheet = self.source.sheet(name)
        grid = self.source.grid(name)
        new = dict(edited)
        written = spans(grid, col, new, formulas=lambda lo, hi: formulas_of(sheet, col, lo, hi))
        for first, run in written:
            target = sheet.range((first, col), (first + len(run) - 1, col))
            target.value = [[excel_value(v)] for v in run]
            for offset, value in enumerate(run):
                if first + offset in new:
                    self._put(name, first + offset, col, value)
        _trim(grid)
        applied.cells += len(new)
        for (first, last), fmt in date_spans(grid, col, new):
            sheet.range((first, col), (last, col)).number_format = fmt

    def _append(self, name: str, rows: list[list[Value]], applied: Applied) -> None:
        width = max((len(r) for r in rows), default=0)
        if not width:
            return
        sheet = self.sheet(name)
        grid = self.source.grid(name)
        start = len(grid) + 1
        sheet.range((start, 1), (start + len(rows) - 1, width)).value = pad(rows, width)
        date_formats(
            sheet, [(start + i, c, v) for i, r in enumerate(rows) for c, v in enumerate(r, start=1)]
        )
        for i, r in enumerate(rows):
            for c, value in enumerate(r, start=1):
                self._put(name, start + i, c, value)
        _trim(grid)
        applied.rows += len(rows)

"""Scattered edits of one column, written in a few range assignments instead of one per run.

A rerun of 逾期预警 changes the 预警 text of every overdue row and leaves the
others; a consolidation changes 整改进展 here and there. Written run by run,
that is one call into Excel per run, thousands on a big ledger. :func:`spans`
writes the column from its first to its last edited row in one assignment,
the cells in between with the value they already hold, which Excel stores
again unchanged (text keeps its apostrophe, see :func:`xl_addin.cells.excel_value`).

Two kinds of cell must not be written back that way, because their value is
not what they hold: a formula (its result would replace it) and an error
(read as empty). Excel tells them apart in one call, the column's
``Range.Formula`` (:func:`formulas_of`); such a cell splits the span. The JSON
engine (xlwings Server) sends values only, so there every cell counts as a value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress

import xlwings

from xl_addin.cells import date_format
from zhenggai.core.grid import Grid
from zhenggai.core.text import Value

__all__ = ["MAX_RUNS", "date_spans", "formulas_of", "spans"]

#: Up to this many runs of consecutive edited rows are written as they are;
#: more are merged into spans. One: a column's edits are one assignment (plus,
#: in Excel, one read of its formulas), whatever their rows.
MAX_RUNS = 1

Formulas = Callable[[int, int], Sequence[str] | None]


def _runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted rows as (first, last) runs of consecutive rows."""
    out: list[tuple[int, int]] = []
    for row in rows:
        if out and row == out[-1][1] + 1:
            out[-1] = (out[-1][0], row)
        else:
            out.append((row, row))
    return out


def _current(grid: Grid, row: int, col: int) -> Value:
    cells = grid[row - 1] if row <= len(grid) else []
    return cells[col - 1] if col <= len(cells) else None


def _unsafe(formula: object, current: Value) -> bool:
    """A cell whose value is not what it holds: a formula, or an error (read as empty)."""
    text = formula if isinstance(formula, str) else ""
    return text.startswith("=") or (current is None and text != "")


def spans(
    grid: Grid, col: int, new: Mapping[int, Value], *, formulas: Formulas
) -> list[tuple[int, list[Value]]]:
    """The (first row, values) assignments that write *new* (row -> value) into column *col*.

    Args:
        grid: the sheet's values now (1-based rows as list positions + 1).
        col: the 1-based column.
        new: the edited rows and their new values.
        formulas: ``formulas(first, last)``: the cells' ``Range.Formula`` texts
            from *first* to *last*, or None when the engine cannot say.

    >>> grid = [["h"], ["a"], ["b"], ["c"], ["d"], ["e"], ["f"], ["g"], ["h"], ["i"], ["j"]]
    >>> spans(grid, 1, {2: "A", 3: "B"}, formulas=lambda lo, hi: None)
    [(2, ['A', 'B'])]
    >>> spans(grid, 1, {2: "A", 4: "C", 6: "E", 8: "G", 10: "I"}, formulas=lambda lo, hi: None)
    [(2, ['A', 'b', 'C', 'd', 'E', 'f', 'G', 'h', 'I'])]
    >>> texts = ["A", "b", "C", "=1+1", "E", "f", "G", "h", "I"]
    >>> spans(grid, 1, {2: "A", 4: "C", 6: "E", 8: "G", 10: "I"}, formulas=lambda lo, hi: texts)
    [(2, ['A', 'b', 'C']), (6, ['E', 'f', 'G', 'h', 'I'])]
    """
    rows = sorted(new)
    runs = _runs(rows)
    if len(runs) <= MAX_RUNS:
        return [(first, [new[r] for r in range(first, last + 1)]) for first, last in runs]
    lo, hi = rows[0], rows[-1]
    texts = formulas(lo, hi)
    out: list[tuple[int, list[Value]]] = []
    first, values = lo, list[Value]()
    for row in range(lo, hi + 1):
        if row in new:
            value = new[row]
        else:
            value = _current(grid, row, col)
            if texts is not None and _unsafe(texts[row - lo], value):
                if values:
                    out.append((first, values))
                first, values = row + 1, []
                continue
        if not values:
            first = row
        values.append(value)
    if values:
        out.append((first, values))
    return out


def formulas_of(sheet: xlwings.Sheet, col: int, first: int, last: int) -> list[str] | None:
    """``Range.Formula`` of the cells of column *col* from *first* to *last*: one call into Excel.

    None on the JSON engine, which has no formulas to tell.
    """
    if isinstance(sheet.api, dict):
        return None
    with suppress(NotImplementedError):  # pragma: no cover - needs Excel
        texts = sheet.range((first, col), (last, col)).formula
        if isinstance(texts, str):
            return [texts]
        return [row[0] if isinstance(row, tuple | list) else row for row in texts]
    return None  # pragma: no cover


def date_spans(grid: Grid, col: int, new: Mapping[int, Value]) -> list[tuple[tuple[int, int], str]]:
    """Where the new date values of column *col* need a date format: ((first, last), format).

    A span may cover cells between the dates that are empty, text or dates
    themselves (a number format changes nothing a reader sees there); a number
    between them ends it, since it would show as a date.

    >>> from datetime import date
    >>> grid = [["h"], [date(2026, 1, 1)], [None], [date(2026, 1, 3)], [7.0], [date(2026, 1, 5)]]
    >>> date_spans(grid, 1, {2: date(2026, 1, 1), 4: date(2026, 1, 3), 6: date(2026, 1, 5)})
    [((2, 4), 'yyyy-mm-dd'), ((6, 6), 'yyyy-mm-dd')]
    """
    by_format: dict[str, list[int]] = {}
    for row in sorted(new):
        fmt = date_format(new[row])
        if fmt is not None:
            by_format.setdefault(fmt, []).append(row)
    out: list[tuple[tuple[int, int], str]] = []
    for fmt, rows in by_format.items():
        first = last = rows[0]
        for row in rows[1:]:
            between = (_current(grid, r, col) for r in range(last + 1, row))
            if any(isinstance(v, int | float) for v in between):  # bool is an int too
                out.append(((first, last), fmt))
                first = row
            last = row
        out.append(((first, last), fmt))
    return out

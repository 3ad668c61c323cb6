"""Header rows as offices draw them: merged cells and two-row headers.

A ledger an office made itself often heads its columns in two rows: a group
cell merged across several columns ("资金情况") over the real headers
("问题金额", "已整改金额"), and single headers merged down through both rows
("序号", "存在问题"). Calamine keeps a merged range's value in its top-left
cell only; these helpers give every column one label and the words to match
against the field spec, best first. :func:`zhenggai.core.grid.find_header` decides
which row (or pair of rows) is the header.

Example:
    >>> grid = [["序号", "资金情况", None], [None, "问题金额", "已整改金额"]]
    >>> merged = [(1, 1, 2, 1), (1, 2, 1, 3)]
    >>> [c.label for c in two_row_cells(grid, 1, merged)]
    ['序号', '资金情况-问题金额', '资金情况-已整改金额']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .spec import HeaderKind
from .text import Value, canonical

__all__ = [
    "HeaderCell",
    "Merged",
    "fill_merged_down",
    "label_text",
    "single_row_cells",
    "two_row_cells",
    "two_row_evidence",
]

Merged = tuple[int, int, int, int]
"""A merged range, 1-based: (first row, first column, last row, last column)."""

_JOIN = "-"


@dataclass(frozen=True)
class HeaderCell:
    """One header column.

    Attributes:
        col: 1-based column.
        label: the header as users read it ("资金情况-问题金额" for a two-row header).
        words: texts to match against the spec, best first.
        key: the field it names (set by :func:`zhenggai.core.grid.find_header`), or None.
        kind: how it named the field.
    """

    col: int
    label: str
    words: tuple[str, ...]
    key: str | None = None
    kind: HeaderKind | None = None


def label_text(value: Value) -> str:
    """A header cell as one line of text ('' for empty)."""
    return canonical(value).replace("\n", "")


def _cell(grid: Sequence[Sequence[Value]], r: int, c: int) -> Value:
    if r > len(grid) or c > len(grid[r - 1]):
        return None
    return grid[r - 1][c - 1]


def _range_at(merged: Sequence[Merged], r: int, c: int) -> Merged | None:
    for m in merged:
        if m[0] <= r <= m[2] and m[1] <= c <= m[3]:
            return m
    return None


def _width(grid: Sequence[Sequence[Value]], rows: Sequence[int]) -> int:
    return max((len(grid[r - 1]) for r in rows if r <= len(grid)), default=0)


def single_row_cells(
    grid: Sequence[Sequence[Value]], r: int, merged: Sequence[Merged] = ()
) -> list[HeaderCell]:
    """The non-empty header cells of row *r* (a merged cell counts once, at its left)."""
    del merged  # one row: a merged cell's value already sits in its first column
    cells = []
    for c in range(1, _width(grid, [r]) + 1):
        text = label_text(_cell(grid, r, c))
        if text:
            cells.append(HeaderCell(c, text, (text,)))
    return cells


def two_row_cells(
    grid: Sequence[Sequence[Value]], r: int, merged: Sequence[Merged] = ()
) -> list[HeaderCell]:
    """Header cells of rows *r* and *r*+1 read as one two-row header.

    A cell merged down through both rows gives its own label; a group cell
    merged across columns is prefixed to each sub-header below it. The
    sub-header is matched first, then the combined label; a group label alone
    never names a field for the columns under it.
    """
    cells = []
    for c in range(1, _width(grid, [r, r + 1]) + 1):
        top_range = _range_at(merged, r, c)
        top_wide = False
        if top_range is not None and top_range[0] == r:
            top = label_text(_cell(grid, r, top_range[1]))
            top_wide = top_range[3] > top_range[1]
        else:
            top = label_text(_cell(grid, r, c))
        below_range = _range_at(merged, r + 1, c)
        if below_range is not None and below_range[0] == r:
            bottom = ""  # merged down from the top row: one header for both rows
        elif below_range is not None and below_range[0] == r + 1:
            bottom = label_text(_cell(grid, r + 1, below_range[1]))
        else:
            bottom = label_text(_cell(grid, r + 1, c))
        if bottom and top and bottom != top:
            label = f"{top}{_JOIN}{bottom}"
            cells.append(HeaderCell(c, label, (bottom, label)))
        elif bottom or top:
            text = bottom or top
            # a group cell with nothing below it keeps the column but names no field
            words = () if top_wide and not bottom else (text,)
            cells.append(HeaderCell(c, text, words))
    return cells


def two_row_evidence(
    grid: Sequence[Sequence[Value]], r: int, merged: Sequence[Merged] = ()
) -> bool:
    """True when merged cells show rows *r* and *r*+1 form one header.

    That is: row *r* holds at least two labels (a title row holds one) and a
    cell is merged down from *r* into *r*+1, or a cell merged across columns
    in *r* has labels under it.
    """
    if len(single_row_cells(grid, r)) < 2:
        return False
    for r1, c1, r2, c2 in merged:
        if r1 != r:
            continue
        if r2 >= r + 1:
            return True
        if c2 > c1 and any(label_text(_cell(grid, r + 1, c)) for c in range(c1, c2 + 1)):
            return True
    return False


def fill_merged_down(
    grid: Sequence[Sequence[Value]], merged: Sequence[Merged], *, below: int
) -> tuple[list[list[Value]], int]:
    """A copy of *grid* where each range merged down (below row *below*) repeats its value.

    Offices merge "存在问题" down over the rows of its measures; every row
    needs it. Ranges merged only across columns keep their value in the first.

    Returns:
        The filled grid and how many cells were filled.
    """
    out = [list(row) for row in grid]
    filled = 0
    for r1, c1, r2, _c2 in merged:
        if r1 <= below or r2 <= r1 or r1 > len(out):
            continue
        value = _cell(out, r1, c1)
        if value is None:
            continue
        for r in range(r1 + 1, min(r2, len(out)) + 1):
            row = out[r - 1]
            if len(row) < c1:
                row.extend([None] * (c1 - len(row)))
            if row[c1 - 1] is None:
                row[c1 - 1] = value
                filled += 1
    return out, filled

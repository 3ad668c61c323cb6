"""An in-memory workbook: a GridSource that ChangeSets apply to, for fast property tests.

It mirrors what the openpyxl and xlwings adapters do with a ChangeSet (edits,
appends below the last used row, whole tables), so the core can be run many
times without saving files.
"""

from __future__ import annotations

import copy
import functools
import tempfile
from pathlib import Path
from typing import Any

from zhenggai import open_book
from zhenggai.core.changes import ChangeSet
from zhenggai.core.sheets import SHEETS
from zhenggai.demo.ledger import create_demo_master


@functools.cache
def _demo_grids() -> tuple[dict[str, list[list[Any]]], dict[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        book = open_book(create_demo_master(Path(tmp) / "台账.xlsx"))
        grids = {n: book.grid(n) for n in book.sheet_names}
        return grids, {n: book.visibility(n) for n in book.sheet_names}


class MemoryBook:
    """Sheets as lists of rows (1-based like Excel through the helpers)."""

    def __init__(self, grids: dict[str, list[list[Any]]], visibility: dict[str, str]) -> None:
        self.grids = grids
        self._visibility = visibility

    @classmethod
    def demo_master(cls) -> MemoryBook:
        grids, vis = _demo_grids()
        return cls(copy.deepcopy(grids), dict(vis))

    @classmethod
    def from_file(cls, path: Path) -> MemoryBook:
        book = open_book(path)
        return cls(
            {n: book.grid(n) for n in book.sheet_names},
            {n: book.visibility(n) for n in book.sheet_names},
        )

    # GridSource
    @property
    def sheet_names(self) -> list[str]:
        return list(self.grids)

    def visibility(self, name: str) -> str:
        return self._visibility.get(name, "visible")

    def grid(self, name: str) -> list[list[Any]]:
        return self.grids[name]

    # helpers
    def set(self, sheet: str, row: int, col: int, value: Any) -> None:
        grid = self.grids.setdefault(sheet, [])
        while len(grid) < row:
            grid.append([])
        line = grid[row - 1]
        while len(line) < col:
            line.append(None)
        line[col - 1] = value

    def set_ledger_value(self, rid: str, key: str, value: Any) -> None:
        from zhenggai.core.spec import default_spec

        grid = self.grids["台账"]
        col = default_spec().headers.index(default_spec().field(key).name) + 1
        row = next(i for i, r in enumerate(grid, start=1) if r and r[0] == rid)
        self.set("台账", row, col, value)

    def append(self, sheet: str, rows: list[list[Any]]) -> None:
        if sheet not in self.grids:
            header = next((list(d.headers) for d in SHEETS if d.name == sheet), [])
            self.grids[sheet] = [header] if header else []
        grid = self.grids[sheet]
        while grid and all(v in (None, "") for v in grid[-1]):
            grid.pop()
        grid.extend(list(r) for r in rows)

    def apply(self, changes: ChangeSet) -> None:
        for e in changes.edits:
            self.set(e.sheet, e.row, e.col, e.value)
        for sheet, rows in changes.appends:
            self.append(sheet, rows)
        for t in changes.tables:
            grid: list[list[Any]] = [[t.title]] if t.title else []
            if t.header:
                grid.append(list(t.header))
            grid += [list(r) for r in t.rows]
            self.grids[t.name] = grid

"""A master held in memory: the third :class:`~zhenggai.core.changes.MasterWriter`.

Like httpx's ``MockTransport``, :class:`MemoryMaster` lets a command's whole
path (read, plan, write) run without a file or Excel: it is a
:class:`~zhenggai.core.grid.GridSource` over plain lists and applies a
:class:`~zhenggai.core.changes.ChangeSet` the way the file and the open-book
writers do (edits, rows appended below the last row holding a value, output
sheets rewritten whole, new header cells). Tests and property tests use it
to run a command many times in a second.

Example:
    >>> master = MemoryMaster.new([{"id": "1-1", "category": "作风", "status": "正在整改"}])
    >>> master.grid("台账")[1][:2]
    ['1-1', '作风']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from .changes import ChangeSet
from .grid import Grid
from .sheets import LEDGER, META, SHEETS
from .spec import SPEC_SHEET, Spec, default_spec
from .spec_sheet import spec_rows
from .text import Value

__all__ = ["MemoryMaster"]


class MemoryMaster:
    """Sheets as lists of rows; reads like a workbook and takes change sets.

    Args:
        grids: sheet name -> rows from A1 (``None`` for empty), in tab order.
        visibility: sheet name -> "visible", "hidden" or "veryhidden".
        path: a file name for what needs one (the master's folder); nothing is written there.
    """

    def __init__(
        self,
        grids: dict[str, Grid],
        *,
        visibility: Mapping[str, str] | None = None,
        path: Path | None = None,
    ) -> None:
        self.grids = grids
        self.links: dict[str, dict[tuple[int, int], str]] = {}
        """Hyperlinks of the output sheets rewritten whole: sheet -> (row, col) -> target."""
        self._visibility = dict(visibility or {})
        self._path = path

    @classmethod
    def new(
        cls,
        rows: Sequence[Mapping[str, Value]] = (),
        *,
        spec: Spec | None = None,
        path: Path | None = None,
    ) -> MemoryMaster:
        """A master with *rows* in 台账 (by field key), the 字段 sheet and an identity."""
        spec = spec or default_spec()
        ledger: Grid = [list(spec.headers)]
        ledger += [[row.get(f.key) for f in spec] for row in rows]
        grids: dict[str, Grid] = {LEDGER: ledger, SPEC_SHEET: [list(r) for r in spec_rows(spec)]}
        grids |= {d.name: [list(d.headers)] if d.headers else [] for d in SHEETS}
        grids[META] = [
            ["ledger_id", "00000000-0000-4000-8000-000000000000"],
            ["hmac_key", "00" * 32],
            ["spec_version", spec.version],
        ]
        return cls(grids, visibility={META: "veryhidden"}, path=path)

    # --- GridSource -------------------------------------------------------------

    @property
    def sheet_names(self) -> list[str]:
        return list(self.grids)

    def visibility(self, name: str) -> str:
        if name not in self.grids:
            raise KeyError(name)
        return self._visibility.get(name, "visible")

    def grid(self, name: str) -> Grid:
        return self.grids[name]

    # --- MasterWriter -----------------------------------------------------------

    @property
    def source(self) -> MemoryMaster:
        return self

    @property
    def path(self) -> Path | None:
        return self._path

    def write(self, changes: ChangeSet) -> int:
        """Apply *changes*; returns how many cells, rows and sheets they hold."""
        for column in changes.columns:
            self.set(column.sheet, column.row, column.col, column.header)
        for e in changes.edits:
            self.set(e.sheet, e.row, e.col, e.value)
        for name, rows in changes.appends:
            self.append(name, rows)
        for t in changes.tables:
            grid: Grid = [[t.title]] if t.title else []
            if t.header:
                grid.append(list(t.header))
            grid += [list(r) for r in t.rows]
            self._sheet(t.name)
            self.grids[t.name] = grid
            self.links[t.name] = dict(t.links)
        return len(changes)

    def set(self, sheet: str, row: int, col: int, value: Value) -> None:
        """Set one cell (1-based, like Excel), growing the sheet as needed."""
        grid = self._sheet(sheet)
        while len(grid) < row:
            grid.append([])
        line = grid[row - 1]
        line.extend([None] * (col - len(line)))
        line[col - 1] = None if value == "" else value

    def _sheet(self, name: str) -> Grid:
        """Sheet *name*, created before ``_meta`` with its standard header when missing."""
        if name not in self.grids:
            header: list[Value] = next((list(d.headers) for d in SHEETS if d.name == name), [])
            names = list(self.grids)
            at = names.index(META) if META in names else len(names)
            items = list(self.grids.items())
            items.insert(at, (name, [header] if header else []))
            self.grids = dict(items)
        return self.grids[name]

    def append(self, name: str, rows: Sequence[Sequence[Value]]) -> None:
        """Append *rows* below the last row of sheet *name* holding a value."""
        grid = self._sheet(name)
        while grid and all(v in (None, "") for v in grid[-1]):
            grid.pop()
        grid.extend(list(r) for r in rows)

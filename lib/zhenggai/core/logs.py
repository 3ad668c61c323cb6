"""The master's output sheets, written and read by header, never by position.

:class:`LogSheet` lays rows out by header text in the column order the
master's sheet has (an office may reorder columns), adding a standard column
an older master lacks; every writer of 变更记录 uses it, and the whole-sheet
tables (校验问题, 冲突) are built from records by header too
(:func:`sheet_table`). :class:`ReturnsLog` keeps 回收情况: one row per batch
and unit, from issue to return.

``zhenggai templates`` records when each unit's template was issued;
``zhenggai consolidate`` records what came back. A second issue or return of
the same batch and unit updates that row in place, never adds a second one.
Columns are found by header, so an office may reorder them; a column this
version needs but an older master lacks is added at the end.

Example:
    >>> log = ReturnsLog.from_grid([])
    >>> log.set("2026年11月", "办公室", {"下发文件": "办公室-整改进展填报-2026年11月.xlsx"})
    >>> log.changes().appends[0][1][0][:2]
    ['2026年11月', '办公室']
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from .changes import ChangeSet, SheetTable
from .grid import Grid
from .problems import Problem
from .sheets import RETURNS, SheetDef
from .text import Value, cell_text

__all__ = ["LogSheet", "Record", "ReturnsLog", "problem_record", "sheet_table"]

Record = Mapping[str, Value]
"""One row of an output sheet by header text."""


def _header(grid: Grid) -> list[str]:
    header = [cell_text(v) for v in grid[0]] if grid else []
    while header and not header[-1]:
        header.pop()
    return header


@dataclass
class LogSheet:
    """An append-only log sheet (变更记录) as the master has it.

    Attributes:
        sheet: the sheet's standard definition.
        header: the header as it will be: the master's, then standard columns it lacks.
        added: standard headers the master lacks (written in the header row first).
    """

    sheet: SheetDef
    header: list[str]
    added: list[str] = field(default_factory=list)

    @classmethod
    def from_grid(cls, grid: Grid, sheet: SheetDef) -> LogSheet:
        """Read the sheet's header (an empty grid: the sheet is created with the standard one)."""
        existing = _header(grid)
        if not existing:
            return cls(sheet, list(sheet.headers))
        added = [h for h in sheet.headers if h not in existing]
        return cls(sheet, existing + added, added)

    def row(self, record: Record) -> list[Value]:
        """*record* laid out in the sheet's columns (trailing blanks dropped)."""
        row = [record.get(h) for h in self.header]
        while row and row[-1] is None:
            row.pop()
        return row

    def append(self, records: Sequence[Record]) -> ChangeSet:
        """The changes appending *records* (and any missing standard header cells)."""
        cs = ChangeSet()
        if records:
            start = len(self.header) - len(self.added)
            for i, h in enumerate(self.added, start=start + 1):
                cs.edit(self.sheet.name, 1, i, h)
            cs.append(self.sheet.name, [self.row(r) for r in records])
        return cs


def problem_record(problem: Problem, *, unit: str = "", batch: str = "") -> dict[str, Value]:
    """One 校验问题 row (:data:`zhenggai.core.sheets.PROBLEMS`) for *problem*, by header.

    首次发现 and 状态 are the tracked sheet's (:mod:`zhenggai.core.lifecycle`).
    """
    return {
        "文件": problem.file,
        "单位": unit,
        "批次": batch,
        "工作表": problem.sheet,
        "单元格": problem.cell,
        "代码": str(problem.code),
        "问题及处理办法": problem.message,
        "原值": problem.value,
    }


def sheet_table(
    sheet: SheetDef, records: Sequence[Record], *, wrap: Collection[str] = ()
) -> SheetTable:
    """A whole output sheet (校验问题, 冲突) from *records*, in the standard header order."""
    return SheetTable(
        sheet.name,
        list(sheet.headers),
        [[r.get(h) for h in sheet.headers] for r in records],
        widths=dict(enumerate(sheet.widths, start=1)),
        wrap={sheet.column(h) for h in wrap},
    )


Key = tuple[str, str]


@dataclass
class ReturnsLog:
    """Pending updates of 回收情况, keyed by (批次, 单位名称).

    Attributes:
        header: header text of each column (index 0 is column A).
        exists: the sheet exists in the master (else appends create it).
        found: (batch, unit) -> 1-based sheet row of existing rows.
        records: (batch, unit) -> values by header, existing merged with pending.
    """

    header: list[str]
    exists: bool
    found: dict[Key, int] = field(default_factory=dict)
    records: dict[Key, dict[str, Value]] = field(default_factory=dict)
    _new_headers: list[str] = field(default_factory=list)
    _edits: dict[Key, dict[str, Value]] = field(default_factory=dict)
    _appended: list[Key] = field(default_factory=list)

    @classmethod
    def from_grid(cls, grid: Grid) -> ReturnsLog:
        """Read the sheet's grid (empty when the sheet does not exist)."""
        if not grid:
            return cls(list(RETURNS.headers), exists=False)
        header = [cell_text(v) for v in grid[0]]
        while header and not header[-1]:
            header.pop()
        log = cls(header, exists=True)
        for h in RETURNS.headers:
            if h not in log.header:
                log.header.append(h)
                log._new_headers.append(h)
        cols = {h: i for i, h in enumerate(header) if h}
        b, u = cols.get("批次"), cols.get("单位名称")
        if b is None or u is None:
            return log
        for r, row in enumerate(grid[1:], start=2):
            key = (
                cell_text(row[b]) if b < len(row) else "",
                cell_text(row[u]) if u < len(row) else "",
            )
            if all(key) and key not in log.found:
                log.found[key] = r
                log.records[key] = {h: row[i] for h, i in cols.items() if i < len(row)}
        return log

    def get(self, batch: str, unit: str) -> dict[str, Value]:
        """The row of *batch* and *unit* as it will be after the pending updates ({} if none)."""
        return dict(self.records.get((batch, unit), {}))

    def set(self, batch: str, unit: str, values: Mapping[str, Value]) -> None:
        """Set cells of the (batch, unit) row, creating the row if needed."""
        key = (batch, unit)
        if key not in self.records:
            self.records[key] = {"批次": batch, "单位名称": unit}
            if key not in self.found:
                self._appended.append(key)
        self.records[key].update(values)
        if key in self.found:
            self._edits.setdefault(key, {}).update(values)

    def entries(self) -> list[Key]:
        """Every (batch, unit) known, existing first."""
        return list(self.records)

    def changes(self) -> ChangeSet:
        """The edits and appended rows that carry the pending updates."""
        cs = ChangeSet()
        start = len(self.header) - len(self._new_headers)
        for i, h in enumerate(self._new_headers, start=start + 1):
            cs.edit(RETURNS.name, 1, i, h)
        col = {h: i for i, h in enumerate(self.header, start=1)}
        for key, values in self._edits.items():
            for h, value in values.items():
                if h in col:
                    cs.edit(RETURNS.name, self.found[key], col[h], value)
        rows = []
        for key in self._appended:
            rec = self.records[key]
            rows.append([rec.get(h) for h in self.header])
        cs.append(RETURNS.name, rows)
        return cs

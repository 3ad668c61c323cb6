"""Open problems and conflicts that persist from run to run (校验问题, 冲突).

Each row of these sheets is one problem (or conflict) with a 状态:

* 待处理 — found and not settled; it stays, run after run, until
* 已解决 — a later return of the same unit no longer has it, or the master
  no longer shows it (the value was applied or corrected), or
* 已忽略 — staff typed it into the 状态 cell; the tool never changes it.

:class:`TrackedSheet` reads the sheet as the master has it (an older master
without 批次/首次发现/状态 reads as all 待处理), takes what a run *observes*
(:meth:`TrackedSheet.observe`: these are found now; those in scope that were
not found are resolved) and writes the whole sheet back in one canonical
order. The same observations give the same sheet whether they come in one
run or in several, which makes consolidating the same files in one run or in
rounds give the same 校验问题.

Example:
    >>> sheet = TrackedSheet.from_grid([], PROBLEMS, problem_key)
    >>> found = {"单位": "办公室", "批次": "2026年11月", "工作表": "填报", "单元格": "L9",
    ...          "代码": "date-invalid", "文件": "a.xlsx"}
    >>> sheet.observe([found], today=date(2026, 11, 28))
    >>> sheet.observe([], today=date(2026, 11, 29), scope=lambda r: r["单位"] == "办公室")
    >>> [(r["单元格"], r["状态"], r["首次发现"]) for r in sheet.records]
    [('L9', '已解决', datetime.date(2026, 11, 28))]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from .changes import SheetTable
from .grid import Grid
from .ledger import header_row
from .logs import Record, sheet_table
from .sheets import CONFLICTS, PROBLEMS, SheetDef
from .text import Value, canonical, cell_text, normalise_text

__all__ = [
    "IGNORED",
    "OPEN",
    "RESOLVED",
    "STATES",
    "TrackedSheet",
    "conflict_key",
    "conflicts_sheet",
    "problem_key",
    "problems_sheet",
    "state_of",
]

OPEN = "待处理"
RESOLVED = "已解决"
IGNORED = "已忽略"
STATES = (OPEN, IGNORED, RESOLVED)
"""The 状态 values, in the order rows are listed."""

Key = tuple[str, ...]
KeyFn = Callable[[Mapping[str, Value]], Key]
Scope = Callable[[Mapping[str, Value]], bool]

_CELL = re.compile(r"^([A-Z]{1,3})(\d+)$")


def state_of(value: Value) -> str:
    """The 状态 a cell holds: what staff type (忽略, 已忽略, 解决 …) read kindly; blank is 待处理."""
    text = cell_text(value)
    if "忽略" in text:
        return IGNORED
    if "解决" in text:
        return RESOLVED
    return OPEN


def _t(rec: Mapping[str, Value], header: str) -> str:
    return cell_text(rec.get(header))


def problem_key(rec: Mapping[str, Value]) -> Key:
    """What makes two 校验问题 rows the same problem.

    The unit, batch, code, sheet and cell; the file only for a problem of
    no known unit (a unit's later file carries its problems over).
    """
    unit = _t(rec, "单位")
    return (
        unit,
        _t(rec, "批次"),
        _t(rec, "代码"),
        _t(rec, "工作表"),
        _t(rec, "单元格"),
        "" if unit else _t(rec, "文件"),
    )


def conflict_key(rec: Mapping[str, Value]) -> Key:
    """What makes two 冲突 rows the same conflict: unit, batch, 编号 and field."""
    return (_t(rec, "单位"), _t(rec, "批次"), _t(rec, "编号"), _t(rec, "字段"))


def _natural(text: str) -> tuple[tuple[int, str], ...]:
    """Sort key that puts "2-10" after "2-9" and "L10" after "L9"."""
    return tuple((int(p), "") if p.isdigit() else (0, p) for p in re.split(r"(\d+)", text) if p)


def _cell_order(cell: str) -> tuple[int, int, str]:
    m = _CELL.match(cell)
    if m is None:
        return (0, 0, cell)
    letters = 0
    for ch in m.group(1):
        letters = letters * 26 + ord(ch) - 64
    return (int(m.group(2)), letters, "")


def _order(rec: Mapping[str, Value]) -> tuple[object, ...]:
    unit = _t(rec, "单位")
    return (
        STATES.index(state_of(rec.get("状态"))),
        not unit,
        unit,
        _natural(_t(rec, "批次")),
        _t(rec, "工作表"),
        _natural(_t(rec, "编号")),
        _t(rec, "字段"),
        _cell_order(_t(rec, "单元格")),
        _t(rec, "代码"),
        _t(rec, "文件"),
    )


@dataclass
class TrackedSheet:
    """A persistent output sheet (校验问题 or 冲突) as records by header.

    Attributes:
        sheet: its standard definition.
        key: what makes two rows the same item (:func:`problem_key`, :func:`conflict_key`).
        records: the rows, each a dict by header with 首次发现 and 状态 filled in.
        dirty: something changed since the sheet was read (else it need not be written).
    """

    sheet: SheetDef
    key: KeyFn
    records: list[dict[str, Value]] = field(default_factory=list)
    dirty: bool = False
    _index: dict[Key, int] = field(default_factory=dict, repr=False)

    @classmethod
    def from_grid(cls, grid: Grid, sheet: SheetDef, key: KeyFn) -> TrackedSheet:
        """Read the sheet's grid (found by its header text; empty when there is none)."""
        tracked = cls(sheet, key)
        h = header_row(grid, sheet.headers[:2])
        if h is None:
            return tracked
        names = [normalise_text(str(v)) if v is not None else "" for v in grid[h]]
        cols = {name: names.index(name) for name in sheet.headers if name in names}
        for values in grid[h + 1 :]:
            rec = {name: values[c] if c < len(values) else None for name, c in cols.items()}
            if all(v is None for v in rec.values()):
                continue
            rec["状态"] = state_of(rec.get("状态"))
            k = key(rec)
            if k in tracked._index:  # an older master listed it twice: keep one, ignored wins
                kept = tracked.records[tracked._index[k]]
                if rec["状态"] == IGNORED:
                    kept["状态"] = IGNORED
                continue
            tracked._add(rec)
        tracked.dirty = False
        return tracked

    def _add(self, rec: dict[str, Value]) -> None:
        self._index[self.key(rec)] = len(self.records)
        self.records.append(rec)
        self.dirty = True

    def _put(self, i: int, rec: dict[str, Value]) -> None:
        old = self.records[i]
        if any(canonical(old.get(h)) != canonical(rec.get(h)) for h in self.sheet.headers):
            self.dirty = True
        self.records[i] = rec

    def _find(self, rec: Mapping[str, Value]) -> int | None:
        """The row of *rec*; a row an older master wrote without 批次 matches any batch."""
        k = self.key(rec)
        i = self._index.get(k)
        if i is not None or not _t(rec, "批次"):
            return i
        loose = self.key({**rec, "批次": None})
        i = self._index.get(loose)
        if i is not None:
            del self._index[loose]
            self.records[i]["批次"] = rec.get("批次")
            self.dirty = True
            self._index[k] = i
        return i

    def observe(
        self,
        found: Iterable[Record],
        *,
        today: date,
        notices: Iterable[Record] = (),
        scope: Scope | None = None,
    ) -> None:
        """Record what a check found now.

        Args:
            found: items found now: new ones are added as 待处理 (首次发现 *today*),
                known ones are updated (file, message, value) and reopened unless 已忽略.
            today: the run's day (首次发现 of new items).
            notices: things said but nothing to do (a formula kept as text): recorded
                as 已解决 unless staff set 已忽略.
            scope: open items the check looked at again: those not in *found* are 已解决.
        """
        seen: set[Key] = set()
        for rec, state in [*((r, OPEN) for r in found), *((r, RESOLVED) for r in notices)]:
            i = self._find(rec)
            seen.add(self.key(rec))
            if i is None:
                self._add({**rec, "首次发现": today, "状态": state})
                continue
            old = self.records[i]
            first = old.get("首次发现") or today
            kept = IGNORED if old["状态"] == IGNORED else state
            self._put(i, {**old, **rec, "首次发现": first, "状态": kept})
        if scope is not None:
            self.resolve(lambda r: scope(r) and self.key(r) not in seen)

    def settle(self, found: Iterable[Record], *, today: date) -> None:
        """Record items of a return older than one already consolidated.

        They were settled by that later return: unknown ones are added as
        已解决, known ones are left as they are.
        """
        for rec in found:
            if self._find(rec) is None:
                self._add({**rec, "首次发现": today, "状态": RESOLVED})

    def resolve(self, where: Scope) -> None:
        """Mark the open items *where* says as 已解决."""
        for rec in self.records:
            if rec["状态"] == OPEN and where(rec):
                rec["状态"] = RESOLVED
                self.dirty = True

    def open_items(self, where: Scope | None = None) -> list[dict[str, Value]]:
        """The 待处理 items (*where* selects), in the sheet's order."""
        return [
            r
            for r in sorted(self.records, key=_order)
            if r["状态"] == OPEN and (where is None or where(r))
        ]

    def table(self, *, wrap: Collection[str] = ()) -> SheetTable:
        """The whole sheet: 待处理 first, then 已忽略, then 已解决; by unit, batch and cell."""
        return sheet_table(self.sheet, sorted(self.records, key=_order), wrap=wrap)


def problems_sheet(grid: Grid) -> TrackedSheet:
    """The master's 校验问题 as a :class:`TrackedSheet`."""
    return TrackedSheet.from_grid(grid, PROBLEMS, problem_key)


def conflicts_sheet(grid: Grid) -> TrackedSheet:
    """The master's 冲突 as a :class:`TrackedSheet`."""
    return TrackedSheet.from_grid(grid, CONFLICTS, conflict_key)

"""撤销上次汇总 in the add-in: what 一键汇总 changed in the open book, and putting it back.

The CLI's ``zhenggai undo`` restores the backup file its consolidation saved
first. The add-in never saves the book, so there is no such file: instead,
while 一键汇总 writes, :class:`~xl_addin.master.XlwingsMaster` records every
cell's value before and after (:class:`UndoRecord`), and the handler saves the
record beside the master, in the backup folder (设置 备份文件夹), as
``<台账名>.<时间>.加载项汇总.json``.

:func:`undo_plan` turns the newest record into the changes that put the
values back, but only while the book still shows what that consolidation
wrote: a cell changed since (by staff, by another button), or a book closed
without saving and reopened, makes it refuse, naming the first such cell,
rather than overwrite a newer value. The consolidation's rows in 变更记录 are
cleared and a 撤销 row is appended, as ``zhenggai undo`` leaves it. The same
record can be undone again after the undo was itself discarded (the book
closed without saving): whether the book shows the consolidation's values is
all that counts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from zhenggai.core.changes import ChangeSet, SheetTable
from zhenggai.core.errors import UsageError
from zhenggai.core.grid import Grid
from zhenggai.core.ledger import Ledger
from zhenggai.core.sheets import CHANGES
from zhenggai.core.text import Value, canonical

__all__ = ["RECORD_OP", "UndoRecord", "UndoResult", "latest_record", "save_record", "undo_plan"]

#: The operation word in a record's file name and in 变更记录.
RECORD_OP = "加载项汇总"
UNDO_OP = "撤销"
_STAMP = "%Y%m%d-%H%M%S-%f"
_SHOWN = 20


def _same(a: Value, b: Value) -> bool:
    # As XlwingsMaster judges a cell unchanged: same kind of value, same canonical text.
    from xl_addin.master import same_value

    return same_value(a, b)


@dataclass
class UndoRecord:
    """Cells and whole sheets as they were before a write, and as the write left them.

    Attributes:
        cells: (sheet, row, col) -> (before, after).
        tables: sheet -> (grid before, grid after), for sheets rewritten whole.
        time: when the write happened.
        ledger_id: the ledger's id (``_meta``), so a record never meets another ledger.
    """

    cells: dict[tuple[str, int, int], tuple[Value, Value]] = field(default_factory=dict)
    tables: dict[str, tuple[Grid, Grid]] = field(default_factory=dict)
    time: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))
    ledger_id: str = ""

    def cell(self, sheet: str, row: int, col: int, before: Value, after: Value) -> None:
        """Note a cell written; the first *before* seen for it is kept."""
        key = (sheet, row, col)
        first = self.cells[key][0] if key in self.cells else before
        if _same(first, after):
            self.cells.pop(key, None)
        else:
            self.cells[key] = (first, after)

    def table(self, sheet: str, before: Grid, after: Grid) -> None:
        """Note a sheet rewritten whole."""
        first = self.tables[sheet][0] if sheet in self.tables else [list(r) for r in before]
        self.tables[sheet] = (first, [list(r) for r in after])

    def to_json(self) -> dict[str, Any]:
        return {
            "op": RECORD_OP,
            "time": self.time.isoformat(),
            "ledger_id": self.ledger_id,
            "cells": [[s, r, c, _out(b), _out(a)] for (s, r, c), (b, a) in self.cells.items()],
            "tables": {name: [_grid_out(b), _grid_out(a)] for name, (b, a) in self.tables.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> UndoRecord:
        return cls(
            {(s, int(r), int(c)): (_in(b), _in(a)) for s, r, c, b, a in data["cells"]},
            {name: (_grid_in(b), _grid_in(a)) for name, (b, a) in data["tables"].items()},
            datetime.fromisoformat(data["time"]),
            str(data.get("ledger_id", "")),
        )


def _out(value: Value) -> Any:
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return value


def _in(value: Any) -> Value:
    if isinstance(value, dict):
        if "datetime" in value:
            return datetime.fromisoformat(value["datetime"])
        return date.fromisoformat(value["date"])
    return value  # type: ignore[no-any-return]


def _grid_out(grid: Grid) -> list[list[Any]]:
    return [[_out(v) for v in row] for row in grid]


def _grid_in(rows: list[list[Any]]) -> Grid:
    return [[_in(v) for v in row] for row in rows]


def _folder(ledger: Ledger) -> Path:
    if ledger.path is None:
        raise UsageError("这个工作簿还没有保存成文件，没有可以撤销的汇总。")
    return ledger.path.parent / ledger.settings.backup_folder


def save_record(record: UndoRecord, ledger: Ledger) -> Path:
    """Write *record* into the backup folder beside *ledger*'s file; the path written.

    Raises:
        OutputError: the folder cannot be written.
    """
    from zhenggai.io.output import write_bytes

    assert ledger.path is not None
    record.ledger_id = ledger.meta.ledger_id
    name = f"{ledger.path.stem}.{record.time:%Y%m%d-%H%M%S}-000000.{RECORD_OP}.json"
    data = json.dumps(record.to_json(), ensure_ascii=False).encode("utf-8")
    return write_bytes(_folder(ledger) / name, data)


def latest_record(ledger: Ledger) -> tuple[Path, UndoRecord] | None:
    """The newest record of *ledger* in its backup folder, if any."""
    folder = _folder(ledger)
    assert ledger.path is not None
    stem = ledger.path.stem
    found: list[tuple[datetime, Path]] = []
    if folder.is_dir():
        for path in folder.iterdir():
            head, _, tail = path.name.rpartition(f".{RECORD_OP}.json")
            if tail or not head.startswith(stem + "."):
                continue
            try:
                found.append((datetime.strptime(head[len(stem) + 1 :], _STAMP), path))
            except ValueError:
                continue
    for _, path in sorted(found, reverse=True):
        try:
            record = UndoRecord.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if record.ledger_id == ledger.meta.ledger_id:
            return path, record
    return None


@dataclass
class UndoResult:
    """What :func:`undo_plan` restores.

    Attributes:
        record: the record undone (its file).
        cells: cells put back.
        sheets: sheets put back whole.
        changes: the writes that do it.
    """

    record: Path
    time: datetime
    cells: int = 0
    sheets: list[str] = field(default_factory=list)
    changes: ChangeSet = field(default_factory=ChangeSet)


def undo_plan(ledger: Ledger, found: tuple[Path, UndoRecord], *, now: datetime) -> UndoResult:
    """The changes that put back what the record's consolidation changed.

    Raises:
        UsageError: the book no longer shows what the consolidation wrote
            (changed since, already undone, or closed without saving).
    """
    path, record = found
    when = f"{record.time:%Y-%m-%d %H:%M:%S} 的一键汇总"
    for logged in ledger.grid(CHANGES.name)[1:]:
        if len(logged) > 3 and logged[1] == UNDO_OP and logged[3] == path.name:
            raise UsageError(f"{when}已经撤销过了（“{CHANGES.name}”表中有这次撤销的记录）。")
    stale = _stale(ledger, record)
    if stale:
        raise UsageError(stale)
    result = UndoResult(path, record.time)
    for (sheet, row, col), (before, _) in sorted(record.cells.items()):
        result.changes.edit(sheet, row, col, before)
        result.cells += 1
    for name, (old, _) in record.tables.items():
        header = [str(v) if v is not None else "" for v in old[0]] if old else []
        result.changes.table(SheetTable(name, header, [list(r) for r in old[1:]]))
        result.sheets.append(name)
    result.changes.append(
        CHANGES.name,
        [
            [now, UNDO_OP, "", path.name, "", "", "", "", _note(record, result), ""],
        ],
    )
    return result


def _note(record: UndoRecord, result: UndoResult) -> str:
    return f"撤销加载项 {record.time:%Y-%m-%d %H:%M:%S} 的一键汇总，恢复 {result.cells} 个单元格"


def _stale(ledger: Ledger, record: UndoRecord) -> str:
    """Why the book no longer shows the consolidation's result ("" when it does)."""
    when = f"{record.time:%Y-%m-%d %H:%M:%S} 的一键汇总"
    changed: list[str] = []
    for (sheet, row, col), (_, after) in record.cells.items():
        grid = ledger.grid(sheet)
        cells = grid[row - 1] if row <= len(grid) else []
        now = cells[col - 1] if col <= len(cells) else None
        if not _same(now, after):
            changed.append(f"{sheet}!{_cell(row, col)}")
    for name, (_, written) in record.tables.items():
        if _grid_text(ledger.grid(name)) != _grid_text(written):
            changed.append(f"“{name}”表")
    if not changed:
        return ""
    shown = "、".join(changed[:_SHOWN]) + ("等" if len(changed) > _SHOWN else "")
    return (
        f"无法撤销{when}：之后台账又改过（{shown}），或汇总后没有保存就关闭过台账。"
        "为免覆盖较新的内容，没有做任何改动。请核对后手工改回，或关闭台账不保存再重新打开。"
    )


def _grid_text(grid: Grid) -> list[list[str]]:
    rows = [[canonical(v) if v is not None else "" for v in row] for row in grid]
    for row in rows:
        while row and row[-1] == "":
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _cell(row: int, col: int) -> str:
    from zhenggai.core.problems import cell_name

    return cell_name(row, col)

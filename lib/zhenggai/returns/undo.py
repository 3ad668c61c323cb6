"""``zhenggai undo``: put the master back as it was before the last consolidation.

Every save backs the master up into 备份/ as ``<stem>.<time>.<op><suffix>``
(:func:`zhenggai.io.master.backup`). Undo restores the newest backup taken
before a consolidation (op 汇总), through the same safe save as every other
command (so the state being undone is itself backed up), and appends a row
to 变更记录 saying what was undone. One level: a second undo says the last
consolidation is already undone. If other commands changed the master after
that consolidation, undo refuses unless forced, because their changes would
go too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..core.changes import ChangeSet
from ..core.errors import UsageError
from ..core.sheets import CHANGES
from ..core.text import Value
from ..io.calamine import open_book
from ..io.master import OpenpyxlMaster, SaveResult, glob_escape, read_ledger
from .merge import CONSOLIDATE_OP

__all__ = ["UNDO_OP", "Backup", "UndoResult", "backups", "undo_last"]

UNDO_OP = "撤销"
_STAMP = "%Y%m%d-%H%M%S-%f"


@dataclass(frozen=True)
class Backup:
    """A backup file: when it was taken and before which operation."""

    path: Path
    time: datetime
    op: str


@dataclass
class UndoResult:
    """What an undo did.

    Attributes:
        restored: the backup now in place (taken before that consolidation).
        undone: the 变更记录 rows of the changes that were undone.
        later: other operations after the consolidation that were undone too (with force).
        save: the save of the restored master.
    """

    restored: Backup
    undone: list[list[Value]] = field(default_factory=list)
    later: list[Backup] = field(default_factory=list)
    save: SaveResult | None = None


def backups(master: Path, folder: Path) -> list[Backup]:
    """The backups of *master* in *folder*, oldest first."""
    pattern = re.compile(
        rf"^{re.escape(master.stem)}\.(\d{{8}}-\d{{6}}-\d{{6}})\.(.+){re.escape(master.suffix)}$"
    )
    found: list[Backup] = []
    if not folder.is_dir():
        return found
    for path in folder.glob(f"{glob_escape(master.stem)}.*{master.suffix}"):
        m = pattern.match(path.name)
        if m:
            found.append(Backup(path, datetime.strptime(m.group(1), _STAMP), m.group(2)))
    return sorted(found, key=lambda b: b.time)


def undo_last(path: str | Path, *, force: bool = False, now: datetime | None = None) -> UndoResult:
    """Restore the master at *path* to its state before the last consolidation.

    Raises:
        UsageError: no consolidation backup; the last one is already undone;
            other commands saved after it (unless *force*).
        MasterBusyError / WorkbookError: as for any save of the master.
    """
    now = (now or datetime.now()).replace(microsecond=0)
    with OpenpyxlMaster.open(path, op=UNDO_OP) as master:
        ledger = read_ledger(master.path)
        master.settings = ledger.settings
        folder = master.path.parent / ledger.settings.backup_folder
        found = backups(master.path, folder)
        runs = [b for b in found if b.op == CONSOLIDATE_OP]
        if not runs:
            raise UsageError(f"在 {folder} 中没有找到汇总前的备份，无法撤销。")
        target = runs[-1]
        later = [b for b in found if b.time > target.time]
        if any(b.op == UNDO_OP for b in later):
            raise UsageError(
                f"最近一次汇总（{target.time:%Y-%m-%d %H:%M:%S}）已经撤销过了。"
                "如需恢复更早的状态，请从“备份”文件夹手工取回。"
            )
        if later and not force:
            ops = "、".join(f"{b.op}（{b.time:%m-%d %H:%M}）" for b in later)
            raise UsageError(
                f"最近一次汇总（{target.time:%Y-%m-%d %H:%M:%S}）之后台账又被修改过：{ops}。"
                "撤销会把这些修改一起撤销；确定的话请加 --force。"
            )
        before = len(open_book(target.path, trusted=True).grid(CHANGES.name))
        undone = [list(r) for r in ledger.grid(CHANGES.name)[max(before, 1) :]]
        result = UndoResult(target, undone, later)
        master.base = target.path
        changes = ChangeSet()
        changes.append(
            CHANGES.name,
            [
                [
                    now,
                    UNDO_OP,
                    "",
                    target.path.name,
                    "",
                    "",
                    "",
                    "",
                    f"恢复到 {target.time:%Y-%m-%d %H:%M:%S} 汇总前的状态，撤销 {len(undone)} 处修改",
                    "",
                ]
            ],
        )
        master.apply(changes)
        result.save = master.save()
        return result

"""``zhenggai undo``: put the master back as it was before the last consolidation.

Every save backs the master up into 备份/ as ``<stem>.<time>.<op><suffix>``
(:func:`zhenggai.io.backups.take_backup`, verified before the master
changes). A consolidation run from the CLI also writes a row into 变更记录
naming its backup and the backup's sha256 (操作 "汇总前备份"): that row is in
the master only if the master was really replaced, so undo knows which run
it undoes. A run killed after its backup but before the replace leaves a
backup no row names, and undo never takes it for the last consolidation.

Undo verifies the backup (size, sha256, every zip CRC, every sheet read back)
before anything changes, restores it through the same safe save as every
other command (so the state being undone is itself backed up), and appends a
row to 变更记录 saying what was undone. One level: a second undo says the last
consolidation is already undone. If other commands changed the master after
that consolidation, undo refuses unless forced, because their changes would
go too. Masters consolidated before backups were named in 变更记录 fall back
to the newest consolidation backup whose run did change the master.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..core import clock
from ..core.errors import UsageError, WorkbookError
from ..core.ledger import Ledger, records
from ..core.logs import LogSheet, Record
from ..core.sheets import CHANGES
from ..core.text import Value, cell_text
from ..io.backups import STAMP, glob_escape, verify_backup
from ..io.calamine import open_book
from ..io.master import OpenpyxlMaster, SaveResult, backup_op, read_ledger
from .merge import CONSOLIDATE_OP

__all__ = ["UNDO_OP", "Backup", "UndoResult", "backups", "undo_last"]

UNDO_OP = "撤销"


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


def _pattern(master: Path) -> re.Pattern[str]:
    return re.compile(
        rf"^{re.escape(master.stem)}\.(\d{{8}}-\d{{6}}-\d{{6}})\.(.+){re.escape(master.suffix)}$"
    )


def backups(master: Path, folder: Path) -> list[Backup]:
    """The backups of *master* in *folder*, oldest first."""
    pattern = _pattern(master)
    found: list[Backup] = []
    if not folder.is_dir():
        return found
    for path in folder.glob(f"{glob_escape(master.stem)}.*{master.suffix}"):
        m = pattern.match(path.name)
        if m:
            found.append(Backup(path, datetime.strptime(m.group(1), STAMP), m.group(2)))
    return sorted(found, key=lambda b: b.time)


def _sha(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _real(chain: list[Backup], master: Path) -> list[Backup]:
    """The backups of *chain* (oldest first) taken by saves that did replace the master.

    A save changes the master, so the next backup (or the master itself)
    differs from the one it took; a run killed between its backup and its
    replace leaves a backup equal to what came next.
    """
    shas = [_sha(b.path) for b in chain] + [_sha(master)]
    return [b for i, b in enumerate(chain) if shas[i] != shas[i + 1]]


def _recorded(ledger: Ledger, master: Path, folder: Path) -> tuple[Backup, str] | None:
    """The backup the last consolidation named in 变更记录, and its sha256 (None when none did).

    Raises:
        UsageError: that consolidation was undone already, or its backup is gone.
    """
    marker, last = backup_op(CONSOLIDATE_OP), None
    undone = False
    for rec in records(ledger.grid(CHANGES.name), CHANGES):
        op = cell_text(rec.get("操作"))
        if op == marker:
            last, undone = rec, False
        elif op == UNDO_OP and last is not None:
            undone = True
    if last is None:
        return None
    name = cell_text(last.get("文件"))
    m = _pattern(master).match(name)
    if undone:
        raise UsageError(
            f"最近一次汇总（备份“{name}”）已经撤销过了。如需恢复更早的状态，请从“备份”文件夹手工取回。"
        )
    path = folder / name
    if m is None or not path.is_file():
        raise UsageError(
            f"最近一次汇总前的备份“{name}”不在“{folder}”中（可能已被删除或清理），无法撤销，台账未改动。"
        )
    return Backup(path, datetime.strptime(m.group(1), STAMP), m.group(2)), cell_text(
        last.get("文件SHA256")
    )


def _unrecorded(found: list[Backup], master: Path) -> Backup:
    """The last consolidation's backup of a master whose runs named none (older masters)."""
    runs = [b for b in found if b.op == CONSOLIDATE_OP]
    if not runs:
        raise UsageError(f"在 {master.parent} 的备份文件夹中没有找到汇总前的备份，无法撤销。")
    real = _real([b for b in found if b.time >= runs[0].time], master)
    real_runs = [b for b in real if b.op == CONSOLIDATE_OP]
    if not real_runs:
        raise UsageError(
            "备份文件夹中的汇总前备份都来自没有完成的汇总（台账并未被改动），无需撤销。"
        )
    target = real_runs[-1]
    if any(b.op == UNDO_OP for b in real if b.time > target.time):
        raise UsageError(
            f"最近一次汇总（{target.time:%Y-%m-%d %H:%M:%S}）已经撤销过了。"
            "如需恢复更早的状态，请从“备份”文件夹手工取回。"
        )
    return target


def undo_last(path: str | Path, *, force: bool = False, now: datetime | None = None) -> UndoResult:
    """Restore the master at *path* to its state before the last consolidation.

    Raises:
        UsageError: no consolidation backup; the last one is already undone; its
            backup is missing or damaged (nothing is changed); other commands
            saved after it (unless *force*).
        MasterBusyError / SaveError / WorkbookError: as for any save of the master.
    """
    now = (now or clock.now()).replace(microsecond=0)
    with OpenpyxlMaster.open(path, op=UNDO_OP) as master:
        ledger = read_ledger(master.path)
        master.settings = ledger.settings
        folder = master.path.parent / ledger.settings.backup_folder
        found = backups(master.path, folder)
        recorded = _recorded(ledger, master.path, folder)
        target, sha = recorded if recorded is not None else (_unrecorded(found, master.path), "")
        _verified(target, sha)
        later = [b for b in found if b.time > target.time and b.op != UNDO_OP]
        later = _real(later, master.path) if later else []
        if later and not force:
            ops = "、".join(f"{b.op}（{b.time:%m-%d %H:%M}）" for b in later)
            raise UsageError(
                f"最近一次汇总（{target.time:%Y-%m-%d %H:%M:%S}）之后台账又被修改过：{ops}。"
                "撤销会把这些修改一起撤销；确定的话请加 --force。"
            )
        before = len(open_book(target.path, trusted=True).grid(CHANGES.name))
        log = ledger.grid(CHANGES.name)
        op_col = list(log[0]).index("操作") if log and "操作" in log[0] else None
        undone = [
            list(r)
            for r in log[max(before, 1) :]
            if op_col is None
            or cell_text(r[op_col] if op_col < len(r) else None) != backup_op(CONSOLIDATE_OP)
        ]
        result = UndoResult(target, undone, later)
        master.base = target.path
        note = f"恢复到 {target.time:%Y-%m-%d %H:%M:%S} 汇总前的状态，撤销 {len(undone)} 处修改"
        record: Record = {"时间": now, "操作": UNDO_OP, "文件": target.path.name, "新值": note}
        changes = LogSheet.from_grid(ledger.grid(CHANGES.name), CHANGES).append([record])
        master.apply(changes)
        result.save = master.save()
        return result


def _verified(target: Backup, sha: str) -> None:
    """Check the backup before the master changes; a damaged one is named, nothing changes."""
    try:
        verify_backup(target.path, sha256=sha, read_sheets=True)
    except WorkbookError as exc:
        raise UsageError(
            f"汇总前的备份“{target.path.name}”无法使用：{exc}。无法撤销，台账未改动。"
            "“备份”文件夹中更早的备份可以手工取回。"
        ) from exc

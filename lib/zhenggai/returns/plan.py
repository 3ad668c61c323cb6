"""What a consolidation writes into the master, by header: 台账 cells, 最后更新, 变更记录,
校验问题, 冲突 and 回收情况.

:func:`plan_changes` turns the files' results into one :class:`ChangeSet`;
every output row is a record by header (:mod:`zhenggai.core.logs`), never a
positional list.
"""

from __future__ import annotations

from datetime import datetime

from ..core.changes import ChangeSet
from ..core.ledger import Ledger
from ..core.logs import LogSheet, Record, ReturnsLog
from ..core.sheets import CHANGES, LEDGER
from .merge import CONSOLIDATE_OP, Change
from .result import FileResult, Verdict
from .rounds import record_returns
from .tracking import Tracking

__all__ = ["plan_changes"]

_PROBLEM_WRAP = ("问题及处理办法", "原值")
_CONFLICT_WRAP = ("下发时的值", "台账现值", "单位报送值", "说明")


def plan_changes(
    ledger: Ledger,
    results: list[FileResult],
    log: ReturnsLog,
    now: datetime,
    tracking: Tracking,
) -> ChangeSet:
    """The master's changes: 台账 cells, 最后更新, 变更记录, 校验问题, 冲突, 回收情况.

    校验问题 and 冲突 are the tracked sheets (:mod:`zhenggai.returns.tracking`),
    written when anything in them changed; 回收情况 is updated by
    :func:`zhenggai.returns.rounds.record_returns`.
    """
    cs = ChangeSet()
    changes: list[Record] = []
    for f in results:
        if f.verdict in (Verdict.DUPLICATE, Verdict.SUPERSEDED):
            continue
        _ledger_cells(cs, ledger, f, now)
        changes += [_change_record(ledger, f, ch, now) for ch in f.changes]
    record_returns(
        log,
        results,
        open_problems=tracking.count_problems,
        open_conflicts=tracking.count_conflicts,
    )
    cs.extend(LogSheet.from_grid(ledger.grid(CHANGES.name), CHANGES).append(changes))
    if tracking.problems.dirty:
        cs.table(tracking.problems.table(wrap=_PROBLEM_WRAP))
    if tracking.conflicts.dirty:
        cs.table(tracking.conflicts.table(wrap=_CONFLICT_WRAP))
    cs.extend(log.changes())
    return cs


def _ledger_cells(cs: ChangeSet, ledger: Ledger, f: FileResult, now: datetime) -> None:
    """The values applied, and 最后更新 of every row they touched."""
    for ch in f.changes:
        cs.edit(LEDGER, ch.row, ch.col, ch.new)
    updated = ledger.table.columns.get("updated")
    if updated is not None:
        for row in sorted({ch.row for ch in f.changes}):
            cs.edit(LEDGER, row, updated, f"{now:%Y-%m-%d} {f.unit or f.file}")


def _change_record(ledger: Ledger, f: FileResult, ch: Change, now: datetime) -> Record:
    return {
        "时间": now,
        "操作": CONSOLIDATE_OP,
        "单位": f.unit,
        "文件": f.file,
        "文件SHA256": f.sha256,
        "编号": ch.id,
        "字段": ledger.spec.field(ch.key).name,
        "原值": ch.old,
        "新值": ch.new,
        "批次": f.batch,
    }

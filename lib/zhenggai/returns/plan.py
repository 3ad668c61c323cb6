"""What a consolidation writes into the master, by header: 台账 cells, 最后更新, 变更记录,
校验问题, 冲突 and 回收情况.

:func:`plan_changes` turns the files' results into one :class:`ChangeSet`;
every output row is a record by header (:mod:`zhenggai.core.logs`), never a
positional list.
"""

from __future__ import annotations

from datetime import datetime

from ..core.changes import ChangeSet
from ..core.closing import ledger_problem_records
from ..core.ledger import Ledger
from ..core.logs import LogSheet, Record, ReturnsLog, problem_record, sheet_table
from ..core.problems import Problem, show_value
from ..core.sheets import CHANGES, CONFLICTS, LEDGER, PROBLEMS
from ..core.text import as_datetime
from .merge import CONSOLIDATE_OP, Change, Conflict
from .result import FileResult, Verdict

__all__ = ["plan_changes"]

_PROBLEM_WRAP = ("问题及处理办法", "原值")
_CONFLICT_WRAP = ("下发时的值", "台账现值", "单位报送值", "说明")


def plan_changes(
    ledger: Ledger,
    results: list[FileResult],
    log: ReturnsLog,
    now: datetime,
    closing: list[Problem],
) -> ChangeSet:
    """The master's changes: 台账 cells, 最后更新, 变更记录, 校验问题, 冲突, 回收情况.

    校验问题 is rewritten whole: this run's file problems, then the 销号
    problems of the ledger as merged (:func:`zhenggai.core.closing.check_closing`).
    """
    cs = ChangeSet()
    changes: list[Record] = []
    problems: list[Record] = []
    conflicts: list[Record] = []
    for f in results:
        if f.verdict in (Verdict.DUPLICATE, Verdict.SUPERSEDED):
            continue
        _ledger_cells(cs, ledger, f, now)
        changes += [_change_record(ledger, f, ch, now) for ch in f.changes]
        problems += [problem_record(p, unit=f.unit or "") for p in f.problems]
        conflicts += [_conflict_record(f, k) for k in f.conflicts]
        if f.unit and f.batch:
            _record_return(log, f)
    problems += ledger_problem_records(ledger, closing)
    cs.extend(LogSheet.from_grid(ledger.grid(CHANGES.name), CHANGES).append(changes))
    cs.table(sheet_table(PROBLEMS, problems, wrap=_PROBLEM_WRAP))
    cs.table(sheet_table(CONFLICTS, conflicts, wrap=_CONFLICT_WRAP))
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


def _conflict_record(f: FileResult, k: Conflict) -> Record:
    if f.legacy:
        note = (
            f"旧式报送（不是下发的模板）与台账不同（{k.cell}），作为修改建议未采用。"
            "核实后在台账中改正，或加 --trust-legacy 重新汇总。"
        )
    else:
        note = f"台账和单位报送（{k.cell}）都改了这一格，未自动合并。请核实后在台账中改正。"
    return {
        "文件": f.file,
        "单位": f.unit,
        "编号": k.id,
        "字段": k.field,
        "单元格": k.master_cell,
        "下发时的值": k.base,
        "台账现值": show_value(k.ours),
        "单位报送值": show_value(k.theirs),
        "说明": note,
    }


def _record_return(log: ReturnsLog, f: FileResult) -> None:
    """The unit's 回收情况 row of the batch.

    回收时间: when the unit first returned this batch (its file's save time),
    which the bulletin's punctuality counts; not when we consolidated.
    """
    assert f.unit and f.batch
    first = as_datetime(log.get(f.batch, f.unit).get("回收时间"))
    returned = min(first, f.saved) if first is not None else f.saved
    log.set(
        f.batch,
        f.unit,
        {
            "回收时间": returned,
            "回收文件": f.file,
            "文件保存时间": f.saved,
            "结论": f.verdict.words,
            "修改数": len(f.changes),
            "问题数": len(f.problems),
            "冲突数": len(f.conflicts),
            "文件SHA256": f.sha256,
        },
    )

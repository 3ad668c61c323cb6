"""What a consolidation observes in 校验问题 and 冲突: open items persist until settled.

:func:`track` goes through the run's files of each unit in the order they
were saved, as if each had come in a run of its own, so the same files give
the same sheets in one run or in several (:mod:`zhenggai.core.lifecycle`):

* a file's problems are found (待处理; a notice is recorded as 已解决: its value
  was used); a unit's open problems and conflicts of that batch and earlier
  ones that its later usable return no longer has are 已解决;
* a file older than a return already consolidated only *settles*: its
  problems are added as 已解决 if unknown, never reopened;
* problems of a file of no known unit are keyed by the file; they are 已解决
  once the file is no longer in the folder;
* the ledger's own problems — rules that failed on values a unit left as
  issued, and the 销号 checks — are checked on the master as merged: found,
  they stay open; gone (corrected in the master or by a return), 已解决;
* a conflict is 已解决 when the master's cell no longer holds the value it was
  listed with (staff decided it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from ..core.closing import CLOSING_CODES, ledger_problem_records, observe_closing, observe_ledger
from ..core.grid import Row
from ..core.ledger import Ledger
from ..core.lifecycle import TrackedSheet, conflicts_sheet, problems_sheet
from ..core.logs import Record, ReturnsLog, problem_record
from ..core.problems import Code, Problem, show_value
from ..core.sheets import CONFLICTS, LEDGER, PROBLEMS, RETURNS
from ..core.text import Value, as_datetime, cell_text
from ..core.values import Rules
from .merge import Conflict, MasterState
from .result import FileResult, Verdict
from .rowrules import ledger_row_problems

__all__ = ["Tracking", "conflict_record", "merged_view", "track"]

# every code a return's rules may find in a master row (all but the 销号 checks')
_VALUE_CODES = frozenset(str(c) for c in Code) - {str(c) for c in CLOSING_CODES}


@dataclass
class Tracking:
    """校验问题 and 冲突 after a run, and the master's own problems it found.

    Attributes:
        problems: 校验问题.
        conflicts: 冲突.
        ledger_problems: problems of the master as merged (销号 checks, rules on
            values units left as issued), in 台账 cells.
    """

    problems: TrackedSheet
    conflicts: TrackedSheet
    ledger_problems: list[Problem] = field(default_factory=list)

    def open_problems(self, unit: str) -> list[dict[str, Value]]:
        """The unit's open problems in its returns (every batch), for its 问题清单."""
        return self.problems.open_items(
            lambda r: cell_text(r.get("单位")) == unit and cell_text(r.get("工作表")) != LEDGER
        )

    def count_problems(self, unit: str, batch: str, file: str) -> int:
        """Open problems of *unit* in *batch* (or in *file*), for 回收情况 问题数."""
        return len(
            [
                r
                for r in self.open_problems(unit)
                if cell_text(r.get("批次")) == batch or (file and cell_text(r.get("文件")) == file)
            ]
        )

    def count_conflicts(self, unit: str, batch: str) -> int:
        """Open conflicts of *unit* in *batch*, for 回收情况 冲突数."""
        return len(
            self.conflicts.open_items(
                lambda r: cell_text(r.get("单位")) == unit and cell_text(r.get("批次")) == batch
            )
        )


def track(
    ledger: Ledger,
    state: MasterState,
    results: list[FileResult],
    *,
    today: date,
    closing: list[Problem],
    present: Iterable[str],
) -> Tracking:
    """Observe a run's files, the master's own problems and settled conflicts.

    Args:
        ledger: the master as read.
        state: the master as merged by this run.
        results: every file's result.
        today: the run's day.
        closing: the 销号 problems of the master as merged.
        present: names of every file in the returns folder this run.
    """
    tracking = Tracking(
        problems_sheet(ledger.grid(PROBLEMS.name)), conflicts_sheet(ledger.grid(CONFLICTS.name))
    )
    rank = _batch_rank(ReturnsLog.from_grid(ledger.grid(RETURNS.name)))
    files = [f for f in results if f.verdict is not Verdict.DUPLICATE]
    for f in sorted(files, key=lambda f: (f.saved, f.file)):
        _observe_file(tracking, f, today=today, rank=rank)
    names = set(present)
    tracking.problems.resolve(
        lambda r: (
            not cell_text(r.get("单位"))
            and bool(cell_text(r.get("文件")))
            and cell_text(r.get("文件")) not in names
        )
    )
    merged = merged_view(ledger, state)
    tracking.ledger_problems = _observe_ledger_values(tracking, ledger, merged, state, files, today)
    observe_closing(tracking.problems, merged, closing, today=today)
    tracking.ledger_problems += closing
    _settle_conflicts(tracking.conflicts, state)
    return tracking


def _batch_rank(log: ReturnsLog) -> dict[str, datetime]:
    """Each batch's first 下发时间: a batch issued earlier is an earlier batch."""
    rank: dict[str, datetime] = {}
    for batch, unit in log.entries():
        when = as_datetime(log.get(batch, unit).get("下发时间"))
        if when is not None and (batch not in rank or when < rank[batch]):
            rank[batch] = when
    return rank


def _observe_file(
    tracking: Tracking, f: FileResult, *, today: date, rank: Mapping[str, datetime]
) -> None:
    unit, batch = f.unit or "", f.batch or ""
    own = f.seen if f.verdict is Verdict.SUPERSEDED else f.problems
    found = [problem_record(p, unit=unit, batch=batch) for p in own if not p.code.is_notice]
    notices = [problem_record(p, unit=unit, batch=batch) for p in own if p.code.is_notice]
    conflicts = [conflict_record(f, k) for k in f.conflicts]
    if f.settled:
        tracking.problems.settle([*found, *notices], today=today)
        tracking.conflicts.settle(conflicts, today=today)
        return
    if not unit or f.verdict is Verdict.REJECTED:  # nothing of it was checked: settles nothing
        tracking.problems.observe(found, notices=notices, today=today)
        return
    until = rank.get(batch)

    def scope(r: Mapping[str, Value]) -> bool:
        if cell_text(r.get("单位")) != unit or cell_text(r.get("工作表")) == LEDGER:
            return False
        theirs = cell_text(r.get("批次"))
        if theirs == batch or not theirs:
            return True
        when = rank.get(theirs)
        return until is not None and when is not None and when < until

    tracking.problems.observe(found, notices=notices, today=today, scope=scope)
    if f.verdict is not Verdict.SUPERSEDED:  # a superseded file was not merged: no conflicts
        tracking.conflicts.observe(conflicts, today=today, scope=scope)


def _observe_ledger_values(
    tracking: Tracking,
    ledger: Ledger,
    merged: Ledger,
    state: MasterState,
    files: list[FileResult],
    today: date,
) -> list[Problem]:
    """Rules that failed on values units left as issued, checked on the master's rows.

    Rows the run's files flagged are checked on the master as read (found then,
    they are recorded) and, with the rows of open ledger problems, on the
    master as merged (gone by then, they are 已解决).
    """
    rules = Rules(today=today, max_length=ledger.settings.max_text_length)
    flagged = {state.rows[rid].number for f in files for rid in f.ledger_rows if rid in state.rows}
    before = _rows(ledger, flagged)
    found = [p for row in before for p in ledger_row_problems(ledger.spec, row, rules)]
    tracking.problems.observe(ledger_problem_records(ledger, found), today=today)
    open_rows = {
        _row_number(cell_text(r.get("单元格")))
        for r in tracking.problems.open_items(
            lambda r: (
                cell_text(r.get("工作表")) == LEDGER and cell_text(r.get("代码")) in _VALUE_CODES
            )
        )
    }
    rows = flagged | open_rows
    now = [p for row in _rows(merged, rows) for p in ledger_row_problems(merged.spec, row, rules)]
    observe_ledger(tracking.problems, merged, now, owned=_VALUE_CODES, today=today, rows=rows)
    return now


def _rows(ledger: Ledger, numbers: set[int]) -> list[Row]:
    return [row for row in ledger.table if row.number in numbers]


def _row_number(cell: str) -> int:
    digits = "".join(ch for ch in cell if ch.isdigit())
    return int(digits) if digits else 0


def _settle_conflicts(conflicts: TrackedSheet, state: MasterState) -> None:
    """Open conflicts whose master cell no longer holds the value listed: staff decided."""
    keys = {f.name: f.key for f in state.ledger.spec}

    def decided(r: Mapping[str, Value]) -> bool:
        rid, key = cell_text(r.get("编号")), keys.get(cell_text(r.get("字段")))
        if key is None or rid not in state.rows or rid in state.repeated:
            return True
        return cell_text(show_value(state.ours(rid, key))) != cell_text(r.get("台账现值"))

    conflicts.resolve(decided)


def conflict_record(f: FileResult, k: Conflict) -> Record:
    """One 冲突 row for conflict *k* of file *f*, by header."""
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
        "批次": f.batch,
        "编号": k.id,
        "字段": k.field,
        "单元格": k.master_cell,
        "下发时的值": k.base,
        "台账现值": show_value(k.ours),
        "单位报送值": show_value(k.theirs),
        "说明": note,
    }


def merged_view(ledger: Ledger, state: MasterState) -> Ledger:
    """*ledger* as it will be once this run's values are written (for the master's own checks)."""
    if not state.applied:
        return ledger
    by_id: dict[str, dict[str, Value]] = {}
    for (rid, key), value in state.applied.items():
        by_id.setdefault(rid, {})[key] = value
    rows = list(ledger.table.rows)
    where = {id(r): i for i, r in enumerate(rows)}
    for rid, values in by_id.items():
        r = state.rows.get(rid)  # the row the values were written to (the first of its 编号)
        if r is not None and id(r) in where:
            differs = {k: v for k, v in r.differs.items() if k not in values}
            rows[where[id(r)]] = Row(r.number, r.values | values, differs, r.columns)
    return replace(ledger, table=replace(ledger.table, rows=rows))

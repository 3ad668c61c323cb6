"""The three-way merge of a checked return into the master, cell by cell.

For every editable cell: *base* is the value this unit last sent for it in
this batch (from 变更记录), else the template's base; *ours* is the master
now; *theirs* is the return. ``theirs == ours`` or ``theirs == base``:
nothing to do; ``ours == base``: apply; otherwise a conflict, not applied
and listed with all three values. Values compare in their
:func:`~zhenggai.core.text.canonical` form.

Example:
    >>> merge_cell("正在整改", "正在整改", "已完成")
    <Outcome.APPLY: 'apply'>
    >>> merge_cell("正在整改", "未启动", "已完成")
    <Outcome.CONFLICT: 'conflict'>
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from ..core.grid import Row
from ..core.ledger import Ledger, records
from ..core.problems import Code, Problem, cell_name, show_value
from ..core.sheets import CHANGES, LEDGER
from ..core.text import Value, canonical, normalise_text
from .checked import CheckedReturn

__all__ = [
    "CONSOLIDATE_OP",
    "Change",
    "Conflict",
    "MasterState",
    "MergeResult",
    "Outcome",
    "merge_cell",
    "merge_return",
]

CONSOLIDATE_OP = "汇总"  # 变更记录 操作 of changes made by consolidation


class Outcome(StrEnum):
    """What the merge does with one cell."""

    SAME = "same"  # nothing to apply: the return agrees with the master or did not change it
    APPLY = "apply"
    CONFLICT = "conflict"


def merge_cell(base: str | None, ours: str, theirs: str) -> Outcome:
    """The three-way rule on canonical values; *base* None (no base known) never applies."""
    if theirs == ours:
        return Outcome.SAME
    if base is None:
        return Outcome.CONFLICT
    if theirs == base:
        return Outcome.SAME
    if ours == base:
        return Outcome.APPLY
    return Outcome.CONFLICT


@dataclass(frozen=True)
class Change:
    """A value applied to the master: 台账 row/col, old and new, and the return cell it came from."""

    id: str
    key: str
    field: str
    row: int
    col: int
    old: Value
    new: Value
    cell: str


@dataclass(frozen=True)
class Conflict:
    """A cell changed both in the master and by the unit: not applied."""

    id: str
    key: str
    field: str
    cell: str
    master_cell: str
    base: str
    ours: Value
    theirs: Value


@dataclass
class MergeResult:
    """The merge of one return: what is applied, what conflicts, rows that could not be placed.

    ``reported`` counts the cells the return changed from the template that the
    master holds after the merge (applied now, or already equal).
    """

    changes: list[Change] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    reported: int = 0


def _text(value: Value) -> str:
    return normalise_text(value) if isinstance(value, str) else canonical(value)


@dataclass
class MasterState:
    """The master as this run sees it: as read, plus the values applied so far.

    Attributes:
        ledger: the master as read.
        rows: 编号 -> 台账 row (first of repeated ids).
        repeated: 编号 that appear more than once in 台账 (never written: which row?).
        sent: (unit, batch, 编号, key) -> canonical value the unit last sent
            and had applied, from 变更记录.
        applied: (编号, key) -> value applied earlier in this run.
    """

    ledger: Ledger
    rows: dict[str, Row] = field(default_factory=dict)
    repeated: set[str] = field(default_factory=set)
    sent: dict[tuple[str, str, str, str], str] = field(default_factory=dict)
    applied: dict[tuple[str, str], Value] = field(default_factory=dict)

    @classmethod
    def read(cls, ledger: Ledger) -> MasterState:
        state = cls(ledger)
        ids = [row.text("id") for row in ledger.table]
        counts = Counter(ids)
        for rid, row in zip(ids, ledger.table.rows, strict=True):
            if counts[rid] > 1:
                state.repeated.add(rid)
            state.rows.setdefault(rid, row)
        names = {f.name: f.key for f in ledger.spec}
        for rec in records(ledger.grid(CHANGES.name), CHANGES):
            if _text(rec.get("操作")) != CONSOLIDATE_OP:
                continue
            key = names.get(_text(rec.get("字段")))
            if key is not None:
                where = (
                    _text(rec.get("单位")),
                    _text(rec.get("批次")),
                    _text(rec.get("编号")),
                    key,
                )
                state.sent[where] = canonical(rec.get("新值"))
        return state

    def ours(self, rid: str, key: str) -> Value:
        if (rid, key) in self.applied:
            return self.applied[(rid, key)]
        return self.rows[rid].values.get(key)


def merge_return(
    checked: CheckedReturn, state: MasterState, *, trust_legacy: bool = False
) -> MergeResult:
    """Merge the usable values of *checked* into *state*, recording what was applied.

    A legacy return (no template, so no base) never applies a value that differs
    from the master: it is a conflict, i.e. a proposed change listed with both
    values, unless *trust_legacy* says the office takes legacy returns as sent.
    """
    result = MergeResult()
    meta = checked.meta
    if checked.rejected or (meta is None and not checked.legacy):
        return result
    names = {f.key: f.name for f in state.ledger.spec}
    applied = state.applied
    for rid, sent in checked.values.items():
        problem = _placement_problem(checked, state, rid)
        if problem is not None:
            result.problems.append(problem)
            continue
        row = state.rows[rid]
        values, columns = row.values, row.columns
        base_row = meta.base.get(rid, {}) if meta is not None else {}
        for key, theirs in sent.items():
            col = columns.get(key)
            if col is None:
                continue  # the master has no such column any more
            ours = applied[(rid, key)] if (rid, key) in applied else values.get(key)
            if type(theirs) is type(ours) and theirs == ours:
                # the usual cell: unchanged, whatever the base (canonical-equal too)
                if base_row and _differs(theirs, base_row.get(key, "")):
                    result.reported += 1
                continue
            if checked.legacy:
                base = None  # nothing was issued: no base to compare with
            else:
                base = state.sent.get((checked.unit, checked.batch, rid, key), base_row.get(key))
            told = canonical(theirs)
            outcome = merge_cell(base, canonical(ours), told)
            if outcome is not Outcome.CONFLICT and told != base_row.get(key, told):
                result.reported += outcome is Outcome.APPLY or told == canonical(ours)
            if outcome is Outcome.CONFLICT and checked.legacy and trust_legacy:
                outcome = Outcome.APPLY
                result.reported += 1
            if outcome is Outcome.APPLY:
                result.changes.append(
                    Change(
                        rid, key, names[key], row.number, col, ours, theirs, checked.cell(rid, key)
                    )
                )
                applied[(rid, key)] = theirs
                state.sent[(checked.unit, checked.batch, rid, key)] = told
            elif outcome is Outcome.CONFLICT:
                result.conflicts.append(
                    Conflict(
                        rid,
                        key,
                        names[key],
                        checked.cell(rid, key),
                        f"{LEDGER}!{cell_name(row.number, col)}",
                        base or "",
                        ours,
                        theirs,
                    )
                )
    return result


def _differs(value: Value, base: str) -> bool:
    """canonical(value) != base, without canonicalising the usual clean text."""
    if type(value) is str and value == base:
        return False
    return canonical(value) != base


def _placement_problem(checked: CheckedReturn, state: MasterState, rid: str) -> Problem | None:
    """Why row *rid* of the return cannot be written to the master, if it cannot."""

    def problem(code: Code, message: str, value: str) -> Problem:
        cell = checked.cell(rid, "id")
        return Problem(
            code, message, file=checked.file, sheet=checked.sheet, cell=cell, value=value
        )

    if rid in state.repeated:
        return problem(
            Code.ID_DUPLICATE,
            f"台账中编号“{rid}”有多行，无法确定写入哪一行，本行未汇总。请办公室先修正台账的编号。",
            rid,
        )
    row = state.rows.get(rid)
    if row is None:
        return problem(
            Code.ID_UNKNOWN,
            f"台账中已没有编号“{rid}”（下发后被删除或改了编号），本行未汇总。请办公室核对。",
            rid,
        )
    now = row.text("unit")
    if now != checked.unit and not (checked.legacy and not checked.unit):
        return problem(
            Code.ROW_REASSIGNED,
            f"编号“{rid}”在台账中已改由“{now}”负责，本单位的填报本行未汇总。请办公室核对。",
            show_value(now),
        )
    return None

"""Splitting the 台账 rows that name several units: ``zhenggai import --split-by 责任单位``.

An import already splits a source row naming several units. Items taken from
an upper template arrive with no unit here; the office then writes its own
units into 责任单位 ("甲县、乙县"), and this splits each such row into one row
per unit, as an import would have: 编号 3 becomes 3-1 (the row itself) and 3-2
(a copy of the whole row appended below the ledger). Every other cell, 上级编号
included, is copied as it is, so ``zhenggai answer`` finds both rows again.

Nothing is split whose new 编号 the ledger already uses; that is reported.
Split before templates go out: a unit's return names the 编号 it was issued.

Example:
    >>> from zhenggai.core.memory import MemoryMaster
    >>> from zhenggai.core.ledger import load_ledger
    >>> ledger = load_ledger(MemoryMaster.new([{"id": "3", "unit": "甲县、乙县"}]))
    >>> plan = plan_split(ledger, now=datetime(2026, 11, 28, 10, 0))
    >>> [(s.id, s.ids, s.units) for s in plan.rows]
    [('3', ('3-1', '3-2'), ('甲县', '乙县'))]
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from ..core.changes import ChangeSet
from ..core.errors import UsageError
from ..core.ledger import Ledger
from ..core.logs import LogSheet, Record
from ..core.problems import Code, Problem
from ..core.sheets import CHANGES, LEDGER, UNITS
from ..core.spec import Spec, header_word
from ..core.text import Value, split_list

__all__ = ["SPLIT_OP", "SplitPlan", "SplitRow", "check_split_by", "plan_split"]

SPLIT_OP = "拆分"  # 变更记录 操作


@dataclass(frozen=True)
class SplitRow:
    """One 台账 row split: its 编号 before, the 编号 and units after."""

    id: str
    row: int
    ids: tuple[str, ...]
    units: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "row": self.row, "ids": list(self.ids), "units": list(self.units)}


@dataclass
class SplitPlan:
    """The rows to split and the changes that do it (台账 edits and copies, 单位, 变更记录)."""

    changes: ChangeSet = field(default_factory=ChangeSet)
    rows: list[SplitRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    new_units: list[str] = field(default_factory=list)


def check_split_by(spec: Spec, split_by: str) -> None:
    """Refuse a ``--split-by`` that does not name 责任单位 (by 字段名 or 键名).

    Raises:
        UsageError: it names another column.
    """
    f = spec.field("unit")
    if header_word(split_by) not in (header_word(f.name), f.key):
        raise UsageError(
            f"--split-by 只能是“{f.name}”：按责任单位把写了几个单位的行拆成每个单位一行。"
            f"“{split_by}”不是责任单位列。"
        )


def plan_split(
    ledger: Ledger, *, now: datetime, taken: Collection[str] = (), added_units: Collection[str] = ()
) -> SplitPlan:
    """Plan splitting every 台账 row whose 责任单位 names several units.

    Args:
        ledger: the master as read.
        now: the time written to 变更记录.
        taken: 编号 this run adds besides the ledger's (a new 编号 must not meet them).
        added_units: units this run adds to 单位 already.
    """
    plan = SplitPlan()
    table = ledger.table
    if "id" not in table.columns or "unit" not in table.columns:
        return plan
    id_col, unit_col = table.columns["id"], table.columns["unit"]
    grid = ledger.grid(LEDGER)
    width = max((len(r) for r in grid), default=0)
    used = {row.text("id") for row in table} | set(taken)
    known = {u.name for u in ledger.units} | set(added_units)
    copies: list[list[Value]] = []
    log: list[Record] = []
    stamp = now.isoformat(sep=" ", timespec="seconds")
    for row in table:
        units = split_list(row.text("unit"))
        rid = row.text("id")
        if len(units) < 2 or not rid:
            continue
        ids = tuple(f"{rid}-{k}" for k in range(1, len(units) + 1))
        clash = [i for i in ids if i in used]
        if clash:
            plan.problems.append(
                Problem(
                    Code.ID_DUPLICATE,
                    f"责任单位写了{len(units)}个单位，但拆分后的编号“{'、'.join(clash)}”台账中已有，"
                    "这一行未拆分。请先改正编号，再运行一次。",
                    sheet=table.sheet,
                    cell=row.cell("id"),
                    value=rid,
                )
            )
            continue
        used.update(ids)
        plan.rows.append(SplitRow(rid, row.number, ids, tuple(units)))
        plan.changes.edit(LEDGER, row.number, id_col, ids[0])
        plan.changes.edit(LEDGER, row.number, unit_col, units[0])
        source = list(grid[row.number - 1]) + [None] * width
        for new_id, unit in zip(ids[1:], units[1:], strict=True):
            cells = source[:width]
            cells[id_col - 1], cells[unit_col - 1] = new_id, unit
            copies.append(cells)
        names = {k: ledger.spec.field(k).name for k in ("id", "unit")}
        first = {"时间": stamp, "操作": SPLIT_OP, "单位": units[0], "编号": ids[0]}
        log.append(first | {"字段": names["id"], "原值": rid, "新值": ids[0]})
        log.append(first | {"字段": names["unit"], "原值": row.text("unit"), "新值": units[0]})
        log += [
            {"时间": stamp, "操作": SPLIT_OP, "单位": unit, "编号": new_id,
             "字段": "（整行）", "原值": rid, "新值": f"由编号“{rid}”拆分"}
            for new_id, unit in zip(ids[1:], units[1:], strict=True)
        ]  # fmt: skip
        for unit in units:
            if unit not in known:
                known.add(unit)
                plan.new_units.append(unit)
    plan.changes.append(LEDGER, copies)
    units_sheet = LogSheet.from_grid(ledger.grid(UNITS.name), UNITS)
    plan.changes.extend(units_sheet.append([{"单位名称": u} for u in plan.new_units]))
    plan.changes.extend(LogSheet.from_grid(ledger.grid(CHANGES.name), CHANGES).append(log))
    return plan

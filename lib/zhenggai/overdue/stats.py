"""Per-unit statistics and the 统计 sheet.

Completion rate is 已完成 / 总数 as published reports count it: 长期坚持 and
anything short of 已完成 do not count as done. Units are ranked by rate
(equal rates share a rank), then by fewer overdue items.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ..core.changes import ChartSpec, Fill, SheetTable
from ..core.sheets import STATS
from ..core.spec import STATUS_DONE, STATUS_IN_PROGRESS, STATUS_NOT_STARTED, STATUS_ONGOING
from ..core.text import Value, cn_date
from .tiers import ItemTier, Tier

__all__ = ["NO_UNIT", "STATS_HEADER", "UnitStats", "stats_table", "total_stats", "unit_stats"]

NO_UNIT = "（未填责任单位）"
STATS_HEADER = (
    "排名",
    "责任单位",
    "总数",
    "已完成",
    "正在整改",
    "未启动",
    "长期坚持",
    "已逾期",
    "完成率",
)
_RATE_COL = STATS_HEADER.index("完成率") + 1
_OVERDUE_COL = STATS_HEADER.index("已逾期") + 1


@dataclass(frozen=True)
class UnitStats:
    """One unit's counts.

    Attributes:
        unit: 责任单位.
        total: rows of the unit.
        done / in_progress / not_started / ongoing: rows by 整改状态 (blank counts as 未启动).
        overdue: rows past their deadline and not done.
        rate: completion rate in percent, two decimals (66.67 for 2 of 3).
        rank: 1 for the best rate; equal rates share a rank.
    """

    unit: str
    total: int
    done: int
    in_progress: int
    not_started: int
    ongoing: int
    overdue: int
    rate: float
    rank: int = 0


def _rate(done: int, total: int) -> float:
    return round(done * 100 / total, 2) if total else 0.0


def _count(unit: str, items: Sequence[ItemTier]) -> UnitStats:
    statuses = [i.status for i in items]
    return UnitStats(
        unit,
        len(items),
        statuses.count(STATUS_DONE),
        statuses.count(STATUS_IN_PROGRESS),
        statuses.count(STATUS_NOT_STARTED) + statuses.count(""),
        statuses.count(STATUS_ONGOING),
        sum(1 for i in items if i.tier is Tier.OVERDUE),
        _rate(statuses.count(STATUS_DONE), len(items)),
    )


def unit_stats(items: Iterable[ItemTier], *, order: Sequence[str] = ()) -> list[UnitStats]:
    """Counts per unit, best first, with ranks.

    Args:
        items: every row's warning.
        order: unit names in the 单位 sheet's order, the last tie-break.
    """
    by_unit: dict[str, list[ItemTier]] = {}
    for item in items:
        by_unit.setdefault(item.unit or NO_UNIT, []).append(item)
    position = {name: i for i, name in enumerate(order)}
    first_seen = {name: i for i, name in enumerate(by_unit)}
    stats = sorted(
        (_count(unit, rows) for unit, rows in by_unit.items()),
        key=lambda s: (
            -s.rate,
            s.overdue,
            position.get(s.unit, len(position)),
            first_seen[s.unit],
        ),
    )
    ranked: list[UnitStats] = []
    for i, s in enumerate(stats):
        rank = ranked[-1].rank if ranked and ranked[-1].rate == s.rate else i + 1
        ranked.append(UnitStats(**{**s.__dict__, "rank": rank}))
    return ranked


def total_stats(units: Sequence[UnitStats]) -> UnitStats:
    """All units together (rank 0)."""
    total = sum(u.total for u in units)
    done = sum(u.done for u in units)
    return UnitStats(
        "合计",
        total,
        done,
        sum(u.in_progress for u in units),
        sum(u.not_started for u in units),
        sum(u.ongoing for u in units),
        sum(u.overdue for u in units),
        _rate(done, total),
    )


def _row(s: UnitStats, rank: Value) -> list[Value]:
    # The sheet holds the rate as a fraction shown as 66.67%: Excel sums and charts it right.
    return [
        rank,
        s.unit,
        s.total,
        s.done,
        s.in_progress,
        s.not_started,
        s.ongoing,
        s.overdue,
        round(s.rate / 100, 4),
    ]


def stats_table(units: Sequence[UnitStats], *, today: date) -> SheetTable:
    """The 统计 sheet: the ranked table, a 合计 row, and two native charts.

    Charts: a bar chart of completion rate by unit, and a column chart of
    the status counts (and overdue) by unit. The 合计 row stays out of both.
    """
    rows = [_row(u, u.rank) for u in units]
    rows.append(_row(total_stats(units), ""))
    table = SheetTable(
        STATS.name,
        list(STATS_HEADER),
        rows,
        title=f"整改进展统计（截至{cn_date(today)}）",
        number_formats={_RATE_COL: "0.00%"},
        widths={1: 6, 2: 24},
    )
    first = table.header_row + 1
    last = first + len(units) - 1
    for r, u in enumerate(units, start=first):
        if u.overdue:
            table.fills[(r, _OVERDUE_COL)] = Fill.OVERDUE
    if units:
        anchor_col = "K"
        table.charts.append(
            ChartSpec(
                "bar",
                "各单位整改完成率",
                categories=2,
                series=(_RATE_COL,),
                anchor=f"{anchor_col}2",
                first_row=first,
                last_row=last,
                y_title="完成率",
            )
        )
        table.charts.append(
            ChartSpec(
                "column",
                "各单位整改状态",
                categories=2,
                series=tuple(range(4, _OVERDUE_COL + 1)),
                anchor=f"{anchor_col}21",
                first_row=first,
                last_row=last,
                y_title="条数",
            )
        )
    return table

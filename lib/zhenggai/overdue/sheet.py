"""The 统计 sheet: the ranked per-unit table, a 合计 row and two native charts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ..core.changes import ChartSpec, Fill, SheetTable
from ..core.sheets import STATS
from ..core.text import Value, cn_date
from ..facts.stats import STATS_HEADER, UnitStats, total_stats

__all__ = ["stats_table"]


_RATE_COL = STATS_HEADER.index("完成率") + 1


_OVERDUE_COL = STATS_HEADER.index("已逾期") + 1


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

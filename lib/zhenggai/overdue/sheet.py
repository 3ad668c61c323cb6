"""The 统计 sheet: the ranked per-unit table, a 合计 row and two native charts.

The figures are the document's (:class:`~zhenggai.facts.stats.Counts`): the
title says the counting rule, and under the measure rule the 合计 counts a
measure shared by several units once, as the report and the bulletin do.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ..core.changes import ChartSpec, Fill, SheetTable
from ..core.sheets import STATS
from ..core.text import Value, cn_date
from ..facts.stats import STATS_HEADER, Basis, Counts, UnitStats

__all__ = ["stats_note", "stats_table"]


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


def stats_note(counts: Counts) -> str:
    """The counting rule as the title states it, and how the 合计 relates to the unit rows."""
    if counts.basis is Basis.MEASURE and counts.shared:
        return (
            f"{counts.basis.value}：几个单位共同承担的措施在各单位各计1条、合计只计1条，"
            f"共{counts.measures}条措施，分解到各单位{counts.items}项"
        )
    return counts.basis.value


def stats_table(counts: Counts, *, today: date) -> SheetTable:
    """The 统计 sheet: the ranked table, a 合计 row, the counting rule, and two native charts.

    Charts: a bar chart of completion rate by unit, and a column chart of
    the status counts (and overdue) by unit. The 合计 row stays out of both.
    """
    units: Sequence[UnitStats] = counts.units
    rows = [_row(u, u.rank) for u in units]
    rows.append(_row(counts.total, ""))
    table = SheetTable(
        STATS.name,
        list(STATS_HEADER),
        rows,
        title=f"整改进展统计（截至{cn_date(today)}，{stats_note(counts)}）",
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

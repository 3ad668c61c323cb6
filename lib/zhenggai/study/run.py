"""Study-activity statistics (学习强国积分): rank people and units, flag low activity.

:func:`plan_study` is the pure core of ``zhenggai study``: it takes the
ledger and the exports read by :mod:`zhenggai.study.export`, and returns a
:class:`StudyResult` whose ``changes`` add the period to the 学习积分 history
(replacing it when imported before) and rewrite the 学习统计 sheet.

The statistics themselves are in :mod:`zhenggai.study.stats`.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..core.changes import ChangeSet, ChartSpec, Fill, SheetTable
from ..core.grid import Grid
from ..core.ledger import Ledger
from ..core.problems import Code, Problem
from ..core.sheets import STUDY_POINTS, STUDY_STATS
from ..core.text import Value, normalise_text
from .export import StudyExport, StudyRecord
from .history import (
    FLAG_LABELS,
    Period,
    count_period,
    current_period,
    history_header_ok,
    latest_period,
    parse_period,
    read_history,
    rows_of,
)
from .stats import PersonStat, UnitStat, plain, round_half_up, study_stats, unit_averages

__all__ = ["StudyResult", "plan_study", "stats_table"]


@dataclass
class StudyResult:
    """What ``zhenggai study`` found and wants written.

    Attributes:
        period: the period imported.
        threshold: the 低分线 used.
        people, units: the statistics (empty when nothing could be imported).
        previous: the period the trend compares with, if any.
        replaced: rows of this period that were in 学习积分 before and are replaced.
        files: export files read.
        unknown_units: units of the exports missing from the 单位 sheet (no reminder address).
        problems: everything that could not be used.
        changes: 学习积分 and 学习统计 (empty when nothing was imported).
    """

    period: Period
    threshold: float
    people: list[PersonStat] = field(default_factory=list)
    units: list[UnitStat] = field(default_factory=list)
    previous: Period | None = None
    replaced: int = 0
    files: int = 0
    unknown_units: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    changes: ChangeSet = field(default_factory=ChangeSet)

    @property
    def inactive(self) -> list[PersonStat]:
        return [p for p in self.people if p.flag == "inactive"]

    @property
    def low(self) -> list[PersonStat]:
        return [p for p in self.people if p.flag == "low"]

    @property
    def average(self) -> float | None:
        """Points per person over everyone, or None when nobody was imported."""
        if not self.people:
            return None
        return plain(round_half_up(statistics.fmean(p.points for p in self.people)))

    def to_json(self) -> dict[str, Any]:
        """The object ``zhenggai study --json`` prints (issue 9)."""
        return {
            "period": str(self.period),
            "people": [
                {
                    "name": p.name,
                    "unit": p.unit,
                    "points": p.points,
                    "rank": p.rank,
                    "unit_rank": p.unit_rank,
                    "flag": p.flag,
                }
                for p in self.people
            ],
            "units": [
                {
                    "unit": u.unit,
                    "count": u.count,
                    "avg": u.avg,
                    "median": u.median,
                    "low_share": u.low_share,
                    "rank": u.rank,
                    "trend": u.trend,
                }
                for u in self.units
            ],
            "inactive": [p.name for p in self.inactive],
            "low": [p.name for p in self.low],
            "problems": [p.to_dict() for p in self.problems],
        }


def _collect(
    exports: Sequence[StudyExport], period: Period, problems: list[Problem]
) -> list[StudyRecord]:
    """The usable records of every export, without repeats of one person in one unit."""
    seen: dict[tuple[str, str], StudyRecord] = {}
    records: list[StudyRecord] = []
    for export in exports:
        problems += export.problems
        if export.title_period is not None and export.title_period != period:
            problems.append(
                Problem(
                    Code.STUDY_PERIOD_MISMATCH,
                    f"表格标题写的是{export.title_period}，本次导入的却是{period}，这个文件未导入。"
                    f"如果这是{export.title_period}的积分，请加 --period {export.title_period} 单独导入。",
                    file=export.file,
                    sheet=export.sheet,
                    cell=export.title_cell,
                    value=str(export.title_period),
                )
            )
            continue
        for rec in export.records:
            first = seen.get((rec.unit, rec.name))
            if first is None:
                seen[(rec.unit, rec.name)] = rec
                records.append(rec)
                continue
            where = f"{first.file} " if first.file != rec.file else ""
            same = "完全相同（重复导出）" if first.points == rec.points else "积分不同"
            problems.append(
                Problem(
                    Code.STUDY_DUPLICATE,
                    f"“{rec.unit}”的“{rec.name}”与{where}第{first.row}行{same}，这一行未导入。"
                    "同一单位确有同名的两人，请在姓名后加以区分（如“王伟（1985）”）后重新导入。",
                    file=rec.file,
                    sheet=rec.sheet,
                    cell=rec.cell,
                    value=rec.name,
                )
            )
    return records


def plan_study(
    ledger: Ledger,
    exports: Sequence[StudyExport],
    *,
    period: Period | None = None,
    threshold: float | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> StudyResult:
    """Statistics of one period's exports, and the changes that store them in the master.

    Args:
        ledger: the master (its 学习积分 history and 设置).
        exports: the period's exports (several files are one period, e.g. one per branch).
        period: the month; default the month of *today*.
        threshold: the 低分线; default 设置!学习积分低分线.
        today, now: for tests.

    Nothing is changed when no row could be imported, so a bad re-import never
    wipes a period that was stored before.
    """
    period = period or current_period(today)
    threshold = ledger.settings.study_threshold if threshold is None else threshold
    grid = ledger.grid(STUDY_POINTS.name)
    history, history_problems = read_history(grid)
    result = StudyResult(period, threshold, files=len(exports))
    records = _collect(exports, period, result.problems)
    result.problems += history_problems
    if not records:
        return result
    result.previous = latest_period(history, before=period)
    previous = unit_averages(rows_of(history, result.previous)) if result.previous else {}
    entries = [(r.name, r.unit, r.points) for r in records]
    result.people, result.units = study_stats(entries, threshold=threshold, previous=previous)
    result.replaced = count_period(grid, period)
    known = {u.name for u in ledger.units}
    if known:
        result.unknown_units = [u.unit for u in result.units if u.unit not in known]

    stamp = (now or datetime.now()).replace(second=0, microsecond=0)
    new_rows = _history_rows(result, records, stamp)
    if result.replaced == 0 and history_header_ok(grid):
        result.changes.append(STUDY_POINTS.name, new_rows)
    else:
        result.changes.table(_history_table(grid, period, new_rows))
    result.changes.table(stats_table(result))
    return result


def _history_rows(
    result: StudyResult, records: Sequence[StudyRecord], stamp: datetime
) -> list[list[Value]]:
    """The period's rows for 学习积分, grouped by unit in rank order."""
    source = {(r.unit, r.name): r for r in records}
    unit_order = {u.unit: i for i, u in enumerate(result.units)}
    people = sorted(result.people, key=lambda p: (unit_order[p.unit], p.unit_rank))
    rows: list[list[Value]] = []
    for p in people:
        rec = source[(p.unit, p.name)]
        rows.append(
            [
                str(result.period),
                p.unit,
                p.name,
                p.points,
                p.unit_rank,
                p.rank,
                FLAG_LABELS.get(p.flag or ""),
                plain(result.threshold),
                rec.total,
                rec.daily,
                rec.last_login,
                rec.file,
                stamp,
            ]
        )
    return rows


def _history_table(grid: Grid, period: Period, new_rows: list[list[Value]]) -> SheetTable:
    """学习积分 rewritten: every other period's rows as found, then this period's.

    Columns an office added to the sheet are kept after the standard ones.
    """
    header = [normalise_text(str(v)) if v is not None else "" for v in grid[0]] if grid else []
    extra = [h for h in header if h and h not in STUDY_POINTS.headers]
    columns = [*STUDY_POINTS.headers, *extra]
    index = {h: header.index(h) for h in columns if h in header}
    kept: list[tuple[Period, list[Value]]] = []
    for cells in grid[1:]:
        row = [cells[index[h]] if h in index and index[h] < len(cells) else None for h in columns]
        if all(v is None for v in row):
            continue
        found = parse_period(row[0])
        if found == period:
            continue
        kept.append((found or Period(9999, 12), row))  # unreadable periods stay, at the end
    kept += [(period, [*r, *([None] * len(extra))]) for r in new_rows]
    kept.sort(key=lambda item: item[0])  # stable: each period keeps its rows' order
    rows = [row for _, row in kept]
    return SheetTable(
        STUDY_POINTS.name,
        columns,
        rows,
        widths={c: w for c, w in enumerate(STUDY_POINTS.widths, start=1)},
    )


def stats_table(result: StudyResult) -> SheetTable:
    """The 学习统计 sheet: one row per unit by rank, with the chart of unit averages."""
    trend = f"较{result.previous}" if result.previous else "较上期"
    header = [
        "排名",
        "单位",
        "人数",
        "平均积分",
        "中位数",
        "未学习人数",
        "低于低分线人数",
        "低分占比",
        trend,
        "未学习人员",
        "积分偏低人员",
    ]
    by_unit: dict[str, list[PersonStat]] = {}
    for p in result.people:
        by_unit.setdefault(p.unit, []).append(p)
    rows: list[list[Value]] = []
    fills: dict[tuple[int, int], Fill] = {}
    first = 3  # title on row 1, header on row 2
    for i, u in enumerate(result.units):
        members = sorted(by_unit[u.unit], key=lambda p: p.unit_rank)
        rows.append(
            [
                u.rank,
                u.unit,
                u.count,
                u.avg,
                u.median,
                u.inactive,
                u.below,
                u.low_share,
                u.trend,
                "、".join(p.name for p in members if p.flag == "inactive") or None,
                "、".join(f"{p.name}（{p.points}分）" for p in members if p.flag == "low") or None,
            ]
        )
        if u.trend is not None and u.trend != 0:
            fills[(first + i, 9)] = Fill.NORMAL if u.trend > 0 else Fill.OVERDUE
    title = (
        f"{result.period}学习强国积分统计：共{len(result.people)}人，人均{result.average}分，"
        f"低分线{plain(result.threshold)}分，未学习{len(result.inactive)}人，"
        f"积分偏低{len(result.low)}人"
    )
    return SheetTable(
        STUDY_STATS.name,
        header,
        rows,
        widths={2: 20, 10: 36, 11: 40},
        wrap={10, 11},
        fills=fills,
        charts=[
            ChartSpec(
                "column",
                f"{result.period}各单位平均积分",
                categories=2,
                series=(4,),
                anchor=f"B{first + len(rows) + 2}",  # below the table: the lists are wide
                first_row=first,
                last_row=first + len(rows) - 1,
                y_title="平均积分",
            )
        ],
        title=title,
        number_formats={4: "0.00", 8: "0.0%", 9: "+0.00;-0.00;0"},
    )

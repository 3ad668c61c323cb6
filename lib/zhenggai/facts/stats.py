"""Counting under one rule (统计口径): per unit, in total, and what is overdue.

A ledger row is one measure carried by one unit (an *item*, 台账事项). A
document counts either measures (按整改措施计: rows carrying the same measure
text count once) or items (按台账事项计: every row counts). 设置 统计口径
chooses; "自动" (the default) counts items when every measure sits on one row,
where both rules give the same numbers, and measures when units share a
measure, as published reports count. Every figure of one document (the
statistics sentence, the ranking, the overdue count, the 统计 sheet's 合计)
comes from the one :class:`Counts`, so none can say "67 of 21".

Rules:

- a counted entry's status merges its rows' (:func:`~.measures.merge_status`):
  done when every row is done, and so on; a status outside the four words
  counts as 正在整改 (never as done);
- an entry is overdue when one of its rows is (its days: the longest delay);
- per unit, a unit's entries are its own rows, grouped by measure under the
  measure rule, so a measure shared by three units counts once in each of
  them and once in the 合计;
- completion rate = done ÷ total in percent, two decimals, half up; 长期坚持
  does not count as done. Units rank by rate (equal rates share a rank), then
  by fewer overdue entries.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from ..core.deadline import Deadline
from .measures import DONE, IN_PROGRESS, NOT_STARTED, ONGOING, merge_status
from .tiers import ItemTier, Tier

__all__ = [
    "AUTO",
    "NO_UNIT",
    "STATS_HEADER",
    "Basis",
    "Counts",
    "Late",
    "UnitStats",
    "choose_basis",
    "count",
    "rate_of",
    "total_stats",
    "unit_stats",
]

NO_UNIT = "（未填责任单位）"
Key = Hashable
AUTO = "自动"
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


class Basis(StrEnum):
    """What one counted thing is: a measure or a ledger item (设置 统计口径)."""

    MEASURE = "按整改措施计"
    ITEM = "按台账事项计"

    @property
    def noun(self) -> str:
        """整改措施 or 整改事项."""
        return "整改措施" if self is Basis.MEASURE else "整改事项"

    @property
    def word(self) -> str:
        """The measure word after a count: 条 (measures) or 项 (items)."""
        return "条" if self is Basis.MEASURE else "项"


def choose_basis(setting: str, *, shared: bool) -> Basis:
    """The rule 设置 统计口径 asks for; "自动" (or blank): measures when *shared*, else items.

    >>> choose_basis("自动", shared=True), choose_basis("", shared=False)
    (<Basis.MEASURE: '按整改措施计'>, <Basis.ITEM: '按台账事项计'>)
    """
    for basis in Basis:
        if setting.strip() == basis.value:
            return basis
    return Basis.MEASURE if shared else Basis.ITEM


def rate_of(done: int, total: int) -> float:
    """Completion rate in percent, two decimals, half up (2 of 3 -> 66.67); 0 when total is 0."""
    if not total:
        return 0.0
    exact = Decimal(100 * done) / Decimal(total)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class UnitStats:
    """One unit's counts, or all units' (unit "合计"), under one :class:`Basis`.

    Attributes:
        unit: 责任单位 ("合计" for the total).
        total: entries counted.
        done / in_progress / not_started / ongoing: entries by merged status;
            they add up to *total* (a blank or unknown status counts as 正在整改).
        overdue: entries past their deadline and not done.
        rate: completion rate in percent, two decimals (66.67 for 2 of 3).
        rank: 1 for the best rate; equal rates share a rank (0 for the total).
        partly_started: in-progress entries of which some unit has not started
            (measures only: one unit 未启动, another under way).
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
    partly_started: int = 0

    @property
    def unfinished(self) -> int:
        """正在整改 in the statistics sentence: in progress, not started included."""
        return self.in_progress + self.not_started

    @property
    def rate_text(self) -> str:
        """ "21.43%", or "—" when nothing is counted."""
        return f"{self.rate:.2f}%" if self.total else "—"


@dataclass(frozen=True)
class Late:
    """One counted entry past its deadline: a measure (its overdue rows) or one item.

    Attributes:
        text: 整改措施 on one line.
        items: its overdue rows, most overdue first.
    """

    text: str
    items: tuple[ItemTier, ...]

    @property
    def days(self) -> int:
        """The longest delay, in calendar days."""
        return self.items[0].overdue_days

    @property
    def units(self) -> tuple[str, ...]:
        """Units with an overdue row, most overdue first, without repeats."""
        return tuple(dict.fromkeys(i.unit or NO_UNIT for i in self.items))

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items)

    @property
    def deadline(self) -> Deadline:
        """The deadline of the most overdue row."""
        return self.items[0].deadline

    @property
    def due(self) -> date | None:
        """The day the most overdue row was due."""
        return self.items[0].due


@dataclass(frozen=True)
class Counts:
    """Every figure of a document, under one rule.

    Attributes:
        basis: the rule.
        automatic: the rule was chosen by 统计口径 "自动".
        findings: distinct 存在问题 (the same under both rules).
        measures: distinct measures; items: ledger rows.
        total: all entries ("合计").
        units: per unit, ranked.
        late: overdue entries, most overdue first.
        key: what makes rows one counted entry under the rule.
    """

    basis: Basis
    automatic: bool
    findings: int
    measures: int
    items: int
    total: UnitStats
    units: tuple[UnitStats, ...]
    late: tuple[Late, ...]
    key: Callable[[ItemTier], Key] = field(default=lambda i: i.row, compare=False, repr=False)

    def entries(self, items: Iterable[ItemTier]) -> list[list[ItemTier]]:
        """*items* grouped into counted entries (a measure's rows, or single rows), in order."""
        return _group(items, self.key)

    @property
    def word(self) -> str:
        """条 or 项."""
        return self.basis.word

    @property
    def noun(self) -> str:
        """整改措施 or 整改事项."""
        return self.basis.noun

    @property
    def shared(self) -> bool:
        """Some measure is carried by several rows (units)."""
        return self.measures < self.items

    def late_by_unit(self) -> dict[str, list[Late]]:
        """Each unit's overdue entries (its own rows), units ordered by count, then delay."""
        out: dict[str, list[Late]] = {}
        for entry in self.late:
            for unit in entry.units:
                mine = tuple(i for i in entry.items if (i.unit or NO_UNIT) == unit)
                out.setdefault(unit, []).append(Late(entry.text, mine))
        order = sorted(out, key=lambda u: (-len(out[u]), -out[u][0].days))
        return {u: sorted(out[u], key=lambda e: -e.days) for u in order}


def _tally(unit: str, groups: Iterable[list[ItemTier]]) -> UnitStats:
    counts = {s: 0 for s in (DONE, IN_PROGRESS, NOT_STARTED, ONGOING)}
    overdue = partly = total = 0
    for rows in groups:
        total += 1
        if len(rows) == 1:  # most entries: merge_status of one status, and never partly started
            one = rows[0].status.strip()
            counts[one if one in counts else IN_PROGRESS] += 1
            overdue += rows[0].tier is Tier.OVERDUE
            continue
        statuses = [r.status.strip() for r in rows]
        status = merge_status(statuses)
        counts[status] += 1
        overdue += any(r.tier is Tier.OVERDUE for r in rows)
        partly += status == IN_PROGRESS and NOT_STARTED in statuses
    return UnitStats(
        unit,
        total,
        counts[DONE],
        counts[IN_PROGRESS],
        counts[NOT_STARTED],
        counts[ONGOING],
        overdue,
        rate_of(counts[DONE], total),
        partly_started=partly,
    )


def _group(items: Iterable[ItemTier], key: Callable[[ItemTier], Key]) -> list[list[ItemTier]]:
    groups: dict[Key, list[ItemTier]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return list(groups.values())


def _ranked(stats: list[UnitStats], order: Sequence[str]) -> list[UnitStats]:
    position = {name: i for i, name in enumerate(order)}
    first_seen = {s.unit: i for i, s in enumerate(stats)}
    stats = sorted(
        stats,
        key=lambda s: (-s.rate, s.overdue, position.get(s.unit, len(position)), first_seen[s.unit]),
    )
    ranked: list[UnitStats] = []
    for i, s in enumerate(stats):
        rank = ranked[-1].rank if ranked and ranked[-1].rate == s.rate else i + 1
        ranked.append(replace(s, rank=rank))
    return ranked


def unit_stats(
    items: Iterable[ItemTier],
    *,
    order: Sequence[str] = (),
    key: Callable[[ItemTier], Key] | None = None,
) -> list[UnitStats]:
    """Counts per unit, best first, with ranks.

    Args:
        items: every row's warning.
        order: unit names in the 单位 sheet's order, the last tie-break.
        key: what makes rows one entry (a measure key); None counts every row.
    """
    by_unit: dict[str, list[ItemTier]] = {}
    for item in items:
        by_unit.setdefault(item.unit or NO_UNIT, []).append(item)
    group = key or (lambda i: i.row)
    return _ranked([_tally(u, _group(rows, group)) for u, rows in by_unit.items()], order)


def total_stats(
    items: Iterable[ItemTier], *, key: Callable[[ItemTier], Key] | None = None
) -> UnitStats:
    """All rows together ("合计", rank 0), rows with the same *key* counted once."""
    return _tally("合计", _group(items, key or (lambda i: i.row)))


def _late(items: Sequence[ItemTier], key: Callable[[ItemTier], Key]) -> list[Late]:
    entries = []
    for rows in _group(items, key):
        overdue = sorted((r for r in rows if r.tier is Tier.OVERDUE), key=lambda r: -r.overdue_days)
        if overdue:
            entries.append(Late(" ".join(overdue[0].measure.split()), tuple(overdue)))
    return sorted(entries, key=lambda e: -e.days)


def count(
    items: Sequence[ItemTier],
    *,
    measure_key: Callable[[ItemTier], Key],
    findings: int,
    setting: str = AUTO,
    order: Sequence[str] = (),
) -> Counts:
    """Count *items* under the rule 设置 统计口径 (*setting*) asks for.

    Args:
        items: every row's warning.
        measure_key: the measure a row carries (rows of one measure share it).
        findings: distinct 存在问题.
        setting: 统计口径: 按整改措施计, 按台账事项计 or 自动.
        order: unit names in the 单位 sheet's order.
    """
    measures = len({measure_key(i) for i in items})
    basis = choose_basis(setting, shared=measures < len(items))
    key: Callable[[ItemTier], Key] = measure_key if basis is Basis.MEASURE else (lambda i: i.row)
    return Counts(
        basis=basis,
        automatic=setting.strip() not in {b.value for b in Basis},
        findings=findings,
        measures=measures,
        items=len(items),
        total=total_stats(items, key=key),
        units=tuple(unit_stats(items, order=order, key=key)),
        late=tuple(_late(items, key)),
        key=key,
    )

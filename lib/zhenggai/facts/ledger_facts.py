"""One read-only model of what the ledger says on a given day.

:func:`derive` parses every deadline once, classifies every row, counts per
unit, groups rows into categories, findings and measures, and reads the
latest batch's return punctuality; commands that draft or warn (``overdue``,
``bulletin``, ``report``, reminders) read the one :class:`LedgerFacts` instead
of recounting raw cells, so their figures agree.

Example:
    >>> from datetime import date
    >>> from zhenggai.core.ledger import load_ledger
    >>> from zhenggai.core.memory import MemoryMaster
    >>> ledger = load_ledger(MemoryMaster.new([
    ...     {"id": "1", "category": "作风", "problem": "问题", "measure": "措施", "unit": "办公室",
    ...      "deadline": date(2026, 11, 1), "status": "正在整改"},
    ... ]))
    >>> facts = derive(ledger, today=date(2026, 11, 28))
    >>> [(i.id, i.text) for i in facts.overdue], facts.total.rate, facts.measures.measures
    ([('1', '已逾期27天')], 0.0, 1)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..core.ledger import Ledger
from ..core.problems import Problem
from .measures import Category, MeasureStats, group_ledger, measure_stats
from .punctuality import BatchReturns, latest_batch
from .stats import UnitStats, total_stats, unit_stats
from .tiers import ItemTier, Tier, classify

__all__ = ["LedgerFacts", "derive"]


@dataclass(frozen=True)
class LedgerFacts:
    """Everything derived from one ledger on one day.

    Attributes:
        today: the day it was derived for (overdue is judged on it).
        items: every 台账 row's warning tier, in sheet order.
        units: per-unit statistics, best first, ranked.
        total: all units together.
        categories: the rows grouped into categories, findings and measures.
        measures: the counts of the statistics sentence (findings, measures, done …).
        grouping: problems met while grouping (empty texts, statuses outside the vocabulary).
        batch: the latest batch's returns (None when no template was issued).
    """

    today: date
    items: tuple[ItemTier, ...]
    units: tuple[UnitStats, ...]
    total: UnitStats
    categories: tuple[Category, ...]
    measures: MeasureStats
    grouping: tuple[Problem, ...]
    batch: BatchReturns | None

    def by_tier(self, tier: Tier) -> list[ItemTier]:
        """The items of *tier*, in sheet order."""
        return [i for i in self.items if i.tier is tier]

    @property
    def overdue(self) -> list[ItemTier]:
        """Overdue items, most overdue first (sheet order among equals)."""
        return sorted(self.by_tier(Tier.OVERDUE), key=lambda i: -i.overdue_days)

    def overdue_by_unit(self) -> dict[str, list[ItemTier]]:
        """Overdue items per unit, most overdue first, units in the order of their worst item."""
        out: dict[str, list[ItemTier]] = {}
        for item in self.overdue:
            out.setdefault(item.unit, []).append(item)
        return out


def derive(ledger: Ledger, *, today: date) -> LedgerFacts:
    """Derive the facts of *ledger* on *today* (see the module docstring).

    Raises:
        SettingsError: 设置 整改起始日期 is filled but not a date.
    """
    items = classify(ledger, today=today)
    units = unit_stats(items, order=[u.name for u in ledger.units])
    categories, grouping = group_ledger(ledger.table, names={f.key: f.name for f in ledger.spec})
    return LedgerFacts(
        today=today,
        items=tuple(items),
        units=tuple(units),
        total=total_stats(units),
        categories=tuple(categories),
        measures=measure_stats(categories),
        grouping=tuple(grouping),
        batch=latest_batch(ledger, today=today),
    )

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
    >>> [(i.id, i.text) for i in facts.overdue], facts.total.rate, facts.counts.basis.value
    ([('1', '已逾期27天')], 0.0, '按台账事项计')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from ..core.ledger import Ledger
from ..core.problems import Problem
from .evidence import EvidenceFacts, evidence_facts
from .measures import Category, Grouped, grouped
from .punctuality import BatchReturns, latest_batch
from .stats import Counts, UnitStats, count
from .tiers import ItemTier, Tier, classify

__all__ = ["LedgerFacts", "derive"]


@dataclass(frozen=True)
class LedgerFacts:
    """Everything derived from one ledger on one day.

    Attributes:
        today: the day it was derived for (overdue is judged on it).
        items: every 台账 row's warning tier, in sheet order.
        counts: every figure under the one counting rule (设置 统计口径):
            per unit, in total, overdue entries.
        grouping: problems met while grouping (empty texts, statuses outside the vocabulary).
        batch: the latest batch's returns (None when no template was issued).
        evidence: evidence files per item, from the 佐证材料 sheet, and the done items without one.
    """

    today: date
    items: tuple[ItemTier, ...]
    counts: Counts
    grouping: tuple[Problem, ...]
    batch: BatchReturns | None
    evidence: EvidenceFacts = field(default_factory=EvidenceFacts)
    rows: Grouped | None = field(default=None, repr=False, compare=False)

    @cached_property
    def categories(self) -> tuple[Category, ...]:
        """The rows grouped into categories, findings and measures (built when first read:
        only the report reads them, and a province's ledger has 10^5 measures)."""
        return tuple(self.rows.categories()) if self.rows is not None else ()

    @property
    def units(self) -> tuple[UnitStats, ...]:
        """Per-unit statistics under the counting rule, best first, ranked."""
        return self.counts.units

    @property
    def total(self) -> UnitStats:
        """All units together under the counting rule (shared measures once)."""
        return self.counts.total

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
    rows = grouped(ledger.table, names={f.key: f.name for f in ledger.spec})
    keys = rows.keys
    counts = count(
        items,
        measure_key=lambda item: keys[item.row],
        findings=rows.findings,
        setting=ledger.settings.count_basis,
        order=[u.name for u in ledger.units],
    )
    return LedgerFacts(
        today=today,
        items=tuple(items),
        counts=counts,
        grouping=tuple(rows.problems),
        batch=latest_batch(ledger, today=today),
        evidence=evidence_facts(ledger, items),
        rows=rows,
    )

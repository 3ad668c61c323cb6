"""``zhenggai overdue``: 预警 for every row, the 统计 sheet and the 销号 checks.

The tier rules are in :mod:`zhenggai.facts.tiers`, the statistics in
:mod:`zhenggai.facts.stats`, the 销号 checks in :mod:`zhenggai.core.closing`; this
module puts them into one :class:`~zhenggai.core.changes.ChangeSet`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..core import clock
from ..core.changes import ChangeSet, ColumnFills
from ..core.closing import CLOSING_CODES, check_closing, problems_table
from ..core.ledger import Ledger
from ..core.problems import Problem
from ..core.sheets import LEDGER
from ..core.text import canonical, cn_date
from ..facts.evidence import EvidenceFacts
from ..facts.ledger_facts import derive
from ..facts.stats import UnitStats
from ..facts.tiers import ItemTier, Tier, Windows, fill_rules
from .sheet import stats_table

__all__ = ["OverdueResult", "flag_overdue"]


@dataclass
class OverdueResult:
    """What ``zhenggai overdue`` found and wants written.

    Attributes:
        today: the day judged on.
        items: every row's warning.
        units: per-unit statistics in rank order.
        problems: 销号 problems (also written to 校验问题).
        changes: 预警 cells, the 统计 sheet and 校验问题.
        windows: the warning windows used.
        no_warning_column: the 台账 has no 预警 column, so no cell was written.
        evidence: done items without an archived evidence file (None unless 设置
            统计佐证材料 has them counted).
    """

    today: date
    items: list[ItemTier]
    units: list[UnitStats]
    problems: list[Problem]
    changes: ChangeSet = field(default_factory=ChangeSet)
    windows: Windows = field(default_factory=Windows)
    no_warning_column: bool = False
    evidence: EvidenceFacts | None = None

    def by_tier(self, tier: Tier) -> Iterator[ItemTier]:
        return (i for i in self.items if i.tier is tier)

    def counts(self) -> dict[Tier, int]:
        """Items per tier, every tier present."""
        return {t: sum(1 for _ in self.by_tier(t)) for t in Tier}

    def summary(self) -> str:
        """One sentence for the screen and the add-in: "截至2026年11月28日，共 N 条：已逾期 …"."""
        counts, w = self.counts(), self.windows
        unit = "个工作日" if w.workdays else "天"
        return (
            f"截至{cn_date(self.today)}，共 {len(self.items)} 条："
            f"已逾期 {counts[Tier.OVERDUE]} 条，{w.orange}{unit}内到期 {counts[Tier.ORANGE]} 条，"
            f"{w.yellow}{unit}内到期 {counts[Tier.YELLOW]} 条，正常 {counts[Tier.NORMAL]} 条，"
            f"长期坚持 {counts[Tier.ONGOING]} 条，已完成 {counts[Tier.DONE]} 条，"
            f"时限无法识别 {counts[Tier.UNKNOWN]} 条。"
        )

    def evidence_summary(self) -> str:
        """ "已完成的 N 项中，M 项在电子档案中没有佐证材料文件：…" ('' when not counted)."""
        e = self.evidence
        if e is None or not e.done:
            return ""
        if not e.missing:
            return f"已完成的 {e.done} 项都有佐证材料文件。"
        units = "；".join(f"{g.unit} {len(g.items)} 项" for g in e.by_unit())
        return (
            f"已完成的 {e.done} 项中，{len(e.missing)} 项在电子档案中没有佐证材料文件（{units}）。"
        )

    def to_json(self) -> dict[str, Any]:
        """The object ``overdue --json`` prints."""
        return {
            "today": self.today.isoformat(),
            "items": [
                {
                    "id": i.id,
                    "unit": i.unit,
                    "deadline": i.deadline.raw,
                    "due": i.due.isoformat() if i.due else None,
                    "tier": str(i.tier),
                    "days": i.days,
                }
                for i in self.items
            ],
            "units": [
                {
                    "unit": u.unit,
                    "total": u.total,
                    "done": u.done,
                    "overdue": u.overdue,
                    "rate": u.rate,
                }
                for u in self.units
            ],
            "no_evidence": None
            if self.evidence is None
            else [{"id": i.id, "unit": i.unit} for i in self.evidence.missing],
        }


def flag_overdue(ledger: Ledger, *, today: date | None = None) -> OverdueResult:
    """Warn on every row, count per unit and check 销号: the core of ``zhenggai overdue``.

    The changes write each row's 预警 cell (text and fill) where the text
    changes, say the column's fills as rules on its text
    (:func:`zhenggai.facts.tiers.fill_rules`,
    which the add-in writes as conditional formatting), rewrite the 统计 sheet (table and two native charts) and replace
    the 销号 rows of 校验问题 (kept as tracked problems: resolved when no longer found).

    Raises:
        SettingsError: 设置 整改起始日期 is filled but not a date.
    """
    today = today or clock.today()
    facts = derive(ledger, today=today)
    items, units = list(facts.items), list(facts.units)
    problems = list(check_closing(ledger))
    changes = ChangeSet()
    col = ledger.table.columns.get("warning")
    if col is not None:
        # Only cells whose text changes are written: reruns touch few cells, which
        # matters for the add-in (xlwings writes cell by cell) and for big ledgers.
        current = {row.number: canonical(row.raw.get("warning")) for row in ledger.table}
        for item in items:
            if current.get(item.row) != item.text:
                changes.edit(LEDGER, item.row, col, item.text, fill=item.fill)
    windows = Windows.from_settings(ledger.settings)
    if col is not None:
        first = ledger.table.header.row + ledger.table.header.height
        changes.column_fills.append(ColumnFills(LEDGER, col, first, fill_rules(windows)))
    changes.table(stats_table(facts.counts, today=today))
    changes.table(problems_table(ledger, problems, owned=CLOSING_CODES, today=today))
    return OverdueResult(
        today,
        items,
        units,
        problems,
        changes,
        windows,
        no_warning_column=col is None,
        evidence=facts.evidence if facts.evidence.counted else None,
    )

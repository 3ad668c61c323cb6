"""Which items have evidence files in the 电子档案, from the 佐证材料 sheet.

The sheet is kept by ``zhenggai collect`` and ``zhenggai consolidate``
(:mod:`zhenggai.evidence.index`); here it is only read, so the bulletin, the
warnings and the report count the same files. An item "has evidence" when
at least one archived file is linked to its 编号; an item marked 已完成
without one is counted apart (the 佐证材料 column may still describe paper
evidence: what is counted is files).

Whether the documents speak of it is 设置 统计佐证材料: 是, 否, or 自动 (the
default): only when the sheet lists files at all, so an office that keeps no
电子档案 does not read that every item lacks one.

Example:
    >>> from zhenggai.core.memory import MemoryMaster
    >>> from zhenggai.core.ledger import load_ledger
    >>> from zhenggai.facts.tiers import classify
    >>> from datetime import date
    >>> master = MemoryMaster.new([{"id": "1", "unit": "办公室", "status": "已完成"},
    ...                            {"id": "2", "unit": "办公室", "status": "已完成"}])
    >>> master.grids["佐证材料"].append(["2026年11月", "办公室", "1", "纪要.pdf"])
    >>> ledger = load_ledger(master)
    >>> facts = evidence_facts(ledger, classify(ledger, today=date(2026, 11, 28)))
    >>> facts.counted, facts.done, [i.id for i in facts.missing]
    (True, 2, ['2'])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..core.ledger import Ledger, records
from ..core.sheets import EVIDENCE
from ..core.text import cell_text
from .tiers import ItemTier, Tier

__all__ = ["EvidenceFacts", "UnitMissing", "evidence_facts"]

DONE = "已完成"


@dataclass(frozen=True)
class UnitMissing:
    """One unit's items marked 已完成 without an evidence file."""

    unit: str
    items: tuple[ItemTier, ...]

    @property
    def ids(self) -> list[str]:
        return [i.id for i in self.items]


@dataclass(frozen=True)
class EvidenceFacts:
    """Evidence files per item and the done items without any.

    Attributes:
        files: 编号 -> names of the files linked to it, in sheet order.
        archived: files the 佐证材料 sheet lists (linked or not).
        counted: the documents speak of evidence (设置 统计佐证材料).
        done: items marked 已完成.
        missing: those of them without a file, in ledger order.
    """

    files: dict[str, tuple[str, ...]] = field(default_factory=dict)
    archived: int = 0
    counted: bool = False
    done: int = 0
    missing: tuple[ItemTier, ...] = ()

    def by_unit(self) -> list[UnitMissing]:
        """*missing* per unit, units with most first (then ledger order)."""
        groups: dict[str, list[ItemTier]] = {}
        for item in self.missing:
            groups.setdefault(item.unit, []).append(item)
        ordered = sorted(groups.items(), key=lambda g: -len(g[1]))
        return [UnitMissing(unit, tuple(items)) for unit, items in ordered]


def evidence_facts(ledger: Ledger, items: Sequence[ItemTier]) -> EvidenceFacts:
    """The evidence facts of *ledger*, whose rows classified are *items*."""
    files: dict[str, list[str]] = {}
    archived = 0
    for rec in records(ledger.grid(EVIDENCE.name), EVIDENCE):
        name = cell_text(rec.get("文件"))
        if not name:
            continue
        archived += 1
        for rid in cell_text(rec.get("编号")).split("、"):
            if rid.strip():
                files.setdefault(rid.strip(), []).append(name)
    setting = ledger.settings.count_evidence
    counted = setting == "是" or (setting == "自动" and archived > 0)
    done = [i for i in items if i.tier is Tier.DONE or i.status == DONE]
    missing = tuple(i for i in done if i.id not in files)
    return EvidenceFacts(
        {k: tuple(v) for k, v in files.items()}, archived, counted, len(done), missing
    )

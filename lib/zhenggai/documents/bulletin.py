"""The 督查通报 draft: returns of the latest batch, progress, overdue items, demands.

The wording lives in ``wording/bulletin.j2`` (or the file named in 设置
通报模板), rendered by :mod:`zhenggai.documents.wording` like the report's, so the
office can change it without code. The draft is a
:class:`~zhenggai.documents.document.Document`: written to the 通报草稿 sheet (one
paragraph per row) and, by the CLI, to a GB/T 9704 .docx.

The 学习强国 section comes from the latest 学习积分 period
(:func:`zhenggai.study.notice.study_paragraph`, imported by ``zhenggai
study``); the template leaves the section out when there is none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..core.changes import ChangeSet, SheetTable
from ..core.ledger import Ledger
from ..core.sheets import BULLETIN
from ..core.text import cn_date
from ..overdue.stats import UnitStats, total_stats, unit_stats
from ..overdue.tiers import ItemTier, Tier, classify
from ..study.notice import study_paragraph
from .document import Document, ParaKind
from .measures import group_ledger, measure_stats
from .punctuality import BatchReturns, latest_batch
from .wording import Wording, configured_template, flatten, render_paragraphs

__all__ = ["BulletinResult", "OverdueGroup", "bulletin_table", "draft_bulletin", "overdue_groups"]

TEMPLATE = "bulletin.j2"
TITLE = "关于督查反馈问题整改进展情况的通报"
RECIPIENT = "各责任单位："
_WIDTH = 110  # the 通报草稿 column, in Excel character units


@dataclass
class BulletinResult:
    """A drafted bulletin and what it was drawn from.

    Attributes:
        document: the draft.
        batch: returns of the latest batch (None when nothing was issued yet).
        units: per-unit statistics in rank order.
        overdue: overdue items, most overdue first.
        changes: the 通报草稿 sheet.
    """

    document: Document
    batch: BatchReturns | None
    units: list[UnitStats]
    overdue: list[ItemTier]
    changes: ChangeSet = field(default_factory=ChangeSet)


@dataclass(frozen=True)
class OverdueGroup:
    """One unit's overdue items, most overdue first."""

    unit: str
    items: list[ItemTier]


def overdue_groups(overdue: Sequence[ItemTier]) -> list[OverdueGroup]:
    """Overdue items by unit: units with most overdue items first, then the longest delay."""
    by_unit: dict[str, list[ItemTier]] = {}
    for item in sorted(overdue, key=lambda i: -i.overdue_days):
        by_unit.setdefault(item.unit, []).append(item)
    groups = [OverdueGroup(unit, items) for unit, items in by_unit.items()]
    groups.sort(key=lambda g: (-len(g.items), -g.items[0].overdue_days))
    return groups


def bulletin_table(document: Document) -> SheetTable:
    """The 通报草稿 sheet: the title on top, then one paragraph per row in a wide wrapped column."""
    rows: list[list[Any]] = [[p.text] for p in document.paras]
    return SheetTable(BULLETIN.name, [], rows, widths={1: _WIDTH}, wrap={1}, title=document.title)


def bulletin_template(ledger: Ledger) -> Wording:
    """设置“通报模板” (relative to the master's folder) or the built-in wording.

    Raises:
        TemplateError: 设置 names a file that does not exist.
    """
    return configured_template(
        ledger.folder, ledger.settings.bulletin_template, builtin=TEMPLATE, origin="设置“通报模板”"
    )


def _study(ledger: Ledger, today: date) -> list[str]:
    paragraph = study_paragraph(ledger, until=today)
    return [paragraph] if paragraph else []


def draft_bulletin(
    ledger: Ledger, *, today: date | None = None, study: Sequence[str] | None = None
) -> BulletinResult:
    """Draft the 督查通报 from the master: the core of ``zhenggai bulletin``.

    Args:
        ledger: the master.
        today: the bulletin's date and the day overdue is judged on (default today).
        study: paragraphs on study activity (学习强国); the section is left out when empty.
            Default: the paragraph of the latest 学习积分 period up to *today*
            (:func:`~zhenggai.study.notice.study_paragraph`), if any was imported.

    Raises:
        SettingsError: 设置 整改起始日期 is not a date.
        TemplateError: the 通报模板 cannot be read or rendered.
    """
    today = today or date.today()
    settings = ledger.settings
    items = classify(ledger, today=today)
    units = unit_stats(items, order=[u.name for u in ledger.units])
    overdue = sorted((i for i in items if i.tier is Tier.OVERDUE), key=lambda i: -i.overdue_days)
    batch = latest_batch(ledger, today=today)
    context: dict[str, Any] = {
        "today": today,
        "notice": flatten(settings.notice),
        "batch": batch,
        "deadline_passed": batch is not None and batch.due is not None and today > batch.due,
        "total": total_stats(units),
        # the same count as the report's statistics sentence, so the two documents agree
        "measures": measure_stats(group_ledger(ledger.table)[0]),
        "units": units,
        "zero_units": [u.unit for u in units if u.done == 0],
        "overdue_groups": overdue_groups(overdue),
        "overdue_count": len(overdue),
        "due_soon": [i for i in items if i.tier is Tier.ORANGE],
        "orange_days": settings.warn_orange_days,
        "day_unit": "个工作日" if settings.day_count == "工作日" else "天",
        "study": list(study) if study is not None else _study(ledger, today),
    }
    document = Document(TITLE)
    document.add(ParaKind.RECIPIENT, RECIPIENT)
    document.paras += render_paragraphs(bulletin_template(ledger), context)
    if settings.issuer.strip():
        document.add(ParaKind.SIGNATURE, flatten(settings.issuer))
    document.add(ParaKind.DATE, cn_date(today))
    changes = ChangeSet()
    changes.table(bulletin_table(document))
    return BulletinResult(document, batch, units, overdue, changes)

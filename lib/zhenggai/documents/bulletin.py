"""The 督查通报 draft: returns of the latest batch, progress, overdue items, demands.

The wording lives in ``wording/bulletin.j2`` (or the file named in 设置
通报模板, or ``--template``), rendered by :mod:`zhenggai.documents.wording`
like the report's, so the office can change it without code; the title,
主送, 落款 and the 公文 parts come from 设置. The draft is a
:class:`~zhenggai.documents.document.Document`: written to the 通报草稿 sheet
(one paragraph per row) and, by the CLI, to a GB/T 9704 .docx.

Every count is under the document's one counting rule (设置 统计口径,
:class:`~zhenggai.documents.figures.Figures`); every date in prose is written
2026年11月30日, and a deadline as the day it falls on, or as written where no
day can be read. The 学习强国 section is worded by the template from the
latest 学习积分 period (:mod:`zhenggai.documents.study_part`); the template
leaves it out when there is none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..core import clock
from ..core.changes import ChangeSet, SheetTable
from ..core.ledger import Ledger
from ..core.problems import Problem
from ..core.sheets import BULLETIN
from ..core.text import cn_date, flatten
from ..facts.ledger_facts import LedgerFacts, derive
from ..facts.punctuality import BatchReturns
from ..facts.stats import UnitStats
from ..facts.tiers import ItemTier, Tier
from ..mail.plan import deadline_words
from .document import Document, ParaKind
from .figures import Figures, LateLine, late_lines
from .parts import Parts, attach_parts, drafted_at, placeholder_problems
from .phrases import short_name, unit_list
from .study_part import study_part
from .wording import Wording, configured_template, render_paragraphs

__all__ = [
    "BulletinResult",
    "OverdueGroup",
    "bulletin_context",
    "bulletin_table",
    "bulletin_template",
    "draft_bulletin",
]

TEMPLATE = "bulletin.j2"
_WIDTH = 110  # the 通报草稿 column, in Excel character units
# settings a bulletin writes: checked for placeholders (××) before it is written
BULLETIN_SETTINGS = (
    "通报标题",
    "通报主送",
    "通知名称",
    "通报落款",
    "通报发文机关标志",
    "通报发文字号",
    "通报抄送",
    "印发机关",
    "通报附件",
    "文档作者",
)


@dataclass
class BulletinResult:
    """A drafted bulletin and what it was drawn from.

    Attributes:
        document: the draft.
        batch: returns of the latest batch (None when nothing was issued yet).
        units: per-unit statistics in rank order, under the counting rule.
        overdue: overdue items (ledger rows), most overdue first.
        stats: every figure of the draft, under its counting rule.
        problems: placeholders left in 设置.
        changes: the 通报草稿 sheet.
    """

    document: Document
    batch: BatchReturns | None
    units: list[UnitStats]
    overdue: list[ItemTier]
    stats: Figures | None = None
    problems: list[Problem] = field(default_factory=list)
    changes: ChangeSet = field(default_factory=ChangeSet)


@dataclass(frozen=True)
class OverdueGroup:
    """One unit's overdue entries (measures or items, by the rule), most overdue first."""

    unit: str
    items: list[LateLine]


@dataclass(frozen=True)
class SoonLine:
    """An entry due within the orange window: its units, name, deadline and days left."""

    units: str
    name: str
    ids: tuple[str, ...]
    deadline: str
    days: int


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


def _due_soon(facts: LedgerFacts) -> list[SoonLine]:
    """Entries due within the orange window, soonest first, counted under the rule."""
    lines = []
    for rows in facts.counts.entries(facts.by_tier(Tier.ORANGE)):
        first = min(rows, key=lambda i: i.days or 0)
        lines.append(
            SoonLine(
                unit_list([r.unit for r in rows]),
                short_name(first.measure),
                tuple(r.id for r in rows),
                deadline_words(first.deadline),
                first.days or 0,
            )
        )
    return sorted(lines, key=lambda s: s.days)


def _batch(facts: LedgerFacts, today: date) -> BatchReturns | None:
    """The latest batch, unless it was issued after the bulletin's day (then none yet)."""
    batch = facts.batch
    if batch is not None and batch.issued is not None and batch.issued > today:
        return None
    return batch


def bulletin_context(ledger: Ledger, facts: LedgerFacts, *, today: date) -> dict[str, Any]:
    """The variables a bulletin template sees (listed at the top of ``bulletin.j2``)."""
    settings = ledger.settings
    batch = _batch(facts, today)
    stats = Figures.of(facts.counts)
    by_unit = facts.counts.late_by_unit()
    return {
        "today": today,
        "notice": flatten(settings.notice),
        "batch": batch,
        "batch_due": cn_date(batch.due) if batch is not None and batch.due else "",
        "deadline_passed": batch is not None and batch.due is not None and today > batch.due,
        "stats": stats,
        "units": list(facts.units),
        "zero_units": [u.unit for u in facts.units if u.done == 0],
        "late": late_lines(facts.counts.late),
        "overdue_groups": [OverdueGroup(u, late_lines(e)) for u, e in by_unit.items()],
        "late_units": list(by_unit),
        "due_soon": _due_soon(facts),
        "orange_days": settings.warn_orange_days,
        "day_unit": "个工作日" if settings.day_count == "工作日" else "天",
        "study": study_part(ledger, until=today),
        "study_paragraphs": [],
        # 设置 统计佐证材料: done items without an archived evidence file (None: not spoken of)
        "evidence": facts.evidence if facts.evidence.counted else None,
        # the names of earlier versions, for offices' own templates
        "overdue_count": stats.overdue,
        "measures": stats,
        "total": facts.total,
    }


def draft_bulletin(
    ledger: Ledger,
    *,
    today: date | None = None,
    study: Sequence[str] | None = None,
    wording: Wording | None = None,
) -> BulletinResult:
    """Draft the 督查通报 from the master: the core of ``zhenggai bulletin``.

    Args:
        ledger: the master.
        today: the bulletin's date and the day overdue is judged on (default today).
        study: paragraphs on study activity (学习强国) to use instead of the
            template's own; an empty sequence leaves the section out.
        wording: the template (default: :func:`bulletin_template`).

    Raises:
        SettingsError: 设置 整改起始日期 is not a date.
        TemplateError: the 通报模板 cannot be read or rendered.
    """
    now = clock.now()
    today = today or now.date()
    settings = ledger.settings
    facts = derive(ledger, today=today)
    context = bulletin_context(ledger, facts, today=today)
    if study is not None:
        context["study"] = None
        context["study_paragraphs"] = list(study)
    document = Document(flatten(settings.bulletin_title))
    recipient = flatten(settings.bulletin_recipient).rstrip("：:")
    if recipient:
        document.add(ParaKind.RECIPIENT, f"{recipient}：")
    document.paras += render_paragraphs(wording or bulletin_template(ledger), context)
    issuer = flatten(settings.bulletin_issuer) or flatten(settings.issuer)
    if issuer:
        document.add(ParaKind.SIGNATURE, issuer)
    document.add(ParaKind.DATE, cn_date(today))
    parts = Parts(
        mark=settings.bulletin_mark,
        number=settings.bulletin_number,
        cc=settings.bulletin_cc,
        printer=settings.printer,
        printed=settings.print_date,
        attachments=settings.bulletin_attachments,
        author=settings.author or issuer,
        subject=settings.notice,
    )
    attach_parts(document, parts, date_text=cn_date(today), now=drafted_at(now, today))
    names = [*BULLETIN_SETTINGS, *(() if settings.bulletin_issuer.strip() else ("落款",))]
    changes = ChangeSet()
    changes.table(bulletin_table(document))
    return BulletinResult(
        document,
        context["batch"],
        list(facts.units),
        facts.overdue,
        context["stats"],
        placeholder_problems(ledger, names),
        changes,
    )
